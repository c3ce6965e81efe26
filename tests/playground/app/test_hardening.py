"""The app side of untrusted files and any run length: consent for data outside a
session's folder, saving long runs, divergence shown with its reason."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.train.session import load_session
from tests.playground.helpers import train_to, wait_saved

ROOT = Path(__file__).resolve().parents[3]


def _outside_session(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    (tmp_path / "secret.csv").write_text(
        "a,b,y\n" + "\n".join(f"{x:.4f},{y:.4f},{int(x > y)}" for x, y in X))
    (tmp_path / "shared").mkdir()
    session = tmp_path / "shared" / "s.json"
    session.write_text(json.dumps({"schema_version": 2, "title": "shared",
                                   "data": {"name": "csv", "csv_path": "../secret.csv"}}))
    return session


def test_data_outside_the_folder_is_read_only_with_consent(qtbot, window, tmp_path,
                                                           monkeypatch):
    session = _outside_session(tmp_path)
    asked: list[str] = []

    def answer(button):
        def warning(parent, title, text, *a, **k):
            asked.append(text)
            return button
        return warning

    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.No))
    before = window.session.config
    assert not window.files.open_path(session)
    assert window.session.config == before and "secret.csv" in asked[0]
    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Yes))
    assert window.files.open_path(session)
    assert window.session.config.data.csv_path.endswith("secret.csv")
    qtbot.waitUntil(lambda: window.session.snapshot is not None, timeout=10_000)


def test_a_run_longer_than_the_history_capacity_saves_from_the_app(qtbot, window, tmp_path,
                                                                   monkeypatch):
    train_to(qtbot, window, 20_050, timeout=120_000)
    path = tmp_path / "long.opg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), "Session with its run (*.opg)"))
    assert window.files.save_as()
    wait_saved(qtbot, window, path)
    assert load_session(path).trainer().step == 20_050


def test_a_loss_explosion_is_marked_with_its_reason(qtbot, window, tmp_path):
    cfg = json.loads((ROOT / "resources/presets/00_default_spiral.json").read_text())
    cfg["optimizer"] = {"name": "sgd", "hyper": {"lr": 1000.0}}
    path = tmp_path / "boom.json"
    path.write_text(json.dumps(cfg))
    assert window.files.open_path(path)
    window.session.play()
    qtbot.waitUntil(lambda: window.session.snapshot is not None
                    and window.session.snapshot.status == "diverged", timeout=20_000)
    qtbot.waitUntil(lambda: "diverged at step" in window.status.state.text(), timeout=5_000)
    assert "exceeded 1000" in window.status.state.text()
    assert window.views.loss.stop_line.isVisible()  # the divergence line on the loss plot
