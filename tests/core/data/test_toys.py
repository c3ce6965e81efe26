"""Tests of core.data.toys: the generated classification toys, regressions, correlated Gaussian."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.dataset import Dataset, load_dataset
from tests.core.data.test_dataset import EXPECTED, TOYS


@pytest.mark.parametrize("name", TOYS)
def test_toy_shapes_dtypes_task(name):
    task, k, d = EXPECTED[name]
    ds = load_dataset(name, n_samples=101, noise=0.1, seed=3)
    assert isinstance(ds, Dataset)
    assert ds.name == name
    assert ds.X.shape == (101, d) and ds.X.dtype == np.float64
    assert ds.task == task and ds.n_classes == k
    assert len(ds.feature_names) == d
    assert np.all(np.isfinite(ds.X))
    if task == "regression":
        assert ds.y.shape == (101, 1) and ds.y.dtype == np.float64
        assert ds.class_names == ()
    else:
        assert ds.y.shape == (101,) and ds.y.dtype == np.int64
        counts = np.bincount(ds.y, minlength=k)
        assert len(counts) == k
        assert counts.max() - counts.min() <= 1 or name == "xor"  # balanced by design
        assert counts.min() > 0
        assert len(ds.class_names) == k


@pytest.mark.parametrize("name", TOYS)
def test_toy_deterministic_for_seed_and_varies_with_seed(name):
    a = load_dataset(name, n_samples=80, noise=0.1, seed=7)
    b = load_dataset(name, n_samples=80, noise=0.1, rng=np.random.default_rng(7))
    c = load_dataset(name, n_samples=80, noise=0.1, seed=8)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", TOYS)
def test_toy_noise_changes_the_data(name):
    clean = load_dataset(name, n_samples=80, noise=0.0, seed=1)
    noisy = load_dataset(name, n_samples=80, noise=0.2, seed=1)
    if clean.task == "regression":
        assert not np.allclose(clean.y, noisy.y)
    else:
        assert not np.allclose(np.sort(clean.X, axis=0), np.sort(noisy.X, axis=0))


def test_circle_labels_follow_radius():
    ds = load_dataset("circle", n_samples=400, noise=0.0, seed=0)
    r = np.hypot(ds.X[:, 0], ds.X[:, 1])
    assert r[ds.y == 0].max() < r[ds.y == 1].min()
    assert r[ds.y == 0].max() <= 0.5 and r[ds.y == 1].min() >= 0.8
    assert ds.class_names == ("inner", "outer")


def test_xor_labels_follow_sign_of_product():
    ds = load_dataset("xor", n_samples=400, noise=0.0, seed=0)
    prod = ds.X[:, 0] * ds.X[:, 1]
    assert np.array_equal(ds.y, (prod < 0).astype(np.int64))
    assert np.abs(ds.X).min() >= 0.05 and np.abs(ds.X).max() <= 1.0
    # all four quadrants are populated
    quadrants = {(a, b) for a, b in np.sign(ds.X).astype(int)}
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_blobs_and_spiral_class_options():
    b5 = load_dataset("blobs", n_samples=100, seed=0, n_classes=5)
    assert b5.task == "multiclass" and b5.n_classes == 5
    assert np.array_equal(np.bincount(b5.y), [20] * 5)
    # clean blobs: each point is nearest to its own class mean
    clean = load_dataset("blobs", n_samples=300, noise=0.0, seed=0)
    means = np.stack([clean.X[clean.y == k].mean(0) for k in range(3)])
    nearest = np.argmin(((clean.X[:, None] - means[None]) ** 2).sum(-1), axis=1)
    assert np.mean(nearest == clean.y) > 0.95
    b2 = load_dataset("blobs", n_samples=20, seed=0, n_classes=2)
    assert b2.task == "binary" and b2.n_classes == 2
    s3 = load_dataset("spiral", n_samples=90, seed=0, n_classes=3)
    assert s3.task == "multiclass" and s3.n_classes == 3
    assert np.array_equal(np.bincount(s3.y), [30, 30, 30])
    # the arms interleave: radius grows with the angle along each arm
    s = load_dataset("spiral", n_samples=200, noise=0.0, seed=0)
    r = np.hypot(*s.X.T)
    assert 0.04 < r.min() and r.max() <= 1.0 + 1e-12


def test_moons_shape_of_clean_data():
    ds = load_dataset("moons", n_samples=200, noise=0.0, seed=0)
    upper = ds.X[ds.y == 0] + np.array([0.5, 0.25])
    lower = ds.X[ds.y == 1] + np.array([0.5, 0.25])
    assert np.allclose(np.hypot(*upper.T), 1.0)
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def test_regression_toys_follow_their_formula_without_noise():
    r1 = load_dataset("regression_1d", n_samples=50, noise=0.0, seed=0)
    x = r1.X[:, 0]
    assert np.allclose(r1.y[:, 0], np.sin(3 * x) * np.exp(-(x**2) / 4))
    assert x.min() >= -2 and x.max() <= 2
    r2 = load_dataset("regression_2d", n_samples=50, noise=0.0, seed=0)
    x1, x2 = r2.X.T
    assert np.allclose(r2.y[:, 0], np.sin(1.5 * x1) * np.cos(1.5 * x2) + 0.1 * x1 * x2)


def test_correlated_gaussian_is_correlated_scaled_and_separable():
    ds = load_dataset("correlated_gaussian", n_samples=2000, noise=0.0, seed=0)
    corr = np.corrcoef(ds.X.T)[0, 1]
    assert abs(corr) > 0.8
    std = ds.X.std(axis=0)
    assert std.max() / std.min() > 5  # different scales
    assert np.all(np.abs(ds.X.mean(axis=0)) > std)  # off-centre: mean cancellation matters
    # separable along the minor direction of the standardized cloud: a linear rule on
    # (z2 - z1) classifies well although each feature alone does not
    z = (ds.X - ds.X.mean(0)) / std
    proj = z[:, 1] - z[:, 0]
    assert np.mean((proj > 0) == (ds.y == 1)) > 0.95
    assert np.mean((z[:, 0] < 0) == (ds.y == 1)) < 0.75
    hd = load_dataset("correlated_gaussian", n_samples=500, seed=0, dim=6)
    assert hd.X.shape == (500, 6) and len(hd.feature_names) == 6
    c = np.corrcoef(hd.X.T)
    assert np.all(np.abs(c[np.triu_indices(6, 1)]) > 0.7)
