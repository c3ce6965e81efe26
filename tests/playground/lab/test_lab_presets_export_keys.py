"""The Optimizer Lab (issue 5), continued: divergence, presets, exports, the lab's
keys and its contours."""

from __future__ import annotations

import csv
import io
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction, QImage, QKeySequence  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMainWindow, QTabWidget, QWidget  # noqa: E402

from core.lab.model import PRESETS  # noqa: E402
from core.lab.race import paths_to_csv  # noqa: E402
from playground.lab import LabWidget  # noqa: E402
from tests.playground.lab.lab_helpers import (  # noqa: E402
    only,
    set_box,
    visible_trails,
)

# ------------------------------------------------------------------ divergence, presets


def test_a_diverged_racer_is_marked(lab, qtbot):
    only(lab, "sgd", "adam")
    set_box(qtbot, lab.table.boxes[("sgd", "lr")], "1")
    lab.step(10)
    path = lab.race.paths()["SGD"]
    assert path.diverged_at is not None
    n = path.diverged_at
    texts = [lbl.text for _, lbl in lab.race_map.legend.items]
    assert any(t.startswith("SGD") and f"diverged at step {n}" in t for t in texts)
    row = lab.table.row_of("sgd")
    assert f"diverged at step {n}" in lab.table.item(row, lab.table.columnCount() - 1).text()
    symbols = [s.symbol() for s in lab.race_map.markers.points()]
    assert symbols == ["x", "o"]
    # Scrubbed back before the divergence, the racer is shown still running.
    lab.transport.slider.setValue(0)
    assert [s.symbol() for s in lab.race_map.markers.points()] == ["o", "o"]
    assert all("diverged" not in lbl.text for _, lbl in lab.race_map.legend.items)


@pytest.mark.parametrize("key", list(PRESETS))
def test_presets(lab, key):
    lab.step(5)
    lab.top_bar.preset_actions[key].trigger()
    p = PRESETS[key]
    assert lab.model.surface_name == p.surface
    assert lab.top_bar.surface_box.currentData() == p.surface
    assert [n for n in lab.model.names if lab.table.is_checked(n)] == [
        n for n in lab.model.names if n in p.racers]
    assert lab.view_step == 0 and lab.race.steps == 0
    assert lab.race.start == lab.model.surface.start
    assert lab.loss_plot.getPlotItem().ctrl.logYCheck.isChecked() == \
        lab.model.surface.bounded_below
    lab.step(30)
    assert len(visible_trails(lab)) == len(p.racers)


def test_saddle_preset_reproduces_the_slide(lab):
    lab.apply_preset("lecture_saddle")
    lab.step(200)
    paths = lab.race.paths()
    # Plain SGD lingers near the saddle; Adam has long escaped along y.
    assert abs(paths["SGD"].points[-1, 1]) < 0.1
    assert abs(paths["Adam"].points[-1, 1]) > 1.0


# ------------------------------------------------------------------ export


def test_csv_export_writes_the_paths(lab, tmp_path, monkeypatch):
    only(lab, "sgd", "adam")
    lab.step(12)
    target = tmp_path / "race.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "CSV table (*.csv)")))
    lab.top_bar.csv_action.trigger()
    assert target.exists()
    rows = list(csv.reader(target.open()))
    assert rows[0] == ["racer", "step", "x", "y", "loss", "distance"]
    assert len(rows) == 1 + 2 * 13
    buf = io.StringIO()
    paths_to_csv(lab.race.paths(), buf)
    assert target.read_text() == buf.getvalue()
    assert str(target) in lab.status.text()


def test_csv_export_cancelled_writes_nothing(lab, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert lab.save_paths() is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_picture_export(lab, tmp_path, monkeypatch, suffix):
    lab.step(30)
    target = tmp_path / f"race{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    lab.top_bar.picture_action.trigger()
    assert target.exists() and target.stat().st_size > 1000
    if suffix == ".png":
        img = QImage(str(target))
        assert not img.isNull() and img.width() >= 800
    else:
        assert "<svg" in target.read_text()[:2000]


def test_picture_export_without_extension_uses_the_chosen_filter(lab, tmp_path, monkeypatch):
    target = tmp_path / "race"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(target), "SVG vector image (*.svg)")))
    out = lab.save_picture()
    assert out is not None and out.suffix == ".svg" and out.exists()


# ------------------------------------------------------------------ keys


def _window_with_lab(qtbot):
    """The lab in a tab of a main window that binds Space/S/R window-wide, as the
    app's run toolbar does."""
    win = QMainWindow()
    qtbot.addWidget(win)
    tabs = QTabWidget()
    lab = LabWidget()
    other = QWidget()
    tabs.addTab(lab, "Lab")
    tabs.addTab(other, "Other")
    win.setCentralWidget(tabs)
    hits = []
    for key in ("Space", "S", "R"):
        act = QAction(key, win)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _=False, k=key: hits.append(k))
        win.addAction(act)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=2000)
    return win, tabs, lab, hits


def test_lab_keys_win_over_window_shortcuts_while_the_lab_has_focus(qtbot):
    win, tabs, lab, hits = _window_with_lab(qtbot)
    lab.table.setFocus()
    qtbot.waitUntil(lambda: lab.table.hasFocus(), timeout=2000)
    QTest.keyClick(lab.table, Qt.Key.Key_S)
    QTest.keyClick(lab.table, Qt.Key.Key_S)
    assert lab.view_step == 2 and hits == []
    QTest.keyClick(lab.table, Qt.Key.Key_Space)
    assert lab.playing and hits == []
    QTest.keyClick(lab.table, Qt.Key.Key_Space)
    assert not lab.playing
    QTest.keyClick(lab.table, Qt.Key.Key_R)
    assert lab.view_step == 0 and hits == []
    # The plot has focus after a click: the keys still belong to the lab.
    lab.race_map.setFocus()
    qtbot.waitUntil(lambda: lab.race_map.hasFocus(), timeout=2000)
    QTest.keyClick(lab.race_map, Qt.Key.Key_S)
    assert lab.view_step == 1 and hits == []
    # Typing in a number box is typing, not a shortcut.
    box = lab.table.boxes[("sgd", "lr")]
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=2000)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_S)
    assert lab.view_step == 1
    # Outside the lab, the window's shortcuts work as before.
    tabs.setCurrentIndex(1)
    tabs.widget(1).setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    tabs.widget(1).setFocus()
    qtbot.waitUntil(lambda: tabs.widget(1).hasFocus(), timeout=2000)
    QTest.keyClick(tabs.widget(1), Qt.Key.Key_S)
    assert hits == ["S"] and lab.view_step == 1
    lab.pause()


def test_lab_keys_standalone(lab, qtbot):
    lab.activateWindow()
    lab.transport.play_button.setFocus()
    qtbot.waitUntil(lab.transport.play_button.hasFocus, timeout=2000)
    QTest.keyClick(lab.transport.play_button, Qt.Key.Key_Space)
    assert lab.playing
    QTest.keyClick(lab.transport.play_button, Qt.Key.Key_Space)
    assert not lab.playing
    QTest.keyClick(lab.transport.play_button, Qt.Key.Key_S)
    assert lab.view_step == 1
    bar, tr = lab.top_bar, lab.transport
    for w in [bar.surface_box, lab.table, lab.race_map, tr.slider, bar.noise_box,
              *lab.table.boxes.values(), tr.play_button, tr.step_button,
              tr.restart_button, tr.speed_box, tr.max_box, bar.preset_button,
              bar.export_button, bar.defaults_button, bar.seed_box]:
        assert w.toolTip(), f"{type(w).__name__} has no tooltip"


def test_clicking_the_legend_neither_hides_a_trail_nor_moves_the_start(lab, qtbot):
    lab.step(10)
    before = lab.model.start
    sample = lab.race_map.legend.items[0][0]
    scene = sample.mapToScene(sample.boundingRect().center())
    QTest.mouseClick(lab.race_map.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, lab.race_map.mapFromScene(scene))
    assert lab.race_map.trails["sgd"].isVisible()
    assert lab.model.start == before and lab.view_step == 10


# ------------------------------------------------------------------ contours


def test_contour_segments_lie_on_the_level():
    from playground.lab.contours import contour_segments

    xs, ys = np.linspace(-2, 2, 81), np.linspace(-1.5, 1.5, 61)
    X, Y = np.meshgrid(xs, ys)
    sx, sy = contour_segments(xs, ys, X ** 2 + Y ** 2, 1.0)
    assert len(sx) > 100 and len(sx) % 2 == 0
    np.testing.assert_allclose(np.hypot(sx, sy), 1.0, atol=2e-3)
    # Saddle cells (four crossings) give two segments each, still on the level set.
    sx, sy = contour_segments(xs, ys, X * Y, 0.0)
    np.testing.assert_allclose(sx * sy, 0.0, atol=1e-12)


def test_zooming_redraws_the_contours_for_the_view(lab, qtbot):
    before = lab.race_map.grid_box
    lab.race_map.getPlotItem().getViewBox().setRange(xRange=(2.0, 4.0), yRange=(0.0, 1.0),
                                                   padding=0)
    qtbot.waitUntil(lambda: lab.race_map.grid_box != before, timeout=2000)
    x0, x1, y0, y1 = lab.race_map.grid_box
    assert 1.5 < x0 < 2.1 and 3.9 < x1 < 4.5 and y1 - y0 < 3
