"""How the trainer uses its parts: the status enums, the evaluation-mode helper,
and the batch and early-stopping state it keeps in its Batcher and EarlyStopping."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from core.cli import run_command
from core.train.session import load_session, save_session
from core.train.status import RunStatus
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config

DIVERGING = dict(network={"hidden": [32] * 10, "activation": "linear",
                          "initializer": "small_random", "init_sigma": 0.5},
                 optimizer={"name": "sgd", "hyper": {"lr": 0.01}})


def test_the_status_is_an_enum_and_is_saved_as_its_plain_string(tmp_path):
    config = make_config(**DIVERGING)
    t = Trainer(config)
    assert t.status is RunStatus.READY and not t.finished
    t.run(1)
    assert t.status is RunStatus.RUNNING
    t.run(1000)
    assert t.status is RunStatus.DIVERGED and t.finished
    assert t.snapshot().status is RunStatus.DIVERGED
    assert t.message.startswith(f"diverged at step {t.step}: ")
    path = tmp_path / "d.opg"
    save_session(path, config, t)
    with zipfile.ZipFile(path) as zf:
        stored = json.loads(zf.read("session.json"))["state"]["status"]
    assert type(stored) is str and stored == "diverged"
    again = load_session(path).trainer()
    assert again.status is RunStatus.DIVERGED and again.finished


def test_the_runner_writes_the_status_as_a_plain_string(tmp_path):
    src, out = tmp_path / "s.json", tmp_path / "m.json"
    save_session(src, make_config(**DIVERGING))
    assert run_command([str(src), "--steps", "300", "--out", str(out), "--quiet"]) == 3
    assert json.loads(out.read_text())["status"] == "diverged"


def test_evaluating_restores_the_previous_mode_also_after_an_error():
    net = Trainer(make_config()).network
    assert net.training
    with net.evaluating():
        assert not net.training
    assert net.training
    with pytest.raises(RuntimeError), net.evaluating():
        raise RuntimeError
    assert net.training
    net.training = False
    with net.evaluating():
        pass
    assert not net.training  # it restores, it does not switch training on


def test_evaluation_leaves_the_network_in_training_mode():
    t = Trainer(make_config(network={"batch_norm": True}))
    t.run(5)  # eval_every is 5: one evaluation
    assert t.evals.size == 1 and t.network.training
    t.validation_metrics()
    t._full_train_loss()
    assert t.network.training


def test_the_trainer_keeps_its_batch_state_in_its_batcher():
    t = Trainer(make_config(training={"curriculum": {"enabled": True, "epochs_to_full": 3}}))
    t.run(40)
    assert t.epoch == t.batcher.epoch > 0
    np.testing.assert_array_equal(t.available(), t.batcher.available())
    np.testing.assert_array_equal(t.available(0), t.batcher.available(0))
    assert t.snapshot().epochs[-1] == t.batcher.epoch
    meta, arrays = t.state_dict()  # the session format of main 28258dc
    assert (meta["epoch"], meta["pos"]) == (t.batcher.epoch, t.batcher.pos)
    np.testing.assert_array_equal(arrays["order"], t.batcher.order)
    assert "fixed_order" not in arrays  # shuffle="epoch" has no fixed permutation


def test_the_trainer_keeps_its_best_state_in_its_early_stopping():
    t = Trainer(make_config(training={"early_stopping": {"enabled": True, "patience": 50}}))
    t.run(60)
    best = t.early_stopping.best
    assert t.best_step == best.step is not None and best.params is not None
    meta, arrays = t.state_dict()
    assert (meta["best_loss"], meta["best_step"], meta["bad_evals"]) == (
        best.val_loss, best.step, t.early_stopping.bad_evals)
    np.testing.assert_array_equal(arrays["best_params"], best.params)
    np.testing.assert_array_equal(arrays["best_buffers"], best.buffers)


def test_live_changes_leave_the_config_alone():
    config = make_config()
    t = Trainer(config)
    before = config.model_dump()
    t.set_optimizer_hyper(lr=0.2)
    t.set_optimizer("rmsprop", lr=0.001, rho=0.8)
    assert t.config is config and config.model_dump() == before
    assert t.optimizer.name == "rmsprop"
    assert (t.optimizer.hyper["lr"], t.optimizer.hyper["rho"]) == (0.001, 0.8)
    with pytest.raises(ValueError):
        t.set_optimizer("rmsprop", rho=2.0)
    assert t.optimizer.hyper["rho"] == 0.8  # a refused switch keeps the optimizer
