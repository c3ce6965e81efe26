"""The fused chunk kernel gives the same bits as the step-by-step path."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import plan as P
from core.nn.network import Network, NetworkSpec
from core.optim import OPTIMIZERS, create
from core.train import fused
from core.train.fused import FusedStepper
from core.train.trainer import Trainer
from tests.core.train.reference import reference_step
from tests.core.train.test_trainer import make_config

CASES = {
    "tanh-mse": dict(data={"name": "regression_2d"}, network={"hidden": [8, 8, 8]}),
    "bn-prelu-bce": dict(network={"hidden": [6, 5], "activation": "prelu",
                                  "batch_norm": True}),
    "noisy-rrelu-grad-noise": dict(
        network={"hidden": [7, 7], "activation": ["noisy_relu", "rrelu"]},
        training={"grad_noise": {"enabled": True, "eta": 0.1}}),
    "softmax-blas": dict(data={"name": "blobs", "n_samples": 300,
                               "options": {"n_classes": 4}},
                         network={"hidden": [96, 96], "activation": "relu"},
                         training={"batch_size": 64}),
    "curriculum-sorted": dict(training={"shuffle": "sorted",
                                        "curriculum": {"enabled": True, "epochs_to_full": 2}}),
}


def _pair(sections):
    sections = {k: dict(v) for k, v in sections.items()}
    sections.setdefault("training", {})["eval_every"] = 1_000_000
    return Trainer(make_config(**sections)), Trainer(make_config(**sections))


def _assert_equal(a: Trainer, b: Trainer):
    np.testing.assert_array_equal(a.network.params, b.network.params)
    np.testing.assert_array_equal(a.network.buffers, b.network.buffers)
    sa, sb = a.snapshot(), b.snapshot()
    for x, y in [(sa.train_loss, sb.train_loss), (sa.grad_norms, sb.grad_norms),
                 (sa.epochs, sb.epochs), (sa.steps, sb.steps)]:
        np.testing.assert_array_equal(x, y)
    oa, ob = a.optimizer.state_dict(), b.optimizer.state_dict()
    assert oa.keys() == ob.keys()
    for k in oa:
        np.testing.assert_array_equal(oa[k], ob[k])


@pytest.mark.parametrize("case", list(CASES))
def test_fused_chunks_equal_step_by_step(case):
    fused, stepwise = _pair(CASES[case])
    assert fused.train_chunk(37) == 37
    assert fused.train_chunk(40) == 40
    for _ in range(77):
        reference_step(stepwise)
    _assert_equal(fused, stepwise)


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_optimizer_fused_equals_step_by_step(name):
    fused, stepwise = _pair({"optimizer": {"name": name, "hyper": {}},
                             "network": {"batch_norm": True}})
    fused.train_chunk(30)
    for _ in range(30):
        reference_step(stepwise)
    _assert_equal(fused, stepwise)


def test_divergence_inside_a_chunk_stops_at_the_same_step_with_finite_weights():
    sections = dict(network={"hidden": [32] * 10, "activation": "linear",
                             "initializer": "small_random", "init_sigma": 0.5},
                    optimizer={"name": "sgd", "hyper": {"lr": 0.01}})
    fused, stepwise = _pair(sections)
    fused.train_chunk(50)
    while not stepwise.finished:
        reference_step(stepwise)
    assert fused.status == stepwise.status == "diverged"
    assert fused.stop_step == stepwise.stop_step
    np.testing.assert_array_equal(fused.network.params, stepwise.network.params)
    assert np.all(np.isfinite(fused.network.params))


def test_run_with_fused_evaluations_equals_step_by_step_with_evaluations():
    sections = {"network": {"hidden": [6, 5], "activation": ["prelu", "noisy_relu"],
                            "batch_norm": True},
                "training": {"eval_every": 7, "grad_noise": {"enabled": True}}}
    fused, stepwise = Trainer(make_config(**sections)), Trainer(make_config(**sections))
    fused.run(60)
    for _ in range(60):
        reference_step(stepwise)
    _assert_equal(fused, stepwise)
    a, b = fused.snapshot(), stepwise.snapshot()
    for x, y in [(a.eval_steps, b.eval_steps), (a.val_loss, b.val_loss),
                 (a.train_acc, b.train_acc), (a.update_ratio, b.update_ratio)]:
        np.testing.assert_array_equal(x, y)
    assert a.eval_steps.tolist() == list(range(7, 61, 7))
    for ha, hb in zip(a.act_hists + a.grad_hists, b.act_hists + b.grad_hists, strict=True):
        np.testing.assert_array_equal(ha.counts, hb.counts)
        np.testing.assert_array_equal(ha.edges, hb.edges)


# -- the kernel's pieces and its guards -------------------------------------------------

def _net_and_data(hidden=(4, 4, 4), **kw):
    spec = NetworkSpec(input_size=2, hidden=hidden, output_size=1, **kw)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 2))
    return spec, X, np.sin(X[:, :1])


def _step_path(net, X, y, idx, starts, opt):
    """The reference: Network.loss_and_grad + Optimizer.step per batch."""
    losses, norms = [], []
    for k in range(starts.size - 1):
        rows = idx[starts[k]:starts[k + 1]]
        loss, grad = net.loss_and_grad(X[rows], y[rows])
        losses.append(loss)
        norms.append(net.grad_norms())
        opt.step(net.params, grad)
    return np.array(losses), np.array(norms)


def _batches(n_steps, size, n_rows, seed=0):
    idx = np.random.default_rng(seed).integers(0, n_rows, n_steps * size).astype(np.int64)
    return idx, np.arange(n_steps + 1, dtype=np.int64) * size


@pytest.mark.parametrize("swap", [False, True])
def test_both_paths_read_the_networks_plan(swap):
    """With two same-shaped layers' offsets swapped in the plan, the fused kernel and
    the step path still agree bit for bit (and differ from the unswapped run): the
    kernel keeps no layout of its own."""
    spec, X, y = _net_and_data()
    nets = [Network(spec) for _ in range(3)]
    if swap:
        for net in nets[:2]:
            plan = net.plan.copy()
            plan[[1, 2], P.W] = plan[[2, 1], P.W]
            plan[[1, 2], P.B] = plan[[2, 1], P.B]
            plan.flags.writeable = False
            net.plan = plan
    idx, starts = _batches(6, 8, X.shape[0])
    stepper = FusedStepper(nets[0], X, y)
    done, status, loss, norms = stepper.run(idx, starts, None, None, create("adam"))
    assert (done, status) == (6, fused.OK)
    ref_loss, ref_norms = _step_path(nets[1], X, y, idx, starts, create("adam"))
    np.testing.assert_array_equal(loss, ref_loss)
    np.testing.assert_array_equal(norms, ref_norms)
    np.testing.assert_array_equal(nets[0].params, nets[1].params)
    for a, b in zip(stepper.hidden_activations(8), nets[1].hidden_activations(), strict=True):
        np.testing.assert_array_equal(a, b)
    plain = FusedStepper(nets[2], X, y).run(idx, starts, None, None, create("adam"))[2]
    assert np.array_equal(plain, loss) != swap


def test_gather_copies_the_batch_rows():
    rng = np.random.default_rng(0)
    X, Yf, Yi = rng.normal(size=(6, 3)), rng.normal(size=(6, 2)), np.arange(6) * 10
    rows = np.array([4, 0, 4], dtype=np.int64)
    xb, yb, yi = np.empty((3, 3)), np.empty((3, 2)), np.empty(3, dtype=np.int64)
    fused._gather(X, Yf, Yi, rows, xb, yb, yi)
    np.testing.assert_array_equal(xb, X[rows])
    np.testing.assert_array_equal(yb, Yf[rows])
    np.testing.assert_array_equal(yi, Yi[rows])


def _update(loss, norms, params, grad, *, limit=np.inf, noise=None):
    prev = np.zeros_like(params)
    opt = create("sgd", lr=1.0)
    code, (s0, s1, s2), scalars = opt.plan(params.size, 1)
    gnoise = np.zeros(params.size) if noise is None else noise
    status = fused._update_or_stop(loss, np.asarray(norms, float), limit, params, grad, prev,
                                   gnoise, noise is not None, (code, s0, s1, s2), scalars[0])
    return status, prev


def test_update_or_stop_checks_before_and_after_the_update():
    w = np.array([1.0, 2.0])
    status, _ = _update(np.nan, [1.0], w, np.ones(2))
    assert status == fused.BAD_GRADIENT and w.tolist() == [1.0, 2.0]
    status, _ = _update(1.0, [np.inf], w, np.ones(2))
    assert status == fused.BAD_GRADIENT and w.tolist() == [1.0, 2.0]
    status, _ = _update(5.0, [1.0], w, np.ones(2), limit=4.0)
    assert status == fused.BAD_LOSS and w.tolist() == [1.0, 2.0]
    status, _ = _update(1.0, [1.0], w, np.array([np.inf, 0.0]))
    assert status == fused.BAD_WEIGHTS and w.tolist() == [1.0, 2.0]  # restored
    g = np.array([0.5, 0.25])
    status, prev = _update(1.0, [1.0], w, g, noise=np.array([0.5, 0.0]))
    assert status == fused.OK and prev.tolist() == [1.0, 2.0]
    assert g.tolist() == [1.0, 0.25] and w.tolist() == [0.0, 1.75]  # w - lr (g + noise)


def test_run_refuses_noise_and_batch_plans_the_kernel_would_read_past():
    spec, X, y = _net_and_data(hidden=(3,), activation="rrelu")
    net = Network(spec)
    stepper = FusedStepper(net, X, y)
    idx, starts = _batches(2, 4, X.shape[0])
    opt = create("sgd")
    with pytest.raises(ValueError, match=r"layer 1 must have shape \(4, 3\)"):
        stepper.run(idx, starts, [[np.zeros((4, 3)), None], [np.zeros((3, 3)), None]],
                    None, opt)
    with pytest.raises(ValueError, match="gradient noise must have shape"):
        stepper.run(idx, starts, None, np.zeros((1, net.params.size)), opt)
    with pytest.raises(ValueError, match="row index outside"):
        stepper.run(idx + X.shape[0], starts, None, None, opt)
    with pytest.raises(ValueError, match="rise from 0"):
        stepper.run(idx, starts[::-1].copy(), None, None, opt)
    with pytest.raises(ValueError, match="int64"):
        stepper.run(idx.astype(np.int32), starts, None, None, opt)
    assert opt.state_dict() == create("sgd").state_dict()  # nothing ran
