"""Hutchinson's per-layer curvature against the exact Hessian diagonal of tiny
networks (the Hessian from central differences of the analytic gradient)."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import curvature as cv
from core.nn.network import Network, NetworkSpec


def _tiny(loss="mse", batch_norm=False, activation="tanh"):
    out = 1
    spec = NetworkSpec(input_size=2, hidden=(4, 3), output_size=out, activation=activation,
                       loss=loss, seed=3, initializer="xavier_normal", batch_norm=batch_norm)
    net = Network(spec)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    if loss == "mse":
        y = np.sin(X[:, :1]) + 0.1 * X[:, 1:]
    else:
        y = (X[:, :1] * X[:, 1:] > 0).astype(np.float64)
    if batch_norm:  # running statistics away from their initial 0 / 1
        net.forward(X)  # training mode: updates them once
    return net, X, y


def exact_hessian(net, X, y, h=1e-5) -> np.ndarray:
    """The full Hessian, column i = (g(w + h e_i) - g(w - h e_i)) / 2h."""
    with cv._Gradient(net, X, y) as grad:
        w = grad.saved.copy()
        H = np.empty((w.size, w.size))
        for i in range(w.size):
            e = np.zeros_like(w)
            e[i] = h
            H[:, i] = (grad(w + e) - grad(w - e)) / (2 * h)
    return H


def true_curvature(net, H) -> np.ndarray:
    d = np.diag(H)
    return np.array([np.abs(d[s]).mean() for s in net.weight_slices])


@pytest.fixture(scope="module")
def tiny():
    net, X, y = _tiny()
    H = exact_hessian(net, X, y)
    return net, X, y, H


def test_the_reference_hessian_is_symmetric(tiny):
    _net, _X, _y, H = tiny
    np.testing.assert_allclose(H, H.T, atol=1e-7 * np.abs(H).max())


def test_hessian_vector_products_match_the_exact_hessian(tiny):
    net, X, y, H = tiny
    v = cv.rademacher(np.random.default_rng(3), H.shape[0])
    with cv._Gradient(net, X, y) as grad:
        hv = cv.hessian_vector(grad, grad.saved.copy(), v, 1e-4)
    # O(eps^2) truncation: 1e-7 of the largest entry, far below the estimator's noise
    np.testing.assert_allclose(hv, H @ v, rtol=1e-5, atol=1e-6 * np.abs(H @ v).max())


@pytest.mark.parametrize("case", [dict(), dict(loss="bce_logits", batch_norm=True),
                                  dict(activation="softplus")], ids=["mse", "bce_bn", "softplus"])
def test_the_estimate_lies_within_four_standard_errors_of_the_exact_diagonal(case):
    net, X, y = _tiny(**case)
    T = true_curvature(net, exact_hessian(net, X, y))
    est = cv.layer_curvature(net, X, y, probes=512, rng=np.random.default_rng(11))
    assert np.all(est.stderr > 0)
    assert np.all(est.stderr < 0.3 * T)  # the test has teeth: a small error bar
    z = np.abs(est.mean_abs_diag - T) / est.stderr
    assert np.all(z < 4.0), (est.mean_abs_diag, T, est.stderr)


def test_the_error_and_the_standard_error_shrink_with_more_probes(tiny):
    net, X, y, H = tiny
    T = true_curvature(net, H)
    errors, ses = {}, {}
    for K in (8, 512):
        runs = [cv.layer_curvature(net, X, y, probes=K, rng=np.random.default_rng(s))
                for s in range(6)]
        errors[K] = np.mean([np.abs(r.mean_abs_diag - T) / T for r in runs])
        ses[K] = np.mean([r.stderr for r in runs], axis=0)
    assert errors[512] < 0.3 * errors[8]
    # 1/sqrt(K): 64x the probes, an 8x smaller standard error (loosely)
    ratio = ses[512] / ses[8]
    assert np.all((ratio > 1 / 20) & (ratio < 1 / 4)), ratio


def test_the_network_is_left_as_it_was_and_the_seed_decides(tiny):
    net, X, y, _ = tiny
    params, buffers, mode = net.params.copy(), net.buffers.copy(), net.training
    a = cv.layer_curvature(net, X, y, probes=4, rng=np.random.default_rng(5))
    b = cv.layer_curvature(net, X, y, probes=4, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(net.params, params)
    np.testing.assert_array_equal(net.buffers, buffers)
    assert net.training == mode
    np.testing.assert_array_equal(a.mean_abs_diag, b.mean_abs_diag)
    assert a.layer_names == ("hidden 1", "hidden 2", "output") and a.rows == 30


def test_rademacher_probes_are_plus_minus_one_with_equal_odds():
    v = cv.rademacher(np.random.default_rng(0), 20_000)
    assert set(np.unique(v)) == {-1.0, 1.0}
    assert abs(v.mean()) < 0.03


@pytest.mark.parametrize("kw,message", [
    (dict(probes=1), "probes must be an integer in 2..4096"),
    (dict(probes=True), "probes"),
    (dict(probes=10**7), "probes"),
])
def test_bad_arguments_are_refused(tiny, kw, message):
    net, X, y, _ = tiny
    with pytest.raises(ValueError, match=message):
        cv.layer_curvature(net, X, y, rng=np.random.default_rng(0), **kw)
    with pytest.raises(TypeError, match="Generator"):
        cv.layer_curvature(net, X, y, probes=4, rng=np.random.RandomState(0))
