"""Activation and gradient histograms per layer, drawn as ridgelines (one row per
layer, each normalized to its own peak): the "Xavier vs He" view, where
activations collapse to zero or saturate layer by layer.

All rows of a plot share its x-axis. Activations are drawn in their own units
(linear). Weight gradients span many decades from layer to layer (1e-19 to 1e-1
on the vanishing-gradients preset), so their axis is symmetric-log (``symlog``):
a vanishing layer is a spike at 0 and a healthy one spreads over the decades
(the gradient-norm bars beside them give each layer's magnitude).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontMetricsF

from core.train.trainer import Histogram, Snapshot
from playground.plots import style, symlog
from playground.plots.grad_plot import row_ticks
from playground.plots.live_range import LiveRange, bounds
from playground.session.pace import SLOW as SLOW_PACE

ROW = 0.9  # height of one ridge; rows are 1 apart, so ridges do not touch
# Histograms change at every evaluation, i.e. on every frame of a fast run: ten
# redraws a second show them evolve as well, for half the drawing time.
MIN_INTERVAL = 0.1
FLUSH_MS = 300  # the newest histograms are drawn once frames stop coming (pause)
FILL_ALPHA = 110
# Two narrow plots side by side: fewer x-ticks than pyqtgraph picks for a wide one.
HIST_TICK_DENSITY = 0.6


class Ridgeline:
    """One ridge per layer in ``plot``, the first layer on top; on a ``SymLogAxis``
    (``axis``) the edges are drawn symmetric-log, with a shared threshold."""

    def __init__(self, plot: pg.PlotItem, axis: symlog.SymLogAxis | None = None) -> None:
        self.plot = plot
        self.axis = axis
        self.items: list[pg.PlotDataItem] = []
        self.names: tuple[str, ...] = ()
        self.range = LiveRange(plot)
        self.threshold: float | None = None  # c of the symmetric-log axis
        plot.getViewBox().sigResized.connect(self.label_rows)

    def set_layers(self, names: tuple[str, ...]) -> None:
        for it in self.items:
            self.plot.removeItem(it)
        self.items = []
        self.names = names
        self.threshold = None
        n = len(names)
        for i in range(n):
            row = n - 1 - i  # first layer on top, as in a network diagram
            it = pg.PlotDataItem(stepMode="center", fillLevel=row)
            self.plot.addItem(it)
            self.items.append(it)
        self.restyle()
        self.plot.setYRange(0, max(n, 1), padding=0.02)

    def restyle(self) -> None:
        """Pens and row labels at ``style.scale()``."""
        for i, it in enumerate(self.items):
            c = pg.mkColor(style.color(i))
            fill = pg.mkColor(c)
            fill.setAlpha(FILL_ALPHA)
            it.setPen(pg.mkPen(c, width=style.width(1)))
            it.setBrush(pg.mkBrush(fill))
        self.label_rows()

    def label_rows(self, *_args) -> None:
        """The row labels, thinned to what fits the plot's height (on resize)."""
        label_px = QFontMetricsF(style.font(style.TICK_PT)).height()
        height = self.plot.getViewBox().height() or 200.0
        ticks = [(row + 0.35, text) for row, text in row_ticks(self.names, height, label_px)]
        self.plot.getAxis("left").setTicks([ticks])

    def set_hists(self, hists: tuple[Histogram, ...]) -> None:
        n = len(self.items)
        edges = [h.edges for h in hists]
        if self.axis is not None:
            largest = max((float(np.max(np.abs(e))) for e in edges), default=0.0)
            self.threshold = symlog.threshold(largest, self.threshold)
            self.axis.set_threshold(self.threshold)
            edges = [symlog.forward(e, self.threshold) for e in edges]
        for i, (it, h, e) in enumerate(zip(self.items, hists, edges, strict=False)):
            peak = float(np.max(h.counts)) if h.counts.size else 0.0
            heights = h.counts / peak * ROW if peak > 0 else np.zeros_like(h.counts)
            it.setData(e, heights + (n - 1 - i))
        self.range.update(x=bounds(*edges))


class Histograms(style.LivePlot, pg.GraphicsLayoutWidget):
    title = "Histograms"

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        acts = self.addPlot(row=0, col=0, axisItems=style.axes())
        # Short titles: a title is as wide as its plot must be, and two plots share a row.
        style.style_plot_item(acts, ("Activations", "h(z)"), bottom="h(z)")
        self.grad_axis = symlog.SymLogAxis("bottom")
        grads = self.addPlot(row=0, col=1, axisItems={**style.axes(), "bottom": self.grad_axis})
        style.style_plot_item(grads, ("Weight gradients", "Gradients", "\u2202L/\u2202w"),
                              bottom="\u2202L/\u2202w (symlog)")
        for p in (acts, grads):
            p.setMouseEnabled(y=False)
            p.getAxis("bottom").density = HIST_TICK_DENSITY
        self.act_plot, self.grad_plot = acts, grads
        self.acts = Ridgeline(acts)
        self.grads = Ridgeline(grads, self.grad_axis)
        self._names: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._last: tuple = (None, None)  # histograms change only every eval_every steps
        self._drawn_at = -np.inf
        self.min_interval = MIN_INTERVAL
        self._pending: Snapshot | None = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FLUSH_MS)
        self._flush.timeout.connect(self._draw_pending)
        self.set_scale()

    def export_item(self):
        self.draw_pending()
        self._draw_pending()
        return self.ci

    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): one histogram per layer."""
        self.set_layers(info.hidden_names, info.layer_names)

    def set_scale(self) -> None:
        """Fonts and lines at ``style.scale()`` (presentation mode)."""
        for p in (self.act_plot, self.grad_plot):
            style.scale_plot_item(p)
        for ridge in (self.acts, self.grads):
            ridge.restyle()

    def set_pace(self, steps_per_sec: float | None) -> None:
        """Slot for the pace: at a slow pace (each step its own frame) every frame's
        histograms are drawn; at full speed at most every MIN_INTERVAL seconds."""
        slow = steps_per_sec is not None and steps_per_sec <= SLOW_PACE
        self.min_interval = 0.0 if slow else MIN_INTERVAL

    def set_layers(self, hidden: tuple[str, ...], layers: tuple[str, ...]) -> None:
        self.drop_pending()
        for p in (self.act_plot, self.grad_plot):
            p.enableAutoRange(x=True)
        if (hidden, layers) != self._names:
            self.acts.set_layers(hidden)
            self.grads.set_layers(layers)
            self._names = (hidden, layers)
        for it in self.acts.items + self.grads.items:
            it.clear()
        self.grads.threshold = None  # the new run's gradients set the scale
        self._last = (None, None)
        self._pending = None
        self._flush.stop()
        self._drawn_at = -np.inf

    def draw_snapshot(self, snap: Snapshot) -> None:
        # The trainer hands out the same tuples until its next evaluation.
        if snap.act_hists is self._last[0] and snap.grad_hists is self._last[1]:
            self._pending = None
            return
        if time.perf_counter() - self._drawn_at < self.min_interval:
            self._pending = snap
            self._flush.start()
            return
        self._draw(snap)

    def _draw_pending(self) -> None:
        if self._pending is not None:
            self._draw(self._pending)

    def _draw(self, snap: Snapshot) -> None:
        self._pending = None
        self._flush.stop()
        self._drawn_at = time.perf_counter()
        self._last = (snap.act_hists, snap.grad_hists)
        if snap.act_hists:
            self.acts.set_hists(snap.act_hists)
        if snap.grad_hists:
            self.grads.set_hists(snap.grad_hists)
        style.settle(self)
