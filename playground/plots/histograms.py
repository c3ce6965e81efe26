"""Activation and gradient histograms per layer, drawn as ridgelines (one row per
layer, each normalized to its own peak): the "Xavier vs He" view, where
activations collapse to zero or saturate layer by layer."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from core.train.trainer import Histogram, Snapshot
from playground.plots import style
from playground.plots.grad_plot import short_name
from playground.plots.live_range import LiveRange, bounds
from playground.session.pace import SLOW as SLOW_PACE

ROW = 0.9  # height of one ridge; rows are 1 apart, so ridges do not touch
# Histograms change at every evaluation, i.e. on every frame of a fast run: ten
# redraws a second show them evolve as well, for half the drawing time.
MIN_INTERVAL = 0.1
FLUSH_MS = 300  # the newest histograms are drawn once frames stop coming (pause)


class Ridgeline:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.items: list[pg.PlotDataItem] = []
        self.range = LiveRange(plot)

    def set_layers(self, names: tuple[str, ...]) -> None:
        for it in self.items:
            self.plot.removeItem(it)
        self.items = []
        n = len(names)
        for i in range(n):
            row = n - 1 - i  # first layer on top, as in a network diagram
            c = pg.mkColor(style.color(i))
            fill = pg.mkColor(c)
            fill.setAlpha(110)
            it = pg.PlotDataItem(stepMode="center", fillLevel=row, pen=pg.mkPen(c, width=1),
                                 brush=pg.mkBrush(fill))
            self.plot.addItem(it)
            self.items.append(it)
        self.plot.getAxis("left").setTicks(
            [[(n - 1 - i + 0.35, short_name(name)) for i, name in enumerate(names)]])
        self.plot.setYRange(0, max(n, 1), padding=0.02)

    def set_hists(self, hists: tuple[Histogram, ...]) -> None:
        n = len(self.items)
        for i, (it, h) in enumerate(zip(self.items, hists, strict=False)):
            peak = float(np.max(h.counts)) if h.counts.size else 0.0
            heights = h.counts / peak * ROW if peak > 0 else np.zeros_like(h.counts)
            it.setData(h.edges, heights + (n - 1 - i))
        self.range.update(x=bounds(*(h.edges for h in hists)))


class Histograms(style.LivePlot, pg.GraphicsLayoutWidget):
    title = "Histograms"

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        acts = self.addPlot(row=0, col=0, axisItems=style.axes())
        style.style_plot_item(acts, "Activations per hidden layer", bottom="h(z)")
        grads = self.addPlot(row=0, col=1, axisItems=style.axes())
        style.style_plot_item(grads, "Weight gradients per layer", bottom="\u2202L/\u2202w")
        for p in (acts, grads):
            p.setMouseEnabled(y=False)
        self.act_plot, self.grad_plot = acts, grads
        self.acts = Ridgeline(acts)
        self.grads = Ridgeline(grads)
        self._names: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._last: tuple = (None, None)  # histograms change only every eval_every steps
        self._drawn_at = -np.inf
        self.min_interval = MIN_INTERVAL
        self._pending: Snapshot | None = None
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(FLUSH_MS)
        self._flush.timeout.connect(self._draw_pending)

    def export_item(self):
        self.draw_pending()
        self._draw_pending()
        return self.ci

    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): one histogram per layer."""
        self.set_layers(info.hidden_names, info.layer_names)

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
