"""Any run length saves and reopens; a divergence at any step stops cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.train import trainer as trainer_mod
from core.train.session import load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.reference import reference_step
from tests.core.train.test_trainer import _assert_same_run, make_config

ROOT = Path(__file__).resolve().parents[3]
SPIRAL = ROOT / "resources/presets/00_default_spiral.json"


def _plain_json_only(node) -> None:
    """Every value in a parsed session.json came from a plain JSON type."""
    if isinstance(node, dict):
        for v in node.values():
            _plain_json_only(v)
    elif isinstance(node, list):
        for v in node:
            _plain_json_only(v)
    else:
        assert node is None or isinstance(node, (str, int, float, bool))


def test_a_run_past_many_history_thinnings_saves_reopens_and_continues_bit_exactly(tmp_path):
    config = make_config(network={"hidden": [4]}, training={"batch_size": 8, "eval_every": 7})
    first = Trainer(config, history_capacity=64)
    first.run(100_000)
    assert first.steps.stride >= 2**10 and first.evals.stride >= 2**7  # thinned many times
    path = tmp_path / "long.opg"
    save_session(path, config, first)
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("session.json"))
    _plain_json_only(doc)
    assert type(doc["state"]["history_steps"]["appended"]) is int
    again = load_session(path).trainer()
    reference = Trainer(config, history_capacity=64)
    reference.run(100_000)
    for t in (again, reference):
        t.run(3_001)
    _assert_same_run(again, reference)


def test_the_runner_saves_a_run_longer_than_the_history_capacity(tmp_path):
    out = tmp_path / "x.opg"
    r = subprocess.run([sys.executable, "main.py", "run", str(SPIRAL), "--steps", "20001",
                        "--save", str(out), "--quiet"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert load_session(out).trainer().step == 20001


@pytest.mark.parametrize("network", [{"activation": "prelu", "prelu_init": 1e308},
                                     {"activation": "noisy_relu", "noise_sigma": 1e308}],
                         ids=["prelu_init", "noise_sigma"])
def test_divergence_on_the_first_step_of_a_run_stops_and_saves(tmp_path, network):
    config = make_config(network={"hidden": [8, 8], **network})
    t = Trainer(config)
    before = t.network.params.copy()
    assert t.run(50) == 0
    assert t.status == "diverged" and t.stop_step == 0 and t.step == 0
    np.testing.assert_array_equal(t.network.params, before)
    path = tmp_path / "d.opg"
    save_session(path, config, t)
    again = load_session(path).trainer()
    assert again.status == "diverged" and again.snapshot().train_loss.size == 0


def test_divergence_on_the_first_step_of_a_chunk_keeps_the_last_finite_weights():
    t = Trainer(make_config(optimizer={"name": "sgd", "hyper": {"lr": 0.01}}))
    t.run(6)
    t.set_optimizer_hyper(lr=1e200)  # step 7's update throws the weights far out
    assert t.run(1) == 1
    weights = t.network.params.copy()
    assert t.run(5) == 0  # step 8 is the first of this chunk, and it diverges
    assert t.status == "diverged" and t.stop_step == 7
    np.testing.assert_array_equal(t.network.params, weights)
    assert t.snapshot().steps.tolist() == list(range(1, 8))


def test_a_loss_that_explodes_but_stays_finite_is_a_divergence():
    # The case: SGD at lr 1e3 on the spiral, evaluation every step; the loss
    # goes 0.69 -> 96 -> 4400 and no value ever becomes non-finite.
    cfg = json.loads(SPIRAL.read_text())
    cfg["optimizer"] = {"name": "sgd", "hyper": {"lr": 1000.0}}
    cfg["training"]["eval_every"] = 1
    from core.train.config import parse_config

    t = Trainer(parse_config(cfg))
    initial = Trainer(parse_config(cfg))._full_train_loss()  # before any step
    t.run(300)
    assert t.status == "diverged"
    losses = t.steps.column("loss")
    assert t.loss_limit == trainer_mod.DIVERGENCE_FACTOR * initial
    assert np.all(losses <= t.loss_limit) and np.all(np.isfinite(t.network.params))
    assert "exceeded 1000" in t.message and t.stop_step == losses.size


def test_the_step_path_applies_the_same_divergence_rule():
    cfg = make_config(optimizer={"name": "sgd", "hyper": {"lr": 300.0}},
                      training={"eval_every": 1})
    fused, stepped = Trainer(cfg), Trainer(cfg)
    fused.run(200)
    for _ in range(200):
        reference_step(stepped)
    assert fused.status == stepped.status == "diverged"
    assert fused.stop_step == stepped.stop_step and fused.message == stepped.message
    np.testing.assert_array_equal(fused.network.params, stepped.network.params)


def test_a_healthy_run_never_trips_the_rule():
    t = Trainer(make_config())
    t.run(3000)
    assert t.status == "running"
    assert t.steps.column("loss").max() < t.loss_limit / 100


def test_the_runner_exits_3_and_saves_on_a_loss_explosion(tmp_path):
    cfg = json.loads(SPIRAL.read_text())
    cfg["optimizer"] = {"name": "sgd", "hyper": {"lr": 1000.0}}
    src = tmp_path / "boom.json"
    src.write_text(json.dumps(cfg))
    out = tmp_path / "boom.opg"
    r = subprocess.run([sys.executable, "main.py", "run", str(src), "--steps", "100",
                        "--save", str(out), "--quiet"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 3 and "exceeded 1000" in r.stderr
    assert load_session(out).trainer().status == "diverged"
