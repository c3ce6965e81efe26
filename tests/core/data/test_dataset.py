"""Tests of core.data.dataset: the immutable container, the registry, load_dataset's checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.common import limits
from core.data import dataset as D
from core.data.dataset import Dataset, load_dataset

TOYS = [
    "circle", "xor", "blobs", "spiral", "moons",
    "regression_1d", "regression_2d", "correlated_gaussian",
]
EXPECTED = {  # name: (task, n_classes, n_features)
    "circle": ("binary", 2, 2),
    "xor": ("binary", 2, 2),
    "blobs": ("multiclass", 3, 2),
    "spiral": ("binary", 2, 2),
    "moons": ("binary", 2, 2),
    "correlated_gaussian": ("binary", 2, 2),
    "regression_1d": ("regression", 0, 1),
    "regression_2d": ("regression", 0, 2),
    "digits": ("multiclass", 10, 64),
    "breast_cancer": ("binary", 2, 30),
}


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_dataset_with_metadata():
    assert D.names() == list(EXPECTED)
    for name, (task, _, d) in EXPECTED.items():
        info = D.dataset_info(name)
        assert info.name == name
        assert info.task == task
        assert info.n_features == d
        assert info.two_d == (d == 2)
        assert info.describe
        real = name in ("digits", "breast_cancer")
        assert info.uses_n_samples is not real and info.uses_noise is not real
        assert bool(info.citation) is real
        assert D.DATASETS.get(name).info is info
    assert [o.name for o in D.dataset_info("blobs").options] == ["n_classes"]
    assert [o.name for o in D.dataset_info("correlated_gaussian").options] == ["dim"]


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown dataset 'nope'.*circle"):
        load_dataset("nope")
    with pytest.raises(ValueError, match="unknown dataset"):
        D.dataset_info("nope")


# --------------------------------------------------------------------------- the container


@pytest.mark.parametrize("name", TOYS)
def test_arrays_are_read_only(name):
    ds = load_dataset(name, n_samples=20, seed=0)
    assert not ds.X.flags.writeable and not ds.y.flags.writeable
    with pytest.raises(ValueError):
        ds.X[0, 0] = 1.0
    with pytest.raises(ValueError):
        ds.y[0] = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"  # type: ignore[misc]


def test_dataset_copies_its_inputs():
    X = np.zeros((4, 2))
    y = np.array([0, 1, 0, 1])
    ds = Dataset(X=X, y=y, task="binary", n_classes=2, feature_names=("a", "b"), name="t")
    X[0, 0] = 5.0
    y[0] = 1
    assert ds.X[0, 0] == 0.0 and ds.y[0] == 0
    assert ds.class_names == ("0", "1")


def test_dataset_rejects_inconsistent_fields():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="class labels must lie"):
        Dataset(X=X, y=[0, 1, 2, 0], task="binary", n_classes=2, feature_names=("a", "b"),
                name="t")
    with pytest.raises(ValueError, match="feature_names"):
        Dataset(X=X, y=[0, 1, 1, 0], task="binary", n_classes=2, feature_names=("a",),
                name="t")
    with pytest.raises(ValueError, match="task"):
        Dataset(X=X, y=[0, 1, 1, 0], task="ranking", n_classes=2, feature_names=("a", "b"),
                name="t")
    with pytest.raises(ValueError, match="NaN"):
        Dataset(X=np.full((4, 2), np.nan), y=np.zeros(4), task="regression", n_classes=0,
                feature_names=("a", "b"), name="t")


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("bad", [3, 0, -5, 2.5, True, "100", limits.MAX_SAMPLES + 1])
def test_load_dataset_rejects_bad_n_samples(bad):
    with pytest.raises(ValueError, match="n_samples"):
        load_dataset("circle", n_samples=bad, seed=0)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_load_dataset_rejects_bad_noise(bad):
    with pytest.raises(ValueError, match="noise"):
        load_dataset("circle", noise=bad, seed=0)


def test_load_dataset_rejects_bad_options_and_randomness():
    with pytest.raises(ValueError, match="n_classes"):
        load_dataset("blobs", n_classes=1, seed=0)
    with pytest.raises(ValueError, match="n_classes"):
        load_dataset("blobs", n_classes=2.0, seed=0)
    with pytest.raises(ValueError, match="dim"):
        load_dataset("correlated_gaussian", dim=1, seed=0)
    with pytest.raises(ValueError, match="n_samples must be at least 20 for 10 classes"):
        load_dataset("blobs", n_samples=10, n_classes=10, seed=0)
    with pytest.raises(ValueError, match="seed or rng"):
        load_dataset("circle", seed=1, rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="seed"):
        load_dataset("circle", seed=-1)
    with pytest.raises(ValueError, match="rng"):
        load_dataset("circle", rng=np.random.RandomState(0))  # type: ignore[arg-type]


def test_load_dataset_defaults_and_ignored_options():
    ds = load_dataset("circle", seed=0, n_classes=7)  # option of another data set: ignored
    info = D.dataset_info("circle")
    assert ds.n_samples == info.default_n_samples
    assert np.array_equal(ds.X, load_dataset("circle", seed=0, noise=info.default_noise).X)
