"""Network behaviour around the compiled passes: modes, random streams, buffers, errors."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import initializers
from core.nn.network import Network, NetworkSpec

SPEC = NetworkSpec(input_size=3, hidden=(5, 4), output_size=2, activation=("rrelu", "tanh"),
                   batch_norm=True, seed=11)


def test_evaluating_switches_to_eval_and_restores_the_previous_mode():
    net = Network(SPEC)
    with net.evaluating() as same:
        assert same is net and not net.training
    assert net.training
    net.eval()
    with net.evaluating():
        assert not net.training
    assert not net.training  # it was in eval mode before: stays so
    net.train()
    with pytest.raises(KeyError), net.evaluating():
        raise KeyError("boom")
    assert net.training  # restored on the way out of the exception


def test_predict_runs_in_eval_mode_and_leaves_training_mode_and_statistics_alone():
    net = Network(SPEC)
    X = np.random.default_rng(0).normal(size=(6, 3))
    before = net.buffers.copy()
    with net.evaluating():
        expected = net.forward(X, update_stats=False).copy()
    p = net.predict(X)
    np.testing.assert_array_equal(p, expected)  # mse: raw outputs, eval-mode BN and rrelu
    assert net.training
    np.testing.assert_array_equal(net.buffers, before)


def test_weights_and_noise_come_from_the_init_and_activation_noise_streams():
    net = Network(SPEC)
    ref = Network(SPEC)
    ref.reset(np.random.default_rng([SPEC.seed, 0]))  # the literal the streams replaced
    np.testing.assert_array_equal(net.params, ref.params)
    rng = np.random.default_rng([SPEC.seed, 1])
    assert net.noise_rng.bit_generator.state == rng.bit_generator.state
    w0 = initializers.initialize(SPEC.initializer, np.random.default_rng([SPEC.seed, 0]), 3, 5)
    np.testing.assert_array_equal(net.blocks[0].W, w0)


def test_every_forward_gets_fresh_buffers_so_earlier_outputs_stay_valid():
    net = Network(NetworkSpec(input_size=2, hidden=(4,), output_size=1))
    rng = np.random.default_rng(1)
    X1, X2 = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    out1 = net.forward(X1)
    keep = out1.copy()
    acts1 = net.hidden_activations()[0].copy()
    net.forward(X2)
    np.testing.assert_array_equal(out1, keep)
    assert not np.array_equal(net.hidden_activations()[0], acts1)
    np.testing.assert_array_equal(net.intermediates(0)["a"], net.hidden_activations()[0])


def test_intermediates_show_what_the_layer_computed():
    net = Network(NetworkSpec(input_size=2, hidden=(3,), output_size=1, activation="relu",
                              batch_norm=True))
    X = np.random.default_rng(2).normal(size=(8, 2))
    out = net.forward(X)
    h = net.intermediates(0)
    np.testing.assert_allclose(h["z"], X @ net.blocks[0].W, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(h["pre"], (h["z"] - h["z"].mean(0)) * h["inv_std"], rtol=1e-12)
    np.testing.assert_array_equal(h["xhat"], h["pre"])  # gamma 1, beta 0
    np.testing.assert_array_equal(h["a"], np.maximum(h["pre"], 0.0))
    o = net.intermediates(1)
    assert set(o) == {"z", "pre"}  # the output layer: no BN, no activation
    np.testing.assert_array_equal(o["pre"], out)


def test_backward_and_inspection_need_a_forward_of_matching_shape():
    net = Network(NetworkSpec(input_size=2, hidden=(3,), output_size=2))
    with pytest.raises(RuntimeError, match="no forward pass"):
        net.backward(np.zeros((4, 2)))
    with pytest.raises(RuntimeError, match="no forward pass"):
        net.hidden_activations()
    net.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"must have shape \(4, 2\)"):
        net.backward(np.zeros((3, 2)))


def test_a_noise_draw_of_the_wrong_shape_is_refused_before_the_kernel():
    net = Network(SPEC)
    with pytest.raises(ValueError, match=r"layer 1 must have shape \(4, 5\)"):
        net.forward(np.zeros((4, 3)), noise=[np.zeros((4, 4)), None, None])


def test_read_only_inputs_work():
    net = Network(SPEC)
    X = np.random.default_rng(3).normal(size=(4, 3))
    y = np.zeros((4, 2))
    with net.evaluating():  # deterministic (no rrelu draws)
        expected = net.loss(X, y)
        X.flags.writeable = False
        y.flags.writeable = False
        assert net.loss(X, y) == expected
    value, _ = net.loss_and_grad(X, y)
    assert np.isfinite(value)
