"""Batch normalization: batch statistics in training, running averages at evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn.network import Network, NetworkSpec


def _bn_net(**kw):
    spec = dict(input_size=4, hidden=(6,), output_size=1, activation="linear",
                batch_norm=True, loss="mse", seed=0)
    spec.update(kw)
    return Network(NetworkSpec(**spec))


def test_training_output_has_zero_mean_and_unit_variance_per_feature():
    net = _bn_net()
    X = np.random.default_rng(0).normal(3.0, 5.0, size=(64, 4))
    net.forward(X)
    pre = net.intermediates(0)["pre"]  # gamma = 1, beta = 0 after init
    np.testing.assert_allclose(pre.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(pre.var(0), 1.0, rtol=1e-4)  # eps = 1e-5 shrinks it a hair


def test_gamma_and_beta_scale_and_shift_the_normalized_output():
    net = _bn_net()
    blk = net.blocks[0]
    blk.gamma[...] = np.arange(1, 7)
    blk.beta[...] = -np.arange(6)
    net.forward(np.random.default_rng(1).normal(size=(50, 4)))
    pre = net.intermediates(0)["pre"]
    np.testing.assert_allclose(pre.mean(0), -np.arange(6), atol=1e-12)
    np.testing.assert_allclose(pre.std(0), np.arange(1, 7), rtol=1e-4)


def test_running_statistics_follow_the_momentum_rule_and_drive_evaluation():
    net = _bn_net(bn_momentum=0.1)
    blk = net.blocks[0]
    rng = np.random.default_rng(2)
    rm = np.zeros(6)
    rv = np.ones(6)
    for _ in range(5):
        X = rng.normal(1.0, 2.0, size=(16, 4))
        z = X @ blk.W
        rm = 0.9 * rm + 0.1 * z.mean(0)
        rv = 0.9 * rv + 0.1 * z.var(0, ddof=1)
        net.forward(X)
    np.testing.assert_allclose(blk.run_mean, rm, rtol=1e-12)
    np.testing.assert_allclose(blk.run_var, rv, rtol=1e-12)
    net.eval()
    X = rng.normal(size=(3, 4))
    before = net.buffers.copy()
    net.forward(X)
    expected = (X @ blk.W - rm) / np.sqrt(rv + net.spec.bn_eps)
    np.testing.assert_allclose(net.intermediates(0)["pre"], expected, rtol=1e-12)
    np.testing.assert_array_equal(net.buffers, before)  # evaluation never updates them


def test_evaluation_of_one_example_works_but_training_on_one_is_a_clear_error():
    net = _bn_net()
    X = np.ones((1, 4))
    with pytest.raises(ValueError, match="batch normalization needs at least 2 examples"):
        net.loss_and_grad(X, np.zeros(1))
    net.eval()
    value, grad = net.loss_and_grad(X, np.zeros(1))
    assert np.isfinite(value) and np.all(np.isfinite(grad))


def test_no_dense_bias_before_batch_norm():
    with_bn = Network(NetworkSpec(input_size=2, hidden=(5,), output_size=1, batch_norm=True))
    without = Network(NetworkSpec(input_size=2, hidden=(5,), output_size=1, batch_norm=False))
    # bias (5) replaced by gamma and beta (10): 2*5 + 10 + 5*1 + 1 vs 2*5 + 5 + 5*1 + 1
    assert with_bn.params.size == 26 and without.params.size == 21
