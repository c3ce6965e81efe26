"""The metrics a claim names measure what they say: against NumPy on the same
trainer, and without changing the run they measure."""

from __future__ import annotations

import numpy as np
import pytest

from core.lessons import apply, load_preset
from core.lessons.claims import Measure
from core.lessons.measures import MeasureError, Runs, covariance_error, probe
from core.train.trainer import Trainer

SMALL = {"network.hidden": [6, 5], "network.activation": "relu", "data.n_samples": 120,
         "training.eval_every": 5}


def small_config(**more):
    return apply(load_preset("03_relu_family_relu.json"), {**SMALL, **more})


def m(metric, steps, layer=None, statistic="mean"):
    return Measure(metric=metric, layer=layer, steps=steps, statistic=statistic)


def activations(trainer):
    """Each hidden layer's outputs on the training split, by hand (evaluation mode)."""
    net = trainer.network
    with net.evaluating():
        net.forward(trainer.data.train.X, update_stats=False)
        return [a.copy() for a in net.hidden_activations()]


def test_dead_fraction_and_act_std_match_numpy():
    t = Trainer(small_config(**{"optimizer.hyper": {"lr": 0.1}}))
    t.run(200)
    acts = activations(t)
    dead = [np.all(a == 0.0, axis=0) for a in acts]
    assert probe(t, "dead_fraction", None) == sum(d.sum() for d in dead) / 11
    assert probe(t, "dead_fraction", "hidden 2") == dead[1].mean()
    assert probe(t, "act_std", "hidden 1") == pytest.approx(acts[0].std(), rel=1e-15)
    assert probe(t, "act_std", "last hidden") == pytest.approx(acts[1].std(), rel=1e-15)
    loss, acc = t.validation_metrics()
    assert probe(t, "val_loss_now", None) == loss and probe(t, "val_acc_now", None) == acc
    with pytest.raises(MeasureError, match="hidden layers"):
        probe(t, "act_std", "output")


def test_a_unit_that_never_fires_counts_as_dead():
    t = Trainer(small_config())
    b = t.network.blocks[0]
    W = t.network.params[b.weight_slice].reshape(-1, 6)
    W[:, 2] = 0.0  # unit 3 of layer 1: input 0 ...
    t.network.params[b.param_slice][W.size + 2] = -1.0  # ... plus bias -1: never fires
    assert probe(t, "dead_fraction", "hidden 1") == pytest.approx(1 / 6)


def test_series_statistics_are_those_of_the_history():
    runs = Runs()
    config = small_config()
    t = runs.trainer(config, 100)
    steps, loss = t.steps.column("step"), t.steps.column("loss")
    window = (steps >= 20) & (steps <= 60)
    assert runs.measure(config, m("train_loss", [20, 60])) == loss[window].mean()
    assert runs.measure(config, m("train_loss", [20, 60], statistic="max")) == loss[window].max()
    assert runs.measure(config, m("train_loss", [37])) == loss[steps == 37][0]
    norms = t.steps.column("grad_norm").reshape(-1, 3)
    assert runs.measure(config, m("grad_norm", [5], "output")) == norms[4, 2]
    es = t.evals.column("step")
    ratio = t.evals.column("update_ratio").reshape(-1, 3)[:, 0]
    got = runs.measure(config, m("update_ratio", [10, 30], "hidden 1", "median"))
    assert got == np.median(ratio[(es >= 10) & (es <= 30)])
    assert runs.steps_trained == 100  # measured from the run already trained


def test_a_probe_in_the_middle_changes_nothing_of_the_run():
    config = small_config(**{"network.activation": "noisy_relu"})  # a random stream too
    runs = Runs()
    runs.measure(config, m("dead_fraction", [40]))
    runs.measure(config, m("act_std", [40], "hidden 1"))
    probed = runs.trainer(config, 40)
    probed.run(60)
    plain = Trainer(config)
    plain.run(100)
    assert np.array_equal(probed.steps.column("loss"), plain.steps.column("loss"))
    assert np.array_equal(probed.network.params, plain.network.params)


def test_a_probe_before_the_runs_step_trains_a_fresh_run():
    config = small_config()
    runs = Runs()
    runs.measure(config, m("train_loss", [1, 80]))
    early = runs.measure(config, m("act_std", [0], "hidden 1"))
    assert early == probe(Trainer(config), "act_std", "hidden 1")


def test_a_diverged_run_has_infinite_loss_and_no_other_values():
    # SGD with lr 10^3 on the spiral: the loss passes 1000 x L0 at step 2 and the run stops.
    config = apply(load_preset("00_default_spiral.json"),
                   {"optimizer.name": "sgd", "optimizer.hyper": {"lr": 1000.0}})
    runs = Runs()
    assert runs.measure(config, m("train_loss", [50, 60])) == np.inf
    with pytest.raises(MeasureError, match="the run stopped at step"):
        runs.measure(config, m("grad_norm", [50, 60], "output"))


def test_a_window_after_an_early_stop_is_an_error_not_a_pass():
    config = load_preset("08_early_stopping.json")
    with pytest.raises(MeasureError, match="early-stopped"):
        Runs().measure(config, m("val_loss", [4000, 4100]))


def test_covariance_error_of_whitened_and_raw_data():
    white = Trainer(load_preset("05_preprocessing_zca_whitening.json"))
    err, corr = covariance_error(white)
    X = white.data.train.X
    cov = np.cov(X, rowvar=False, bias=True)
    assert err == pytest.approx(np.abs(cov - np.eye(2)).max(), abs=1e-12)
    assert err < 1e-3
    raw = white.data.train_raw_X
    assert corr == pytest.approx(abs(np.corrcoef(raw[:, 0], raw[:, 1])[0, 1]), rel=1e-12)
    plain = Trainer(load_preset("05_preprocessing_raw_correlated.json"))
    assert covariance_error(plain)[0] > 0.5  # raw: far from the identity
