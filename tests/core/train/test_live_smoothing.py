"""``LiveEma`` (the live plots' smoothing of a growing history) equals ``ema`` of the
whole series, column by column, whatever the chunks, gaps and restarts."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.live_smoothing import LiveEma
from core.train.smoothing import ema


def reference(y: np.ndarray, w: float) -> np.ndarray:
    return np.column_stack([ema(y[:, j], w) for j in range(y.shape[1])])


@pytest.mark.parametrize("w", [0.0, 0.3, 0.6, 0.99])
def test_growing_in_chunks_with_gaps_equals_ema_of_the_whole(w):
    rng = np.random.default_rng(1)
    y = rng.lognormal(size=(500, 4))
    y[rng.random(y.shape) < 0.05] = np.nan  # non-finite values pass through, uncounted
    y[:40, 2] = np.nan  # a column that starts late
    steps = np.arange(1, 501)
    live = LiveEma()
    assert live.smooth(steps[:0], y[:0], w).shape == (0, 4)  # a run at step 0
    for end in (1, 2, 17, 18, 120, 300, 301, 500):
        got = live.smooth(steps[:end], y[:end], w)
        np.testing.assert_allclose(got, reference(y[:end], w), rtol=1e-12, atol=0)
    one = LiveEma()
    for end in (5, 50, 500):
        np.testing.assert_allclose(one.smooth(steps[:end], y[:end, 0], w),
                                   ema(y[:end, 0], w), rtol=1e-12)


def test_other_rows_or_another_weight_start_over():
    rng = np.random.default_rng(2)
    y = rng.normal(size=(300, 2)) + 5
    live = LiveEma()
    live.smooth(np.arange(300), y, 0.6)
    # The history halved (every other row kept): the keys differ, so it starts over.
    np.testing.assert_allclose(live.smooth(np.arange(0, 300, 2), y[::2], 0.6),
                               reference(y[::2], 0.6), rtol=1e-12)
    np.testing.assert_allclose(live.smooth(np.arange(0, 300, 2), y[::2], 0.9),
                               reference(y[::2], 0.9), rtol=1e-12)
    # A new run, reset: other values, possibly under the same keys.
    z = y + 1
    live.reset()
    np.testing.assert_allclose(live.smooth(np.arange(0, 300, 2), z[::2], 0.9),
                               reference(z[::2], 0.9), rtol=1e-12)


def test_a_constant_series_stays_constant():
    live = LiveEma()
    c = np.full((10, 1), 0.25)
    live.smooth(np.arange(10), c, 0.8)
    more = np.full((30, 1), 0.25)
    np.testing.assert_allclose(live.smooth(np.arange(30), more, 0.8), more, rtol=1e-12)
