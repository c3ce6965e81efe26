"""loss_and_grad against central finite differences and a plain NumPy reference."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn.activations import ACTIVATIONS
from core.nn.network import Network, NetworkSpec

ALL_ACTIVATIONS = ACTIVATIONS.names()


def _data(loss: str, m: int, n_in: int, n_out: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_in))
    if loss == "softmax_ce":
        y = rng.integers(0, n_out, size=m)
    elif loss == "bce_logits":
        y = rng.integers(0, 2, size=(m, n_out)).astype(float)
    else:
        y = rng.normal(size=(m, n_out))
    return X, y


def _check_gradient(net: Network, X, y, seed: int = 11, h: float = 1e-5,
                    penalty: bool = False) -> float:
    """Max relative error of the analytic gradient against central differences
    (of the loss, plus the weights' penalty if ``penalty``).

    The stochastic activations get the same draw at every evaluation (a fresh
    generator from the same seed); BN running statistics are not updated so
    that every evaluation sees the same network.
    """
    def f(p):
        saved = net.params.copy()
        net.params[:] = p
        value = net.loss(X, y, rng=np.random.default_rng(seed))
        if penalty:  # the objective of loss_and_grad with L1/L2: loss + penalty
            value += net.penalty()
        net.params[:] = saved
        return value

    _, grad = net.loss_and_grad(X, y, rng=np.random.default_rng(seed), update_stats=False)
    grad = grad.copy()
    p0 = net.params.copy()
    numeric = np.empty_like(p0)
    for i in range(p0.size):
        e = np.zeros_like(p0)
        e[i] = h
        numeric[i] = (f(p0 + e) - f(p0 - e)) / (2 * h)
    scale = max(np.abs(numeric).max(), 1e-8)
    return float(np.abs(numeric - grad).max() / scale)


def _nudge_away_from_kinks(net: Network) -> None:
    """Non-zero PReLU slopes/biases so that no pre-activation sits on a kink."""
    rng = np.random.default_rng(5)
    for blk in net.blocks:
        blk.b[...] = rng.normal(scale=0.1, size=blk.b.shape)
        blk.gamma[...] = rng.uniform(0.5, 1.5, size=blk.gamma.shape)
        blk.beta[...] = rng.normal(scale=0.1, size=blk.beta.shape)
        blk.prelu[...] = rng.uniform(0.05, 0.4, size=blk.prelu.shape)


@pytest.mark.parametrize("activation", ALL_ACTIVATIONS)
@pytest.mark.parametrize("batch_norm", [False, True])
def test_every_activation_matches_finite_differences(activation, batch_norm):
    spec = NetworkSpec(input_size=3, hidden=(5, 4), output_size=2, activation=activation,
                       batch_norm=batch_norm, initializer="xavier_normal", loss="mse", seed=1)
    net = Network(spec)
    _nudge_away_from_kinks(net)
    X, y = _data("mse", 7, 3, 2)
    assert _check_gradient(net, X, y) < 1e-6


@pytest.mark.parametrize("loss,n_out", [("mse", 3), ("bce_logits", 1), ("bce_logits", 2),
                                        ("softmax_ce", 4)])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_every_loss_matches_finite_differences(loss, n_out, batch_norm):
    net = Network(NetworkSpec(input_size=2, hidden=(6,), output_size=n_out, activation="tanh",
                              batch_norm=batch_norm, initializer="xavier_uniform", loss=loss,
                              seed=2))
    _nudge_away_from_kinks(net)
    X, y = _data(loss, 9, 2, n_out)
    assert _check_gradient(net, X, y) < 1e-6


@pytest.mark.parametrize("hidden", [(), (1,), (8, 8, 8), (3, 7, 2, 5, 4), (40,)])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_depths_and_widths_match_finite_differences(hidden, batch_norm):
    acts = tuple(["tanh", "prelu", "softplus", "sigmoid", "leaky_relu"][i % 5]
                 for i in range(len(hidden)))
    net = Network(NetworkSpec(input_size=4, hidden=hidden, output_size=3, activation=acts,
                              batch_norm=batch_norm, initializer="he_normal",
                              loss="softmax_ce", seed=4))
    _nudge_away_from_kinks(net)
    X, y = _data("softmax_ce", 6, 4, 3)
    assert _check_gradient(net, X, y) < 1e-6


def test_eval_mode_batch_norm_gradient_matches_finite_differences():
    net = Network(NetworkSpec(input_size=3, hidden=(5,), output_size=1, activation="tanh",
                              batch_norm=True, loss="mse", seed=8))
    _nudge_away_from_kinks(net)
    net.buffers[:] = np.random.default_rng(0).uniform(0.5, 1.5, size=net.buffers.size)
    net.eval()
    X, y = _data("mse", 5, 3, 1)
    assert _check_gradient(net, X, y) < 1e-6


def _numpy_reference(net: Network, X, y):
    """Forward and backward written out in plain NumPy for a tanh/BN/MSE network."""
    eps = net.spec.bn_eps
    us, caches = [X], []
    u = X
    for blk in net.blocks:
        z = u @ blk.W + (blk.b if blk.b.size else 0.0)
        if blk.batch_norm:
            mu = z.mean(0)
            var = z.var(0)
            xhat = (z - mu) / np.sqrt(var + eps)
            pre = blk.gamma * xhat + blk.beta
        else:
            xhat, var, pre = None, None, z
        a = np.tanh(pre) if blk.activation else pre
        caches.append((z, xhat, var, pre, a))
        u = a
        us.append(u)
    loss = np.mean((u - y) ** 2)
    g = 2 * (u - y) / u.size
    grads = []
    for k in range(len(net.blocks) - 1, -1, -1):
        blk = net.blocks[k]
        z, xhat, var, pre, a = caches[k]
        if blk.activation:
            g = g * (1 - a ** 2)
        parts = {}
        if blk.batch_norm:
            m = z.shape[0]
            parts["gamma"] = (g * xhat).sum(0)
            parts["beta"] = g.sum(0)
            dxhat = g * blk.gamma
            dvar = (dxhat * (z - z.mean(0))).sum(0) * -0.5 * (var + eps) ** -1.5
            dmu = -dxhat.sum(0) / np.sqrt(var + eps) + dvar * -2 * (z - z.mean(0)).mean(0)
            g = dxhat / np.sqrt(var + eps) + dvar * 2 * (z - z.mean(0)) / m + dmu / m
        parts["W"] = us[k].T @ g
        parts["b"] = g.sum(0)
        grads.append(parts)
        g = g @ blk.W.T
    return loss, grads[::-1]


@pytest.mark.parametrize("batch_norm", [False, True])
def test_matches_plain_numpy_reference(batch_norm):
    net = Network(NetworkSpec(input_size=3, hidden=(70, 50), output_size=2, activation="tanh",
                              batch_norm=batch_norm, loss="mse", seed=9))
    _nudge_away_from_kinks(net)
    X, y = _data("mse", 33, 3, 2)  # 33x70x50 goes through BLAS, the rest through loops
    loss, _ = net.loss_and_grad(X, y, update_stats=False)
    ref_loss, ref = _numpy_reference(net, X, y)
    assert loss == pytest.approx(ref_loss, rel=1e-12)
    for blk, parts in zip(net.blocks, ref, strict=True):
        np.testing.assert_allclose(blk.gW, parts["W"], rtol=1e-9, atol=1e-13)
        if blk.b.size:
            np.testing.assert_allclose(blk.gb, parts["b"], rtol=1e-9, atol=1e-13)
        if blk.batch_norm:
            np.testing.assert_allclose(blk.ggamma, parts["gamma"], rtol=1e-9, atol=1e-13)
            np.testing.assert_allclose(blk.gbeta, parts["beta"], rtol=1e-9, atol=1e-13)
