"""The two real data sets shipped with the program: UCI digits and breast cancer.

They are read from gzip-compressed CSV files in ``resources/datasets`` (see the README
there for source, citation and licence), once per process, and ignore ``rng``,
``n_samples`` and ``noise``. Registered after the toys, in this order: digits,
breast_cancer.
"""

from __future__ import annotations

import csv
import functools
import gzip
from pathlib import Path
from typing import Any

import numpy as np

from core.data.dataset import Dataset, DatasetInfo, frozen, register

__all__ = [
    "BREAST_CANCER_CITATION",
    "DATASETS_DIR",
    "DIGITS_CITATION",
    "RESOURCES_DIR",
    "breast_cancer",
    "digits",
]

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
"""The program's ``resources`` folder (presets, lessons, shipped data sets, icons)."""
DATASETS_DIR = RESOURCES_DIR / "datasets"

DIGITS_CITATION = (
    "E. Alpaydin, C. Kaynak (1998). Optical Recognition of Handwritten Digits [Dataset]. "
    "UCI Machine Learning Repository. https://doi.org/10.24432/C50P49 (CC BY 4.0)"
)
BREAST_CANCER_CITATION = (
    "W. N. Street, W. H. Wolberg, O. L. Mangasarian (1993). Nuclear feature extraction for "
    "breast tumor diagnosis. Data: W. Wolberg, O. Mangasarian, N. Street, W. Street (1995). "
    "Breast Cancer Wisconsin (Diagnostic) [Dataset]. UCI Machine Learning Repository. "
    "https://doi.org/10.24432/C5DW2B (CC BY 4.0)"
)


@functools.cache
def _read_shipped(filename: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Header (features), X and integer labels of a shipped ``*.csv.gz`` (cached, read-only)."""
    path = DATASETS_DIR / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"shipped data set file {path} is missing; reinstall the program or restore "
            "resources/datasets"
        )
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        header = next(csv.reader([fh.readline()]))
        table = np.loadtxt(fh, delimiter=",", dtype=np.float64, ndmin=2)
    if header[-1] != "label" or table.shape[1] != len(header):
        raise ValueError(f"{path}: malformed shipped data set (header/columns mismatch)")
    X = frozen(np.ascontiguousarray(table[:, :-1]))
    y = frozen(table[:, -1].astype(np.int64))
    return tuple(header[:-1]), X, y


@register(DatasetInfo(
    name="digits",
    describe="UCI handwritten digits: 1797 images of 8x8 pixels (values 0..16), 10 classes",
    task="multiclass", n_features=64, two_d=False, uses_n_samples=False, uses_noise=False,
    default_n_samples=1797, default_noise=0.0, citation=DIGITS_CITATION,
))
def digits(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """UCI optical recognition of handwritten digits (the 8x8 test set part, as in sklearn).

    Feature ``pixel_r_c`` is the ink count (0..16) of row r, column c. ``rng``,
    ``n_samples`` and ``noise`` are ignored; rows are in the file's order.
    """
    header, X, y = _read_shipped("digits.csv.gz")
    return Dataset(X=X, y=y, task="multiclass", n_classes=10, feature_names=header,
                   name="digits")


@register(DatasetInfo(
    name="breast_cancer",
    describe="UCI Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 features whose"
    " scales differ by orders of magnitude; malignant vs benign",
    task="binary", n_features=30, two_d=False, uses_n_samples=False, uses_noise=False,
    default_n_samples=569, default_noise=0.0, citation=BREAST_CANCER_CITATION,
))
def breast_cancer(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """UCI Breast Cancer Wisconsin (Diagnostic); class 0 = malignant (212), 1 = benign (357).

    ``rng``, ``n_samples`` and ``noise`` are ignored; rows are in the file's order.
    """
    header, X, y = _read_shipped("breast_cancer.csv.gz")
    return Dataset(X=X, y=y, task="binary", n_classes=2, feature_names=header,
                   name="breast_cancer", class_names=("malignant", "benign"))
