"""The generated toys: 2-D classification sets, two regressions, a correlated Gaussian.

Each is registered in :data:`core.data.dataset.DATASETS` in the order a GUI lists them
(circle, xor, blobs, spiral, moons, correlated_gaussian, regression_1d, regression_2d).

Meaning of ``noise`` (always a standard deviation, 0 = clean):
    * classification toys: Gaussian jitter added to the inputs, in input units (the toys
      live in roughly [-1, 1]^2); labels are those of the clean points;
    * ``correlated_gaussian``: jitter in units of each feature's own scale;
    * regression toys: Gaussian noise added to the targets.

Randomness comes only from the ``numpy.random.Generator`` passed in: the same generator
state gives the same data set, bit for bit. Every classification toy shuffles its rows, so
the order carries no class information (the trainer's "sorted by class" mode sorts on
purpose).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.data.dataset import Dataset, DatasetInfo, Option, register

__all__ = [
    "blobs",
    "circle",
    "correlated_gaussian",
    "moons",
    "regression_1d",
    "regression_2d",
    "spiral",
    "xor",
]


# ---------------------------------------------------------------------------------------
# Helpers
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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


@register(DatasetInfo(
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
