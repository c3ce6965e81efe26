"""Tests of core.data.shipped: UCI digits and breast cancer, read from resources/datasets."""

from __future__ import annotations

import numpy as np

from core.data.dataset import load_dataset
from core.data.shipped import RESOURCES_DIR


def test_digits():
    ds = load_dataset("digits")
    assert ds.X.shape == (1797, 64) and ds.y.shape == (1797,)
    assert ds.task == "multiclass" and ds.n_classes == 10
    assert set(np.unique(ds.y)) == set(range(10))
    assert ds.X.min() == 0 and ds.X.max() == 16
    assert np.array_equal(ds.X, np.round(ds.X))
    assert ds.feature_names[0] == "pixel_0_0" and ds.feature_names[-1] == "pixel_7_7"
    assert ds.class_names == tuple(str(i) for i in range(10))
    # n_samples / noise / seed are ignored
    other = load_dataset("digits", n_samples=10, noise=3.0, seed=5)
    assert np.array_equal(ds.X, other.X) and np.array_equal(ds.y, other.y)
    assert not ds.X.flags.writeable


def test_breast_cancer():
    ds = load_dataset("breast_cancer")
    assert ds.X.shape == (569, 30)
    assert ds.task == "binary" and ds.n_classes == 2
    assert np.array_equal(np.bincount(ds.y), [212, 357])
    assert ds.class_names == ("malignant", "benign")
    std = ds.X.std(axis=0)
    assert std.max() / std.min() > 100
    assert ds.feature_names[0] == "mean radius" and len(set(ds.feature_names)) == 30
    assert np.all(ds.X >= 0)


def test_shipped_files_are_small_and_documented():
    folder = RESOURCES_DIR / "datasets"
    for f in ("digits.csv.gz", "breast_cancer.csv.gz"):
        assert (folder / f).stat().st_size < 200_000
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for needle in ("CC BY 4.0", "Alpaydin", "Kaynak", "Street", "Wolberg", "Mangasarian"):
        assert needle in readme
