"""The immutable :class:`Dataset`, the registry of data sets and the validated :func:`load_dataset`.

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
order a GUI should show them: the order they register in, toys first, see
``core/data/__init__.py``). Each is a function ``fn(rng, n_samples, noise, **options) ->
Dataset`` and carries its metadata as ``fn.info`` (a :class:`DatasetInfo`). Options a
generator does not declare are ignored, as for the initializers, so one config dict can be
passed to any of them. Use :func:`load_dataset` as the validated entry point and
:func:`dataset_info` for the metadata.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from core.common import limits
from core.common.registry import Registry

__all__ = [
    "DATASETS",
    "TASKS",
    "Dataset",
    "DatasetGenerator",
    "DatasetInfo",
    "Option",
    "dataset_info",
    "load_dataset",
    "names",
    "register",
]

TASKS = ("binary", "multiclass", "regression")


# ---------------------------------------------------------------------------------------
# The Dataset container
# ---------------------------------------------------------------------------------------


def frozen(a: np.ndarray) -> np.ndarray:
    """``a`` made read-only in place (and returned)."""
    a.setflags(write=False)
    return a


def _regression_targets(y_in: Any, n: int, n_classes: int, class_names: tuple) -> np.ndarray:
    """``y`` as float64 (n, k), a 1-D ``y`` taken as k = 1; the other fields must be empty."""
    y = np.array(y_in, dtype=np.float64, copy=True, order="C")
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.ndim != 2 or y.shape[0] != n:
        raise ValueError(f"regression y must have shape ({n}, k); got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinite values")
    if n_classes != 0:
        raise ValueError(f"n_classes must be 0 for regression; got {n_classes}")
    if class_names:
        raise ValueError("class_names must be empty for regression")
    return y


def _class_targets(
    y_in: Any, n: int, task: str, k: Any, class_names: tuple[str, ...]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """``y`` as int64 (n,) in ``0..k-1`` and the class names (``"0".."k-1"`` when none)."""
    y_in = np.asarray(y_in)
    if y_in.ndim != 1 or y_in.shape[0] != n:
        raise ValueError(f"class labels y must have shape ({n},); got {y_in.shape}")
    if y_in.size and not np.all(np.asarray(y_in, dtype=np.float64) % 1 == 0):
        raise ValueError("class labels y must be integers")
    y = np.array(y_in, dtype=np.int64, copy=True)
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 2:
        raise ValueError(f"n_classes must be an integer >= 2; got {k!r}")
    if task == "binary" and k != 2:
        raise ValueError(f"a binary task has n_classes == 2; got {k}")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"class labels must lie in 0..{k - 1}")
    if not class_names:
        class_names = tuple(str(i) for i in range(k))
    if len(class_names) != k:
        raise ValueError(f"class_names has {len(class_names)} names for {k} classes")
    return y, class_names


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
            y = _regression_targets(self.y, n, self.n_classes, class_names)
        else:
            y, class_names = _class_targets(self.y, n, self.task, self.n_classes, class_names)
            object.__setattr__(self, "n_classes", int(self.n_classes))
        object.__setattr__(self, "X", frozen(X))
        object.__setattr__(self, "y", frozen(y))
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


def register(info: DatasetInfo) -> Callable[[Callable[..., Dataset]], DatasetGenerator]:
    """Decorator: attach ``info`` to the generator as ``fn.info`` and register it by name."""

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
# Validated entry point
# ---------------------------------------------------------------------------------------


def check_int(name: str, value: Any, low: int, high: int) -> int:
    """``value`` as an int in ``low..high`` (a bool or a float is refused) or ValueError."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer; got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {value}")
    return int(value)


def check_float(name: str, value: Any, low: float, high: float) -> float:
    """``value`` as a finite float in ``[low, high]`` (a bool or a text is refused)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"{name} must be a number; got {value!r}")
    v = float(value)
    if not math.isfinite(v) or not low <= v <= high:
        raise ValueError(f"{name} must be a finite number between {low} and {high}; got {value}")
    return v


def _generator(seed: int | None, rng: np.random.Generator | None) -> np.random.Generator:
    """The caller's generator, or one made from the caller's seed (OS entropy when neither)."""
    if seed is not None and rng is not None:
        raise ValueError("give either seed or rng, not both")
    if rng is None:
        if seed is not None:
            check_int("seed", seed, 0, limits.MAX_SEED)
        return np.random.default_rng(seed)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    return rng


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
        n_samples: number of examples, ``limits.MIN_SAMPLES..limits.MAX_SAMPLES`` (4 to
            200,000, the same bounds as the config's ``data.n_samples``; and at least two per
            class); default ``info.default_n_samples``. Ignored by the shipped real sets.
        noise: standard deviation of the noise, finite and >= 0 (meaning: ``core.data.toys``);
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
    n = check_int("n_samples", n, limits.MIN_SAMPLES, limits.MAX_SAMPLES)
    s = info.default_noise if noise is None else noise
    s = check_float("noise", s, 0.0, math.inf)
    gen = _generator(seed, rng)
    checked: dict[str, Any] = {}
    for opt in info.options:
        value = options.get(opt.name, opt.default)
        if isinstance(opt.default, int):
            checked[opt.name] = check_int(opt.name, value, int(opt.low), int(opt.high))
        else:
            checked[opt.name] = check_float(opt.name, value, float(opt.low), float(opt.high))
    return fn(gen, n, s, **checked)
