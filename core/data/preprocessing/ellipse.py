"""The covariance ellipse of 2-D data, for the before/after scatter plots of the GUI."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from core.data.preprocessing.stats import as_matrix, covariance, eigh_descending

__all__ = ["covariance_ellipse"]


def covariance_ellipse(X2d: Any, n_std: float = 2.0, n_points: int = 100) -> np.ndarray:
    """Points ``(n_points, 2)`` of the ``n_std``-sigma covariance ellipse of 2-D data.

    The ellipse is ``{mu + n_std * U L^{1/2} (cos t, sin t)}`` with ``Cov = U L U^T`` the
    population covariance of the rows of ``X2d`` (mean cancelled first): every point ``p``
    satisfies ``(p - mu)^T Cov^{-1} (p - mu) = n_std^2``. ``t`` runs from 0 to 2 pi inclusive,
    so the first and last points coincide (a closed curve for plotting). For degenerate data
    the ellipse collapses onto a segment or the mean.
    """
    A = as_matrix(X2d, "covariance_ellipse")
    if A.shape[1] != 2:
        raise ValueError(f"covariance_ellipse: expected 2 feature columns, got {A.shape[1]}")
    if A.shape[0] < 1:
        raise ValueError("covariance_ellipse: need at least one sample")
    if isinstance(n_std, bool) or not isinstance(n_std, numbers.Real):
        raise ValueError(f"n_std must be a positive finite number, got {n_std!r}")
    if not (math.isfinite(n_std) and n_std > 0):
        raise ValueError(f"n_std must be a positive finite number, got {n_std!r}")
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 3:
        raise ValueError(f"n_points must be an integer >= 3, got {n_points!r}")
    mu, C = covariance(A)
    lam, U = eigh_descending(C)
    t = np.linspace(0.0, 2.0 * np.pi, int(n_points))
    circle = np.column_stack((np.cos(t), np.sin(t)))
    return mu + float(n_std) * (circle * np.sqrt(lam)) @ U.T
