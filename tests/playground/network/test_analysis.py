"""The network view's analysis thread: newest snapshot only, curvature at new
evaluation steps, its pace, and failures that never take the app down."""

from __future__ import annotations

import time

import numpy as np
import pytest

from core.train import snapshot as snapshot_module
from core.train.config import parse_config
from core.train.trainer import Trainer
from playground.network import analysis as analysis_module
from playground.network.analysis import NetworkAnalysis
from playground.session.run_info import describe_run

CONFIG = {"schema_version": 2, "data": {"name": "spiral", "n_samples": 120},
          "network": {"hidden": [6, 5]}, "training": {"batch_size": 16, "eval_every": 10}}


class Probe:
    def __init__(self, analysis: NetworkAnalysis) -> None:
        self.pictures, self.errors = [], []
        analysis.picture_ready.connect(self.pictures.append)
        analysis.failed.connect(self.errors.append)


@pytest.fixture
def setup(qtbot):
    config = parse_config(CONFIG)
    trainer = Trainer(config)
    analysis = NetworkAnalysis(min_interval=0.0, curvature_interval=0.0)
    probe = Probe(analysis)
    analysis.start()
    analysis.set_run(describe_run(trainer, 7, config))
    yield trainer, analysis, probe
    assert analysis.stop(2.0)


def test_pictures_follow_the_snapshots_and_carry_the_run(qtbot, setup):
    trainer, analysis, probe = setup
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: bool(probe.pictures), timeout=10_000)
    pic = probe.pictures[-1]
    assert (pic.run_id, pic.step) == (7, 0)
    assert pic.curvature.steps.tolist() == [0]  # step 0 counts as an evaluation
    trainer.run(4)  # no new evaluation: no new curvature estimate
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: probe.pictures[-1].step == 4, timeout=10_000)
    assert probe.pictures[-1].curvature.steps.tolist() == [0]
    trainer.run(6)  # step 10 is one
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: probe.pictures[-1].curvature.steps.tolist() == [0, 10],
                    timeout=10_000)
    assert probe.pictures[-1].counts.steps.tolist() == [0, 4, 10]
    assert not probe.errors


def test_only_the_newest_snapshot_is_analysed(qtbot, setup):
    trainer, analysis, probe = setup
    analysis.min_interval = 0.5
    snaps = []
    for _ in range(6):
        snaps.append(trainer.snapshot())
        trainer.run(1)
    for s in snaps:
        analysis.submit(s)
    qtbot.waitUntil(lambda: bool(probe.pictures) and probe.pictures[-1].step == 5,
                    timeout=10_000)
    qtbot.wait(200)
    assert len(probe.pictures) <= 2  # not one per snapshot
    assert probe.pictures[-1].step == 5


def test_the_pace_keeps_the_analysis_to_its_share_of_a_core(qtbot, setup, monkeypatch):
    trainer, analysis, probe = setup
    real = analysis_module.Analyst.picture

    def slow(self, snap, focus=None):  # a picture that costs 50 ms
        time.sleep(0.05)
        return real(self, snap, focus)

    monkeypatch.setattr(analysis_module.Analyst, "picture", slow)
    analysis.share = 0.25  # 50 ms of work, then 150 ms of rest at least
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.2:  # snapshots at ~50 per second
        analysis.submit(trainer.snapshot())
        qtbot.wait(20)
    n = len(probe.pictures)
    # 1.2 s at one picture per 0.2 s: about 6, never one per snapshot (~60)
    assert 3 <= n <= 8, n


def test_a_network_too_large_to_copy_gets_a_message(qtbot, setup, monkeypatch):
    trainer, analysis, probe = setup
    monkeypatch.setattr(snapshot_module, "WEIGHT_COPY_FLOATS", 10)
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: bool(probe.pictures), timeout=10_000)
    pic = probe.pictures[-1]
    assert "too large" in pic.message and pic.columns == ()
    qtbot.wait(100)
    assert len(probe.pictures) == 1  # and no curvature to wait for


def test_a_failure_is_reported_and_the_next_run_is_analysed_again(qtbot, setup, monkeypatch):
    trainer, analysis, probe = setup

    def broken(self, snap, focus=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(analysis_module.Analyst, "picture", broken)
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: bool(probe.errors), timeout=10_000)
    assert "boom" in probe.errors[0] and analysis.is_alive()
    monkeypatch.undo()
    config = parse_config(CONFIG)
    analysis.set_run(describe_run(trainer, 8, config))
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: bool(probe.pictures) and probe.pictures[-1].run_id == 8,
                    timeout=10_000)


def test_focus_brings_the_enlarged_map(qtbot, setup):
    trainer, analysis, probe = setup
    analysis.set_focus((1, 3))
    analysis.submit(trainer.snapshot())
    qtbot.waitUntil(lambda: bool(probe.pictures) and probe.pictures[-1].focus is not None,
                    timeout=10_000)
    f = probe.pictures[-1].focus
    assert (f.column, f.unit) == (1, 3) and f.map.shape == (80, 80)
    assert np.isfinite(f.map).all()
