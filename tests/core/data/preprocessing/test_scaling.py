"""Tests of core.data.preprocessing.scaling: mean cancellation, standardize, min-max."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import preprocessing as pp
from core.data.preprocessing import MinMax, Standardize
from tests.core.data.preprocessing.helpers import ALL_NAMES


def test_mean_cancellation(X_train):
    Y = pp.create("mean_cancellation").fit_transform(X_train)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-11)
    np.testing.assert_allclose(Y.std(axis=0), X_train.std(axis=0), rtol=1e-12)


def test_standardize_mean_0_std_1(X_train):
    Y = Standardize().fit_transform(X_train)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.std(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0), [-1, 1], (2, 5)])
def test_min_max_range(feature_range, X_train):
    low, high = feature_range
    Y = MinMax(feature_range=feature_range).fit_transform(X_train)
    np.testing.assert_allclose(Y.min(axis=0), low, atol=1e-12)
    np.testing.assert_allclose(Y.max(axis=0), high, atol=1e-12)
    assert MinMax(feature_range=feature_range).get_config() == {
        "name": "min_max",
        "feature_range": [float(low), float(high)],
    }


@pytest.mark.parametrize("bad", [(1, 0), (0, 0), (0, float("inf")), (0,), 3, ("a", "b")])
def test_min_max_bad_range(bad):
    with pytest.raises(ValueError, match="feature_range"):
        MinMax(feature_range=bad)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_constant_column_gives_no_nan(name):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    X[:, 1] = 0.1  # constant feature (0.1 is not exact in binary)
    kwargs = {"eps": 1e-8} if "whitening" in name else {}
    p = pp.create(name, **kwargs).fit(X)
    Y = p.transform(X)
    assert np.all(np.isfinite(Y))
    if name in ("mean_cancellation", "standardize"):
        assert np.all(Y[:, 1] == 0.0)
    if name == "min_max":
        assert np.all(Y[:, 1] == 0.0)  # maps to the low end of the range
    np.testing.assert_allclose(p.inverse_transform(Y), X, atol=1e-10)


def test_standardize_constant_column_scale_is_one():
    X = np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]])
    s = Standardize().fit(X)
    np.testing.assert_array_equal(s.scale[1], 1.0)
    np.testing.assert_array_equal(s.transform([[0.0, 9.0]])[0, 1], 2.0)


def test_standardize_exposes_copies_of_its_statistics(X_train):
    s = Standardize()
    assert s.mean is None and s.scale is None
    s.fit(X_train)
    np.testing.assert_allclose(s.mean, X_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(s.scale, X_train.std(axis=0), rtol=1e-12)
    before = s.transform(X_train)
    s.mean[...] = 0.0  # a copy: the fitted step is untouched
    s.scale[...] = 5.0
    np.testing.assert_array_equal(s.transform(X_train), before)
