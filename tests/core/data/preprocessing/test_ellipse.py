"""Tests of core.data.preprocessing.ellipse and of the covariance it is drawn from."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import preprocessing as pp
from core.data.preprocessing import ZCAWhitening, covariance_ellipse
from tests.core.data.preprocessing.helpers import pop_cov


def test_covariance_ellipse_points_lie_on_the_mahalanobis_contour():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 2)) @ np.array([[3.0, 0.0], [2.0, 0.5]]) + [4.0, -1.0]
    pts = covariance_ellipse(X, n_std=2.0, n_points=64)
    assert pts.shape == (64, 2)
    np.testing.assert_allclose(pts[0], pts[-1], atol=1e-12)  # closed curve
    mu = X.mean(axis=0)
    Cinv = np.linalg.inv(pop_cov(X))
    d = pts - mu
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", d, Cinv, d), 4.0, rtol=1e-10)
    # after whitening the ellipse of the training data is a circle of radius n_std
    Z = ZCAWhitening(eps=0.0).fit_transform(X)
    circle = covariance_ellipse(Z, n_std=1.5)
    np.testing.assert_allclose(np.linalg.norm(circle - Z.mean(axis=0), axis=1), 1.5, rtol=1e-8)


def test_covariance_ellipse_degenerate_and_bad_input():
    pts = covariance_ellipse(np.ones((5, 2)))
    np.testing.assert_array_equal(pts, np.ones((100, 2)))
    with pytest.raises(ValueError, match="expected 2 feature columns"):
        covariance_ellipse(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="n_std"):
        covariance_ellipse(np.zeros((4, 2)), n_std=0)
    with pytest.raises(ValueError, match="n_points"):
        covariance_ellipse(np.zeros((4, 2)), n_points=2)
    with pytest.raises(ValueError, match="non-finite"):
        covariance_ellipse(np.array([[0.0, np.nan], [1.0, 2.0]]))


def test_covariance_helper_centres_first():
    X = np.array([[10.0, 1.0], [12.0, 3.0], [14.0, 2.0]])
    mu, C = pp.covariance(X)
    np.testing.assert_allclose(mu, [12.0, 2.0])
    np.testing.assert_allclose(C, np.cov(X.T, bias=True))
    # the slide's X^T X / N (without centring) is not the covariance
    assert not np.allclose(C, X.T @ X / 3)
