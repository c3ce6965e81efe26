"""The vanishing/exploding-gradient view: every layer's gradient norm over steps
(log scale, one colour per layer) and a bar chart of the current norms.

The norms over steps are drawn smoothed (``smoothing_slider``) with the raw
values faint behind. The bars lie sideways, one row per layer with the first on
top as in the histograms beside them, so their labels stack instead of running
together; the legend sits under the x-axis, never on the curves.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QFontMetricsF

from core.train.live_smoothing import LiveEma
from core.train.status import RunStatus
from core.train.trainer import Snapshot
from playground.plots import style
from playground.plots.live_range import LiveRange, bounds
from playground.plots.smoothing_slider import DEFAULT

FLOOR = 1e-30  # a zero norm (dead layer) still needs a place on a log axis
BAR = 0.7  # thickness of a bar; rows are 1 apart
LEGEND_COLUMNS = 12
LEGEND_SHARE = 0.3  # of the view's height at most, or the legend is left out


def short_name(name: str) -> str:
    """'hidden 3' -> 'h3', 'output' -> 'out' for tick labels."""
    if name.startswith("hidden "):
        return "h" + name.split()[-1]
    return "out" if name == "output" else name


def row_ticks(names: tuple[str, ...], pixels: float, label_px: float) -> list:
    """Left-axis ticks for one row per name (the first on top): every k-th label, k
    as small as lets the labels (``label_px`` high) fit into ``pixels``; the last
    one (the output) always."""
    n = len(names)
    every = max(1, math.ceil(n * label_px * 1.15 / max(pixels, 1.0)))
    shown = [i for i in range(n) if i % every == 0 and n - 1 - i >= every] + [n - 1]
    return [(n - 1 - i, short_name(names[i])) for i in sorted(set(shown)) if n]


class GradPlot(style.LivePlot, pg.GraphicsLayoutWidget):
    title = "Gradient norms"
    layer_names: tuple[str, ...] = ()  # (a class default: Qt resizes it while it is built)

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        self.lines = self.addPlot(row=0, col=0, axisItems=style.axes())
        style.style_plot_item(self.lines, ("Gradient norm per layer", "Gradient norms"),
                              left="\u2016\u2207W\u2016", bottom="step")
        self.lines.setLogMode(y=True)
        self.lines.setDownsampling(auto=True, mode="peak")
        self.lines.setClipToView(True)
        self.bars_plot = self.addPlot(row=0, col=1, axisItems=style.axes(log="bottom"))
        # Under both plots: the whole width for the layers' names.
        self.legend = style.outside_legend(self.lines, columns=LEGEND_COLUMNS, layout=self.ci)
        style.style_plot_item(self.bars_plot, "now", bottom="\u2016\u2207W\u2016")
        self.bars_plot.setLogMode(x=True)  # bar lengths are given in log10 units
        self.bars_plot.setMouseEnabled(x=False, y=False)
        self.bars_plot.hideButtons()
        self.ci.layout.setColumnStretchFactor(0, 3)
        self.ci.layout.setColumnStretchFactor(1, 1)
        self.bars = pg.BarGraphItem(x0=[], width=[], y=[], height=BAR)
        self.bars_plot.addItem(self.bars)
        self.bars_plot.getViewBox().sigResized.connect(self._label_rows)
        self.stop_line = pg.InfiniteLine(angle=90, movable=False)
        self.lines.addItem(self.stop_line, ignoreBounds=True)
        self.stop_line.hide()
        self.curves: list[pg.PlotDataItem] = []  # the raw norms: the history as it is
        self.smooth_curves: list[pg.PlotDataItem] = []  # drawn on top, in the legend
        self.weight = DEFAULT
        self.lines_range = LiveRange(self.lines)
        self.bars_range = LiveRange(self.bars_plot)
        self._bar_style: tuple[list, list] = ([], [])
        self._snap: Snapshot | None = None
        self._live = LiveEma()
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_legend)
        self.set_scale()

    def export_item(self):
        self.draw_pending()
        return self.ci

    # -- look ----------------------------------------------------------------------------
    def set_scale(self) -> None:
        """Fonts, lines and legend at ``style.scale()`` (presentation mode)."""
        for p in (self.lines, self.bars_plot):
            style.scale_plot_item(p)
        self.stop_line.setPen(pg.mkPen(style.DIVERGED, width=style.width(2),
                                       style=Qt.PenStyle.DashLine))
        self._restyle()
        self._label_rows()
        self._fit_legend()

    def _restyle(self) -> None:
        smoothed = self.weight > 0
        for i, (raw, drawn) in enumerate(zip(self.curves, self.smooth_curves, strict=True)):
            c = pg.mkColor(style.color(i))
            # One pixel wide (at scale 1): a wider pen is stroked as a polygon, which for a
            # dozen curves cost the app a fifth of its frames (benchmarks/gui_responsiveness).
            drawn.setPen(pg.mkPen(c, width=style.width(1)))
            c.setAlpha(60)
            raw.setPen(pg.mkPen(c, width=style.width(1)))
            raw.setVisible(smoothed)

    def _label_rows(self, *_args) -> None:
        """The bars' row labels, thinned to what fits the bars' height (on resize)."""
        names = self.layer_names
        if not names:
            return
        label_px = QFontMetricsF(style.font(style.TICK_PT)).height()
        height = self.bars_plot.getViewBox().height() or 200.0
        self.bars_plot.getAxis("left").setTicks([row_ticks(names, height, label_px)])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if hasattr(self, "_fit_timer"):  # (Qt resizes the view while it is built)
            self._fit_timer.start()  # after the resize (and never while it is deleted)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_timer.start()

    def _fit_legend(self) -> None:
        """Legend columns for the width; no legend when it would crowd out the plots
        (the bars, labelled and coloured alike, say which curve is which)."""
        if not self.isVisible():
            return  # (also: closed, its scene cleared)
        self.legend.fit(self.width() - style.width(20))
        room = (not self.legend.crowded
                and self.legend.layout.preferredHeight() <= LEGEND_SHARE * self.height())
        if room != self.legend.isVisible():
            self.legend.setVisible(room)
            self.legend.setMaximumHeight(16_777_215 if room else 0)
        # The layout may have grown past the view while the legend was wider (bigger
        # text, before this fit): back to the view's size, or its right side is cut off.
        self.ci.setGeometry(QRectF(0, 0, self.width(), self.height()))

    def set_smoothing(self, weight: float) -> None:
        """Slot for the smoothing slider: redraw the norms smoothed with ``weight``."""
        self.weight = float(weight)
        self._restyle()
        if self._snap is not None:
            self._draw(self._snap)

    # -- runs ----------------------------------------------------------------------------
    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): one curve per layer."""
        self.set_layers(info.layer_names)

    def set_layers(self, names: tuple[str, ...]) -> None:
        """One curve per layer; rebuilt only when the architecture changes."""
        self.drop_pending()
        self._snap = None
        self._live.reset()
        self.lines.enableAutoRange()
        self.bars_plot.enableAutoRange()
        self.bars.setOpts(x0=[], width=[], y=[])
        self.stop_line.hide()
        if names == self.layer_names:
            for c in self.curves + self.smooth_curves:
                c.setData([], [])
            return
        for c in self.curves + self.smooth_curves:
            self.lines.removeItem(c)  # also from the legend
        self.curves = [self.lines.plot() for _ in names]
        self.smooth_curves = [self.lines.plot(name=short_name(n)) for n in names]
        self.layer_names = names
        self._fit_timer.start()  # the legend's columns and room for the new layers
        self._restyle()
        self.bars_plot.setYRange(-0.5, len(names) - 0.5, padding=0.02)
        self._label_rows()

    def draw_snapshot(self, snap: Snapshot) -> None:
        self._draw(snap)
        style.settle(self)

    def _draw(self, snap: Snapshot) -> None:
        if snap.layer_names != self.layer_names:
            self.set_layers(snap.layer_names)
        self._snap = snap
        # Following the run (not zoomed in): the envelope, one point pair per pixel.
        n = style.buckets(self.lines) if self.lines_range.following(0) else 1 << 62
        steps, env = style.envelope(snap.steps, snap.grad_norms, n)
        drawn = env
        if self.weight > 0:  # (on the new rows only: LiveEma)
            smoothed = self._live.smooth(snap.steps, snap.grad_norms, self.weight)
            drawn = style.envelope(snap.steps, smoothed, n)[1]
        for i, (raw, line) in enumerate(zip(self.curves, self.smooth_curves, strict=True)):
            raw.setData(steps, env[:, i])
            line.setData(steps, drawn[:, i])
        self.lines_range.update(bounds(steps), bounds(env, log=True), grow_x=True)
        self._draw_bars(snap.grad_norms)
        if snap.status == RunStatus.DIVERGED and snap.stop_step is not None:
            self.stop_line.setPos(snap.stop_step)
            self.stop_line.show()
        else:
            self.stop_line.hide()

    def _draw_bars(self, g: np.ndarray) -> None:
        if not g.shape[0]:
            return
        now = g[-1]
        ok = np.isfinite(now)
        logs = np.log10(np.maximum(np.where(ok, now, FLOOR), FLOOR))
        base = float(np.floor(min(logs.min(), 0.0) - 0.5))
        n = len(now)
        if len(self._bar_style[0]) != n:
            self._bar_style = ([pg.mkBrush(style.color(i)) for i in range(n)],
                               [pg.mkPen(None)] * n)
        self.bars.setOpts(x0=np.full(n, base), width=logs - base, y=np.arange(n)[::-1],
                          height=BAR, brushes=self._bar_style[0], pens=self._bar_style[1])
        self.bars_range.update(x=(base, max(float(logs.max()), base + 1.0)))
