"""Save As -> Open through the GUI, and a damaged file."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QFileDialog

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
