"""Shared test data for the preprocessing tests: an ill-conditioned cloud and reference maths."""

from __future__ import annotations

import numpy as np

ALL_NAMES = ["mean_cancellation", "standardize", "min_max", "pca_whitening", "zca_whitening"]

D = 5


def correlated_cloud(n: int = 4000, seed: int = 0, shift: float = 0.0) -> np.ndarray:
    """Correlated Gaussian cloud, features on very different scales (1e-2 ... 1e2)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    mix = np.diag([1e-2, 1e-1, 1.0, 10.0, 100.0]) @ Q @ np.diag([3.0, 1.0, 0.5, 0.2, 0.1])
    offset = np.array([5.0, -3.0, 100.0, 0.5, -40.0]) + shift
    return rng.normal(size=(n, D)) @ mix.T + offset


def pop_cov(X: np.ndarray) -> np.ndarray:
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


def reference_eig(X: np.ndarray):
    """Eigendecomposition of the centred 1/N covariance, written out in the test."""
    mu = X.mean(axis=0)
    lam, U = np.linalg.eigh(pop_cov(X))
    return mu, lam, U
