"""Training engine: determinism, resume, early stopping, gradient views, BN, noise."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.config import OptimizerConfig, SessionConfig, parse_config
from core.train.session import SessionError, load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.reference import reference_step


def make_config(**sections) -> SessionConfig:
    base = {"schema_version": 2, "data": {"name": "circle", "n_samples": 200, "noise": 0.1},
            "network": {"hidden": [8, 8], "activation": "tanh"},
            "optimizer": {"name": "adam", "hyper": {"lr": 0.01}},
            "training": {"batch_size": 16, "eval_every": 5, "seed": 3}}
    for key, value in sections.items():
        base[key] = {**base.get(key, {}), **value}
    return parse_config(base)


def _history(t: Trainer):
    s = t.snapshot()
    return (s.steps, s.epochs, s.train_loss, s.grad_norms, s.eval_steps, s.val_loss,
            s.val_acc, s.train_acc, s.update_ratio)


def _assert_same_run(a: Trainer, b: Trainer):
    assert a.step == b.step and a.epoch == b.epoch and a.status == b.status
    np.testing.assert_array_equal(a.network.params, b.network.params)
    np.testing.assert_array_equal(a.network.buffers, b.network.buffers)
    for x, y in zip(_history(a), _history(b), strict=True):
        np.testing.assert_array_equal(x, y)


NOISY = dict(network={"hidden": [8, 8], "activation": ["noisy_relu", "rrelu"],
                      "batch_norm": True},
             training={"grad_noise": {"enabled": True, "eta": 0.05}, "shuffle": "epoch"})


@pytest.mark.parametrize("sections", [{}, NOISY], ids=["plain", "noisy"])
def test_same_session_and_seed_give_identical_histories(sections):
    a, b = Trainer(make_config(**sections)), Trainer(make_config(**sections))
    a.run(150)
    b.run(150)
    _assert_same_run(a, b)
    other = Trainer(make_config(training={"seed": 4}, **{k: v for k, v in sections.items()
                                                          if k != "training"}))
    other.run(150)
    assert not np.array_equal(other.snapshot().train_loss, a.snapshot().train_loss)


@pytest.mark.parametrize("sections", [
    {}, NOISY,
    dict(training={"shuffle": "fixed", "curriculum": {"enabled": True, "epochs_to_full": 3}}),
    dict(optimizer={"name": "adadelta", "hyper": {}}, network={"batch_norm": True}),
    dict(training={"early_stopping": {"enabled": True, "patience": 1000}}),
], ids=["plain", "noisy", "curriculum-fixed", "adadelta-bn", "early-stopping-state"])
def test_save_load_continue_equals_never_stopping(tmp_path, sections):
    config = make_config(**sections)
    straight = Trainer(config)
    straight.run(2 * 97)
    first = Trainer(config)
    first.run(97)
    path = tmp_path / "half.opg"
    save_session(path, config, first)
    resumed = load_session(path).trainer()
    resumed.run(97)
    _assert_same_run(straight, resumed)


def test_early_stopping_stops_where_patience_says_and_restores_best():
    config = make_config(
        data={"name": "moons", "n_samples": 80, "noise": 0.4, "val_ratio": 0.5},
        network={"hidden": [64, 64], "activation": "relu", "initializer": "he_normal"},
        optimizer={"name": "adam", "hyper": {"lr": 0.02}},
        training={"eval_every": 5, "early_stopping": {"enabled": True, "patience": 7,
                                                     "min_delta": 0.0}})
    t = Trainer(config)
    t.run(20_000)
    snap = t.snapshot()
    assert snap.status == "early_stopped"
    # Replay the rule on the recorded validation losses.
    best, best_step, bad, expected_stop = np.inf, None, 0, None
    for step, v in zip(snap.eval_steps, snap.val_loss, strict=True):
        if v < best:
            best, best_step, bad = v, step, 0
        else:
            bad += 1
            if bad == 7:
                expected_stop = step
                break
    assert snap.stop_step == expected_stop == t.step
    assert snap.best_step == best_step < snap.stop_step
    # Restored: the current validation loss is the best one, not the last one.
    val_now, _ = t.validation_metrics()
    assert val_now == pytest.approx(best, rel=1e-12)
    assert val_now < snap.val_loss[-1]
    assert t.run(10) == 0  # a stopped run does not continue


def _first_step_weight_grad_norms(activation: str, initializer: str) -> np.ndarray:
    config = make_config(
        network={"hidden": [32] * 10, "activation": activation, "initializer": initializer,
                 "init_sigma": 0.01},
        optimizer={"name": "sgd", "hyper": {"lr": 0.01}}, training={"batch_size": 32})
    t = Trainer(config)
    reference_step(t)
    net = t.network
    return np.array([np.linalg.norm(net.grad[s]) for s in net.weight_slices])


def test_vanishing_gradients_are_visible_in_the_metrics():
    sig = _first_step_weight_grad_norms("sigmoid", "small_random")
    assert sig[0] * 100 < sig[9]  # first hidden layer vs last hidden layer
    relu = _first_step_weight_grad_norms("relu", "he_normal")
    assert relu[9] / 10 < relu[0] < relu[9] * 10


def test_grad_norm_metric_matches_the_network_gradient():
    t = Trainer(make_config())
    reference_step(t)
    snap = t.snapshot()
    expected = [np.linalg.norm(t.network.grad[s]) for s in t.network.layer_slices]
    np.testing.assert_allclose(snap.grad_norms[0], expected, rtol=1e-15)
    assert snap.grad_norms.shape == (1, 3) and snap.layer_names == ("hidden 1", "hidden 2",
                                                                     "output")


def test_batch_norm_lowers_the_loss_of_the_deep_sigmoid_preset():
    off = load_session("resources/presets/07_batch_norm_off.json").config
    on = load_session("resources/presets/07_batch_norm_on.json").config
    assert on.network.batch_norm and not off.network.batch_norm
    losses = {}
    for name, config in (("off", off), ("on", on)):
        t = Trainer(config)
        t.run(600)
        losses[name] = t.snapshot().train_loss[-50:].mean()
    assert losses["on"] < losses["off"]


def test_divergence_stops_the_run_and_marks_it():
    config = make_config(network={"hidden": [32] * 10, "activation": "linear",
                                  "initializer": "small_random", "init_sigma": 0.5},
                         optimizer={"name": "sgd", "hyper": {"lr": 0.01}})
    t = Trainer(config)
    done = t.run(1000)
    snap = t.snapshot()
    assert snap.status == "diverged" and done < 1000 and snap.stop_step == t.step
    assert "diverged at step" in snap.message
    assert np.all(np.isfinite(t.network.params))
    assert np.all(np.isfinite(snap.train_loss))


def test_gradient_noise_follows_the_annealing_schedule():
    config = make_config(training={"grad_noise": {"enabled": True, "eta": 0.3, "gamma": 0.55}},
                         optimizer={"name": "sgd", "hyper": {"lr": 1.0}})
    t = Trainer(config)
    t.run(3)
    seen = []

    class Spy:  # a Generator's methods are read-only: wrap it instead
        def __init__(self, rng):
            self.rng = rng

        def normal(self, loc, scale, size):
            seen.append((scale, size))
            return self.rng.normal(loc, scale, size)

        def __getattr__(self, name):
            return getattr(self.rng, name)

    t.rng = Spy(t.rng)
    t.run(2)
    n = t.network.params.size
    assert seen == [(pytest.approx(np.sqrt(0.3 / (1 + 3) ** 0.55)), n),
                    (pytest.approx(np.sqrt(0.3 / (1 + 4) ** 0.55)), n)]


def test_sorted_shuffling_gives_single_class_batches_and_epoch_shuffling_mixes():
    sorted_cfg = make_config(training={"shuffle": "sorted", "batch_size": 16})
    t = Trainer(sorted_cfg)
    batches = [t.batcher.next_batch(t.rng) for _ in range(6)]
    labels = [set(t.data.train.y[b].tolist()) for b in batches]
    assert all(len(s) == 1 for s in labels)
    mixed = Trainer(make_config(training={"shuffle": "epoch", "batch_size": 16}))
    assert any(len(set(mixed.data.train.y[mixed.batcher.next_batch(mixed.rng)].tolist())) == 2
               for _ in range(3))


def test_curriculum_starts_with_the_easiest_fraction_and_grows():
    config = make_config(training={"curriculum": {"enabled": True, "start_fraction": 0.25,
                                                  "epochs_to_full": 4}, "batch_size": 8})
    t = Trainer(config)
    n = t.data.train.X.shape[0]
    first = t.available()
    assert first.size == int(np.ceil(0.25 * n))
    assert t.data.difficulty[first].max() <= np.sort(t.data.difficulty)[first.size - 1]
    t.epoch = 2
    assert t.available().size == int(np.ceil(0.625 * n))
    t.epoch = 4
    assert t.available().size == n


def _with_optimizer(config: SessionConfig, name: str, **hyper) -> SessionConfig:
    """``config`` with another optimizer, as the app's document makes it."""
    return config.model_copy(update={"optimizer": OptimizerConfig(name=name, hyper=hyper)})


def test_live_learning_rate_change_keeps_the_optimizer_state(tmp_path):
    config = make_config()
    t = Trainer(config)
    t.run(10)
    m_before = t.optimizer.state_dict()["m"].copy()
    t.set_optimizer_hyper(lr=0.5)
    assert t.optimizer.hyper["lr"] == 0.5
    np.testing.assert_array_equal(t.optimizer.state_dict()["m"], m_before)
    assert t.config is config  # a command to the optimizer, not an edit of the config
    with pytest.raises(ValueError):
        t.set_optimizer_hyper(lr=-1.0)
    assert t.optimizer.hyper["lr"] == 0.5
    # Saved with the current config, the new rate travels with the run.
    save_session(tmp_path / "s.opg", _with_optimizer(config, "adam", lr=0.5), t)
    again = load_session(tmp_path / "s.opg").trainer()
    assert again.optimizer.hyper["lr"] == 0.5 and again.config.optimizer.hyper["lr"] == 0.5
    t.run(10)
    again.run(10)
    np.testing.assert_array_equal(again.network.params, t.network.params)


def test_long_runs_keep_bounded_history():
    t = Trainer(make_config(training={"eval_every": 1000}), history_capacity=64)
    t.run(1000)
    snap = t.snapshot()
    assert snap.steps.size <= 64 and snap.steps[-1] <= 1000 and snap.steps[0] == 1
    assert np.all(np.diff(snap.steps) > 0)


def test_snapshot_is_a_copy():
    t = Trainer(make_config())
    t.run(20)
    snap = t.snapshot()
    before = snap.train_loss.copy()
    t.run(20)
    np.testing.assert_array_equal(snap.train_loss, before)
    assert snap.steps.size == 20


def test_decision_boundary_grid_has_probabilities():
    t = Trainer(make_config())
    t.run(50)
    grid = t.predict_grid(np.linspace(-1.5, 1.5, 7), np.linspace(-1.5, 1.5, 5))
    assert grid.shape == (5, 7) and np.all((grid >= 0) & (grid <= 1))


def test_wrong_loss_for_the_task_is_a_clear_error():
    with pytest.raises(ValueError, match="needs class labels.*regression"):
        Trainer(make_config(data={"name": "regression_1d"}, network={"loss": "softmax_ce"}))


def test_switching_optimizer_mid_run_keeps_weights_and_resumes_exactly(tmp_path):
    config = make_config()
    t = Trainer(config)
    t.run(30)
    params = t.network.params.copy()
    t.set_optimizer("momentum", lr=0.05)
    np.testing.assert_array_equal(t.network.params, params)
    assert t.optimizer.name == "momentum" and t.optimizer.step_count == 0
    assert t.optimizer.hyper["lr"] == 0.05
    assert t.config is config and t.config.optimizer.name == "adam"  # not rewritten
    t.run(10)
    current = _with_optimizer(config, "momentum", lr=0.05)  # the app's current config
    with pytest.raises(SessionError, match="optimizer 'adam'.*uses 'momentum'"):
        save_session(tmp_path / "stale.opg", config, t)  # would never load again
    assert not (tmp_path / "stale.opg").exists()
    save_session(tmp_path / "s.opg", current, t)
    loaded = load_session(tmp_path / "s.opg")
    assert loaded.config.optimizer.name == "momentum"
    assert loaded.config.optimizer.hyper == {"lr": 0.05}
    again = loaded.trainer()
    t.run(20)
    again.run(20)
    np.testing.assert_array_equal(again.network.params, t.network.params)
    with pytest.raises(ValueError, match="unknown optimizer"):
        t.set_optimizer("lion")
    assert t.optimizer.name == "momentum"
