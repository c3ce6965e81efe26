"""TensorBoard's smoothing: the debiased EMA, against its definition written as a loop."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.train.smoothing import ema


def tensorboard(values, weight):
    """resmoothDataset of TensorBoard's vz_line_chart2, line by line."""
    last, num_accum, out = 0.0, 0, []
    constant = all(v == values[0] for v in values)
    for v in values:
        if constant or not math.isfinite(v):
            out.append(v)
            continue
        last = last * weight + (1 - weight) * v
        num_accum += 1
        debias = 1.0 - weight ** num_accum if weight != 1 else 1.0
        out.append(last / debias)
    return np.array(out, dtype=np.float64)


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.6, 0.9, 0.99, 0.999, 1.0])
def test_ema_is_tensorboards_smoothing(weight):
    rng = np.random.default_rng(3)
    y = np.exp(-np.linspace(0, 4, 500)) + rng.normal(0, 0.05, 500)
    y[[7, 100, 101, 300]] = [np.nan, np.inf, -np.inf, np.nan]
    got = ema(y, weight)
    want = tensorboard(y.tolist(), weight)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0, equal_nan=True)
    assert np.array_equal(np.isnan(got), np.isnan(y))  # non-finite values pass through
    assert got[100] == np.inf and got[101] == -np.inf


def test_debiasing_makes_the_first_value_exact_and_a_step_converge():
    y = np.r_[np.full(50, 2.0), np.full(400, 1.0)]
    s = ema(y, 0.9)
    assert s[0] == 2.0  # without debiasing it would be 0.2
    assert np.allclose(s[:50], 2.0)  # a constant start stays put
    assert abs(s[-1] - 1.0) < 1e-12 and np.all(np.diff(s[50:]) <= 0) and s[60] < s[51] < 2.0


def test_weight_zero_is_the_identity_and_constants_are_kept():
    y = np.array([3.0, 1.0, 2.0])
    assert np.array_equal(ema(y, 0.0), y)
    assert np.array_equal(ema(np.full(5, 0.7), 0.95), np.full(5, 0.7))
    assert ema([], 0.5).size == 0
    assert np.array_equal(ema([np.nan, np.nan], 0.5), [np.nan, np.nan], equal_nan=True)


@pytest.mark.parametrize("weight", [-0.1, 1.5, float("nan")])
def test_a_weight_outside_zero_one_is_refused(weight):
    with pytest.raises(ValueError, match="smoothing weight"):
        ema([1.0, 2.0], weight)


def test_only_one_dimensional_series():
    with pytest.raises(ValueError, match="1-D"):
        ema(np.ones((2, 2)), 0.5)
