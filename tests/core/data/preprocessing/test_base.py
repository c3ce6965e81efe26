"""Tests of core.data.preprocessing.base: the registry, fit on one array, the input checks."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import preprocessing as pp
from core.data.preprocessing import (
    PREPROCESSORS,
    MinMax,
    Preprocessor,
    Standardize,
    ZCAWhitening,
)
from tests.core.data.preprocessing.helpers import ALL_NAMES, D, reference_eig

# --------------------------------------------------------------------------- registry


def test_registry_lists_every_step():
    assert PREPROCESSORS.names() == ALL_NAMES
    for name in ALL_NAMES:
        cls = PREPROCESSORS.get(name)
        assert issubclass(cls, Preprocessor)
        assert cls.name == name
        assert cls.describe and "\n" not in cls.describe
        assert cls.__doc__


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown preprocessor 'whiten'.*zca_whitening"):
        pp.create("whiten")


# --------------------------------------------------------------------------- fit on A only


@pytest.mark.parametrize("name", ALL_NAMES)
def test_statistics_come_from_the_fitting_array_only(name, X_train, X_other):
    p = pp.create(name).fit(X_train)
    out = p.transform(X_other)
    # fitting on the other array gives a different map
    assert not np.allclose(out, pp.create(name).fit(X_other).transform(X_other))
    # and transforming X_other does not change the fitted statistics
    again = p.transform(X_train)
    np.testing.assert_array_equal(again, pp.create(name).fit(X_train).transform(X_train))


def test_fit_on_a_transform_b_uses_a_statistics(X_train, X_other):
    muA, sdA = X_train.mean(axis=0), X_train.std(axis=0)
    np.testing.assert_allclose(
        pp.create("mean_cancellation").fit(X_train).transform(X_other), X_other - muA, rtol=1e-12
    )
    np.testing.assert_allclose(
        Standardize().fit(X_train).transform(X_other), (X_other - muA) / sdA, rtol=1e-10
    )
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    np.testing.assert_allclose(
        MinMax().fit(X_train).transform(X_other), (X_other - lo) / (hi - lo), rtol=1e-10
    )
    mu, lam, U = reference_eig(X_train)
    W = U @ np.diag(1 / np.sqrt(lam + 1e-4)) @ U.T
    np.testing.assert_allclose(
        ZCAWhitening(eps=1e-4).fit(X_train).transform(X_other), (X_other - mu) @ W, rtol=1e-7
    )


# --------------------------------------------------------------------------- inverse and copies


@pytest.mark.parametrize("name", ALL_NAMES)
def test_inverse_round_trip(name, X_train, X_other):
    for kwargs in ({}, {"eps": 1e-3}) if "whitening" in name else ({},):
        p = pp.create(name, **kwargs).fit(X_train)
        for X in (X_train, X_other):
            np.testing.assert_allclose(p.inverse_transform(p.transform(X)), X, rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_returns_new_array_and_keeps_input(name, X_train):
    X = X_train.copy()
    p = pp.create(name).fit(X)
    Y = p.transform(X)
    assert Y is not X and not np.shares_memory(Y, X)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(X, X_train)


def test_integer_and_list_input_is_converted():
    X = [[1, 2], [3, 5], [4, 9]]
    Y = Standardize().fit_transform(X)
    assert Y.dtype == np.float64
    np.testing.assert_allclose(Y.std(axis=0), 1.0)


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_before_fit(name):
    p = pp.create(name)
    assert not p.is_fitted and p.n_features is None
    with pytest.raises(ValueError, match="not fitted"):
        p.transform(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        p.inverse_transform(np.zeros((3, 2)))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_wrong_column_count(name, X_train):
    p = pp.create(name).fit(X_train)
    with pytest.raises(ValueError, match="expected 5 feature column.*got 3"):
        p.transform(X_train[:, :3])
    with pytest.raises(ValueError, match="expected 5 feature column.*got 6"):
        p.inverse_transform(np.zeros((2, 6)))


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_non_finite_input(name, bad_value, X_train):
    X = X_train.copy()
    X[3, 2] = bad_value
    with pytest.raises(ValueError, match="non-finite"):
        pp.create(name).fit(X)
    p = pp.create(name).fit(X_train)
    with pytest.raises(ValueError, match="non-finite"):
        p.transform(X)
    with pytest.raises(ValueError, match="non-finite"):
        p.inverse_transform(X)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros(5), "2-D"),
        (np.zeros((2, 2, 2)), "2-D"),
        (np.zeros((0, 3)), "at least one sample"),
        ([["a", "b"]], "not a numeric array"),
        (np.ones((2, 2), dtype=complex), "complex"),
    ],
)
def test_bad_fit_input(X, match):
    with pytest.raises(ValueError, match=match):
        Standardize().fit(X)


def test_transform_of_zero_rows_is_allowed(X_train):
    p = ZCAWhitening().fit(X_train)
    assert p.transform(np.zeros((0, D))).shape == (0, D)
