"""``core.train.snapshot.histogram`` keeps the values' own scale: gradients of 1e-19
get bins of 1e-19, not a unit range (issue 11, honest scales)."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.snapshot import HIST_BINS, histogram


@pytest.mark.parametrize("scale", [1e-19, 1e-9, 1.0, 1e6])
def test_tiny_and_large_values_are_binned_over_their_own_range(scale):
    values = np.random.default_rng(0).normal(size=500) * scale
    h = histogram(values)
    assert h.edges[0] == values.min() and h.edges[-1] == values.max()
    counts, _ = np.histogram(values, bins=HIST_BINS, range=(values.min(), values.max()))
    np.testing.assert_array_equal(h.counts, counts)


@pytest.mark.parametrize("value", [0.0, 3.0, -2e-18])
def test_a_constant_gets_a_narrow_range_around_itself(value):
    h = histogram(np.full(7, value))
    assert h.edges[0] < value < h.edges[-1]
    assert h.edges[-1] - h.edges[0] <= max(1e-6 * abs(value), 2e-300) * 1.0001
    assert np.all(np.diff(h.edges) > 0) and h.counts.sum() == 7


def test_values_equal_to_a_few_ulps_still_get_increasing_bins():
    h = histogram(np.array([1.0, np.nextafter(1.0, 2.0)]))
    assert np.all(np.diff(h.edges) > 0) and h.counts.sum() == 2


def test_nothing_finite_gives_empty_counts_on_minus_one_to_one():
    h = histogram(np.array([np.nan, np.inf]))
    assert h.counts.sum() == 0 and (h.edges[0], h.edges[-1]) == (-1.0, 1.0)
