"""Splitting a data set into training and validation parts, and scoring its difficulty.

:func:`train_val_split` makes a shuffled, stratified split from the generator passed in;
:func:`difficulty` gives each example a model-free score for curriculum learning.
"""

from __future__ import annotations

import math

import numpy as np

from core.common import limits
from core.data.dataset import Dataset, check_float

__all__ = ["difficulty", "train_val_split"]


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
    ratio = check_float("val_ratio", val_ratio, 0.0, limits.MAX_VAL_RATIO)
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
        return _centroid_margin(X, dataset.y)
    return _linear_residual(X, dataset.y)


def _centroid_margin(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``a / (a + b)``: distance to the own class centroid ``a``, to the nearest other ``b``."""
    n = X.shape[0]
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


def _linear_residual(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``r / (r + s)``: residual norm ``r`` of a least-squares fit with intercept, ``s`` its RMS."""
    n = X.shape[0]
    A = np.column_stack([X, np.ones(n)])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    r = np.sqrt(((y - A @ coef) ** 2).sum(axis=1))
    s = float(np.sqrt(np.mean(r**2)))
    if not s > 1e-12 * (1.0 + float(np.abs(y).max())):
        return np.zeros(n, dtype=np.float64)
    return r / (r + s)
