"""The fused chunk kernel gives the same bits as the step-by-step path."""

from __future__ import annotations

import numpy as np
import pytest

from core.optim.optimizers import OPTIMIZERS
from core.train.trainer import Trainer
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
        stepwise.train_step()
    _assert_equal(fused, stepwise)


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_optimizer_fused_equals_step_by_step(name):
    fused, stepwise = _pair({"optimizer": {"name": name, "hyper": {}},
                             "network": {"batch_norm": True}})
    fused.train_chunk(30)
    for _ in range(30):
        stepwise.train_step()
    _assert_equal(fused, stepwise)


def test_divergence_inside_a_chunk_stops_at_the_same_step_with_finite_weights():
    sections = dict(network={"hidden": [32] * 10, "activation": "linear",
                             "initializer": "small_random", "init_sigma": 0.5},
                    optimizer={"name": "sgd", "hyper": {"lr": 0.01}})
    fused, stepwise = _pair(sections)
    fused.train_chunk(50)
    while not stepwise.finished:
        stepwise.train_step()
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
        stepwise.train_step()
    _assert_equal(fused, stepwise)
    a, b = fused.snapshot(), stepwise.snapshot()
    for x, y in [(a.eval_steps, b.eval_steps), (a.val_loss, b.val_loss),
                 (a.train_acc, b.train_acc), (a.update_ratio, b.update_ratio)]:
        np.testing.assert_array_equal(x, y)
    assert a.eval_steps.tolist() == list(range(7, 61, 7))
    for ha, hb in zip(a.act_hists + a.grad_hists, b.act_hists + b.grad_hists, strict=True):
        np.testing.assert_array_equal(ha.counts, hb.counts)
        np.testing.assert_array_equal(ha.edges, hb.edges)
