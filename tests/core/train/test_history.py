"""Bounded metric history: decimation keeps memory fixed and survives a save."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.history import Series


def test_decimation_keeps_capacity_and_an_even_stride():
    s = Series({"step": 1, "v": 2}, capacity=8)
    for i in range(1, 101):
        s.append(step=i, v=[i, -i])
    steps = s.column("step")
    assert s.size <= 8 and steps[0] == 1
    assert np.all(np.diff(steps) == s.stride)  # evenly thinned, oldest point kept
    np.testing.assert_array_equal(s.column("v")[:, 1], -steps)


def test_state_round_trip_continues_identically():
    a = Series({"x": 1}, capacity=6)
    for i in range(23):
        a.append(x=i)
    meta, arrays = a.state_dict("h")
    b = Series({"x": 1}, capacity=6)
    b.load_state_dict("h", meta, arrays)
    for i in range(23, 50):
        a.append(x=i)
        b.append(x=i)
    np.testing.assert_array_equal(a.column("x"), b.column("x"))


def test_mismatched_state_is_refused():
    a = Series({"x": 1}, capacity=6)
    meta, arrays = a.state_dict("h")
    with pytest.raises(ValueError, match="columns"):
        Series({"y": 1}, capacity=6).load_state_dict("h", meta, arrays)
