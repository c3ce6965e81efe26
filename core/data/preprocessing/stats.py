"""Checked input arrays, column means and the covariance with its eigendecomposition.

Shared by the preprocessing steps and :func:`~core.data.preprocessing.covariance_ellipse`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["as_matrix", "column_mean", "const_columns", "covariance", "eigh_descending"]


def as_matrix(X: Any, what: str) -> np.ndarray:
    """``X`` as a finite 2-D float64 array (a view when it already is one) or ValueError."""
    if np.iscomplexobj(X):
        raise ValueError(f"{what}: complex input is not supported")
    try:
        A = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: input is not a numeric array ({exc})") from None
    if A.ndim != 2:
        raise ValueError(
            f"{what}: expected a 2-D array (samples x features), got {A.ndim}-D shape {A.shape}"
        )
    if not np.all(np.isfinite(A)):
        bad = int(np.count_nonzero(~np.isfinite(A)))
        raise ValueError(f"{what}: input contains {bad} non-finite value(s) (NaN or inf)")
    return A


def const_columns(X: np.ndarray) -> np.ndarray:
    """Boolean mask of the columns whose values are all equal."""
    return np.all(X == X[:1], axis=0)


def column_mean(X: np.ndarray) -> np.ndarray:
    """Column means; a constant column's mean is its value exactly (no rounding residue)."""
    mu = X.mean(axis=0)
    const = const_columns(X)
    mu[const] = X[0, const]
    return mu


def covariance(X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``mu`` and population covariance ``(X - mu)^T (X - mu) / N`` of the rows of ``X``.

    The mean is cancelled *before* the product (the slide's ``X X^T / N`` is only the
    covariance of centred data). The result is symmetrised exactly.
    """
    A = as_matrix(X, "covariance")
    if A.shape[0] < 1:
        raise ValueError("covariance: need at least one sample")
    mu = column_mean(A)
    Xc = A - mu
    C = (Xc.T @ Xc) / A.shape[0]
    return mu, 0.5 * (C + C.T)


def eigh_descending(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending, numerically-zero and negative ones set to 0) and vectors.

    Eigenvalues below ``d * machine_eps * max_eigenvalue`` are rounding noise of a singular
    covariance and are set to exactly 0. Each eigenvector's sign is fixed so that its
    largest-magnitude component is positive (stable axes for plots).
    """
    lam, U = np.linalg.eigh(C)
    order = np.argsort(lam)[::-1]
    lam, U = lam[order], U[:, order]
    top = max(float(lam[0]), 0.0) if lam.size else 0.0
    tol = C.shape[0] * np.finfo(np.float64).eps * top
    lam = np.where(lam > tol, lam, 0.0)
    idx = np.argmax(np.abs(U), axis=0)
    signs = np.sign(U[idx, np.arange(U.shape[1])])
    signs[signs == 0] = 1.0
    return lam, U * signs
