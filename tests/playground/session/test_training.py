"""Play, pause, reset and the per-layer gradient view, driven through the GUI."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import Qt

from playground.app import files
from tests.playground.helpers import curve_data, fresh_snapshot, train_to


def test_opens_on_default_session_and_space_trains_and_pauses(qtbot, window):
    default = json.loads(files.DEFAULT_PRESET.read_text())
    assert window.session.config.title == default["title"]
    assert window.panels["data"].dataset.currentData() == default["data"]["name"]
    assert window.session.step == 0

    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.step > 0, timeout=10_000)
    qtbot.waitUntil(lambda: len(curve_data(window.views.loss.train_curve)[0]) > 1,
                    timeout=10_000)
    assert "step" in window.controls.counter.text()

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.playing, timeout=2_000)
    qtbot.wait(200)  # the frame published on pause
    paused_at = window.session.step
    counter = window.controls.counter.text()
    qtbot.wait(600)
    assert window.session.step == paused_at
    assert window.controls.counter.text() == counter
    assert fresh_snapshot(qtbot, window).step == paused_at

    # S: exactly one more step, then paused again.
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.session.step == paused_at + 1, timeout=5_000)
    qtbot.wait(300)
    assert window.session.step == paused_at + 1 and not window.session.playing


def test_reset_with_same_seed_reproduces_first_50_losses(qtbot, window):
    train_to(qtbot, window, 60)
    first = curve_data(window.views.loss.train_curve)[1][:50].copy()
    assert first.size == 50

    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: window.session.snapshot is not None
                    and window.session.step == 0, timeout=5_000)
    train_to(qtbot, window, 60)
    again = curve_data(window.views.loss.train_curve)[1][:50]
    np.testing.assert_array_equal(first, again)


def test_gradient_plot_has_one_curve_per_layer_equal_to_snapshot(qtbot, window):
    train_to(qtbot, window, 120)
    snap = fresh_snapshot(qtbot, window)
    qtbot.waitUntil(lambda: window.session.step == snap.step, timeout=5_000)
    grad = window.views.grad
    assert len(grad.curves) == len(snap.layer_names) == 4  # 3 hidden + output
    for i, curve in enumerate(grad.curves):
        x, y = curve_data(curve)
        np.testing.assert_array_equal(x, snap.steps)
        np.testing.assert_array_equal(y, snap.grad_norms[:, i])
    assert [grad.legend.items[i][1].text for i in range(4)] == ["h1", "h2", "h3", "out"]


def test_pins_are_numbered_and_labelled_with_the_run(qtbot, window):
    train_to(qtbot, window, 30)
    window.controls.pin.trigger()
    window.controls.pin.trigger()
    # Labelled by what differs from the current run (tests/playground/test_stale_views.py).
    assert window.views.loss.pin_labels == ["#1 same settings @30", "#2 same settings @30"]
    window.controls.clear_pins.trigger()
    assert window.views.loss.ghosts == []
