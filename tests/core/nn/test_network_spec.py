"""Network construction: flat parameter layout and clear errors for bad specs."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn.network import Network, NetworkSpec


def test_layer_arrays_are_views_into_the_flat_vectors():
    net = Network(NetworkSpec(input_size=2, hidden=(3, 4), output_size=1, activation="prelu",
                              batch_norm=True))
    assert net.params.dtype == np.float64 and net.params.flags.c_contiguous
    for blk in net.blocks:
        for arr in (blk.W, blk.b, blk.gamma, blk.beta, blk.prelu):
            assert arr.size == 0 or np.shares_memory(arr, net.params)
        for arr in (blk.gW, blk.gb, blk.ggamma, blk.gbeta, blk.gprelu):
            assert arr.size == 0 or np.shares_memory(arr, net.grad)
    net.params[:] = 7.0
    assert np.all(net.blocks[1].W == 7.0)
    sizes = [s.stop - s.start for s in net.layer_slices]
    # hidden 1: W 2x3, gamma, beta, prelu (3 each); hidden 2: 3x4 + 3*4; output: 4x1 + 1
    assert sizes == [6 + 9, 12 + 12, 5] and sum(sizes) == net.params.size
    assert net.layer_names == ["hidden 1", "hidden 2", "output"]


def test_spec_round_trips_through_a_plain_dict():
    spec = NetworkSpec(input_size=2, hidden=(3, 4), output_size=2,
                       activation=("relu", "tanh"), loss="softmax_ce", seed=7)
    again = NetworkSpec.from_dict(spec.to_dict())
    assert again == spec
    a, b = Network(spec), Network(spec.to_dict())
    np.testing.assert_array_equal(a.params, b.params)


def test_same_seed_same_weights_other_seed_other_weights():
    spec = dict(input_size=2, hidden=[8], output_size=1)
    assert np.array_equal(Network({**spec, "seed": 1}).params, Network({**spec, "seed": 1}).params)
    assert not np.array_equal(Network({**spec, "seed": 1}).params,
                              Network({**spec, "seed": 2}).params)


@pytest.mark.parametrize("change,match", [
    ({"activation": "swish"}, "unknown activation 'swish'"),
    ({"hidden": (4, 0)}, "width of hidden layer 2 must be an integer >= 1"),
    ({"hidden": (-3,)}, "width of hidden layer 1"),
    ({"input_size": 0}, "input size must be"),
    ({"output_size": 2.5}, "output size must be"),
    ({"initializer": "orthogonal"}, "unknown initializer 'orthogonal'"),
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"activation": ("tanh",)}, "1 activations given for 2 hidden layers"),
    ({"loss": "softmax_ce", "output_size": 1}, "at least 2"),
    ({"bn_momentum": 0.0}, "batch-norm momentum"),
])
def test_bad_specs_raise_value_error_naming_the_problem(change, match):
    spec = dict(input_size=2, hidden=(4, 4), output_size=1)
    spec.update(change)
    with pytest.raises(ValueError, match=match):
        Network(NetworkSpec(**spec))


def test_unknown_setting_in_a_plain_dict_is_named():
    with pytest.raises(ValueError, match="unknown network setting.*depth"):
        Network({"input_size": 2, "hidden": [3], "output_size": 1, "depth": 3})


def test_mismatched_shapes_are_named():
    net = Network(NetworkSpec(input_size=3, hidden=(4,), output_size=1))
    with pytest.raises(ValueError, match=r"X has 5 rows but y has 4"):
        net.loss_and_grad(np.zeros((5, 3)), np.zeros(4))
    with pytest.raises(ValueError, match=r"inputs must have shape \(m, 3\)"):
        net.loss_and_grad(np.zeros((5, 2)), np.zeros(5))
    with pytest.raises(ValueError, match="no rows"):
        net.loss_and_grad(np.zeros((0, 3)), np.zeros(0))


def test_predict_gives_probabilities_and_keeps_the_mode():
    net = Network(NetworkSpec(input_size=2, hidden=(5,), output_size=3, loss="softmax_ce",
                              batch_norm=True))
    p = net.predict(np.random.default_rng(0).normal(size=(4, 2)))
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert net.training
