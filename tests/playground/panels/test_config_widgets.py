"""Edits made through the panels reach the engine's config (not just the widgets)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.playground.helpers import run_state, train_to


def engine_config(window):
    """The config the session runs: the document's, its one owner."""
    return window.session.document.config


def test_activation_initializer_optimizer_batch_norm_reach_the_engine(qtbot, window,
                                                                      dialogs):
    net = window.panels["network"]
    # Activation for all layers.
    net.activation.setCurrentIndex(net.activation.findData("relu"))
    qtbot.waitUntil(lambda: engine_config(window).network.activations() == ["relu"] * 3,
                    timeout=5_000)
    # Activation of one layer.
    combo = net.table.cellWidget(1, 1)
    combo.setCurrentIndex(combo.findData("sigmoid"))
    qtbot.waitUntil(lambda: engine_config(window).network.activations()
                    == ["relu", "sigmoid", "relu"], timeout=5_000)
    # Initializer.
    net.initializer.setCurrentIndex(net.initializer.findData("he_normal"))
    qtbot.waitUntil(lambda: engine_config(window).network.initializer == "he_normal",
                    timeout=5_000)
    # Batch norm.
    net.batch_norm.setChecked(True)
    qtbot.waitUntil(lambda: engine_config(window).network.batch_norm is True, timeout=5_000)
    # Optimizer.
    opt = window.panels["optimizer"]
    opt.name.setCurrentIndex(opt.name.findData("momentum"))
    qtbot.waitUntil(lambda: engine_config(window).optimizer.name == "momentum",
                    timeout=5_000)
    assert set(opt.hyper) == {"lr", "momentum"}

    # A learning-rate change mid-run applies live: same run, new lr.
    train_to(qtbot, window, 30)
    run = window.session.run_id
    opt.hyper["lr"].spin.setValue(0.05)
    qtbot.waitUntil(lambda: engine_config(window).optimizer.resolved()["lr"] == 0.05,
                    timeout=5_000)
    assert window.session.run_id == run
    assert run_state(qtbot, window).meta["optimizer"]["lr"] == 0.05

    cfg = engine_config(window)
    assert cfg.network.activations() == ["relu", "sigmoid", "relu"]
    assert (cfg.network.initializer, cfg.network.batch_norm) == ("he_normal", True)

    # Mid-run, a change that needs a fresh network asks first; declined, the
    # widget goes back and the engine keeps its config and its run.
    dialogs.answer = QMessageBox.StandardButton.No
    net.batch_norm.setChecked(False)
    assert dialogs.questions, "a reset must be confirmed"
    assert net.batch_norm.isChecked() is True
    assert engine_config(window) is cfg and window.session.run_id == run


def test_switching_optimizer_mid_run_keeps_the_run_and_its_weights(qtbot, window, dialogs):
    train_to(qtbot, window, 40)
    run, step = window.session.run_id, window.session.step
    weights = run_state(qtbot, window).arrays["params"]
    opt = window.panels["optimizer"]
    opt.name.setCurrentIndex(opt.name.findData("rmsprop"))
    qtbot.waitUntil(lambda: engine_config(window).optimizer.name == "rmsprop", timeout=5_000)
    assert not dialogs.questions  # no reset, so nothing to confirm
    assert window.session.run_id == run
    state = run_state(qtbot, window)
    name, step_count, now = state.meta["optimizer"]["name"], state.step, state.arrays["params"]
    assert name == "rmsprop" and step_count == step
    assert (now == weights).all()
    assert set(opt.hyper) == {"lr", "rho", "eps"}
