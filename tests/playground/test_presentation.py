"""Presentation mode, full screen and the layout at 1024x768 (issue 11, item 5)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QTabBar

from playground.app.screen_fit import DOCK_WIDTH
from playground.plots import style
from tests.playground.helpers import train_to


def sizes(window) -> dict[str, float]:
    v = window.views
    panel_label = v.panels["optimizer"].findChildren(QLabel)[0]
    legend_label = v.loss.legend.items[0][1]
    return {
        "tick": v.loss.plot.getAxis("left").style["tickFont"].pointSizeF(),
        "grad tick": v.grad.lines.getAxis("bottom").style["tickFont"].pointSizeF(),
        "histogram tick": v.hists.grad_plot.getAxis("bottom").style["tickFont"].pointSizeF(),
        "boundary tick": v.boundary.plot.getAxis("bottom").style["tickFont"].pointSizeF(),
        "panel": panel_label.font().pointSizeF(),
        "toolbar": window.controls.counter.font().pointSizeF(),
        "legend": float(legend_label.opts["size"].removesuffix("pt")),
        "line": v.loss.smooth_curve.opts["pen"].widthF(),
        "marker": v.loss.val_curve.opts["symbolSize"],
    }


@pytest.fixture
def presenting(window):
    yield window
    window.presentation.set_presentation(False)  # the application font is global
    assert style.scale() == 1.0


def test_presentation_mode_scales_fonts_lines_and_markers_and_back(qtbot, presenting):
    window = presenting
    train_to(qtbot, window, 20)
    normal = sizes(window)
    window.presentation.action.trigger()  # View > Presentation mode (F5)
    assert window.presentation.on and style.scale() == style.PRESENTATION_SCALE
    big = sizes(window)
    for key, value in normal.items():
        assert 1.6 <= big[key] / value <= 2.0, (key, value, big[key])
    # The plots get the screen: the panels collapse, F9 brings them back.
    assert not any(d.isVisible() for d in window.docks.values())
    window.presentation.panels.trigger()
    assert window.docks["network"].isVisible()
    window.presentation.action.trigger()
    assert sizes(window) == normal
    assert window.docks["network"].isVisible()


def test_the_keys_are_f5_f11_and_f9(window):
    p = window.presentation
    assert [a.shortcut().toString() for a in (p.action, p.full_screen, p.panels)] == \
        ["F5", "F11", "F9"]
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert {p.action, p.full_screen, p.panels} <= set(view.actions())


def test_full_screen_toggles(qtbot, window):
    window.presentation.full_screen.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=2_000)
    window.presentation.full_screen.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=2_000)


@pytest.mark.parametrize("present", [False, True])
def test_usable_at_1024x768_no_dock_title_cut_and_the_docks_recover(qtbot, presenting,
                                                                     present):
    window = presenting
    if present:
        window.presentation.set_presentation(True)
        window.presentation.show_panels(True)  # the hardest case: panels and big fonts
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024 and window.height() == 768, timeout=2_000)
    qtbot.wait(50)
    metrics = QFontMetrics(QApplication.font())
    for dock in window.docks.values():
        if dock.isVisible():  # as wide as two of their title tabs, in full
            assert dock.width() >= 2 * metrics.horizontalAdvance(dock.windowTitle())
    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window]
    assert bars and all(b.elideMode().name == "ElideNone" for b in bars)
    for i in range(bars[0].count()):
        assert bars[0].tabText(i) in ("Network", "Data", "Optimizer", "Training")
    # Every control of the toolbars is on screen (two rows if need be).
    for bar in (window.controls, window.controls.readouts):
        for w in (bar.widgetForAction(a) for a in bar.actions() if a.isVisible()):
            if w is not None and w.isVisible():
                right = w.mapTo(window, w.rect().topRight()).x()
                assert right <= window.width(), w
    # The Training tab fits beside the docks: it does not scroll.
    area = window.tabs.area(0)
    assert not area.horizontalScrollBar().isVisible()
    assert area.viewport().width() >= window.tabs.widget(0).minimumSizeHint().width()
    # Squeezed, then grown again: the docks have their width, the plots the rest.
    before = window.docks["network"].width()
    window.resize(640, 600)
    qtbot.wait(100)
    window.resize(1600, 900)
    target = window.screen_fit.target  # the default, or as the user dragged it
    qtbot.waitUntil(lambda: abs(window.docks["network"].width() - target) <= 2, timeout=2_000)
    assert target >= before - 2
    assert window.tabs.area(0).width() >= 1600 - target - 40
    if not present:
        assert abs(before - DOCK_WIDTH) <= 2


def test_at_1024x768_with_the_lessons_dock_every_plot_fits_its_view(qtbot, presenting):
    """A pyqtgraph layout can grow past its view (a title as wide as its text, a
    legend with more columns than fit): its right side is then cut off. Each plot's
    layout, and each title's text, stays within its view, in normal and presentation
    mode, on the 11-layer vanishing-gradients lesson beside the Lessons dock."""
    import pyqtgraph as pg

    window = presenting
    window.resize(1024, 768)
    window.lessons.show_dock()
    for present in (False, True):
        window.presentation.set_presentation(present)
        window.lessons.open(25)  # batch norm: 6 hidden layers, then (the plots rebuilt)
        window.lessons.open(0)  # vanishing gradients: 10 hidden layers + the output
        train_to(qtbot, window, window.session.step + 20)
        qtbot.wait(200)  # the legends' fit runs after the resize
        for view in window.tabs.widget(0).findChildren(pg.GraphicsView):
            if not view.isVisible():
                continue
            for item in view.scene().items():
                if isinstance(item, pg.PlotItem | pg.GraphicsLayout) and item.isVisible():
                    right = item.mapRectToScene(item.boundingRect()).right()
                    assert right <= view.width() + 1, (type(view).__name__, present, right)
                if isinstance(item, pg.PlotItem) and item.titleLabel.isVisible():
                    label = item.titleLabel
                    shortest = label.fit_texts[-1] if getattr(label, "fit_texts", ()) else None
                    if label.text != shortest:  # a longer title only where it fits
                        assert label.itemRect().width() <= label.width(), label.text
    grad = window.views.grad
    assert grad.bars_plot.isVisible() and grad.bars_plot.width() > 40  # the bars show


def test_the_lessons_dock_grows_with_presentation_mode(qtbot, presenting):
    window = presenting
    window.lessons.show_dock()
    view = window.lessons.view
    labels = (view.title, view.section, view.try_head)
    normal = [label.font().pointSizeF() for label in labels]
    eq = view.formula.equations[0]
    natural = eq.sizeHint().width()
    window.presentation.set_presentation(True)
    big = [label.font().pointSizeF() for label in labels]
    for a, b in zip(normal, big, strict=True):
        assert b / a == pytest.approx(style.PRESENTATION_SCALE, rel=0.02)
    assert eq.sizeHint().width() == pytest.approx(natural * style.PRESENTATION_SCALE, abs=2)
    window.presentation.set_presentation(False)
    assert [label.font().pointSizeF() for label in labels] == normal
