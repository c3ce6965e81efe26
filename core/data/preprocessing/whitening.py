"""Decorrelation: PCA and ZCA whitening, with their fitted eigendecomposition.

Both fit ``Cov = U L U^T`` on the training data and scale by ``(L + eps I)^{-1/2}``:

* PCA whitening ``z = (L + eps I)^{-1/2} U^T (x - mu)`` (:class:`PCAWhitening`);
* ZCA whitening ``z = U (L + eps I)^{-1/2} U^T (x - mu) = Cov^{-1/2} (x - mu)``
  (:class:`ZCAWhitening`).

References:
    LeCun, Bottou, Orr, Mueller (1998), "Efficient BackProp", section 4.3.
    Bell, Sejnowski (1997), "The 'independent components' of natural scenes are edge
    filters" (ZCA whitening).
    Kessy, Lewin, Strimmer (2018), "Optimal whitening and decorrelation", The American
    Statistician 72(4) (PCA vs ZCA: ZCA is the whitening closest to the original data).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from core.data.preprocessing.base import Preprocessor, register
from core.data.preprocessing.stats import covariance, eigh_descending

__all__ = ["DEFAULT_EPS", "PCAWhitening", "ZCAWhitening"]

DEFAULT_EPS = 1e-8
"""Default absolute regulariser added to the covariance eigenvalues before ``^{-1/2}``."""


def _check_eps(eps: Any) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    eps = float(eps)
    if not math.isfinite(eps) or eps < 0.0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    return eps


class _Whitening(Preprocessor):
    """Shared part of PCA and ZCA whitening (eigendecomposition of the training covariance).

    Fit: ``mu`` = training mean, ``Cov = (X - mu)^T (X - mu) / N = U L U^T`` by
    ``numpy.linalg.eigh``, eigenvalues sorted descending (numerically-zero ones set to 0).
    ``eps >= 0`` (absolute, default 1e-8) is added to the eigenvalues,
    ``(L + eps I)^{-1/2}``, to keep directions of (near-)zero variance from blowing up;
    ``eps = 0`` is allowed when the covariance has full rank and raises ``ValueError``
    otherwise. With ``eps > 0`` the whitened covariance is ``L / (L + eps)`` rather than
    exactly ``I``; the inverse is still the exact inverse of the linear map used.

    ``whitening_matrix`` is ``W`` in the column-vector convention ``z = W (x - mu)``;
    on row arrays the transform is ``(X - mu) @ W.T`` and the inverse ``Z @ W^{-T} + mu``.
    """

    _OPTIONS = ("eps",)

    def __init__(self, eps: float = DEFAULT_EPS) -> None:
        super().__init__()
        self.eps = _check_eps(eps)
        self._forward: np.ndarray | None = None  # Xc @ _forward = Z
        self._backward: np.ndarray | None = None  # Z @ _backward = Xc

    def _fit(self, X):
        mu, C = covariance(X)
        lam, U = eigh_descending(C)
        self._check_positive(lam, self.eps)
        return {"mean": mu, "eigenvalues": lam, "eigenvectors": U}

    @staticmethod
    def _check_positive(lam: np.ndarray, eps: float) -> None:
        if np.any(lam + eps <= 0.0):
            rank = int(np.count_nonzero(lam > 0.0))
            raise ValueError(
                f"the covariance is singular (rank {rank} < {lam.size} features) and eps = "
                f"{eps:g}; use eps > 0 to whiten (directions of zero variance stay 0)"
            )

    @property
    def eigenvalues(self) -> np.ndarray | None:
        """Training covariance eigenvalues, descending (a copy), ``None`` before fitting."""
        return self._fitted("eigenvalues")

    @property
    def eigenvectors(self) -> np.ndarray | None:
        """Columns are the principal axes, matching :attr:`eigenvalues` (a copy)."""
        return self._fitted("eigenvectors")

    @property
    def mean(self) -> np.ndarray | None:
        """Training mean ``mu`` (a copy), ``None`` before fitting."""
        return self._fitted("mean")

    @property
    def whitening_matrix(self) -> np.ndarray | None:
        """``W`` with ``z = W (x - mu)`` (``None`` before fitting)."""
        return None if self._forward is None else self._forward.T.copy()

    @property
    def inverse_matrix(self) -> np.ndarray | None:
        """``W^{-1}`` with ``x = W^{-1} z + mu`` (``None`` before fitting)."""
        return None if self._backward is None else self._backward.T.copy()

    def _after_fit(self):
        s = np.sqrt(self._state["eigenvalues"] + self.eps)
        self._forward, self._backward = self._matrices(self._state["eigenvectors"], 1.0 / s, s)

    def _matrices(self, U, inv_s, s) -> tuple[np.ndarray, np.ndarray]:
        """(forward, backward) matrices acting on row vectors, from Cov = U diag(s²) Uᵀ."""
        raise NotImplementedError

    def _transform(self, X):
        return (X - self._state["mean"]) @ self._forward

    def _inverse(self, Y):
        return Y @ self._backward + self._state["mean"]


@register
class PCAWhitening(_Whitening):
    """PCA whitening: ``z = (L + eps I)^{-1/2} U^T (x - mu)``.

    Inverse: ``x = U (L + eps I)^{1/2} z + mu``.

    Rotates the centred data onto the principal axes of the training covariance (the
    Karhunen-Loeve expansion of the slide) and scales each axis to unit variance, so
    ``Cov(z) = I`` on the training data (for ``eps = 0``). The output axes are the principal
    components in decreasing order of variance; each axis's sign is fixed so the largest
    component of its eigenvector is positive.
    References: LeCun et al. (1998), "Efficient BackProp", section 4.3; Kessy, Lewin &
    Strimmer (2018), "Optimal whitening and decorrelation".
    """

    name = "pca_whitening"
    describe = "PCA whitening: rotate to the principal axes and scale each to unit variance."

    def _matrices(self, U, inv_s, s):
        # (x - mu) @ U diag(1/s) = rows of (diag(1/s) U^T (x - mu))
        return U * inv_s, s[:, None] * U.T


@register
class ZCAWhitening(_Whitening):
    """ZCA whitening: ``z = U (L + eps I)^{-1/2} U^T (x - mu) = Cov^{-1/2} (x - mu)``.

    The slide's decorrelation ``X_hat = Cov^{-1/2} X`` (applied after mean cancellation).
    Like PCA whitening it gives ``Cov(z) = I`` on the training data, then rotates back to the
    original axes: among all whitening matrices ZCA (Mahalanobis whitening) is the one whose
    output is closest to the input in mean squared error, so whitened images still look
    like images. The matrix is symmetric (made exactly symmetric here).
    Inverse: ``x = U (L + eps I)^{1/2} U^T z + mu``.
    References: Bell & Sejnowski (1997); Kessy, Lewin & Strimmer (2018), "Optimal whitening
    and decorrelation".
    """

    name = "zca_whitening"
    describe = "ZCA whitening: Cov^-1/2 (x - mean); decorrelates while staying near the data."

    def _matrices(self, U, inv_s, s):
        fwd = (U * inv_s) @ U.T
        bwd = (U * s) @ U.T
        return 0.5 * (fwd + fwd.T), 0.5 * (bwd + bwd.T)  # exactly symmetric
