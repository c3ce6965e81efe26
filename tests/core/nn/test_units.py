"""Single units: dead and saturated counts, per-unit statistics, neuron maps and
histograms, against plain NumPy computations on hand-built weights."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import activations as act
from core.nn import units
from core.nn.network import Network, NetworkSpec


def _net(hidden=(3,), activation="relu", **kw) -> Network:
    return Network(NetworkSpec(input_size=2, hidden=hidden, output_size=1,
                               activation=activation, **kw))


def _numpy_layers(net: Network, X: np.ndarray, h) -> list[tuple[np.ndarray, np.ndarray]]:
    """(pre-activation, output) per layer without BN, with h the hidden activation."""
    out, u = [], X
    for b in net.blocks:
        z = u @ b.W + b.b
        u = h(z) if b.activation is not None else z
        out.append((z, u))
    return out


def test_a_unit_with_all_negative_incoming_weights_and_bias_is_dead():
    net = _net(hidden=(3,), activation="relu")
    blk = net.blocks[0]
    blk.W[:] = [[-1.0, 0.5, 2.0], [-0.3, 0.5, -1.0]]
    blk.b[:] = [-0.1, 0.2, 0.0]
    X = np.random.default_rng(0).uniform(0.0, 1.0, size=(200, 2))  # non-negative inputs
    stats = units.unit_stats(net, X)
    z = X @ blk.W + blk.b
    assert stats[0].positive.tolist() == (z > 0).sum(axis=0).tolist()
    assert stats[0].dead.tolist() == [True, False, False]
    assert stats[0].n_dead == 1
    # the output layer is "linear": never dead, never saturated
    assert stats[1].activation == "linear" and stats[1].n_dead == stats[1].n_saturated == 0


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "prelu", "softplus", "sigmoid", "tanh"])
def test_statistics_match_numpy(name):
    net = _net(hidden=(5, 4), activation=name, seed=3, initializer="he_normal")
    X = np.random.default_rng(1).normal(size=(300, 2)) * 2.0
    for b in net.blocks[:-1]:
        b.prelu[:] = np.linspace(0.1, 0.4, b.prelu.size)  # a slope per unit

    def h(z):
        beta = np.linspace(0.1, 0.4, z.shape[1]) if name == "prelu" else None
        return act.forward(name, z, beta=beta)

    ref = _numpy_layers(net, X, h)
    stats = units.unit_stats(net, X)
    for s, (z, a) in zip(stats, ref, strict=True):
        np.testing.assert_array_equal(s.positive, (z > 0).sum(axis=0))
        np.testing.assert_allclose(s.mean, a.mean(axis=0), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(s.std, a.std(axis=0), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(s.mean_abs, np.abs(a).mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(s.lo, a.min(axis=0), rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(s.hi, a.max(axis=0), rtol=1e-13, atol=1e-15)


def _derivative_over_sup(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return 4 * s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    return 1 / (1 + np.exp(-z))  # softplus: h' = sigmoid, sup 1


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus"])
def test_saturation_counts_match_numpy_and_huge_weights_saturate(name):
    net = _net(hidden=(4,), activation=name)
    blk = net.blocks[0]
    blk.W[:] = [[40.0, 0.1, -30.0, 1.0], [35.0, -0.2, -25.0, 0.5]]
    blk.b[:] = [-5.0, 0.0, -200.0, 0.0]
    X = np.random.default_rng(2).normal(size=(400, 2))
    z = X @ blk.W + blk.b
    d = _derivative_over_sup(name, z)
    expected = (d < units.SATURATION_THRESHOLD).sum(axis=0)
    s = units.unit_stats(net, X)[0]
    np.testing.assert_array_equal(s.saturated, expected)
    np.testing.assert_array_equal(s.saturated_units,
                                  expected > units.SATURATED_FRACTION * X.shape[0])
    assert s.saturated_units[2]  # z < -100 always: flat on every sample
    assert not s.saturated_units[1]  # small weights: in the linear middle
    assert s.n_dead == 0  # "dead" is the ReLU family's notion


def test_the_documented_saturation_thresholds():
    # h'(z) / sup h' = 0.05 at the |z| the module docstring gives
    assert _derivative_over_sup("sigmoid", np.array(4.36)) == pytest.approx(0.05, abs=2e-4)
    assert _derivative_over_sup("tanh", np.array(2.18)) == pytest.approx(0.05, abs=2e-3)
    assert _derivative_over_sup("softplus", np.array(-2.94)) == pytest.approx(0.05, abs=1e-3)


def test_every_activation_is_classified_exactly_once():
    groups = units.DEAD_FAMILY + units.SATURATING + units.NEITHER
    assert sorted(groups) == sorted(act.ACTIVATIONS.names())


def test_batch_norm_layers_are_judged_after_normalization_in_evaluation_mode():
    net = _net(hidden=(3,), activation="relu", batch_norm=True)
    blk = net.blocks[0]
    blk.run_mean[:] = [0.0, 10.0, -1.0]
    blk.run_var[:] = [1.0, 4.0, 9.0]
    blk.gamma[:] = [1.0, 2.0, 0.5]
    blk.beta[:] = [0.0, -0.5, 0.1]
    X = np.random.default_rng(4).normal(size=(100, 2))
    z = X @ blk.W
    pre = blk.gamma * (z - blk.run_mean) / np.sqrt(blk.run_var + net.spec.bn_eps) + blk.beta
    s = units.unit_stats(net, X)[0]
    np.testing.assert_array_equal(s.positive, (pre > 0).sum(axis=0))
    assert s.dead[1]  # (z - 10) / 2 * 2 - 0.5 < 0 for these inputs


def test_results_do_not_depend_on_the_row_chunks(monkeypatch):
    net = _net(hidden=(6, 6), activation="tanh", seed=2)
    X = np.random.default_rng(5).normal(size=(101, 2))
    whole = units.unit_stats(net, X)
    maps = units.unit_outputs(net, X)
    monkeypatch.setattr(units, "ROW_FLOATS", 4 * 30 * 7)  # 7 rows per chunk
    chunked = units.unit_stats(net, X)
    for a, b in zip(whole, chunked, strict=True):
        np.testing.assert_array_equal(a.positive, b.positive)
        np.testing.assert_array_equal(a.saturated, b.saturated)
        np.testing.assert_allclose(a.mean, b.mean, rtol=1e-12)
        np.testing.assert_array_equal(a.lo, b.lo)
        np.testing.assert_array_equal(a.hi, b.hi)
    for a, b in zip(maps, units.unit_outputs(net, X), strict=True):
        np.testing.assert_array_equal(a, b)


def test_neuron_maps_are_each_units_output_over_the_grid():
    net = _net(hidden=(4, 3), activation="tanh", seed=7)
    G = 9
    xs = np.linspace(-2, 2, G)
    gx, gy = np.meshgrid(xs, xs)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    ref = _numpy_layers(net, grid, np.tanh)
    maps = units.unit_outputs(net, grid, columns=[[3, 0], [], [0]])
    np.testing.assert_allclose(maps[0], ref[0][1][:, [3, 0]].T, rtol=1e-13, atol=1e-15)
    assert maps[1].shape == (0, G * G)
    np.testing.assert_allclose(maps[2][0].reshape(G, G), ref[2][1][:, 0].reshape(G, G),
                               rtol=1e-12, atol=1e-14)
    # the map of a unit at grid point (row i, column j) is its output at (xs[j], xs[i])
    i, j = 2, 7
    np.testing.assert_allclose(maps[0][1].reshape(G, G)[i, j],
                               np.tanh(np.array([xs[j], xs[i]]) @ net.blocks[0].W[:, 0]
                                       + net.blocks[0].b[0]), rtol=1e-13)


@pytest.mark.parametrize("columns,message", [
    ([[0], [0]], "each of the 3 layers"),
    ([[4], [], []], "units of hidden 1 must lie in 0..3"),
    ([[-1], [], []], "units of hidden 1"),
])
def test_bad_columns_are_refused(columns, message):
    net = _net(hidden=(4, 3))
    with pytest.raises(ValueError, match=message):
        units.unit_outputs(net, np.zeros((2, 2)), columns=columns)


def test_bad_inputs_are_refused():
    net = _net()
    with pytest.raises(ValueError, match="shape"):
        units.unit_stats(net, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="shape"):
        units.unit_stats(net, np.zeros((0, 2)))
    with pytest.raises(ValueError, match="bins"):
        units.column_histograms(np.zeros((3, 2)), bins=0)


def test_unit_histograms_match_numpy():
    net = _net(hidden=(5,), activation="sigmoid", seed=1)
    X = np.random.default_rng(8).normal(size=(250, 2))
    stats = units.unit_stats(net, X)
    counts = units.unit_histograms(net, X, [s.lo for s in stats], [s.hi for s in stats],
                                   bins=12)
    outputs = units.unit_outputs(net, X)  # the same bits the histograms binned
    for l, (c, a) in enumerate(zip(counts, outputs, strict=True)):
        for j in range(a.shape[0]):
            expected, _ = np.histogram(a[j], bins=12, range=(stats[l].lo[j], stats[l].hi[j]))
            np.testing.assert_array_equal(c[j], expected)
        assert c.sum() == a.size


def test_column_histograms_match_numpy_and_handle_constants():
    v = np.random.default_rng(9).normal(size=(120, 3))
    v[:, 2] = 4.0
    counts, lo, hi = units.column_histograms(v, bins=10)
    for j in range(2):
        expected, _ = np.histogram(v[:, j], bins=10, range=(lo[j], hi[j]))
        np.testing.assert_array_equal(counts[j], expected)
    assert counts[2, 0] == 120 and counts[2, 1:].sum() == 0


def test_most_active_keeps_the_largest_in_index_order():
    mean_abs = np.array([0.1, 5.0, 0.0, 3.0, 3.0, np.nan, 2.0])
    assert units.most_active(mean_abs, 3).tolist() == [1, 3, 4]
    assert units.most_active(mean_abs, 10).tolist() == list(range(7))


def test_unit_parameters():
    net = _net(hidden=(3,), activation="prelu", seed=4)
    p = units.unit_parameters(net)
    np.testing.assert_allclose(p[0]["in_norm"], np.linalg.norm(net.blocks[0].W, axis=0))
    np.testing.assert_array_equal(p[0]["prelu"], net.blocks[0].prelu)
    assert "prelu" not in p[1] and "bias" in p[1]
    bn = units.unit_parameters(_net(batch_norm=True))
    assert set(bn[0]) == {"in_norm", "gamma", "beta"}


def test_chunks_stay_below_the_blas_threshold_and_the_memory_budget(monkeypatch):
    from core.nn.layers import BLAS_THRESHOLD

    net = Network(NetworkSpec(input_size=2, hidden=(32,) * 10, output_size=1))
    rows = units.chunk_rows(net)
    assert rows * 32 * 32 < BLAS_THRESHOLD and rows >= units.MIN_ROWS
    wide = Network(NetworkSpec(input_size=2, hidden=(512, 512), output_size=1))
    assert units.chunk_rows(wide) == units.MIN_ROWS  # BLAS then, but few Python calls
    monkeypatch.setattr(units, "ROW_FLOATS", 4 * 1027 * 10)  # 10 rows of wide's units
    assert units.chunk_rows(wide) == 10
