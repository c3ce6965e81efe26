"""Data sets: 2-D toys, two shipped real sets, the user's own CSV, splitting, difficulty.

Everything a training run sees is a :class:`Dataset`: an immutable bundle of a float64
input matrix ``X`` (n, d), targets ``y``, the task and the names of features and classes.
Its arrays are read-only, so a snapshot handed to the GUI can never be changed under it.

Targets:
    * ``task == "binary"`` / ``"multiclass"``: ``y`` is int64 of shape (n,), class indices
      ``0..n_classes-1``; ``class_names`` names them (``"0"``, ``"1"``, ... when the source
      has no names).
    * ``task == "regression"``: ``y`` is float64 of shape (n, k), usually k = 1, and
      ``n_classes == 0``.

Generators live in the registry :data:`DATASETS` (``DATASETS.names()`` lists them, in the
order a GUI should show them). Each is a function ``fn(rng, n_samples, noise, **options)
-> Dataset`` and carries its metadata as ``fn.info`` (a :class:`DatasetInfo`: one-line
description, default task, input dimension, whether a decision boundary can be drawn,
whether ``n_samples``/``noise`` apply, option specs with ranges). Options a generator does
not declare are ignored, as for the initializers, so one config dict can be passed to any of
them. Use :func:`load_dataset` as the validated entry point and :func:`dataset_info` for the
metadata.

Meaning of ``noise`` (always a standard deviation, 0 = clean):
    * classification toys: Gaussian jitter added to the inputs, in input units (the toys
      live in roughly [-1, 1]^2); labels are those of the clean points;
    * ``correlated_gaussian``: jitter in units of each feature's own scale;
    * regression toys: Gaussian noise added to the targets.

Randomness comes only from the ``numpy.random.Generator`` passed in: the same generator
state gives the same data set, bit for bit. Every toy shuffles its rows, so the order
carries no class information (the trainer's "sorted by class" mode sorts on purpose).

The shipped sets ``digits`` and ``breast_cancer`` are read from gzip-compressed CSV files in
``resources/datasets`` (see the README there for source, citation and licence); they ignore
``n_samples`` and ``noise``.

:func:`load_csv` reads the user's own CSV, :func:`train_val_split` makes a (stratified)
shuffled split and :func:`difficulty` scores each example for curriculum learning.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import itertools
import math
import numbers
import os
import re
import stat
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.common.registry import Registry

__all__ = [
    "DATASETS",
    "MAX_CLASSES",
    "MAX_CSV_BYTES",
    "MAX_CSV_COLUMNS",
    "MAX_CSV_LINES",
    "MAX_CSV_ROWS",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "RESOURCES_DIR",
    "TASKS",
    "Dataset",
    "DatasetGenerator",
    "DatasetInfo",
    "Option",
    "dataset_info",
    "difficulty",
    "load_csv",
    "load_dataset",
    "names",
    "train_val_split",
]

TASKS = ("binary", "multiclass", "regression")
MIN_SAMPLES = 4
"""Smallest ``n_samples`` :func:`load_dataset` accepts."""
MAX_SAMPLES = 1_000_000
"""Largest ``n_samples`` :func:`load_dataset` accepts (keeps a stray click from eating RAM)."""
MAX_CLASSES = 1000
"""Most distinct classes :func:`load_csv` accepts in a label column."""
MAX_CSV_BYTES = 64 * 1024 * 1024
"""Largest CSV text :func:`load_csv` reads: 64 MiB, on disk and after gzip decompression."""
MAX_CSV_LINES = 1_000_000
"""Most lines (blank ones included) a CSV may have for :func:`load_csv`."""
MAX_CSV_ROWS = 200_000
"""Most data rows :func:`load_csv` accepts (as many as ``DataConfig.n_samples`` allows)."""
MAX_CSV_COLUMNS = 4096
"""Most columns (features plus the label) :func:`load_csv` accepts."""
MAX_VAL_RATIO = 0.9

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
DATASETS_DIR = RESOURCES_DIR / "datasets"


# ---------------------------------------------------------------------------------------
# The Dataset container
# ---------------------------------------------------------------------------------------


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Dataset:
    """An immutable data set; arrays are private read-only copies.

    Attributes:
        X: inputs, float64 (n, d), finite.
        y: int64 (n,) class indices for classification, float64 (n, k) for regression.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.
        n_classes: number of classes K (2 for binary, >= 2 for multiclass, 0 for regression).
            Classes may be absent from a subset (e.g. a small validation split).
        feature_names: one name per input column.
        name: the data set's name (registry name, or the CSV file's stem).
        class_names: one name per class (filled with ``"0".."K-1"`` when not given);
            empty for regression.
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    name: str
    class_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}; got {self.task!r}")
        X = np.array(self.X, dtype=np.float64, copy=True, order="C")
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D (n, d); got shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinite values")
        n, d = X.shape
        feature_names = tuple(str(s) for s in self.feature_names)
        if len(feature_names) != d:
            raise ValueError(f"feature_names has {len(feature_names)} names for {d} features")
        class_names = tuple(str(s) for s in self.class_names)
        if self.task == "regression":
            y = np.array(self.y, dtype=np.float64, copy=True, order="C")
            if y.ndim == 1:
                y = y.reshape(-1, 1)
            if y.ndim != 2 or y.shape[0] != n:
                raise ValueError(f"regression y must have shape ({n}, k); got {y.shape}")
            if not np.all(np.isfinite(y)):
                raise ValueError("y contains NaN or infinite values")
            if self.n_classes != 0:
                raise ValueError(f"n_classes must be 0 for regression; got {self.n_classes}")
            if class_names:
                raise ValueError("class_names must be empty for regression")
        else:
            y_in = np.asarray(self.y)
            if y_in.ndim != 1 or y_in.shape[0] != n:
                raise ValueError(f"class labels y must have shape ({n},); got {y_in.shape}")
            if y_in.size and not np.all(np.asarray(y_in, dtype=np.float64) % 1 == 0):
                raise ValueError("class labels y must be integers")
            y = np.array(y_in, dtype=np.int64, copy=True)
            k = self.n_classes
            if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 2:
                raise ValueError(f"n_classes must be an integer >= 2; got {k!r}")
            if self.task == "binary" and k != 2:
                raise ValueError(f"a binary task has n_classes == 2; got {k}")
            if y.size and (y.min() < 0 or y.max() >= k):
                raise ValueError(f"class labels must lie in 0..{k - 1}")
            if not class_names:
                class_names = tuple(str(i) for i in range(k))
            if len(class_names) != k:
                raise ValueError(f"class_names has {len(class_names)} names for {k} classes")
            object.__setattr__(self, "n_classes", int(k))
        object.__setattr__(self, "X", _frozen(X))
        object.__setattr__(self, "y", _frozen(y))
        object.__setattr__(self, "feature_names", feature_names)
        object.__setattr__(self, "class_names", class_names)
        object.__setattr__(self, "name", str(self.name))

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    def take(self, indices: np.ndarray | Sequence[int]) -> Dataset:
        """A new data set holding the rows ``indices`` (in that order), same metadata."""
        idx = np.asarray(indices, dtype=np.intp).reshape(-1)
        return replace(self, X=self.X[idx], y=self.y[idx])


# ---------------------------------------------------------------------------------------
# Registry and metadata
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A generator option a GUI can show as a spin box: default and inclusive range."""

    name: str
    default: int | float
    low: int | float
    high: int | float
    describe: str


@dataclass(frozen=True)
class DatasetInfo:
    """Metadata of one registered data set (all with the default options).

    Attributes:
        name: registry name.
        describe: one line for tooltips.
        task: task with the default options (``blobs``/``spiral`` are binary when asked for
            two classes, multiclass otherwise).
        n_features: input dimension with the default options.
        two_d: the input is 2-D, so a decision boundary / surface can be drawn over the
            plane (``correlated_gaussian`` only while ``dim == 2``; check
            ``dataset.n_features == 2`` on the loaded set to be sure).
        uses_n_samples, uses_noise: whether those arguments change the data (the shipped
            real sets ignore both).
        default_n_samples, default_noise: what :func:`load_dataset` uses when not given.
        options: the extra keyword options the generator understands.
        citation: source reference for real data sets (empty for toys).
    """

    name: str
    describe: str
    task: str
    n_features: int
    two_d: bool
    uses_n_samples: bool = True
    uses_noise: bool = True
    default_n_samples: int = 200
    default_noise: float = 0.1
    options: tuple[Option, ...] = ()
    citation: str = ""


class DatasetGenerator(Protocol):
    """``fn(rng, n_samples, noise, **options) -> Dataset``, with ``fn.info``."""

    info: DatasetInfo

    def __call__(
        self, rng: np.random.Generator, n_samples: int, noise: float, **options: Any
    ) -> Dataset: ...


DATASETS: Registry[DatasetGenerator] = Registry("dataset")


def _register(info: DatasetInfo) -> Callable[[Callable[..., Dataset]], DatasetGenerator]:
    def deco(fn: Callable[..., Dataset]) -> DatasetGenerator:
        fn.info = info  # type: ignore[attr-defined]
        DATASETS.register(info.name, fn)
        return fn  # type: ignore[return-value]

    return deco


def names() -> list[str]:
    """The registered data set names, in the order a GUI should list them."""
    return DATASETS.names()


def dataset_info(name: str) -> DatasetInfo:
    """Metadata of the data set ``name``; unknown names raise ``ValueError``."""
    return DATASETS.get(name).info


# ---------------------------------------------------------------------------------------
# Helpers for the generators
# ---------------------------------------------------------------------------------------

_XY = ("x1", "x2")


def _class_counts(n: int, k: int) -> np.ndarray:
    """Split ``n`` samples over ``k`` classes as evenly as possible (first ones get extra)."""
    if n < 2 * k:
        raise ValueError(f"n_samples must be at least {2 * k} for {k} classes; got {n}")
    return np.array([n // k + (1 if i < n % k else 0) for i in range(k)], dtype=np.int64)


def _classification(
    name: str,
    rng: np.random.Generator,
    X: np.ndarray,
    y: np.ndarray,
    noise: float,
    n_classes: int,
    class_names: tuple[str, ...] = (),
    feature_names: tuple[str, ...] = _XY,
    noise_scale: np.ndarray | float = 1.0,
) -> Dataset:
    """Add input jitter (std ``noise * noise_scale``), shuffle rows, wrap in a Dataset."""
    if noise > 0:
        X = X + noise * noise_scale * rng.standard_normal(X.shape)
    perm = rng.permutation(X.shape[0])
    return Dataset(
        X=X[perm],
        y=y[perm],
        task="binary" if n_classes == 2 else "multiclass",
        n_classes=n_classes,
        feature_names=feature_names,
        name=name,
        class_names=class_names,
    )


def _labels(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


# ---------------------------------------------------------------------------------------
# 2-D classification toys
# ---------------------------------------------------------------------------------------


@_register(DatasetInfo(
    name="circle",
    describe="Inner disc (radius < 0.5) vs outer ring (0.8..1.0): needs a closed boundary",
    task="binary", n_features=2, two_d=True, default_noise=0.05,
))
def circle(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """Class 0: uniform in the disc r < 0.5; class 1: uniform in the ring 0.8 <= r <= 1."""
    counts = _class_counts(n_samples, 2)
    n0, n1 = int(counts[0]), int(counts[1])
    r = np.concatenate([
        0.5 * np.sqrt(rng.uniform(0.0, 1.0, n0)),  # sqrt: uniform density over the disc
        np.sqrt(rng.uniform(0.8**2, 1.0, n1)),  # uniform density over the ring
    ])
    phi = rng.uniform(0.0, 2.0 * np.pi, n_samples)
    X = np.column_stack([r * np.cos(phi), r * np.sin(phi)])
    return _classification("circle", rng, X, _labels(counts), noise, 2, ("inner", "outer"))


@_register(DatasetInfo(
    name="xor",
    describe="XOR: label 1 where x1 and x2 have opposite signs (quadrants 2 and 4)",
    task="binary", n_features=2, two_d=True, default_noise=0.05,
))
def xor(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """Uniform on [-1, 1]^2 kept 0.05 away from the axes; y = 1 iff x1 * x2 < 0."""
    u = rng.uniform(-1.0, 1.0, (n_samples, 2))
    X = np.sign(u) * (0.05 + 0.95 * np.abs(u))
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)
    return _classification("xor", rng, X, y, noise, 2, ("same sign", "opposite sign"))


@_register(DatasetInfo(
    name="blobs",
    describe="Gaussian blobs (std 0.25) centred evenly on a circle of radius 1",
    task="multiclass", n_features=2, two_d=True, default_noise=0.1,
    options=(Option("n_classes", 3, 2, 10, "number of blobs / classes"),),
))
def blobs(
    rng: np.random.Generator, n_samples: int, noise: float, n_classes: int = 3, **_: Any
) -> Dataset:
    """Class k ~ N(c_k, 0.25^2 I), c_k = (cos 2pi k/K, sin 2pi k/K) (+ jitter ``noise``)."""
    counts = _class_counts(n_samples, n_classes)
    y = _labels(counts)
    angles = 2.0 * np.pi * np.arange(n_classes) / n_classes + np.pi / 2
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    X = centres[y] + 0.25 * rng.standard_normal((n_samples, 2))
    return _classification("blobs", rng, X, y, noise, n_classes)


@_register(DatasetInfo(
    name="spiral",
    describe="Interleaved spiral arms (1.5 turns each); one class per arm",
    task="binary", n_features=2, two_d=True, default_noise=0.05,
    options=(Option("n_classes", 2, 2, 6, "number of arms / classes"),),
))
def spiral(
    rng: np.random.Generator, n_samples: int, noise: float, n_classes: int = 2, **_: Any
) -> Dataset:
    """Arm k: r = t, angle = 2pi k/K + 3pi t, with t ~ U[0.05, 1]."""
    counts = _class_counts(n_samples, n_classes)
    y = _labels(counts)
    t = 0.05 + 0.95 * rng.uniform(0.0, 1.0, n_samples)
    angle = 2.0 * np.pi * y / n_classes + 3.0 * np.pi * t
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    return _classification("spiral", rng, X, y, noise, n_classes)


@_register(DatasetInfo(
    name="moons",
    describe="Two interleaving half-moons",
    task="binary", n_features=2, two_d=True, default_noise=0.1,
))
def moons(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t); t ~ U[0, pi]; centred."""
    counts = _class_counts(n_samples, 2)
    y = _labels(counts)
    t = rng.uniform(0.0, np.pi, n_samples)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where((y == 0)[:, None], upper, lower) - np.array([0.5, 0.25])
    return _classification("moons", rng, X, y, noise, 2, ("upper", "lower"))


@_register(DatasetInfo(
    name="correlated_gaussian",
    describe="Strongly correlated Gaussian cloud, features on different scales and off-centre;"
    " two classes separated across the long axis (for the whitening view)",
    task="binary", n_features=2, two_d=True, default_noise=0.0,
    options=(Option("dim", 2, 2, 64, "number of features"),),
))
def correlated_gaussian(
    rng: np.random.Generator, n_samples: int, noise: float, dim: int = 2, **_: Any
) -> Dataset:
    """One common factor plus small individual parts, then scaled and shifted.

    Standardized coordinates: ``u_j = f + 0.15 e_j + 0.3 c v_j`` with ``f, e_j ~ N(0, 1)``,
    class sign ``c = -1 / +1`` and ``v`` a fixed unit vector orthogonal to (1, ..., 1)
    (for dim 2: (-1, 1)/sqrt 2). Features: ``x_j = s_j (u_j + 2)``, scales ``s_j``
    geometric from 2 down to 0.2. The correlation between features is about 0.9, the
    class means are 4 within-class standard deviations apart along ``v`` — hard to see in the
    raw coordinates, obvious after whitening. ``noise`` adds jitter of std ``noise * s_j``.
    """
    counts = _class_counts(n_samples, 2)
    y = _labels(counts)
    v = np.linspace(-1.0, 1.0, dim)
    v /= np.linalg.norm(v)
    f = rng.standard_normal((n_samples, 1))
    e = rng.standard_normal((n_samples, dim))
    c = (2.0 * y - 1.0)[:, None]
    u = f + 0.15 * e + 0.3 * c * v
    scales = 2.0 * 10.0 ** (-np.arange(dim) / (dim - 1))
    X = scales * (u + 2.0)
    feature_names = tuple(f"x{j + 1}" for j in range(dim))
    return _classification(
        "correlated_gaussian", rng, X, y, noise, 2, ("A", "B"), feature_names, scales
    )


# ---------------------------------------------------------------------------------------
# Regression toys
# ---------------------------------------------------------------------------------------


@_register(DatasetInfo(
    name="regression_1d",
    describe="Damped sine y = sin(3x) exp(-x^2/4) on x in [-2, 2], noise on y",
    task="regression", n_features=1, two_d=False, default_noise=0.1,
))
def regression_1d(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """x ~ U[-2, 2]; y = sin(3x) exp(-x^2/4) + noise * N(0, 1)."""
    x = rng.uniform(-2.0, 2.0, (n_samples, 1))
    y = np.sin(3.0 * x) * np.exp(-(x**2) / 4.0)
    if noise > 0:
        y = y + noise * rng.standard_normal(y.shape)
    return Dataset(X=x, y=y, task="regression", n_classes=0, feature_names=("x",),
                   name="regression_1d")


@_register(DatasetInfo(
    name="regression_2d",
    describe="Smooth surface y = sin(1.5 x1) cos(1.5 x2) + 0.1 x1 x2 on [-2, 2]^2",
    task="regression", n_features=2, two_d=True, default_noise=0.05,
))
def regression_2d(rng: np.random.Generator, n_samples: int, noise: float, **_: Any) -> Dataset:
    """x ~ U[-2, 2]^2; y = sin(1.5 x1) cos(1.5 x2) + 0.1 x1 x2 + noise * N(0, 1)."""
    X = rng.uniform(-2.0, 2.0, (n_samples, 2))
    y = np.sin(1.5 * X[:, :1]) * np.cos(1.5 * X[:, 1:]) + 0.1 * X[:, :1] * X[:, 1:]
    if noise > 0:
        y = y + noise * rng.standard_normal(y.shape)
    return Dataset(X=X, y=y, task="regression", n_classes=0, feature_names=_XY,
                   name="regression_2d")


# ---------------------------------------------------------------------------------------
# Shipped real data sets
# ---------------------------------------------------------------------------------------

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
    X = _frozen(np.ascontiguousarray(table[:, :-1]))
    y = _frozen(table[:, -1].astype(np.int64))
    return tuple(header[:-1]), X, y


@_register(DatasetInfo(
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


@_register(DatasetInfo(
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


# ---------------------------------------------------------------------------------------
# Validated entry point
# ---------------------------------------------------------------------------------------


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value}")
    return int(value)


def _check_float(name: str, value: Any, low: float, high: float) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number; got {value!r}")
    v = float(value)
    if not math.isfinite(v) or not low <= v <= high:
        raise ValueError(f"{name} must be a finite number between {low} and {high}; got {value}")
    return v


def load_dataset(
    name: str,
    *,
    n_samples: int | None = None,
    noise: float | None = None,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    **options: Any,
) -> Dataset:
    """Generate (or load) the registered data set ``name`` after validating every argument.

    Args:
        name: one of :func:`names` (unknown names raise ``ValueError`` listing them).
        n_samples: number of examples, ``MIN_SAMPLES..MAX_SAMPLES`` (and at least two per
            class); default ``info.default_n_samples``. Ignored by the shipped real sets.
        noise: standard deviation of the noise, finite and >= 0 (meaning: module docstring);
            default ``info.default_noise``. Ignored by the shipped real sets.
        seed / rng: randomness — either an integer seed or a ``numpy.random.Generator``
            (not both). With neither, a fresh unpredictable generator is used.
        **options: the data set's options (``info.options``), each checked against its range;
            options the data set does not declare are ignored.

    Raises:
        ValueError: naming the offending argument.
    """
    fn = DATASETS.get(name)
    info: DatasetInfo = fn.info
    n = info.default_n_samples if n_samples is None else n_samples
    n = _check_int("n_samples", n, MIN_SAMPLES, MAX_SAMPLES)
    s = info.default_noise if noise is None else noise
    s = _check_float("noise", s, 0.0, math.inf)
    if seed is not None and rng is not None:
        raise ValueError("give either seed or rng, not both")
    if rng is None:
        if seed is not None:
            _check_int("seed", seed, 0, 2**63 - 1)
        rng = np.random.default_rng(seed)
    elif not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    checked: dict[str, Any] = {}
    for opt in info.options:
        value = options.get(opt.name, opt.default)
        if isinstance(opt.default, int):
            checked[opt.name] = _check_int(opt.name, value, int(opt.low), int(opt.high))
        else:
            checked[opt.name] = _check_float(opt.name, value, float(opt.low), float(opt.high))
    return fn(rng, n, s, **checked)


# ---------------------------------------------------------------------------------------
# The user's own CSV
# ---------------------------------------------------------------------------------------

_MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
_READ_CHUNK = 1 << 20  # inflate a .gz in pieces of this size, so at most this much past the cap
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOMS = re.compile(rb"(?:\xef\xbb\xbf)*")
_NON_SPACE = re.compile(rb"\S")
_LINE_END = re.compile(rb"[\r\n]")
_NOT_REGULAR = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISSOCK, "socket"),
)


def _size_text(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and n % (1 << 20) == 0 else f"{n:,} bytes"


def _shown(text: str, limit: int = 40) -> str:
    """``repr`` of a cell or name from the file, cut short so that a message stays readable."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"


def _names(names: Sequence[str], limit: int = 20) -> str:
    """Comma-separated names (each cut short), only the first ``limit`` when there are more."""
    shown = ", ".join(n if len(n) <= 40 else n[:40] + "…" for n in names[:limit])
    return shown if len(names) <= limit else f"{shown}, … ({len(names):,} in all)"


def _check_mode(path: Path, st: os.stat_result) -> None:
    """Refuse anything but a regular file of acceptable size (a FIFO or device may never end)."""
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(st.st_mode)), "special file")
        raise ValueError(f"{path} is not a regular file but a {kind}; choose a CSV file")
    if st.st_size > MAX_CSV_BYTES:
        raise ValueError(
            f"{path}: the file has {st.st_size:,} bytes, more than the limit of "
            f"{_size_text(MAX_CSV_BYTES)} for a CSV"
        )


def _open_regular(path: Path) -> io.BufferedReader:
    """Open ``path`` for reading once it is known to be a regular file.

    The ``stat`` comes before the ``open`` so a FIFO is never opened (that would block);
    ``O_NONBLOCK`` and the ``fstat`` of the opened file cover a swap in between.
    """
    try:
        st = os.stat(path)  # follows symlinks: a link to a regular file is fine
    except ValueError as exc:  # e.g. an embedded NUL in the name
        raise ValueError(f"{str(path)!r}: not a usable file name ({exc})") from None
    _check_mode(path, st)
    nonblock = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | nonblock)
    try:
        _check_mode(path, os.fstat(fd))
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_capped(path: Path, fh: io.BufferedIOBase, first: int, what: str) -> bytes:
    """Read ``fh`` in pieces (the first of ``first`` bytes) and refuse it past MAX_CSV_BYTES.

    Reading stops one piece after the cap, so neither a file that grows nor a gzip bomb is
    read to its end; nothing the file says about its own size is trusted.
    """
    parts: list[bytes] = []
    total = 0
    size = first
    while chunk := fh.read(size):
        total += len(chunk)
        if total > MAX_CSV_BYTES:
            raise ValueError(
                f"{path}: {what} more than {_size_text(MAX_CSV_BYTES)}, the limit for a CSV"
            )
        parts.append(chunk)
        size = _READ_CHUNK
    return parts[0] if len(parts) == 1 else b"".join(parts)  # one piece: no copy


def _read_limited(path: Path) -> bytes:
    """The file's bytes (``.gz`` inflated), at most MAX_CSV_BYTES; read problems -> ValueError.

    Only a missing file stays an OSError (``FileNotFoundError``).
    """
    try:
        with _open_regular(path) as fh:
            if path.suffix.lower() != ".gz":
                # the size from fstat is only a hint: +1 notices a file that grew since
                return _read_capped(path, fh, os.fstat(fh.fileno()).st_size + 1, "the file has")
            with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
                return _read_capped(path, gz, _READ_CHUNK, "decompresses to")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(
            f"{path}: not a valid gzip file, damaged or truncated ({exc or type(exc).__name__})"
        ) from None
    except FileNotFoundError:
        raise
    except OSError as exc:  # permissions, I/O errors, a path through a non-directory, ...
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _line_at(raw: bytes, pos: int) -> int:
    """1-based line of byte ``pos``; lines end in \\n, \\r\\n or \\r, as the csv module reads."""
    return raw.count(b"\n", 0, pos) + raw.count(b"\r", 0, pos) - raw.count(b"\r\n", 0, pos) + 1


def _check_content(path: Path, raw: bytes) -> int:
    """Where the text starts (after any UTF-8 BOMs); refuse what is not UTF-8 CSV text.

    These checks scan the bytes at C speed before any per-line work: other encodings,
    NUL bytes, undecodable UTF-8, blank-only files and too many lines.
    """
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            raise ValueError(f"{path}: the file is {name} text; save it as UTF-8")
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ValueError(
            f"{path}, line {_line_at(raw, nul)}: NUL byte in the file "
            "(binary data or UTF-16 text, not a UTF-8 CSV)"
        )
    start = _UTF8_BOMS.match(raw).end()  # type: ignore[union-attr]  # always matches
    try:
        str(memoryview(raw)[start:], "utf-8")  # validates only; rows are decoded lazily
    except UnicodeDecodeError as exc:
        pos = start + exc.start
        raise ValueError(
            f"{path}, line {_line_at(raw, pos)}: not a UTF-8 text file "
            f"(undecodable byte at offset {pos})"
        ) from None
    if _NON_SPACE.search(raw, start) is None:
        raise ValueError(f"{path}: the file is empty (a header row and data rows are needed)")
    lines = raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")
    if lines > MAX_CSV_LINES:  # skipping blank lines costs Python time per line
        raise ValueError(
            f"{path}: more than {MAX_CSV_LINES:,} lines (blank ones included), "
            "the limit for a CSV"
        )
    return start


def _sniff_delimiter(raw: bytes, start: int) -> str:
    """``,`` unless the first non-blank line has none: then ``;`` or tab if it has one."""
    first = _NON_SPACE.search(raw, start)
    pos = first.start() if first else start
    begin = max(raw.rfind(b"\n", start, pos), raw.rfind(b"\r", start, pos), start - 1) + 1
    eol = _LINE_END.search(raw, pos)
    end = eol.start() if eol else len(raw)
    for d in (b",", b";", b"\t"):
        if raw.find(d, begin, end) >= 0:
            return d.decode()
    return ","


def _check_widths(path: Path, raw: bytes, delimiter: str) -> None:
    """Refuse a line of more than MAX_CSV_COLUMNS fields before the csv module splits it.

    Counted on the raw lines (a delimiter inside quotes counts too, one trailing delimiter
    is allowed), so one hostile line cannot make the parser build millions of cells.
    """
    d = delimiter.encode()
    if raw.count(d) <= MAX_CSV_COLUMNS:
        return  # no line can be too wide
    lines = raw.splitlines()
    if max(map(bytes.count, lines, itertools.repeat(d)), default=0) <= MAX_CSV_COLUMNS:
        return
    i = next(i for i, line in enumerate(lines) if line.count(d) > MAX_CSV_COLUMNS)
    raise ValueError(
        f"{path}, line {i + 1}: more than {MAX_CSV_COLUMNS:,} columns, the limit for a CSV"
    )


def _parse_number(cell: str) -> float | None:
    """``float(cell)`` or None when it is not a number (missing values handled before)."""
    try:
        return float(cell)
    except ValueError:
        return None


def _iter_rows(path: Path, raw: bytes, start: int) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows as (line number, stripped cells): the header, then the data rows.

    ``raw`` has passed :func:`_check_content`; it is decoded lazily, line by line. More
    than MAX_CSV_ROWS data rows are refused as soon as the next one is read.
    """
    delimiter = _sniff_delimiter(raw, start)
    _check_widths(path, raw, delimiter)
    stream = io.BytesIO(raw)
    stream.seek(start)
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8", newline=""),
                        delimiter=delimiter)
    data_rows = -1  # the first non-blank row is the header
    try:
        for row in reader:
            if not row:
                continue  # empty line: the cheap case first
            cells = list(map(str.strip, row))
            if not any(cells):
                continue  # blank line, or a row of empty cells (spreadsheet export)
            data_rows += 1
            if data_rows > MAX_CSV_ROWS:
                raise ValueError(
                    f"{path}, line {reader.line_num}: more than {MAX_CSV_ROWS:,} data rows, "
                    "the limit for a CSV"
                )
            yield reader.line_num, cells
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}, line {reader.line_num}: cannot parse CSV ({exc})") from None


def _check_header(path: Path, line: int, cells: list[str]) -> list[str]:
    """The column names: at most MAX_CSV_COLUMNS, non-empty, unique, not data, two or more."""
    where = f"{path}, line {line}"
    n = len(cells)
    while n > 1 and not cells[n - 1]:
        n -= 1  # trailing delimiter(s) after the last name
    header = cells[:n]
    if n > MAX_CSV_COLUMNS:
        raise ValueError(
            f"{where}: the header has {n:,} columns, more than the limit of {MAX_CSV_COLUMNS:,}"
        )
    for j, col in enumerate(header):
        if not col:
            raise ValueError(f"{where}: column {j + 1} has no name in the header row")
    dupes = sorted(c for c, k in Counter(header).items() if k > 1)  # linear, unlike .count
    if dupes:
        raise ValueError(f"{where}: duplicate column name(s) in the header: {_names(dupes)}")
    if all(c.lower() not in _MISSING and _parse_number(c) is not None for c in header):
        raise ValueError(
            f"{where}: the first row looks like data (all numbers), not a header; "
            "add a header row with column names"
        )
    if n < 2:
        raise ValueError(f"{where}: need at least two columns (features and a label)")
    return header


def _label_index(path: Path, header: list[str], label_column: str | None) -> int:
    if label_column is None:
        return len(header) - 1
    if label_column in header:
        return header.index(label_column)
    raise ValueError(
        f"{path}: label column {_shown(label_column)} not found; "
        f"available columns: {_names(header)}"
    )


def _cell_error(
    path: Path, line: int, header: list[str], label_idx: int, cells: list[str]
) -> ValueError:
    """The error for the first bad feature cell of a row (missing, text or non-finite)."""
    for j, cell in enumerate(cells):
        if j == label_idx:
            continue
        where = f"{path}, line {line}, column {_shown(header[j])}"
        if cell.lower() in _MISSING:
            return ValueError(f"{where}: missing value ({_shown(cell)}); fill or remove the row")
        v = _parse_number(cell)
        if v is None:
            return ValueError(f"{where}: text {_shown(cell)} in a numeric column")
        if not math.isfinite(v):  # also a huge literal such as a 5000-digit integer
            return ValueError(f"{where}: non-finite value {_shown(cell)}")
    return ValueError(f"{path}, line {line}: cannot read the row")  # not reached


def _read_body(
    path: Path, header: list[str], label_idx: int, rows: Iterator[tuple[int, list[str]]]
) -> tuple[np.ndarray, list[str], list[int]]:
    """Feature matrix, label cells and line numbers of the data rows, row by row.

    Features go straight into a compact float buffer (8 bytes a cell) rather than being
    kept as cell strings; the label column is kept as text for :func:`_make_dataset`.
    """
    ncol = len(header)
    values = array("d")
    labels: list[str] = []
    lines: list[int] = []
    for line, cells in rows:
        if len(cells) > ncol and not any(cells[ncol:]):
            cells = cells[:ncol]  # tolerate trailing delimiters
        if len(cells) != ncol:
            raise ValueError(
                f"{path}, line {line}: {len(cells)} fields but the header has {ncol} "
                "columns (ragged row)"
            )
        try:
            row = list(map(float, cells[:label_idx] + cells[label_idx + 1:]))
        except ValueError:
            row = []
        if len(row) != ncol - 1 or not all(map(math.isfinite, row)):
            raise _cell_error(path, line, header, label_idx, cells)
        label = cells[label_idx]
        if label.lower() in _MISSING:
            raise ValueError(
                f"{path}, line {line}, column {_shown(header[label_idx])}: missing value "
                f"({_shown(label)}) in the label column"
            )
        values.extend(row)
        labels.append(label)
        lines.append(line)
    if not labels:
        raise ValueError(f"{path}: the file has a header but no data rows")
    return np.frombuffer(values, dtype=np.float64).reshape(len(labels), ncol - 1), labels, lines


def _target_kind(task: str | None, numbers_: list[float | None]) -> str:
    """``"classification"`` or ``"regression"``: from ``task``, else inferred (see load_csv)."""
    if task is not None:
        return "regression" if task == "regression" else "classification"
    if any(v is None for v in numbers_):
        return "classification"
    values = np.array(numbers_, dtype=np.float64)
    few_ints = bool(np.all(values == np.round(values))) and len(np.unique(values)) <= 20
    return "classification" if few_ints else "regression"


def _class_indices(
    path: Path, label_name: str, labels: list[str], numbers_: list[float | None]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Class index per row and the sorted class names (numerically when all are numbers)."""
    if all(v is not None for v in numbers_):
        distinct, y = np.unique(np.array(numbers_, dtype=np.float64), return_inverse=True)
        k = len(distinct)
    else:
        # a set, not np.unique on a str array: its fixed width (the longest label) times
        # the row count could ask for gigabytes
        names = sorted(set(labels))
        k = len(names)
    if k < 2:
        raise ValueError(
            f"{path}: label column {_shown(label_name)} has a single class "
            f"({_shown(labels[0])}); classification needs at least two"
        )
    if k > MAX_CLASSES:
        raise ValueError(
            f"{path}: label column {_shown(label_name)} has {k:,} distinct values, more than "
            f"{MAX_CLASSES} classes; is it the right column, or is this regression?"
        )
    if all(v is not None for v in numbers_):
        class_names = tuple(
            str(int(v)) if v == round(v) and abs(v) < 2**53 else repr(float(v))
            for v in distinct
        )
        return y.reshape(-1).astype(np.int64), class_names
    index = {s: i for i, s in enumerate(names)}
    y = np.fromiter(map(index.__getitem__, labels), dtype=np.int64, count=len(labels))
    return y, tuple(names)


def _stem(path: Path) -> str:
    stem = path.name
    for suffix in (".gz", ".csv", ".txt", ".tsv"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return stem


def _make_dataset(
    path: Path, header: list[str], label_idx: int, X: np.ndarray, labels: list[str],
    lines: list[int], task: str | None,
) -> Dataset:
    """Turn the label column into targets (regression or classes) and build the Dataset."""
    label_name = header[label_idx]
    feature_names = tuple(c for j, c in enumerate(header) if j != label_idx)
    numbers_ = [_parse_number(c) for c in labels]
    for line, c, v in zip(lines, labels, numbers_, strict=True):
        if v is not None and not math.isfinite(v):
            raise ValueError(
                f"{path}, line {line}, column {_shown(label_name)}: non-finite label {_shown(c)}"
            )
    if _target_kind(task, numbers_) == "regression":
        for line, c, v in zip(lines, labels, numbers_, strict=True):
            if v is None:
                raise ValueError(
                    f"{path}, line {line}, column {_shown(label_name)}: text {_shown(c)} in "
                    "the label column, but regression needs numeric targets"
                )
        y = np.array(numbers_, dtype=np.float64).reshape(-1, 1)
        return Dataset(X=X, y=y, task="regression", n_classes=0,
                       feature_names=feature_names, name=_stem(path))
    y, class_names = _class_indices(path, label_name, labels, numbers_)
    k = len(class_names)
    if task == "binary" and k != 2:
        raise ValueError(
            f"{path}: task 'binary' needs exactly 2 classes in label column "
            f"{_shown(label_name)}; found {k}"
        )
    out_task = task if task is not None else ("binary" if k == 2 else "multiclass")
    return Dataset(X=X, y=y, task=out_task, n_classes=k, feature_names=feature_names,
                   name=_stem(path), class_names=class_names)


def load_csv(
    path: str | Path, label_column: str | None = None, task: str | None = None
) -> Dataset:
    """Read the user's own CSV into a :class:`Dataset`; the file is only read, never changed.

    Format: a header row of unique column names, then one example per row. The delimiter
    is ``,`` (or ``;`` / tab when the header contains no comma); quoting follows the csv
    module; surrounding spaces are stripped; blank lines are skipped; leading UTF-8 BOMs
    are ignored; ``.csv.gz`` is read too. Every column except the label must be numeric
    and finite. Missing values (empty cells, ``NA``, ``N/A``, ``NaN``, ``null``, ``None``,
    ``?``) are errors — the playground does not impute.

    The file is untrusted: only a regular file (or a symlink to one) is opened, and its
    size, lines, rows, columns and classes are capped by :data:`MAX_CSV_BYTES` (text, after
    decompression), :data:`MAX_CSV_LINES`, :data:`MAX_CSV_ROWS`, :data:`MAX_CSV_COLUMNS`
    and :data:`MAX_CLASSES`; a cap is enforced while reading, before the memory is spent.

    Args:
        path: the file.
        label_column: the target column's name; default the last column.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``; default inferred:
            non-numeric labels, or integer-valued labels with at most 20 distinct values,
            mean classification (binary with 2 classes, multiclass otherwise); anything else
            is regression. Classes are the sorted distinct labels (numerically when all are
            numbers), mapped to ``0..K-1``; the original labels are kept in ``class_names``.

    Raises:
        ValueError: one sentence naming the file (and the line and column where there is
            one) for every problem but a missing file: not a regular file (directory, FIFO,
            device, socket), unreadable (permissions, I/O error), a limit exceeded (the
            message states it), a damaged, truncated or non-gzip ``.gz``, not UTF-8 text
            (UTF-16/32, undecodable bytes, NUL bytes), a CSV syntax error, empty file,
            header without data rows, a header that looks like data, empty or duplicate
            column names, unknown label column (lists the available ones), ragged rows,
            text in a numeric column, missing or non-finite values (huge literals such as a
            5000-digit number are infinite), a single class, a class count that contradicts
            ``task``.
        FileNotFoundError: the file does not exist.
    """
    path = Path(path)
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)} or None; got {task!r}")
    raw = _read_limited(path)
    start = _check_content(path, raw)
    rows = _iter_rows(path, raw, start)
    line, cells = next(rows, (0, []))
    if not cells:
        raise ValueError(f"{path}: the file is empty (a header row and data rows are needed)")
    header = _check_header(path, line, cells)
    label_idx = _label_index(path, header, label_column)
    X, labels, lines = _read_body(path, header, label_idx, rows)
    del raw, rows  # the text is no longer needed while the targets are built
    return _make_dataset(path, header, label_idx, X, labels, lines, task)


# ---------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------


def _stratified_counts(sizes: np.ndarray, ratio: float, total: int) -> np.ndarray:
    """Validation count per class: proportional (largest remainder), summing to ``total``.

    When the total allows it, every class with >= 2 members gets at least one example in
    each part; a class with a single member stays in the training part.
    """
    quota = ratio * sizes
    hi = np.maximum(sizes - 1, 0)
    lo = np.zeros_like(sizes)
    if total >= int(np.count_nonzero(sizes >= 2)):
        lo = (sizes >= 2).astype(sizes.dtype)
    v = np.clip(np.floor(quota).astype(sizes.dtype), lo, hi)
    while v.sum() < total:
        room = np.flatnonzero(v < hi)
        if room.size == 0:
            break
        v[room[np.argmax(quota[room] - v[room])]] += 1
    while v.sum() > total:
        room = np.flatnonzero(v > lo)
        if room.size == 0:
            break
        v[room[np.argmin(quota[room] - v[room])]] -= 1
    return v


def train_val_split(
    dataset: Dataset, val_ratio: float, rng: np.random.Generator
) -> tuple[Dataset, Dataset]:
    """Shuffled split into (train, validation); the validation part holds ``val_ratio``.

    The validation size is ``round(val_ratio * n)`` (at least 1 when ``val_ratio > 0`` and
    n >= 2; the training part is never empty). Classification splits are stratified: each
    class contributes in proportion to its size, and every class with at least two examples
    appears in both parts whenever the validation size allows it. Both parts are shuffled;
    together they hold every example exactly once. ``val_ratio == 0`` gives an empty
    validation set with shapes ``(0, d)`` and ``(0,)`` / ``(0, k)``.

    Raises:
        ValueError: ``val_ratio`` outside [0, 0.9], or ``rng`` not a Generator.
    """
    ratio = _check_float("val_ratio", val_ratio, 0.0, MAX_VAL_RATIO)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    n = dataset.n_samples
    total = int(math.floor(ratio * n + 0.5))
    if ratio > 0 and n >= 2:
        total = min(max(total, 1), n - 1)
    if dataset.is_classification and n:
        y = dataset.y
        sizes = np.bincount(y, minlength=dataset.n_classes).astype(np.int64)
        v = _stratified_counts(sizes, ratio, total)
        train_parts, val_parts = [], []
        for k in range(dataset.n_classes):
            members = rng.permutation(np.flatnonzero(y == k))
            val_parts.append(members[: v[k]])
            train_parts.append(members[v[k]:])
        train_idx = rng.permutation(np.concatenate(train_parts))
        val_idx = rng.permutation(np.concatenate(val_parts))
    else:
        perm = rng.permutation(n)
        val_idx, train_idx = perm[:total], perm[total:]
    return dataset.take(train_idx), dataset.take(val_idx)


# ---------------------------------------------------------------------------------------
# Difficulty (curriculum learning)
# ---------------------------------------------------------------------------------------


def difficulty(dataset: Dataset) -> np.ndarray:
    """A model-free difficulty score in [0, 1] per example; smaller = easier.

    Features are first standardized (zero mean, unit variance per feature; constant
    features left as they are) so no feature dominates by its units.

    Classification (margin to the class centroids): with ``mu_k`` the centroid of class k,
    ``a_i = ||x_i - mu_{y_i}||`` and ``b_i = min_{k != y_i} ||x_i - mu_k||`` (over classes
    present), ``score_i = a_i / (a_i + b_i)``: below 0.5 the example is nearer its own
    centroid than any other, 0 at its own centroid, towards 1 deep inside another class.
    With a single class present, ``score_i = a_i / (a_i + 1)``.

    Regression (residual of a linear least-squares fit with intercept): with
    ``r_i = ||y_i - yhat_i||`` and ``s`` the root mean square of r, ``score_i = r_i /
    (r_i + s)`` (0 where the linear fit is exact; all 0 when every residual is 0).

    Curriculum learning (Bengio et al. 2009, "Curriculum learning", ICML) presents examples
    in increasing order of this score: ``np.argsort(difficulty(ds), kind="stable")``.
    """
    n = dataset.n_samples
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    X = dataset.X - dataset.X.mean(axis=0)
    std = X.std(axis=0)
    X = X / np.where(std > 0, std, 1.0)
    if dataset.is_classification:
        y = dataset.y
        present = np.unique(y)
        centroids = np.stack([X[y == k].mean(axis=0) for k in present])
        dist = np.empty((n, present.size), dtype=np.float64)
        for j, c in enumerate(centroids):  # one column at a time: memory stays O(n d)
            dist[:, j] = np.sqrt(((X - c) ** 2).sum(axis=1))
        own_col = np.searchsorted(present, y)
        own = dist[np.arange(n), own_col]
        if present.size < 2:
            return own / (own + 1.0)
        dist[np.arange(n), own_col] = np.inf
        other = dist.min(axis=1)
        denom = own + other
        return np.divide(own, denom, out=np.full(n, 0.5), where=denom > 0)
    A = np.column_stack([X, np.ones(n)])
    coef, *_ = np.linalg.lstsq(A, dataset.y, rcond=None)
    r = np.sqrt(((dataset.y - A @ coef) ** 2).sum(axis=1))
    s = float(np.sqrt(np.mean(r**2)))
    if not s > 1e-12 * (1.0 + float(np.abs(dataset.y).max())):
        return np.zeros(n, dtype=np.float64)
    return r / (r + s)
