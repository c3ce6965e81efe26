"""L1 and L2 weight penalties: exact gradients (finite differences of loss + penalty),
a NumPy reference, only the weight matrices, both training paths alike."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import penalty
from core.nn.network import Network, NetworkSpec
from core.train.trainer import Trainer
from tests.core.nn.test_network_gradients import _check_gradient, _data, _nudge_away_from_kinks
from tests.core.train.reference import reference_step
from tests.core.train.test_trainer import _assert_same_run, make_config


@pytest.mark.parametrize("l1,l2", [(0.0, 0.3), (0.05, 0.0), (0.02, 0.1)])
@pytest.mark.parametrize("bn", [False, True])
def test_the_gradient_is_that_of_loss_plus_penalty(l1, l2, bn):
    spec = NetworkSpec(input_size=3, hidden=(5, 4), output_size=2, activation="tanh",
                       batch_norm=bn, loss="mse", seed=2, l1=l1, l2=l2)
    net = Network(spec)
    _nudge_away_from_kinks(net)
    X, y = _data("mse", 7, 3, 2)
    assert _check_gradient(net, X, y, h=1e-6, penalty=True) < 1e-6


def test_the_penalty_and_its_gradient_match_numpy_on_the_weights_only():
    spec = NetworkSpec(input_size=2, hidden=(3,), output_size=1, activation="prelu",
                       batch_norm=True, seed=4, l1=0.1, l2=0.5)
    net = Network(spec)
    _nudge_away_from_kinks(net)
    net.blocks[0].W[0, 0] = 0.0  # sign(0) = 0: the subgradient adds nothing there
    Ws = [b.W for b in net.blocks]
    expected = sum(0.1 * np.abs(W).sum() + 0.25 * (W * W).sum() for W in Ws)
    assert net.penalty() == pytest.approx(expected, rel=1e-14)
    grad = np.zeros_like(net.params)
    penalty.add_penalty_grad(net.plan, net.params, grad, 0.1, 0.5)
    for blk in net.blocks:
        g = grad[blk.weight_slice].reshape(blk.W.shape)
        np.testing.assert_array_equal(g, 0.1 * np.sign(blk.W) + 0.5 * blk.W)
        others = np.setdiff1d(np.arange(blk.param_slice.start, blk.param_slice.stop),
                              np.arange(blk.weight_slice.start, blk.weight_slice.stop))
        assert np.all(grad[others] == 0.0)  # biases, γ, β, PReLU slopes: no penalty
    assert grad[net.blocks[0].weight_slice][0] == 0.0


def test_the_loss_reported_is_the_data_loss():
    spec = dict(input_size=2, hidden=(4,), output_size=1, seed=1)
    X, y = _data("mse", 6, 2, 1)
    plain = Network(NetworkSpec(**spec)).loss_and_grad(X, y)[0]
    penalised = Network(NetworkSpec(**spec, l2=5.0)).loss_and_grad(X, y)[0]
    assert plain == penalised


def test_negative_or_boolean_penalties_are_refused():
    for bad in (-0.1, float("nan"), True):
        with pytest.raises(ValueError, match="penalty"):
            Network(NetworkSpec(input_size=2, hidden=(3,), output_size=1, l1=bad))


@pytest.mark.parametrize("sections", [
    {"training": {"l2": 0.01}},
    {"training": {"l1": 0.001, "l2": 0.002, "grad_noise": {"enabled": True}},
     "network": {"hidden": [6, 6], "activation": ["rrelu", "prelu"], "batch_norm": True}},
], ids=["l2", "l1+l2 with BN and noise"])
def test_the_fused_path_gives_the_reference_bits_with_penalties(sections):
    config = make_config(**sections)
    fused, stepped = Trainer(config), Trainer(config)
    fused.run(47)
    for _ in range(47):
        reference_step(stepped)
    _assert_same_run(fused, stepped)


def test_an_l2_penalty_shrinks_the_weights():
    norms = {}
    for l2 in (0.0, 0.05):
        t = Trainer(make_config(training={"l2": l2}, optimizer={"name": "sgd",
                                                                 "hyper": {"lr": 0.1}}))
        t.run(600)
        norms[l2] = sum(float(np.linalg.norm(b.W)) for b in t.network.blocks)
    assert norms[0.05] < 0.8 * norms[0.0]


def test_an_l1_penalty_drives_weights_to_zero():
    counts = {}
    for l1 in (0.0, 0.02):
        t = Trainer(make_config(training={"l1": l1}, optimizer={"name": "sgd",
                                                                 "hyper": {"lr": 0.05}}))
        t.run(800)
        W = np.concatenate([b.W.ravel() for b in t.network.blocks])
        counts[l1] = int(np.sum(np.abs(W) < 1e-2))
    assert counts[0.02] > 2 * max(counts[0.0], 1)
