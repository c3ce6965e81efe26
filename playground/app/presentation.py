"""Presentation mode and the screen: for a projector at the front of a lecture hall.

- Presentation mode (F5): fonts, tick labels, legends, lines and markers
  ``style.PRESENTATION_SCALE`` (1.75) times bigger in every plot, and the
  application font as much bigger in every panel, menu, toolbar and tab. The
  live plots restyle their lines and markers themselves (``set_scale``); any
  other plot of the window gets its fonts scaled (``style.scale_scene``).
- Full screen (F11).
- Panels (F9): hide every dock, so that the plots get the whole screen, and
  bring them back as they were. Presentation mode starts with them hidden.

The layout at small sizes (docks, toolbars) is ``screen_fit``'s.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabBar, QWidget

from playground.app.screen_fit import fit_docks
from playground.plots import style

ICON_PX = 16  # toolbar icons at scale 1


def _action(window: QMainWindow, text: str, key: str, tip: str, checkable=True) -> QAction:
    act = QAction(text, window)
    act.setShortcut(QKeySequence(key))
    act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    act.setCheckable(checkable)
    act.setToolTip(f"{tip} ({key})")
    act.setStatusTip(tip)
    window.addAction(act)  # the key works with the menu bar hidden too
    return act


class Presentation(QObject):
    """The View menu's presentation mode, full screen and panels toggles of ``window``
    (a MainWindow: its ``views``, ``controls`` and ``docks``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        app = QApplication.instance()
        self._base_font = QFont(app.font())
        self.on = False
        self._hidden_docks: list = []
        self.action = _action(window, "&Presentation mode", "F5",
                              "Bigger fonts, lines and markers for a projector")
        self.action.toggled.connect(self.set_presentation)
        self.full_screen = _action(window, "&Full screen", "F11", "Fill the screen")
        self.full_screen.toggled.connect(self.set_full_screen)
        self.panels = _action(window, "Show &panels", "F9",
                              "Show or hide the panels at the side: hidden, the plots get "
                              "the whole window")
        self.panels.setChecked(True)
        self.panels.toggled.connect(self.show_panels)

    def add_to(self, menu) -> None:
        for act in (self.action, self.full_screen, self.panels):
            menu.addAction(act)

    # -- presentation mode -------------------------------------------------------------
    def set_presentation(self, on: bool) -> None:
        if on == self.on:
            return
        self.on = on
        factor = style.PRESENTATION_SCALE if on else 1.0
        style.set_scale(factor)
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * factor)
        QApplication.instance().setFont(font)
        w = self.window
        for widget in w.findChildren(QWidget):
            if widget.styleSheet():  # a style sheet fixed its font when it was polished
                widget.setStyleSheet(widget.styleSheet())
        for dock in w.findChildren(QDockWidget):  # the panels' and the lessons'
            # A dock draws its title in the title font it was made with as long as its
            # own font is the application's: a font a hair bigger makes it use its own.
            title = QFont(font)
            title.setPointSizeF(font.pointSizeF() + 0.01)
            dock.setFont(title if on else QFont())
        for view in w.findChildren(pg.GraphicsView):
            style.scale_scene(view)
        v = w.views
        for plot in (v.loss, v.grad, v.hists):
            plot.set_scale()
        w.controls.set_scale(factor)
        w.controls.setIconSize(QSize(round(ICON_PX * factor), round(ICON_PX * factor)))
        fit_docks(w)
        w.screen_fit.reset()  # wider docks for the bigger text, where there is room
        # The plots get the screen; F9 brings the panels back when they are needed.
        self.show_panels(not on)
        if self.action.isChecked() != on:
            self.action.setChecked(on)

    # -- screen ------------------------------------------------------------------------
    def set_full_screen(self, on: bool) -> None:
        if on:
            self.window.showFullScreen()
        else:
            self.window.showNormal()
        if self.full_screen.isChecked() != on:
            self.full_screen.setChecked(on)

    def show_panels(self, on: bool) -> None:
        docks = self.window.docks.values()
        if not on:
            self._hidden_docks = [d for d in docks if d.isVisible()]
            for d in self._hidden_docks:
                d.hide()
            # QMainWindow may leave a tab bar of a former tab group on screen (it
            # sat behind the live one): with no dock left, no tab bar is needed.
            # It shows the ones it uses again when the docks come back.
            for bar in self.window.findChildren(QTabBar):
                if bar.parent() is self.window:
                    bar.hide()
        else:
            for d in self._hidden_docks or docks:
                d.show()
            self._hidden_docks = []
        if self.panels.isChecked() != on:
            self.panels.setChecked(on)
