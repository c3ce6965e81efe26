"""Edits made through the panels reach the engine's config (not just the widgets)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.playground.helpers import run_state, train_to, wait_saved


def engine_config(window):
    """The config the session runs: the document's, its one owner."""
    return window.session.document.config


def test_activation_initializer_optimizer_batch_norm_reach_the_engine(qtbot, window,
                                                                      dialogs, tmp_path,
                                                                      monkeypatch):
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

    # Saved to a file: progress on it is worth a question before a reset (issue 11).
    path = tmp_path / "edited.opg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(path), "Session with its run (*.opg)"))
    assert window.files.save_as()
    wait_saved(qtbot, window, path)
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


def test_a_refused_edit_is_flagged_at_its_panel_and_cleared_by_a_good_one(qtbot, window):
    net, training = window.panels["network"], window.panels["training"]
    net.batch_norm.setChecked(True)
    qtbot.waitUntil(lambda: engine_config(window).network.batch_norm, timeout=5_000)
    before = engine_config(window)
    training.batch_size.setValue(1)  # batch norm needs two examples per batch
    assert engine_config(window) is before
    assert training.message.isVisibleTo(training)
    assert "batch size of at least 2" in training.message.text()
    assert "Not applied" in window.statusBar().currentMessage()
    assert window.docks["training"].isVisible()
    training.batch_size.setValue(2)
    assert engine_config(window).training.batch_size == 2
    assert not training.message.isVisibleTo(training)


def test_a_new_file_shows_every_panel_and_a_new_seed_only_the_training_panel(qtbot, window,
                                                                             tmp_path):
    import json

    from core.train.config import SessionConfig, config_to_dict

    cfg = config_to_dict(SessionConfig())
    cfg["network"].update(hidden=[5, 6], activation="relu")
    cfg["training"].update(batch_size=17, seed=123)
    path = tmp_path / "other.json"
    path.write_text(json.dumps(cfg))
    assert window.files.open_path(path)
    net, training = window.panels["network"], window.panels["training"]
    assert net.value()["hidden"] == [5, 6] and net.value()["activation"] == "relu"
    assert (training.batch_size.value(), training.seed.value()) == (17, 123)
    first_row = net.table.cellWidget(0, 0)
    window.controls.new_seed.trigger()
    assert training.seed.value() == engine_config(window).training.seed != 123
    assert net.table.cellWidget(0, 0) is first_row  # the network panel was left alone


def test_the_weight_penalties_reach_the_engine_and_the_network(qtbot, window):
    training = window.panels["training"]
    training.l2.setValue(0.003)
    qtbot.waitUntil(lambda: engine_config(window).training.l2 == 0.003, timeout=5_000)
    training.l1.setValue(0.0005)
    qtbot.waitUntil(lambda: engine_config(window).training.l1 == 0.0005, timeout=5_000)
    train_to(qtbot, window, 10)
    trainer = run_state(qtbot, window).trainer(engine_config(window))
    assert (trainer.network.spec.l1, trainer.network.spec.l2) == (0.0005, 0.003)
