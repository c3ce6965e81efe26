"""The lab's loss plot: f − f* of every racer at every recorded step (log scale
on a surface bounded below, f itself on the saddle), a dot at the shown step
and a dashed line marking it."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.lab.player import RacerFrame
from core.lab.surfaces import Surface
from playground.plots import style

__all__ = ["LOG_FLOOR", "LossView"]

LOG_FLOOR = 1e-16  # f − f* is clipped here on the log scale


def loss_values(surface: Surface, losses: np.ndarray) -> np.ndarray:
    """What the plot shows for f: max(f − f*, LOG_FLOOR) when bounded below, else f."""
    if surface.bounded_below:
        return np.maximum(losses - surface.min_value, LOG_FLOOR)
    return losses


class LossView(pg.PlotWidget):
    """Loss versus step; ``names``/``colors`` fix one curve per racer."""

    def __init__(self, names: list[str], colors: dict[str, str], parent=None) -> None:
        super().__init__(parent, axisItems=style.axes())
        p = self.getPlotItem()
        style.style_plot_item(p, "Loss vs step", left="f \u2212 f*", bottom="step")
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        self.setToolTip("f(x, y) of every racer at every step (log scale above "
                        "the minimum value f*); the line marks the shown step")
        self.colors = dict(colors)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for name in names:
            curve = pg.PlotDataItem(pen=pg.mkPen(colors[name], width=1.8))
            p.addItem(curve)
            self.curves[name] = curve
        # A scatter item takes no part in the plot's log mode: ``show_frames`` gives it log10(y).
        self.dots = pg.ScatterPlotItem(symbol="o", size=8, pen=pg.mkPen("w"))
        self.dots.setZValue(10)
        p.addItem(self.dots)
        self.step_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen("#555", width=1, style=Qt.PenStyle.DashLine))
        p.addItem(self.step_line, ignoreBounds=True)
        self.setMinimumSize(200, 160)
        self.surface: Surface | None = None

    def show_surface(self, s: Surface) -> None:
        """Log scale above f* on a surface bounded below, linear f on the saddle."""
        self.surface = s
        p = self.getPlotItem()
        p.setLogMode(y=s.bounded_below)
        p.setLabel("left", "f \u2212 f*  (log)" if s.bounded_below else "f  (unbounded below)")

    def show_frames(self, frames: dict[str, RacerFrame | None], step: int, head: int, *,
                    redraw: bool) -> None:
        """Dots at the shown ``step``; ``redraw`` sets the whole curves again (after
        a new race or more recorded steps, ``head``)."""
        s = self.surface
        xs, ys, brushes = [], [], []
        for name, f in frames.items():
            curve = self.curves[name]
            if f is None:
                curve.setData([], [])
                curve.hide()
                continue
            if redraw:
                n = f.path.losses.shape[0]
                curve.setData(np.arange(n, dtype=np.float64), loss_values(s, f.path.losses))
            curve.show()
            y = float(loss_values(s, np.array([f.loss]))[0])
            xs.append(float(f.shown))
            ys.append(math.log10(y) if s.bounded_below else y)
            brushes.append(pg.mkBrush(self.colors[name]))
        if xs:
            self.dots.setData(x=xs, y=ys, brush=brushes)
        else:
            self.dots.clear()
        self.step_line.setValue(step)
        if redraw:
            self.getPlotItem().setXRange(0, max(head, 10), padding=0.02)
