"""Save As -> Open through the GUI, and a damaged file."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.train.config import config_to_dict
from tests.playground.helpers import curve_data, run_state, train_to, wait_saved


def panel_values(window) -> dict:
    return {name: p.value() for name, p in window.panels.items()}


def plot_history(window) -> dict:
    v = window.views
    out = {"train": curve_data(v.loss.train_curve), "val": curve_data(v.loss.val_curve)}
    for i, c in enumerate(v.grad.curves):
        out[f"grad{i}"] = curve_data(c)
    return out


def test_save_as_then_open_restores_panels_and_plot_history(qtbot, window, tmp_path,
                                                            monkeypatch):
    # Make the session differ from the default in every panel.
    net, data = window.panels["network"], window.panels["data"]
    opt, training = window.panels["optimizer"], window.panels["training"]
    net.activation.setCurrentIndex(net.activation.findData("leaky_relu"))
    net.initializer.setCurrentIndex(net.initializer.findData("he_uniform"))
    data.noise.setValue(0.08)
    data._add_step("standardize")
    training.batch_size.setValue(24)
    training.seed.setValue(7)
    opt.name.setCurrentIndex(opt.name.findData("rmsprop"))
    qtbot.waitUntil(lambda: window.session.document.config.training.seed == 7, timeout=5_000)
    train_to(qtbot, window, 40)
    opt.hyper["lr"].spin.setValue(0.003)  # a live change mid-run must be saved too
    qtbot.waitUntil(lambda: window.session.document.config.optimizer.resolved()["lr"] == 0.003,
                    timeout=5_000)
    train_to(qtbot, window, 90)

    saved_config = config_to_dict(window.session.config)
    saved_panels = panel_values(window)
    saved_plots = plot_history(window)
    path = tmp_path / "lecture.opg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), "Session with its run (*.opg)"))
    assert window.files.save_as()
    wait_saved(qtbot, window, path)
    assert path.exists() and not window.session.document.dirty

    # Something else entirely: the default session.
    window.files.new()
    qtbot.waitUntil(lambda: window.session.snapshot is not None
                    and window.session.step == 0, timeout=5_000)
    assert config_to_dict(window.session.config) != saved_config

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(path), "Sessions (*.opg *.json)"))
    window.files.open()
    qtbot.waitUntil(lambda: window.session.step == 90, timeout=5_000)
    assert config_to_dict(window.session.config) == saved_config
    assert panel_values(window) == saved_panels
    restored = plot_history(window)
    assert restored.keys() == saved_plots.keys()
    for key, (x, y) in saved_plots.items():
        np.testing.assert_array_equal(restored[key][0], x, err_msg=key)
        np.testing.assert_array_equal(restored[key][1], y, err_msg=key)
    assert window.session.document.path == path.resolve()
    # ... and the run continues from there.
    train_to(qtbot, window, 100)


def test_opening_a_damaged_file_shows_an_error_and_keeps_the_session(qtbot, window, tmp_path,
                                                                    monkeypatch, dialogs):
    train_to(qtbot, window, 25)
    bad = tmp_path / "broken.opg"
    bad.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    before = (config_to_dict(window.session.config), window.session.run_id,
              window.session.document.config, window.session.step)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(bad), "Sessions (*.opg *.json)"))
    window.files.open()
    assert len(dialogs.errors) == 1
    title, text = dialogs.errors[0]
    assert "broken.opg" in text and "damaged" in text
    after = (config_to_dict(window.session.config), window.session.run_id,
             window.session.document.config, window.session.step)
    assert after == before
    assert run_state(qtbot, window).step == 25


def test_save_says_saving_and_finishes_when_the_worker_hands_the_run_over(qtbot, window,
                                                                         tmp_path, monkeypatch):
    train_to(qtbot, window, 30)
    path = tmp_path / "s.opg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), "Session with its run (*.opg)"))
    assert window.session.document.dirty
    assert window.files.save_as()  # returns at once: the write comes with the hand-over
    assert window.statusBar().currentMessage() == "Saving s.opg\u2026"
    assert window.session.document.dirty and not path.exists()
    wait_saved(qtbot, window, path)
    assert window.statusBar().currentMessage() == f"Saved {path}"
    assert window.session.document.saved_step == 30
    assert window.windowTitle().startswith("s.opg")


def test_closing_with_unsaved_changes_and_save_writes_the_file_before_closing(
        qtbot, window, tmp_path, monkeypatch, dialogs):
    # An edit of the user's own: worth a question (a preset trained as it came is not).
    window.panels["optimizer"].hyper["lr"].spin.setValue(0.02)
    qtbot.waitUntil(lambda: window.session.document.edited, timeout=5_000)
    train_to(qtbot, window, 20)
    path = tmp_path / "closing.opg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), "Session with its run (*.opg)"))
    dialogs.answer = QMessageBox.StandardButton.Save
    assert window.close()
    assert "unsaved changes" in dialogs.questions[-1]
    assert path.exists() and not window.worker.is_alive()
    from core.train.session import load_session

    assert load_session(path).trainer().step == 20


def test_the_metrics_export_and_the_landscape_copy_come_from_hand_overs(qtbot, window,
                                                                       tmp_path, monkeypatch):
    train_to(qtbot, window, 40)
    out = tmp_path / "m.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.files.export_metrics()
    qtbot.waitUntil(lambda: out.exists(), timeout=10_000)
    assert len(out.read_text().splitlines()) == 41  # a header and one row per step
    copy = window.session.trainer_copy()  # what the loss landscape computes on
    state = run_state(qtbot, window)
    assert copy.step == 40
    np.testing.assert_array_equal(copy.network.params, state.arrays["params"])
    copy.run(5)  # the copy is independent: the run itself stays where it is
    assert run_state(qtbot, window).step == 40
