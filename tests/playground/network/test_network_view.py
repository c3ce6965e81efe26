"""The Network tab in the real window: it follows the snapshots, hovering a unit
shows its statistics, clicking it enlarges its map; dead units are marked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from core.nn.network import Network
from playground.network import analysis as analysis_module
from playground.network import colors
from playground.network.picture import MAX_UNITS
from playground.session.run_info import FOCUS_POINTS, MAP_POINTS
from tests.playground.helpers import train_to

PRESETS = Path(__file__).resolve().parents[3] / "resources/presets"


def _show(qtbot, window):
    view = window.views.network
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    return view


def _caught_up(qtbot, window, view, timeout=20_000):
    """Wait until the view has drawn a picture of the session's current step."""
    qtbot.waitUntil(lambda: view._drawn is not None and view._drawn.step == window.session.step
                    and view._drawn.run_id == window.session.run_id, timeout=timeout)
    return view._drawn


def _open(qtbot, window, name: str) -> None:
    run = window.session.run_id
    window.files.open_preset(PRESETS / f"{name}.json")
    qtbot.waitUntil(lambda: window.session.run_id > run and window.session.snapshot is not None,
                    timeout=10_000)


def _net_of(window, snap) -> Network:
    """A network with the snapshot's weights: the reference for the maps."""
    net = Network(window.session.info.network_spec)
    net.params[:] = snap.params
    net.buffers[:] = snap.buffers
    return net


def _hidden_outputs(net: Network, X: np.ndarray) -> list[np.ndarray]:
    with net.evaluating():
        net.forward(X, update_stats=False)
        return [a.copy() for a in net.hidden_activations()]


def test_the_view_follows_the_snapshots(qtbot, window):
    view = _show(qtbot, window)
    pic = _caught_up(qtbot, window, view)
    assert pic.step == 0
    # the default spiral: 2 inputs, three tanh layers of 16, one output
    assert [c.units.size for c in pic.columns] == [2, 16, 16, 16, 1]
    assert [c.kind for c in pic.columns] == ["input", "hidden", "hidden", "hidden", "output"]
    train_to(qtbot, window, 40)
    pic = _caught_up(qtbot, window, view)
    assert pic.step == 40
    # the maps are each unit's output over the grid, from the snapshot's weights
    snap = window.session.snapshot
    info = window.session.info
    ref = _hidden_outputs(_net_of(window, snap), info.map_points)
    for l in range(3):
        col = pic.columns[l + 1]
        np.testing.assert_allclose(col.maps, ref[l][:, col.units].T.reshape(-1, MAP_POINTS,
                                                                            MAP_POINTS),
                                   rtol=1e-12, atol=1e-14)
    # drawn: one image per column, weights as lines, a frame per unit
    image = view.diagram.images[1].image
    assert image.shape[0] == MAP_POINTS and image.shape[2] == 4
    assert sum(len(item.xData) for item in view.diagram.lines.values()) == \
        2 * (2 * 16 + 16 * 16 * 2 + 16)
    assert len(view.diagram.frames.data) == 2 + 3 * 16 + 1
    # pictures come no faster than the view can draw them at its share of the GUI
    assert view.analysis.min_interval >= analysis_module.MIN_INTERVAL
    # the series: the steps analysed, step 0 and 40 among them
    assert {0, 40} <= set(pic.counts.steps.tolist())
    assert pic.curvature.steps.size >= 1 and np.all(pic.curvature.values > 0)


def test_hover_shows_a_units_statistics_and_click_enlarges_its_map(qtbot, window):
    view = _show(qtbot, window)
    train_to(qtbot, window, 20)
    pic = _caught_up(qtbot, window, view)
    column, unit = 2, int(pic.columns[2].units[5])
    pos = view.diagram.mapFromScene(view.diagram.unit_pos(column, unit))
    QTest.mouseMove(view.diagram.viewport(), pos)
    qtbot.waitUntil(lambda: view.diagram.hovered == (column, unit), timeout=5_000)
    text = view.detail.stats.text()
    col = pic.columns[column]
    k = list(col.units).index(unit)
    assert f"hidden 2 \u00b7 unit {unit + 1} of 16" in text
    assert f"mean {col.stats['mean'][k]:.3g}" in text
    assert f"\u2016w in\u2016 = {col.stats['in_norm'][k]:.3g}" in text
    assert len(view.diagram.hover_frame.data) == 1
    # the statistics are those of the unit on the training split
    snap = window.session.snapshot
    a = _hidden_outputs(_net_of(window, snap), window.session.info.train_X_pre)[1][:, unit]
    assert col.stats["mean"][k] == pytest.approx(a.mean(), rel=1e-10, abs=1e-14)
    # click: the enlarged map, computed at FOCUS_POINTS for exactly this unit
    QTest.mouseClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: view._drawn.focus is not None
                    and (view._drawn.focus.column, view._drawn.focus.unit) == (column, unit),
                    timeout=10_000)
    focus = view._drawn.focus
    ref = _hidden_outputs(_net_of(window, window.session.snapshot),
                          window.session.info.focus_points)[1][:, unit]
    np.testing.assert_allclose(focus.map, ref.reshape(FOCUS_POINTS, FOCUS_POINTS),
                               rtol=1e-12, atol=1e-14)
    shown = view.detail.image.image
    assert shown.shape == (FOCUS_POINTS, FOCUS_POINTS, 4)
    span = colors.own_span(col.center, focus.lo, focus.hi)
    np.testing.assert_array_equal(shown, colors.rgba(focus.map.T, col.center, span))
    assert f"unit {unit + 1}" in view.detail.plot.getPlotItem().titleLabel.text
    assert len(view.diagram.focus_frame.data) == 1
    # moving away: the statistics of the clicked unit stay
    QTest.mouseMove(view.diagram.viewport(), view.diagram.mapFromScene(
        view.diagram.unit_pos(1, int(pic.columns[1].units[0]))))
    qtbot.waitUntil(lambda: view.diagram.hovered == (1, int(pic.columns[1].units[0])),
                    timeout=5_000)
    assert "hidden 1" in view.detail.stats.text()


def test_dead_units_are_counted_and_marked(qtbot, window):
    _open(qtbot, window, "03_relu_family_dying_relu")
    view = _show(qtbot, window)
    train_to(qtbot, window, 150)
    pic = _caught_up(qtbot, window, view)
    hidden = [c for c in pic.columns if c.kind == "hidden"]
    assert [c.width for c in hidden] == [24] * 4
    assert all(c.units.size == MAX_UNITS for c in hidden)  # the 16 most active of 24
    assert sum(c.n_dead for c in hidden) > 10
    marked = sum(int(c.dead.sum()) for c in pic.columns)
    assert marked > 0 and len(view.diagram.dead.data) == marked
    # the footer says so, in red
    footers = [t.toHtml() for t in view.diagram.texts[3:2 * len(pic.columns):2]]
    assert any(f"dead {c.n_dead}/24" in f for c, f in zip(hidden, footers, strict=False))
    assert "+8" in footers[0]
    # the counts over the steps
    np.testing.assert_array_equal(pic.counts.values[-1], [c.n_dead for c in hidden])
    curve = view.plots.count_curves[0]
    assert curve.yData[-1] == hidden[0].n_dead
    assert view.plots.counts.titleLabel.text == "Dead units per layer"


def test_prelu_slopes_are_plotted_per_unit(qtbot, window):
    _open(qtbot, window, "03_relu_family_prelu")
    view = _show(qtbot, window)
    train_to(qtbot, window, 30)
    pic = _caught_up(qtbot, window, view)
    assert [name for name, _ in pic.prelu] == ["hidden 1", "hidden 2", "hidden 3", "hidden 4"]
    snap = window.session.snapshot
    net = _net_of(window, snap)
    for (_, beta), blk in zip(pic.prelu, net.blocks, strict=False):
        np.testing.assert_array_equal(beta, blk.prelu)
    assert view.plots.prelu.isVisible()
    assert len(view.plots.prelu_points.data) == 4 * 24
    np.testing.assert_array_equal(np.sort(view.plots.prelu_points.data["y"]),
                                  np.sort(np.concatenate([b for _, b in pic.prelu])))


def test_data_with_more_inputs_gets_histograms(qtbot, window):
    _open(qtbot, window, "12_digits")
    view = _show(qtbot, window)
    pic = _caught_up(qtbot, window, view)
    assert pic.columns[0].width == 64 and pic.columns[0].units.size == MAX_UNITS
    assert all(c.maps is None and c.hists is not None for c in pic.columns)
    hist = pic.columns[1].hists
    assert hist.shape == (pic.columns[1].units.size, 16)
    assert np.all(hist.sum(axis=1) == window.session.info.val_X_pre.shape[0])
    assert len(view.diagram.hists.xData) > 0
    pos = view.diagram.mapFromScene(view.diagram.unit_pos(1, int(pic.columns[1].units[0])))
    QTest.mouseClick(view.diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: view._drawn.focus is not None, timeout=10_000)
    np.testing.assert_array_equal(view.detail.bars.opts["height"], view._drawn.focus.hist)


def test_the_analysis_goes_on_while_the_tab_is_hidden(qtbot, window):
    view = window.views.network
    assert not view.isVisible()
    train_to(qtbot, window, 30)
    qtbot.waitUntil(lambda: view.picture is not None and view.picture.step == 30,
                    timeout=20_000)
    assert view._drawn is None  # nothing drawn while hidden ...
    _show(qtbot, window)
    assert view._drawn is view.picture  # ... the newest drawn once shown


def test_a_new_run_clears_the_view_and_its_series(qtbot, window):
    view = _show(qtbot, window)
    train_to(qtbot, window, 30)
    _caught_up(qtbot, window, view)
    window.session.reset()
    pic = _caught_up(qtbot, window, view)
    assert pic.step == 0 and pic.counts.steps.tolist() == [0]
