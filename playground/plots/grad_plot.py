"""The vanishing/exploding-gradient view: every layer's gradient norm over steps
(log scale, one colour per layer) and a bar chart of the current norms."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.train.status import RunStatus
from core.train.trainer import Snapshot
from playground.plots import style
from playground.plots.live_range import LiveRange, bounds

FLOOR = 1e-30  # a zero norm (dead layer) still needs a place on a log axis


def short_name(name: str) -> str:
    """'hidden 3' -> 'h3', 'output' -> 'out' for tick labels."""
    if name.startswith("hidden "):
        return "h" + name.split()[-1]
    return "out" if name == "output" else name


class GradPlot(style.LivePlot, pg.GraphicsLayoutWidget):
    title = "Gradient norms"

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        self.lines = self.addPlot(row=0, col=0, axisItems=style.axes())
        style.style_plot_item(self.lines, "Gradient norm per layer", left="\u2016\u2207W\u2016",
                              bottom="step")
        self.lines.setLogMode(y=True)
        self.lines.setDownsampling(auto=True, mode="peak")
        self.lines.setClipToView(True)
        self.legend = self.lines.addLegend(offset=(-8, 8), colCount=2, **style.LEGEND)
        self.bars_plot = self.addPlot(row=0, col=1, axisItems=style.axes())
        style.style_plot_item(self.bars_plot, "now")
        self.bars_plot.setLogMode(y=True)  # bar heights are given in log10 units
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.ci.layout.setColumnStretchFactor(0, 3)
        self.ci.layout.setColumnStretchFactor(1, 1)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.bars_plot.addItem(self.bars)
        self.stop_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(style.DIVERGED, width=2,
                                                      style=Qt.PenStyle.DashLine))
        self.lines.addItem(self.stop_line, ignoreBounds=True)
        self.stop_line.hide()
        self.curves: list[pg.PlotDataItem] = []
        self.layer_names: tuple[str, ...] = ()
        self.lines_range = LiveRange(self.lines)
        self.bars_range = LiveRange(self.bars_plot)
        self._bar_style: tuple[list, list] = ([], [])

    def export_item(self):
        self.draw_pending()
        return self.ci

    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): one curve per layer."""
        self.set_layers(info.layer_names)

    def set_layers(self, names: tuple[str, ...]) -> None:
        """One curve per layer; rebuilt only when the architecture changes."""
        self.drop_pending()
        self.lines.enableAutoRange()
        self.bars_plot.enableAutoRange()
        if names == self.layer_names:
            for c in self.curves:
                c.setData([], [])
            self.bars.setOpts(x=[], height=[])
            self.stop_line.hide()
            return
        for c in self.curves:
            self.lines.removeItem(c)
            self.legend.removeItem(c)
        self.curves = []
        for i, name in enumerate(names):
            c = self.lines.plot(pen=pg.mkPen(style.color(i), width=1), name=short_name(name))
            self.curves.append(c)
        self.layer_names = names
        self.bars.setOpts(x=[], height=[])
        every = 1 if len(names) <= 6 else (len(names) + 5) // 6  # labels must not collide
        ticks = [(i, short_name(n)) for i, n in enumerate(names)
                 if i % every == 0 or i == len(names) - 1]
        self.bars_plot.getAxis("bottom").setTicks([ticks])
        self.stop_line.hide()

    def draw_snapshot(self, snap: Snapshot) -> None:
        self._draw(snap)
        style.settle(self)

    def _draw(self, snap: Snapshot) -> None:
        if snap.layer_names != self.layer_names:
            self.set_layers(snap.layer_names)
        # Following the run (not zoomed in): the envelope, one point pair per pixel.
        n = style.buckets(self.lines) if self.lines_range.following(0) else 1 << 62
        steps, env = style.envelope(snap.steps, snap.grad_norms, n)
        for i, c in enumerate(self.curves):
            c.setData(steps, env[:, i])
        self.lines_range.update(bounds(steps), bounds(env, log=True), grow_x=True)
        g = snap.grad_norms
        if g.shape[0]:
            now = g[-1]
            ok = np.isfinite(now)
            logs = np.log10(np.maximum(np.where(ok, now, FLOOR), FLOOR))
            base = float(np.floor(min(logs.min(), 0.0) - 0.5))
            n = len(now)
            if len(self._bar_style[0]) != n:
                self._bar_style = ([pg.mkBrush(style.color(i)) for i in range(n)],
                                   [pg.mkPen(None)] * n)
            self.bars.setOpts(x=np.arange(n), y0=base, height=logs - base,
                              brushes=self._bar_style[0], pens=self._bar_style[1])
            self.bars_range.update(y=(base, max(float(logs.max()), base + 1.0)))
        if snap.status == RunStatus.DIVERGED and snap.stop_step is not None:
            self.stop_line.setPos(snap.stop_step)
            self.stop_line.show()
        else:
            self.stop_line.hide()
