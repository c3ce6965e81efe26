"""Tests of core.data.preprocessing.whitening: PCA and ZCA whitening against reference maths."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import preprocessing as pp
from core.data.preprocessing import PCAWhitening, ZCAWhitening
from tests.core.data.preprocessing.helpers import D, pop_cov, reference_eig


@pytest.mark.parametrize("name", ["pca_whitening", "zca_whitening"])
@pytest.mark.parametrize("eps", [0.0, 1e-14])
def test_whitened_training_covariance_is_identity(name, eps, X_train):
    assert np.linalg.cond(pop_cov(X_train)) > 1e7  # really ill-conditioned input
    Z = pp.create(name, eps=eps).fit_transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(pop_cov(Z), np.eye(D), rtol=0, atol=1e-8)


@pytest.mark.parametrize("name", ["pca_whitening", "zca_whitening"])
def test_eps_shrinks_the_whitened_variance_as_documented(name, X_train):
    eps = 1e-3
    p = pp.create(name, eps=eps).fit(X_train)
    _, lam, U = reference_eig(X_train)  # ascending eigenvalues
    shrink = lam / (lam + eps)
    if name == "pca_whitening":
        expected = np.diag(shrink[::-1])  # PCA output axes are in descending order
    else:
        expected = (U * shrink) @ U.T
    np.testing.assert_allclose(pop_cov(p.transform(X_train)), expected, atol=1e-8)


def test_zca_matrix_is_symmetric_and_matches_reference(X_train):
    eps = 1e-6
    z = ZCAWhitening(eps=eps).fit(X_train)
    W = z.whitening_matrix
    np.testing.assert_array_equal(W, W.T)
    mu, lam, U = reference_eig(X_train)
    W_ref = U @ np.diag(1.0 / np.sqrt(lam + eps)) @ U.T
    np.testing.assert_allclose(W, W_ref, rtol=1e-7, atol=1e-9 * np.abs(W_ref).max())
    np.testing.assert_allclose(z.transform(X_train), (X_train - mu) @ W_ref, rtol=1e-7, atol=1e-7)
    # ZCA with eps=0 is Cov^{-1/2}: W Cov W = I and W^2 = Cov^{-1}
    z0 = ZCAWhitening(eps=0.0).fit(X_train)
    C = pop_cov(X_train)
    W0 = z0.whitening_matrix
    np.testing.assert_allclose(W0 @ C @ W0, np.eye(D), atol=1e-8)
    np.testing.assert_allclose(W0 @ W0 @ C, np.eye(D), atol=1e-7)


def test_pca_matrix_matches_reference_and_is_sorted_descending(X_train):
    eps = 1e-6
    p = PCAWhitening(eps=eps).fit(X_train)
    mu, lam, U = reference_eig(X_train)
    lam, U = lam[::-1], U[:, ::-1]
    assert np.all(np.diff(p.eigenvalues) <= 0)
    np.testing.assert_allclose(p.eigenvalues, lam, rtol=1e-9, atol=1e-12 * lam[0])
    # eigenvectors are unique up to sign (the eigenvalues here are well separated)
    signs = np.sign(np.sum(p.eigenvectors * U, axis=0))
    U = U * signs
    np.testing.assert_allclose(p.eigenvectors, U, atol=1e-8)
    W_ref = np.diag(1.0 / np.sqrt(lam + eps)) @ U.T
    np.testing.assert_allclose(p.whitening_matrix, W_ref, rtol=1e-7, atol=1e-9 * abs(W_ref).max())
    # first output axis carries the largest-variance direction, sign convention fixed
    idx = np.argmax(np.abs(p.eigenvectors), axis=0)
    assert np.all(p.eigenvectors[idx, np.arange(D)] > 0)


def test_whitening_inverse_matrix_is_the_exact_inverse(X_train):
    for cls in (PCAWhitening, ZCAWhitening):
        p = cls(eps=1e-3).fit(X_train)
        np.testing.assert_allclose(p.inverse_matrix @ p.whitening_matrix, np.eye(D), atol=1e-10)


def test_singular_covariance_needs_eps():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 2))
    X = np.column_stack([a, a[:, 0] + 2 * a[:, 1]])  # rank 2 in 3 features
    with pytest.raises(ValueError, match="singular.*rank 2 < 3.*eps > 0"):
        PCAWhitening(eps=0.0).fit(X)
    with pytest.raises(ValueError, match="singular"):
        ZCAWhitening(eps=0.0).fit(X)
    Z = PCAWhitening(eps=1e-8).fit_transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 2], 0.0, atol=1e-6)  # the zero-variance direction stays 0
    C = pop_cov(Z)
    np.testing.assert_allclose(C[:2, :2], np.eye(2), atol=1e-6)


def test_failed_fit_keeps_previous_state(X_train):
    p = PCAWhitening(eps=0.0).fit(X_train)
    before = p.transform(X_train)
    with pytest.raises(ValueError, match="singular"):
        p.fit(np.ones((10, D)))
    np.testing.assert_array_equal(p.transform(X_train), before)


@pytest.mark.parametrize("eps", [-1e-3, float("nan"), float("inf"), "1e-3", None])
def test_bad_eps(eps):
    for cls in (PCAWhitening, ZCAWhitening):
        with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
            cls(eps=eps)


def test_default_eps():
    assert PCAWhitening().eps == pp.DEFAULT_EPS == 1e-8
    assert ZCAWhitening().eps == pp.DEFAULT_EPS
