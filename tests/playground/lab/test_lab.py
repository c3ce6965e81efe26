"""The Optimizer Lab (issue 5): clicking the map sets the start, racers draw trails
as long as the race, the slider scrubs the markers, edits re-race and are kept per
surface, presets, divergence, exports and the lab's keys."""

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

from core.lab.model import LABELS, LECTURE, PRESETS, LabModel  # noqa: E402
from core.lab.race import PathRace, Racer, paths_to_csv  # noqa: E402
from core.lab.surfaces import SURFACES  # noqa: E402
from playground.lab import LabWidget  # noqa: E402


@pytest.fixture
def lab(qtbot):
    w = LabWidget()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.pause()


def only(lab: LabWidget, *names: str) -> None:
    """Check exactly ``names`` in the racer table, as a user would."""
    for n in lab.model.names:
        if lab.table.is_checked(n) != (n in names):
            lab.table.set_checked(n, n in names)


def trail_xy(lab: LabWidget, name: str) -> np.ndarray:
    x, y = lab.race_map.trails[name].getData()
    return np.column_stack([x, y]) if x is not None else np.empty((0, 2))


def visible_trails(lab: LabWidget) -> list[str]:
    return [n for n, t in lab.race_map.trails.items()
            if t.isVisible() and t.getData()[0] is not None and len(t.getData()[0])]


def marker_positions(lab: LabWidget) -> np.ndarray:
    return np.array([[p.x(), p.y()] for p in (s.pos() for s in lab.race_map.markers.points())])


def set_box(qtbot, box, text: str) -> None:
    """Type ``text`` into a number box and press Enter, as a user would."""
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), text)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)


# ------------------------------------------------------------------ defaults


def test_default_is_the_lecture_comparison_on_beale(lab):
    assert lab.model.surface_name == "beale"
    assert lab.top_bar.surface_box.currentData() == "beale"
    checked = [n for n in lab.model.names if lab.table.is_checked(n)]
    assert checked == list(LECTURE)
    assert list(lab.race.paths()) == [LABELS[n] for n in LECTURE]
    assert lab.race.start == SURFACES.get("beale").start
    assert lab.view_step == 0 and lab.race.steps == 0
    # Every racer the lab offers: all core optimizers plus the two Newton references.
    assert lab.model.names[-2:] == ["newton", "newton_damped"]
    assert lab.table.rowCount() == len(lab.model.names)
    # Contours are drawn (image + isolines) and the minimum and saddle are marked.
    assert lab.race_map.layer.image.image is not None
    assert len(lab.race_map.layer.lines.getData()[0]) > 100
    assert len(lab.race_map.minima_item.points()) == 1
    assert len(lab.race_map.saddle_item.points()) == 1


def test_play_animates_and_stops_at_the_last_step(lab, qtbot):
    lab.transport.max_box.setValue(20)
    lab.transport.speed_box.setValue(3)
    qtbot.mouseClick(lab.transport.play_button, Qt.MouseButton.LeftButton)
    assert lab.playing
    qtbot.waitUntil(lambda: not lab.playing, timeout=5000)
    assert lab.view_step == 20 and lab.race.steps == 20
    assert lab.transport.slider.maximum() == 20 and lab.transport.slider.value() == 20
    # Play at the end starts again from the start point.
    lab.play()
    assert lab.playing and lab.view_step == 0
    lab.pause()


def test_hiding_the_lab_pauses_it(lab):
    lab.play()
    assert lab.playing
    lab.hide()
    assert not lab.playing


# ------------------------------------------------------------------ start point


def test_clicking_the_contour_sets_the_start_point(lab, qtbot):
    target = (-2.0, 3.0)
    pos = lab.race_map.view_to_widget(*target)
    QTest.mouseClick(lab.race_map.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, pos)
    vb = lab.race_map.getPlotItem().getViewBox()
    px, py = vb.viewPixelSize()  # one pixel in data units
    x, y = lab.model.start
    assert abs(x - target[0]) <= 1.5 * px and abs(y - target[1]) <= 1.5 * py
    assert lab.race.start == (x, y)
    assert lab.view_step == 0
    for path in lab.race.paths().values():
        np.testing.assert_array_equal(path.points[0], [x, y])
    spot = lab.race_map.start_item.points()[0].pos()
    assert (spot.x(), spot.y()) == (x, y)
    lab.step(5)
    for name in LECTURE:
        np.testing.assert_array_equal(trail_xy(lab, name)[0], [x, y])


def test_right_click_and_clicks_outside_the_map_keep_the_start(lab):
    before = lab.model.start
    pos = lab.race_map.view_to_widget(-2.0, 3.0)
    QTest.mouseClick(lab.race_map.viewport(), Qt.MouseButton.RightButton,
                     Qt.KeyboardModifier.NoModifier, pos)
    lab.race_map.getPlotItem().getViewBox().menu.hide()
    assert lab.model.start == before
    lab.set_start((1e6, 0.0))  # far outside the divergence box: refused, said so
    assert lab.model.start == before
    assert "outside" in lab.status.text()


# ------------------------------------------------------------------ trails and scrubbing


def test_two_racers_draw_two_trails_as_long_as_the_race(lab, qtbot):
    only(lab, "sgd", "adam")
    n = 25
    for _ in range(3):
        qtbot.mouseClick(lab.transport.step_button, Qt.MouseButton.LeftButton)
    lab.step(n - 3)
    assert sorted(visible_trails(lab)) == ["adam", "sgd"]
    paths = lab.race.paths()
    assert list(paths) == ["SGD", "Adam"] and lab.race.steps == n
    for name in ("sgd", "adam"):
        pts = trail_xy(lab, name)
        assert pts.shape == (n + 1, 2)
        np.testing.assert_array_equal(pts, paths[LABELS[name]].points)
        x, y = lab.loss_plot.curves[name].getData()
        assert len(x) == n + 1
    # The same race built by hand gives the same points (the lab adds nothing).
    model = LabModel()
    ref = PathRace("beale", [Racer("SGD", "sgd", model.hyper("sgd")),
                             Racer("Adam", "adam", model.hyper("adam"))])
    ref.step(n)
    for label, path in ref.paths().items():
        np.testing.assert_array_equal(path.points, paths[label].points)
    # The legend lists the two racers.
    assert [lbl.text for _, lbl in lab.race_map.legend.items] == ["SGD", "Adam"]
    assert lab.transport.step_label.text() == f"step {n} / {n}"


def test_scrub_slider_moves_the_markers_to_the_recorded_step(lab):
    only(lab, "sgd", "momentum", "adam")
    lab.step(60)
    paths = lab.race.paths()
    for k in (0, 17, 42, 60):
        lab.transport.slider.setValue(k)  # the user drags the handle
        assert lab.view_step == k
        want = np.array([paths[LABELS[n]].points[k] for n in ("sgd", "momentum", "adam")])
        np.testing.assert_array_equal(marker_positions(lab), want)
        for n in ("sgd", "momentum", "adam"):
            assert len(trail_xy(lab, n)) == k + 1  # trails cut at that step
            assert lab.race_map.ghosts[n].isVisible() == (k < 60)  # the rest stays faint
        assert lab.loss_plot.step_line.value() == k
    # Keyboard on the slider scrubs too; the race itself is not touched.
    lab.transport.slider.setValue(30)
    lab.transport.slider.setFocus()
    QTest.keyClick(lab.transport.slider, Qt.Key.Key_Left)
    assert lab.view_step == 29 and lab.race.steps == 60
    # Stepping from a scrubbed position replays the recorded steps first.
    lab.step(1)
    assert lab.view_step == 30 and lab.race.steps == 60


def test_scrubbing_while_playing_pauses(lab, qtbot):
    lab.step(10)
    lab.play()
    lab.transport.slider.setValue(3)
    assert not lab.playing and lab.view_step == 3


# ------------------------------------------------------------------ hyper-parameters


def test_changing_a_learning_rate_changes_the_path(lab, qtbot):
    only(lab, "sgd", "adam")
    lab.step(40)
    before = lab.race.paths()
    box = lab.table.boxes[("sgd", "lr")]
    assert box.value() == SURFACES.get("beale").hyper_for("sgd")["lr"]
    set_box(qtbot, box, "0.004")
    assert lab.model.hyper("sgd")["lr"] == 0.004
    assert lab.model.is_edited("sgd", "lr") and box.font().bold()
    after = lab.race.paths()
    # Raced again to the same step at once; only SGD's path changed.
    assert lab.race.steps == 40 and after["SGD"].points.shape == (41, 2)
    assert not np.array_equal(after["SGD"].points, before["SGD"].points)
    np.testing.assert_array_equal(after["Adam"].points, before["Adam"].points)
    np.testing.assert_array_equal(trail_xy(lab, "sgd"), after["SGD"].points)
    assert after["SGD"].hyper["lr"] == 0.004


def test_an_invalid_value_is_refused(lab, qtbot):
    box = lab.table.boxes[("adam", "beta1")]
    set_box(qtbot, box, "1.5")  # outside [0, 1): the box does not take it
    assert box.value() == 0.9 and lab.model.hyper("adam")["beta1"] == 0.9
    assert not lab.model.is_edited("adam", "beta1")
    # A value the box allows but the core rejects is refused with a message.
    lab.table.hyper_changed.emit("adam", "beta1", 1.0)
    assert lab.model.hyper("adam")["beta1"] == 0.9 and box.value() == 0.9
    assert "beta1" in lab.status.text()


def test_per_surface_edits_survive_switching_surfaces(lab, qtbot):
    set_box(qtbot, lab.table.boxes[("sgd", "lr")], "0.002")
    set_box(qtbot, lab.table.boxes[("momentum", "momentum")], "0.5")
    lab.set_start((2.0, 2.0))
    lab.top_bar.surface_box.setCurrentIndex(lab.top_bar.surface_box.findData("rosenbrock"))
    rosen = SURFACES.get("rosenbrock")
    assert lab.model.surface_name == "rosenbrock"
    assert lab.table.boxes[("sgd", "lr")].value() == rosen.hyper_for("sgd")["lr"]
    assert lab.table.boxes[("momentum", "momentum")].value() == 0.9
    assert lab.race.start == rosen.start
    assert not lab.table.boxes[("sgd", "lr")].font().bold()
    set_box(qtbot, lab.table.boxes[("sgd", "lr")], "0.0005")
    lab.top_bar.surface_box.setCurrentIndex(lab.top_bar.surface_box.findData("beale"))
    assert lab.table.boxes[("sgd", "lr")].value() == 0.002
    assert lab.table.boxes[("momentum", "momentum")].value() == 0.5
    assert lab.race.start == (2.0, 2.0)
    assert lab.race.paths()["SGD"].hyper["lr"] == 0.002
    lab.set_surface("rosenbrock")
    assert lab.table.boxes[("sgd", "lr")].value() == 0.0005
    # "Tuned defaults" forgets the edits of this surface only.
    qtbot.mouseClick(lab.top_bar.defaults_button, Qt.MouseButton.LeftButton)
    assert lab.table.boxes[("sgd", "lr")].value() == rosen.hyper_for("sgd")["lr"]
    lab.set_surface("beale")
    assert lab.table.boxes[("sgd", "lr")].value() == 0.002


def test_surface_options_are_spin_boxes_and_defaults_follow_them(lab, qtbot):
    lab.set_surface("ill_conditioned")
    assert set(lab.top_bar.option_boxes) == {"condition", "angle"}
    assert lab.top_bar.option_boxes["condition"].value() == 50.0
    set_box(qtbot, lab.top_bar.option_boxes["condition"], "200")
    s = lab.model.surface
    assert s.options["condition"] == 200.0 and "200" in s.label
    # SGD's tuned rate scales with 1/κ; an edited value would stay.
    assert lab.table.boxes[("sgd", "lr")].value() == pytest.approx(0.035 * 50 / 200)
    assert lab.race.surface is s
    set_box(qtbot, lab.top_bar.option_boxes["angle"], "30")
    assert lab.model.surface.options["angle"] == 30.0
    assert lab.race.start == pytest.approx(lab.model.surface.start)
    lab.set_surface("beale")
    assert lab.top_bar.option_boxes == {}
    lab.set_surface("ill_conditioned")
    assert lab.top_bar.option_boxes["condition"].value() == 200.0  # kept per surface


def test_toggling_a_racer_keeps_the_step(lab):
    only(lab, "sgd")
    lab.step(10)
    lab.table.set_checked("newton_damped", True)
    paths = lab.race.paths()
    assert list(paths) == ["SGD", "Damped Newton"]
    assert paths["Damped Newton"].points.shape == (11, 2)
    assert len(trail_xy(lab, "newton_damped")) == 11
    lab.table.set_checked("sgd", False)
    lab.table.set_checked("newton_damped", False)
    assert visible_trails(lab) == []
    lab.play()
    assert not lab.playing and "Check at least one" in lab.status.text()


def test_gradient_noise_changes_the_paths_reproducibly(lab):
    only(lab, "sgd")
    lab.step(20)
    clean = lab.race.paths()["SGD"].points
    lab.top_bar.noise_box.setValue(2.0)
    noisy = lab.race.paths()["SGD"].points
    assert lab.race.grad_noise == 2.0 and noisy.shape == clean.shape
    assert not np.array_equal(noisy, clean)
    lab.top_bar.seed_box.setValue(7)
    other = lab.race.paths()["SGD"].points
    assert not np.array_equal(other, noisy)
    lab.top_bar.seed_box.setValue(0)
    np.testing.assert_array_equal(lab.race.paths()["SGD"].points, noisy)


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
