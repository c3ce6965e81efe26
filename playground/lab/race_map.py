"""The lab's map: the surface's contours, its minima (★) and saddles (◆), the
start point, and every racer's trail up to the shown step (the rest of the
recorded path faint) with a marker at its head — ✕ once it has diverged.

A left click on the map emits ``start_clicked(x, y)``; drawing is
:meth:`RaceMap.show_surface` and :meth:`RaceMap.show_frames` from the player's
:class:`~core.lab.player.RacerFrame` s. The contours follow the view: zooming
in redraws them for the visible part (see :meth:`RaceMap.draw_grid`).
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QSizePolicy

from core.lab.player import RacerFrame
from core.lab.race import divergence_box
from core.lab.surfaces import Surface
from playground.lab.contours import ContourLayer
from playground.plots import style

__all__ = ["RaceMap"]

GRID = 181  # contour grid resolution
N_LEVELS = 24
_DIVERGED = "<br><span style='color:#c62828'>\u2715 diverged at step {}</span>"


class _LegendSample(ItemSample):
    """A legend sample that does not hide its trail when clicked: the legend lists
    what races, the table's check boxes choose it."""

    def mouseClickEvent(self, event) -> None:  # noqa: N802 - pyqtgraph override
        event.ignore()


def _scatter(symbol: str, size: int, brush, pen) -> pg.ScatterPlotItem:
    return pg.ScatterPlotItem(symbol=symbol, size=size, pxMode=True, brush=pg.mkBrush(brush),
                              pen=pen)


class RaceMap(pg.PlotWidget):
    """Contours and trails of one race; ``names``/``colors`` fix the racers' rows."""

    start_clicked = Signal(float, float)

    def __init__(self, names: list[str], colors: dict[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(260, 220)
        p = self.getPlotItem()
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        p.setAspectLocked(True)
        p.hideButtons()
        self.setToolTip("Click to set the start point; drag to pan, wheel to zoom, "
                        "right-click for the view menu")
        self.layer = ContourLayer(p)
        self._build_legend(p)
        self._build_trails(p, names, colors)
        self.minima_item = _scatter("star", 18, "#ffd700", pg.mkPen("#222", width=1.2))
        self.saddle_item = _scatter("d", 11, "#ffffff", pg.mkPen("#222", width=1.2))
        self.start_item = _scatter("o", 15, (255, 255, 255, 120), pg.mkPen("#111", width=2))
        for item in (self.minima_item, self.saddle_item, self.start_item):
            item.setZValue(15)
            p.addItem(item, ignoreBounds=True)
        p.scene().sigMouseClicked.connect(self._scene_clicked)
        self.surface: Surface | None = None
        self.grid_box: tuple[float, float, float, float] | None = None  # drawn (x0, x1, y0, y1)
        self._grid_timer = QTimer(self)
        self._grid_timer.setSingleShot(True)
        self._grid_timer.setInterval(60)
        self._grid_timer.timeout.connect(self.draw_grid)
        p.getViewBox().sigRangeChanged.connect(self._grid_timer.start)

    def _build_legend(self, p: pg.PlotItem) -> None:
        # The legend sits beside the map, not on it: it would hide the trails, and
        # with the aspect locked the map rarely needs the plot's full width.
        self.legend = pg.LegendItem(offset=None, brush=(255, 255, 255, 0), pen=None,
                                    labelTextSize="9pt", verSpacing=-6,
                                    sampleType=_LegendSample)
        self._legend_font = QFont()
        self._legend_font.setPointSizeF(9.0)
        self._legend_entries: list[tuple[str, str]] = []
        # Its natural height, at the top: stretched to the map's height, the rows
        # would drift apart from their line samples.
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        p.layout.addItem(self.legend, 2, 3)
        # The title spans the legend's column too, so a long formula does not force
        # the map column wider than the widget.
        p.layout.removeItem(p.titleLabel)
        p.layout.addItem(p.titleLabel, 0, 1, 1, 3)
        p.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)

    def _build_trails(self, p: pg.PlotItem, names: list[str], colors: dict[str, str]) -> None:
        self.colors = dict(colors)
        self.ghosts: dict[str, pg.PlotDataItem] = {}
        self.trails: dict[str, pg.PlotDataItem] = {}
        for name in names:
            c = pg.mkColor(colors[name])
            faint = pg.mkColor(c)
            faint.setAlpha(70)
            self.ghosts[name] = pg.PlotDataItem(pen=pg.mkPen(faint, width=1.5))
            self.trails[name] = pg.PlotDataItem(pen=pg.mkPen(c, width=2.2))
            for item in (self.ghosts[name], self.trails[name]):
                item.setZValue(5)
                p.addItem(item, ignoreBounds=True)
        self.markers = pg.ScatterPlotItem(pxMode=True)
        self.markers.setZValue(20)
        p.addItem(self.markers, ignoreBounds=True)

    # ------------------------------------------------------------------ surface
    def show_surface(self, s: Surface) -> bool:
        """Title, minima, saddles, view and contours of ``s``; False (nothing
        redrawn) when ``s`` is the surface shown, with the same options."""
        key = (s.name, tuple(sorted(s.options.items())))
        if self.surface is not None and key == (
                self.surface.name, tuple(sorted(self.surface.options.items()))):
            return False
        self.surface = s
        self._levels = s.log_levels(N_LEVELS)
        self._base = float(self._levels[0]) - s.level_floor
        p = self.getPlotItem()
        style.set_title(p, f"<b>{s.label}</b>&nbsp;&nbsp;{s.formula}", f"<b>{s.label}</b>")
        self.minima_item.setData(pos=list(s.minima)) if s.minima else self.minima_item.clear()
        self.saddle_item.setData(pos=list(s.saddles)) if s.saddles else self.saddle_item.clear()
        (x0, x1), (y0, y1) = s.window
        p.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self.draw_grid()
        return True

    def draw_grid(self) -> None:
        """Contours over the visible part of the map, redrawn when the view moves:
        zooming in shows detail, and the area beside the window is not blank.
        (Not beyond the divergence box: the SVG export does not clip to the view.)"""
        self._grid_timer.stop()
        s = self.surface
        if s is None:
            return
        (vx0, vx1), (vy0, vy1) = self.getPlotItem().getViewBox().viewRange()
        (bx0, bx1), (by0, by1) = divergence_box(s)
        x0, x1 = max(vx0, bx0), min(vx1, bx1)
        y0, y1 = max(vy0, by0), min(vy1, by1)
        if not (x1 > x0 and y1 > y0):
            (x0, x1), (y0, y1) = s.window
        if (x0, x1, y0, y1) == self.grid_box:
            return
        self.grid_box = (x0, x1, y0, y1)
        aspect = (x1 - x0) / (y1 - y0)
        nx = int(np.clip(GRID * min(1.0, aspect) if aspect < 1 else GRID, 40, GRID))
        ny = int(np.clip(GRID / aspect if aspect > 1 else GRID, 40, GRID))
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        with np.errstate(all="ignore"):  # far outside the window f may overflow: clipped
            Z = s.value_grid(*np.meshgrid(xs, ys))
        self.layer.set_data(xs, ys, Z, self._levels, base=self._base)

    # ------------------------------------------------------------------ race
    def show_frames(self, frames: dict[str, RacerFrame | None],
                    start: tuple[float, float]) -> None:
        """Each racer's trail to its shown point, the faint rest, markers, legend."""
        spots, entries = [], []
        for name, f in frames.items():
            trail, ghost = self.trails[name], self.ghosts[name]
            if f is None:
                for item in (trail, ghost):
                    item.setData([], [])
                    item.hide()
                continue
            pts = f.path.points
            trail.setData(pts[: f.shown + 1, 0], pts[: f.shown + 1, 1])
            trail.show()
            if f.recorded:
                ghost.setData(pts[:, 0], pts[:, 1])
                ghost.show()
            else:
                ghost.setData([], [])
                ghost.hide()
            c = self.colors[name]
            if f.diverged:
                spots.append({"pos": f.point, "symbol": "x", "size": 18,
                              "brush": pg.mkBrush(c), "pen": pg.mkPen("#000", width=1)})
            else:
                spots.append({"pos": f.point, "symbol": "o", "size": 11,
                              "brush": pg.mkBrush(c), "pen": pg.mkPen("w", width=1.5)})
            entries.append((name, f.label + _DIVERGED.format(f.path.diverged_at)
                            if f.diverged else f.label))
        self.markers.setData(spots=spots)
        self._show_legend(entries)
        self.start_item.setData(pos=[start])

    def _show_legend(self, entries: list[tuple[str, str]]) -> None:
        if entries == self._legend_entries:
            return
        legend = self.legend
        legend.clear()
        for name, text in entries:
            legend.addItem(self.trails[name], text)
        self._legend_entries = entries
        # LabelItem underestimates rich text: size the column from the plain lines.
        fm = QFontMetrics(self._legend_font)
        lines = [ln for _, text in entries for ln in re.sub(r"<[^>]+>", "\n", text).split("\n")]
        width = max((fm.horizontalAdvance(ln) for ln in lines), default=0) + 56
        legend.setMinimumWidth(width)
        legend.setMaximumWidth(width)
        legend.layout.invalidate()
        legend.updateGeometry()

    # ------------------------------------------------------------------ mouse
    def view_to_widget(self, x: float, y: float):
        """The viewport pixel (QPoint) showing the surface point (x, y) — for tests."""
        scene = self.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
        return self.mapFromScene(scene)

    def _scene_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.isAccepted():
            return
        vb = self.getPlotItem().getViewBox()
        pos = ev.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        ev.accept()
        self.start_clicked.emit(p.x(), p.y())
