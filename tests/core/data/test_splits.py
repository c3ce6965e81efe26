"""Tests of core.data.splits: the stratified train/validation split and the difficulty score."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.data.dataset import Dataset, load_dataset
from core.data.splits import difficulty, train_val_split

# --------------------------------------------------------------------------- split


def id_dataset(counts: list[int]) -> Dataset:
    """Classification set whose first feature is the row id."""
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    X = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    return Dataset(X=X, y=y, task="binary" if len(counts) == 2 else "multiclass",
                   n_classes=len(counts), feature_names=("id", "z"), name="ids")


@pytest.mark.parametrize("ratio", [0.1, 0.2, 0.25, 0.5, 0.9])
def test_split_sizes_disjoint_and_covering(ratio):
    ds = id_dataset([50, 30, 20])
    tr, va = train_val_split(ds, ratio, np.random.default_rng(0))
    assert va.n_samples == round(ratio * 100)
    assert tr.n_samples + va.n_samples == 100
    ids_tr, ids_va = tr.X[:, 0].astype(int), va.X[:, 0].astype(int)
    assert set(ids_tr).isdisjoint(ids_va)
    assert sorted(np.concatenate([ids_tr, ids_va])) == list(range(100))
    # labels travel with their rows
    assert np.array_equal(tr.y, ds.y[ids_tr]) and np.array_equal(va.y, ds.y[ids_va])
    # stratified: class proportions kept to within one example per class
    for k, size in enumerate([50, 30, 20]):
        assert abs(np.sum(va.y == k) - ratio * size) <= 1
    assert tr.task == ds.task and va.n_classes == 3 and va.feature_names == ds.feature_names


def test_split_is_deterministic_and_shuffled():
    ds = id_dataset([40, 40])
    a = train_val_split(ds, 0.25, np.random.default_rng(1))
    b = train_val_split(ds, 0.25, np.random.default_rng(1))
    c = train_val_split(ds, 0.25, np.random.default_rng(2))
    assert np.array_equal(a[0].X, b[0].X) and np.array_equal(a[1].X, b[1].X)
    assert not np.array_equal(a[1].X, c[1].X)
    assert not np.all(np.diff(a[0].X[:, 0]) > 0)  # not in the original order
    assert not np.all(np.diff(a[0].y) >= 0)  # not sorted by class


def test_split_keeps_every_class_in_both_parts_when_possible():
    ds = id_dataset([90, 5, 2, 3])
    tr, va = train_val_split(ds, 0.1, np.random.default_rng(0))
    assert va.n_samples == 10
    assert set(np.unique(va.y)) == {0, 1, 2, 3}
    assert set(np.unique(tr.y)) == {0, 1, 2, 3}
    lone = id_dataset([10, 1])  # the single member of class 1 stays in training
    tr, va = train_val_split(lone, 0.3, np.random.default_rng(0))
    assert 1 in tr.y and 1 not in va.y


def test_split_ratio_zero_and_bounds():
    ds = id_dataset([5, 5])
    tr, va = train_val_split(ds, 0.0, np.random.default_rng(0))
    assert tr.n_samples == 10
    assert va.X.shape == (0, 2) and va.y.shape == (0,) and va.y.dtype == np.int64
    reg = load_dataset("regression_2d", n_samples=20, seed=0)
    tr, va = train_val_split(reg, 0.0, np.random.default_rng(0))
    assert va.X.shape == (0, 2) and va.y.shape == (0, 1)
    tr, va = train_val_split(reg, 0.3, np.random.default_rng(0))
    assert (tr.n_samples, va.n_samples) == (14, 6)
    assert np.allclose(np.sort(np.concatenate([tr.y, va.y])[:, 0]), np.sort(reg.y[:, 0]))
    for bad in (-0.1, 0.95, 1.0, float("nan"), "0.2"):
        with pytest.raises(ValueError, match="val_ratio"):
            train_val_split(ds, bad, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        train_val_split(ds, 0.2, 0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- difficulty


def test_difficulty_classification_ranks_easy_before_hard():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 0.3, (50, 2)), rng.normal(2, 0.3, (50, 2))])
    y = np.repeat([0, 1], 50)
    X[0] = X[y == 0].mean(0)  # class 0 point sitting on its own centroid: easy
    X[1] = [2.0, 2.0]  # class 0 point deep inside class 1: hard
    ds = Dataset(X=X, y=y, task="binary", n_classes=2, feature_names=("a", "b"), name="t")
    score = difficulty(ds)
    assert score.shape == (100,) and score.dtype == np.float64
    assert np.all((score >= 0) & (score <= 1))
    order = np.argsort(score, kind="stable")
    assert list(order).index(0) < list(order).index(1)
    assert score[0] < 0.1 and score[1] > 0.5 and np.argmax(score) == 1


def test_difficulty_regression_flags_outlier_and_handles_edge_cases():
    x = np.linspace(-1, 1, 30)[:, None]
    y = 3 * x + 1
    y[7] += 5.0
    ds = Dataset(X=x, y=y, task="regression", n_classes=0, feature_names=("x",), name="r")
    score = difficulty(ds)
    assert np.argmax(score) == 7 and np.all((score >= 0) & (score < 1))
    exact = Dataset(X=x, y=3 * x, task="regression", n_classes=0, feature_names=("x",),
                    name="r")
    assert np.all(difficulty(exact) == 0)
    empty = train_val_split(load_dataset("circle", seed=0), 0.0, np.random.default_rng(0))[1]
    assert difficulty(empty).shape == (0,)


def test_difficulty_is_scale_invariant_on_breast_cancer():
    ds = load_dataset("breast_cancer")
    score = difficulty(ds)
    scaled = dataclasses.replace(ds, X=ds.X * np.geomspace(1, 1e4, 30))
    assert np.allclose(score, difficulty(scaled))
    # nearer to the own centroid than to the other one for most examples
    assert np.mean(score < 0.5) > 0.8
