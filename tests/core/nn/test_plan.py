"""The layer plan: its offsets are where the layer views really live, and the
compiled passes read it (nothing else holds a layout)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.nn import activations as act
from core.nn import passes
from core.nn import plan as P
from core.nn.network import Network, NetworkSpec

SPECS = {
    "tanh": dict(input_size=3, hidden=(5, 4), output_size=2),
    "bn-prelu": dict(input_size=2, hidden=(3, 4), output_size=1, activation="prelu",
                     batch_norm=True),
    "mixed": dict(input_size=4, hidden=(6, 2, 3), output_size=3, batch_norm=True,
                  activation=("prelu", "rrelu", "tanh"), loss="softmax_ce"),
    "no-hidden": dict(input_size=3, hidden=(), output_size=2, batch_norm=True),
}


def _start(base: np.ndarray, view: np.ndarray) -> int:
    """Index of ``view``'s first element in the flat ``base`` (pointer arithmetic)."""
    assert view.size == 0 or np.shares_memory(base, view)
    return (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // 8


@pytest.mark.parametrize("name", list(SPECS))
def test_plan_offsets_are_where_the_layer_views_live(name):
    net = Network(NetworkSpec(**SPECS[name]))
    plan = net.plan
    assert plan.shape == (len(net.blocks), P.N_COLUMNS) and plan.dtype == np.int64
    for l, blk in enumerate(net.blocks):
        row = plan[l]
        assert (row[P.N_IN], row[P.N_OUT], row[P.BN]) == (blk.n_in, blk.n_out, blk.batch_norm)
        code = act.code_of(blk.activation) if blk.activation else P.NO_ACTIVATION
        assert row[P.ACT] == code
        for col, arr, garr in [(P.W, blk.W, blk.gW), (P.B, blk.b, blk.gb),
                               (P.GAMMA, blk.gamma, blk.ggamma), (P.BETA, blk.beta, blk.gbeta),
                               (P.PRELU, blk.prelu, blk.gprelu)]:
            if arr.size == 0:
                assert row[col] == -1 and garr.size == 0
            else:
                assert row[col] == _start(net.params, arr) == _start(net.grad, garr)
                assert arr.size == (blk.n_in * blk.n_out if col == P.W else blk.n_out)
        for col, arr in [(P.RUN_MEAN, blk.run_mean), (P.RUN_VAR, blk.run_var)]:
            assert row[col] == (_start(net.buffers, arr) if arr.size else -1)
        assert slice(row[P.START], row[P.STOP]) == blk.param_slice
        assert blk.weight_slice == slice(row[P.W], row[P.W] + blk.n_in * blk.n_out)
    # the layers tile params and buffers exactly, in order
    assert plan[0, P.START] == 0 and plan[-1, P.STOP] == net.params.size
    np.testing.assert_array_equal(plan[1:, P.START], plan[:-1, P.STOP])
    n_bn = sum(2 * b.n_out for b in net.blocks if b.batch_norm)
    assert net.buffers.size == n_bn


def test_bias_is_absent_exactly_where_batch_norm_is():
    net = Network(NetworkSpec(**SPECS["mixed"]))
    for row in net.plan:
        assert (row[P.B] < 0) == bool(row[P.BN]) == (row[P.GAMMA] >= 0) == (row[P.BETA] >= 0)


def test_the_plan_cannot_be_changed_in_place():
    net = Network(NetworkSpec(**SPECS["tanh"]))
    with pytest.raises(ValueError, match="read-only"):
        net.plan[0, P.W] = 5


@pytest.mark.parametrize("name", list(SPECS))
@pytest.mark.parametrize("m", [1, 7, 32])
def test_work_layout_gives_disjoint_cache_line_aligned_arrays(name, m):
    plan = Network(NetworkSpec(**SPECS[name])).plan
    off, size = P.work_layout(plan, m)
    spans = []
    for l in range(plan.shape[0]):
        n = plan[l, P.N_OUT]
        bn = bool(plan[l, P.BN])
        hidden = plan[l, P.ACT] != P.NO_ACTIVATION
        assert (off[l, P.XHAT] >= 0) == bn == (off[l, P.INV_STD] >= 0)
        assert (off[l, P.A] >= 0) == hidden
        assert bn or off[l, P.PRE] == off[l, P.Z]  # without BN, pre is z itself
        for col in (P.Z, P.XHAT, P.A) + ((P.PRE,) if bn else ()):
            if off[l, col] >= 0:
                spans.append((off[l, col], off[l, col] + m * n))
        if bn:
            spans.append((off[l, P.INV_STD], off[l, P.INV_STD] + n))
    spans.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert spans[-1][1] <= size
    assert all(s % (P.ALIGN_BYTES // 8) == 0 for s, _ in spans)
    for work in (P.aligned_empty(size), P.work_buffer(max(size, P.ALIGN_FROM))):
        assert work.__array_interface__["data"][0] % P.ALIGN_BYTES == 0
        assert work.flags.c_contiguous and work.dtype == np.float64


def test_noise_is_packed_for_stochastic_layers_only_and_shapes_are_checked():
    plan = Network(NetworkSpec(**SPECS["mixed"])).plan  # prelu, rrelu, tanh
    draws = [[np.ones((2, 6)), np.full((2, 2), 0.2), None, None],
             [None, np.full((3, 2), 0.3), None, None]]
    flat, off = P.pack_noise(plan, [2, 3], draws)
    assert off.tolist() == [[-1, 0, -1, -1], [-1, 4, -1, -1]]  # prelu's draw is ignored
    np.testing.assert_array_equal(flat, [0.2] * 4 + [0.3] * 6)
    with pytest.raises(ValueError, match=r"layer 2 must have shape \(3, 2\)"):
        P.pack_noise(plan, [3], [[None, np.zeros((2, 2)), None, None]])
    flat, off = P.pack_noise(plan, [4], None)
    assert np.all(off == -1) and flat.size == 1


def test_the_passes_read_the_plan_they_are_given():
    """Swapping the offsets of two same-shaped layers in the plan swaps which weights
    each layer uses: the passes take every offset from the plan."""
    net = Network(NetworkSpec(input_size=2, hidden=(4, 4, 4), output_size=1))
    X = np.random.default_rng(0).normal(size=(5, 2))
    swapped = net.plan.copy()
    swapped[[1, 2], P.W] = swapped[[2, 1], P.W]
    swapped[[1, 2], P.B] = swapped[[2, 1], P.B]
    ref = Network(NetworkSpec(input_size=2, hidden=(4, 4, 4), output_size=1))
    ref.blocks[1].W[...], ref.blocks[2].W[...] = net.blocks[2].W, net.blocks[1].W.copy()
    ref.blocks[1].b[...], ref.blocks[2].b[...] = net.blocks[2].b, net.blocks[1].b.copy()
    swapped.flags.writeable = False  # as the real plan (one compiled specialization)
    net.plan = swapped
    np.testing.assert_array_equal(net.forward(X), ref.forward(X))
    assert not np.array_equal(net.forward(X), Network(ref.spec).forward(X))


def test_the_view_table_aliases_instead_of_allocating():
    net = Network(NetworkSpec(**SPECS["tanh"]))  # no BN: pre is z, no xhat
    X = np.zeros((3, 3))
    off, size = P.work_layout(net.plan, 3)
    work = np.zeros(size)
    scratch = P.grad_scratch(net.plan, 3)
    L = len(net.blocks)
    g_out = scratch[L % 2, :3 * 2].reshape(3, 2)  # where the fused kernel puts dL/do
    V = passes.views(net.plan, net.params, net.grad, work, off, scratch, X, g_out)
    assert len(V) == passes.N_SLOTS * L + 2
    assert V[-2] is X or np.shares_memory(V[-2], X)
    for l in range(L):
        z = V[passes.V_Z * L + l]
        assert np.shares_memory(z, work) and z.shape == (3, net.blocks[l].n_out)
        assert np.shares_memory(V[passes.V_PRE * L + l], z)
        assert np.shares_memory(V[passes.V_W * L + l], net.params)
        assert np.shares_memory(V[passes.V_GW * L + l], net.grad)
    assert np.shares_memory(V[passes.V_GA * L + 1], scratch)
    # the last layer writes dL/du into the other row than the one dL/do is in
    assert not np.shares_memory(V[passes.V_GA * L + L - 1], V[-1])
    assert np.shares_memory(V[passes.V_GA * L + L - 2], V[-1])
