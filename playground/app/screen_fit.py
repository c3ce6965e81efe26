"""Keep the window usable from 1024x768 up, and let it recover when it grows again.

- Docks are never narrower than their title tabs need ("Network", "Optimizer"
  in full, not "Netw...", "Opti..."), and the tab bars of docks scroll rather
  than elide (``fit_docks``). Their panels are scroll areas: a panel taller or
  wider than its dock scrolls.
- When the window shrinks, Qt squeezed the docks once the central tabs were at
  their minimum, and never gave the room back when the window grew again.
  The central pages scroll now rather than set a minimum (``page_tabs``), and
  ``ScreenFit`` keeps the docks at the width the user last set (dragging the
  separator; the default otherwise), at most what leaves CENTRAL_SHARE of the
  window to the plots, and gives it back as soon as the window has room.
- The run toolbar and the pace toolbar share one row when it is wide enough,
  and stack in two rows when not (1024 px, presentation mode): no control
  disappears behind the toolbar's overflow button.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QTabBar

from playground.plots import style

DOCK_WIDTH = 360  # the docks' default width, at scale 1
DOCK_TAB_PADDING = 36  # a dock tab's frame and margins around its title, at scale 1
CENTRAL_SHARE = 0.55  # the docks are given back at most what leaves this to the plots
TOOLBAR_SLACK = 24  # handles and margins between two toolbars on a row


def fit_docks(window, docks=None) -> None:
    """Docks at least as wide as two of their title tabs need (two docks share each
    stack), tab bars that scroll rather than elide, at the current font."""
    docks = list((docks if docks is not None else window.docks).values())
    metrics = QFontMetrics(QApplication.instance().font())
    widest = max((metrics.horizontalAdvance(d.windowTitle()) for d in docks), default=0)
    need = 2 * (widest + round(DOCK_TAB_PADDING * style.scale()))
    for d in docks:
        d.setMinimumWidth(need)
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window:  # the dock areas' tab bars, made by QMainWindow
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)


class ScreenFit(QObject):
    """Installed on the main window (``window``: its ``docks``, ``controls``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        # The docks' width to come back to (None: the width they are first shown with,
        # e.g. from a saved layout).
        self.target: int | None = DOCK_WIDTH
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        window.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.MouseButtonRelease:
            # The end of a drag of a dock separator (QMainWindow handles those itself):
            # that width is the user's choice.
            QTimer.singleShot(0, self.remember)
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show):
            self._timer.start()
        return False

    def remember(self) -> None:
        dock = self._left_dock()
        if dock is not None:
            self.target = dock.width()

    def reset(self) -> None:
        """The default layout: the default width (at the current scale)."""
        self.target = round(DOCK_WIDTH * max(1.0, style.scale() * 0.8))
        self._timer.start()

    def _left_dock(self):
        w = self.window
        for d in w.docks.values():
            if (d.isVisible() and not d.isFloating()
                    and w.dockWidgetArea(d) == Qt.DockWidgetArea.LeftDockWidgetArea):
                return d
        return None

    def fit(self) -> None:
        self._fit_toolbars()
        dock = self._left_dock()
        if dock is not None and self.target is None:
            self.target = dock.width()
        if dock is None:
            return
        w = self.window
        page = w.tabs.currentWidget()
        central = max(page.minimumSizeHint().width() if page is not None else 0,
                      CENTRAL_SHARE * w.width())
        room = int(w.width() - central - 16)  # the separator and the frames
        width = max(min(self.target, room), dock.minimumWidth())
        if abs(width - dock.width()) > 1:
            w.resizeDocks([dock], [width], Qt.Orientation.Horizontal)

    def _fit_toolbars(self) -> None:
        w = self.window
        run, pace = w.controls, w.controls.readouts
        need = run.sizeHint().width() + pace.sizeHint().width() + TOOLBAR_SLACK
        stacked = w.toolBarBreak(pace)
        if w.width() < need and not stacked:
            w.insertToolBarBreak(pace)
        elif w.width() >= need and stacked:
            w.removeToolBarBreak(pace)
