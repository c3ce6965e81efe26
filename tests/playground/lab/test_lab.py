"""The Optimizer Lab (issue 5): clicking the map sets the start, racers draw trails
as long as the race, the slider scrubs the markers, edits re-race and are kept per
surface, presets, divergence, exports and the lab's keys."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from core.lab.model import LABELS, LECTURE, LabModel  # noqa: E402
from core.lab.race import PathRace, Racer  # noqa: E402
from core.lab.surfaces import SURFACES  # noqa: E402
from tests.playground.lab.lab_helpers import (  # noqa: E402
    marker_positions,
    only,
    set_box,
    trail_xy,
    visible_trails,
)

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
