"""Activation and gradient histograms per layer, drawn as ridgelines (one row per
layer, each normalized to its own peak): the "Xavier vs He" view, where
activations collapse to zero or saturate layer by layer."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.trainer import Histogram, Snapshot
from playground.plots import style
from playground.plots.grad_plot import short_name

ROW = 0.9  # height of one ridge; rows are 1 apart, so ridges do not touch


class Ridgeline:
    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.items: list[pg.PlotDataItem] = []

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


class Histograms(pg.GraphicsLayoutWidget):
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

    def export_item(self):
        return self.ci

    def set_layers(self, hidden: tuple[str, ...], layers: tuple[str, ...]) -> None:
        for p in (self.act_plot, self.grad_plot):
            p.enableAutoRange(x=True)
        if (hidden, layers) != self._names:
            self.acts.set_layers(hidden)
            self.grads.set_layers(layers)
            self._names = (hidden, layers)
        for it in self.acts.items + self.grads.items:
            it.clear()
        self._last = (None, None)

    def set_snapshot(self, snap: Snapshot) -> None:
        # The trainer hands out the same tuples until its next evaluation.
        if snap.act_hists is self._last[0] and snap.grad_hists is self._last[1]:
            return
        self._last = (snap.act_hists, snap.grad_hists)
        if snap.act_hists:
            self.acts.set_hists(snap.act_hists)
        if snap.grad_hists:
            self.grads.set_hists(snap.grad_hists)
