"""The network view's plots per layer: dead or saturated units over the steps, the
curvature (mean |diag H|, log scale, ±1 standard error) over the steps and by layer
now, and PReLU's slope per unit. One legend of layer colours, in a cell of its own
beside the plots, so that it never covers data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.network.picture import Picture
from playground.plots import style
from playground.plots.grad_plot import short_name
from playground.plots.live_range import LiveRange, bounds

FLOOR_DECADES = 2.0  # a band's lower edge at most this many decades below its value


def _band(mean: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean - se, mean + se), the lower edge kept above mean / 10^FLOOR_DECADES (log axis)."""
    return np.maximum(mean - se, mean * 10.0 ** -FLOOR_DECADES), mean + se


def _ticks(names) -> list:
    every = 1 if len(names) <= 6 else (len(names) + 5) // 6
    return [[(i, short_name(n)) for i, n in enumerate(names)
             if i % every == 0 or i == len(names) - 1]]


class LayerPlots(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        self.counts = self._plot(0, "Dead units per layer", left="units", bottom="step")
        self.curv = self._plot(1, "Curvature: mean |diag H|", bottom="step")
        self.curv.setLogMode(y=True)
        self.now = self._plot(2, "now, \u00b11 s.e.")
        self.now.setLogMode(y=True)  # bars and error bars given in log10 units
        self.now.setMouseEnabled(x=False, y=False)
        self.prelu = self._plot(3, "PReLU slope \u03b2 per unit", left="\u03b2")
        self.prelu.setMouseEnabled(x=False)
        for y, dash in ((0.25, Qt.PenStyle.DashLine), (0.0, Qt.PenStyle.SolidLine)):
            self.prelu.addItem(pg.InfiniteLine(y, angle=0, pen=pg.mkPen("#999", style=dash)),
                               ignoreBounds=True)
        self.prelu_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=0.5))
        self.prelu.addItem(self.prelu_points)
        # The key of the layer colours: a label in a cell of its own, at the top of it.
        key = self.ci.addLayout(row=0, col=4)
        self.legend = key.addLabel("", row=0, col=0, justify="left")
        key.addLabel("", row=1, col=0)
        key.layout.setRowStretchFactor(1, 1)
        layout = self.ci.layout
        for col, stretch in enumerate((3, 4, 2, 3, 0)):
            layout.setColumnStretchFactor(col, stretch)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7)
        self.now.addItem(self.bars)
        self.errors = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), pen=pg.mkPen("#222",
                                                                                  width=1.5))
        self.now.addItem(self.errors)
        self.note = pg.TextItem("", color="#555", anchor=(0.5, 0.5))
        self.curv.addItem(self.note, ignoreBounds=True)
        self.count_curves: list[pg.PlotDataItem] = []
        self.curv_curves: list[tuple[pg.PlotDataItem, ...]] = []
        self.ranges = {p: LiveRange(p) for p in (self.counts, self.curv)}
        self.names: tuple = ()  # (hidden, layers, kinds, with PReLU) drawn for
        self._show_prelu(False)

    def _plot(self, col: int, title: str, **labels) -> pg.PlotItem:
        p = self.addPlot(row=0, col=col, axisItems=style.axes())
        style.style_plot_item(p, title, **labels)
        return p

    def _show_prelu(self, on: bool) -> None:
        """The slopes' plot takes its column only for a network with PReLU layers."""
        shown = self.prelu in self.ci.items
        if on and not shown:
            self.ci.addItem(self.prelu, row=0, col=3)
            self.ci.layout.setColumnStretchFactor(3, 3)
        elif not on and shown:
            self.ci.removeItem(self.prelu)
            self.ci.layout.setColumnStretchFactor(3, 0)
        self.prelu.setVisible(on)

    # -- a new run -------------------------------------------------------------------
    def set_layers(self, hidden: tuple[str, ...], layers: tuple[str, ...],
                   kinds: tuple[str, ...], prelu: bool) -> None:
        for p in (self.counts, self.curv):
            p.clear()
            p.enableAutoRange()
        self.curv.addItem(self.note, ignoreBounds=True)
        self.count_curves = []
        for i, _name in enumerate(hidden):
            c = pg.PlotDataItem(pen=pg.mkPen(style.color(i), width=2), stepMode=None)
            self.counts.addItem(c)
            self.count_curves.append(c)
        self.curv_curves = []
        for i in range(len(layers)):
            pen = pg.mkPen(style.color(i), width=2)
            # estimates are sparse (a few a second): each one marked
            mean = pg.PlotDataItem(pen=pen, symbol="o", symbolSize=4, symbolPen=None,
                                   symbolBrush=style.color(i))
            lo, hi = pg.PlotDataItem(pen=None), pg.PlotDataItem(pen=None)
            fill = pg.mkColor(style.color(i))
            fill.setAlpha(60)
            band = pg.FillBetweenItem(lo, hi, brush=pg.mkBrush(fill))
            for it in (lo, hi, band, mean):
                self.curv.addItem(it)
            self.curv_curves.append((mean, lo, hi))
        self.legend.setText(key_html(layers), size=style.LEGEND["labelTextSize"])
        style.set_title(self.counts, _counts_title(kinds))
        self.now.getAxis("bottom").setTicks(_ticks(layers))
        self.prelu.getAxis("bottom").setTicks(_ticks(hidden))
        self.bars.setOpts(x=[], height=[])
        self.errors.setData(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0),
                            bottom=np.zeros(0))
        self.prelu_points.clear()
        self.note.setText("")
        self._show_prelu(prelu)
        self.names = (hidden, layers, kinds, prelu)

    # -- a picture -------------------------------------------------------------------
    def show_picture(self, pic: Picture) -> None:
        if (pic.hidden_names, pic.layer_names, pic.count_kinds, bool(pic.prelu)) != self.names:
            self.set_layers(pic.hidden_names, pic.layer_names, pic.count_kinds,
                            bool(pic.prelu))
        s = pic.counts
        for i, c in enumerate(self.count_curves):
            c.setData(s.steps, s.values[:, i] if s.values.shape[0] else [])
        if s.steps.size:
            self.ranges[self.counts].update(bounds(s.steps), (0.0, max(1.0, s.values.max())),
                                            grow_x=True)
        self._show_curvature(pic)
        self._show_prelu_slopes(pic)

    def _show_curvature(self, pic: Picture) -> None:
        s = pic.curvature
        self.note.setText(pic.curvature_note)
        if pic.curvature_note:
            self.note.setPos(0.5, 0.5)
        if not s.steps.size:
            return
        with np.errstate(all="ignore"):
            for i, (mean, lo, hi) in enumerate(self.curv_curves):
                m, e = s.values[:, i], s.errors[:, i]
                a, b = _band(m, e)
                mean.setData(s.steps, m)
                lo.setData(s.steps, a)
                hi.setData(s.steps, b)
            self.ranges[self.curv].update(bounds(s.steps), bounds(s.values, log=True),
                                          grow_x=True)
            m, e = s.values[-1], s.errors[-1]
            ok = np.isfinite(m) & (m > 0)
            logs = np.where(ok, np.log10(np.where(ok, m, 1.0)), np.nan)
            a, b = _band(m, e)
            base = float(np.floor(np.nanmin(logs) - 0.5)) if ok.any() else -1.0
            x = np.arange(m.size, dtype=float)
            brushes = [pg.mkBrush(style.color(i)) for i in range(m.size)]
            self.bars.setOpts(x=x[ok], y0=base, height=(logs - base)[ok],
                              brushes=[b_ for b_, k in zip(brushes, ok, strict=True) if k])
            top, bottom = np.log10(b) - logs, logs - np.log10(a)
            self.errors.setData(x=x[ok], y=logs[ok], top=top[ok], bottom=bottom[ok],
                                beam=0.3)
            if ok.any():
                self.now.setYRange(base, float(np.nanmax(np.log10(b[ok]))) + 0.3, padding=0)
                self.now.setXRange(-0.6, m.size - 0.4, padding=0)

    def _show_prelu_slopes(self, pic: Picture) -> None:
        if not pic.prelu:
            return
        index = {name: i for i, name in enumerate(pic.hidden_names)}
        xs, ys, brushes = [], [], []
        for name, beta in pic.prelu:
            i = index.get(name, 0)
            n = beta.size
            xs.append(i + (np.arange(n) - (n - 1) / 2) / max(n, 1) * 0.8)
            ys.append(beta)
            brushes += [pg.mkBrush(style.color(i))] * n
        self.prelu_points.setData(np.concatenate(xs), np.concatenate(ys), brush=brushes)
        self.prelu.setXRange(-0.6, len(pic.hidden_names) - 0.4, padding=0)


def key_html(layers) -> str:
    """The layer colours as lines of "■ h1  ■ h2" (two per line beyond six
    layers: short enough for 1024 x 768)."""
    per_line = 1 if len(layers) <= 6 else 2
    items = [f'<span style="color:{style.color(i)}">■</span>&nbsp;{short_name(n)}'
             for i, n in enumerate(layers)]
    lines = ["&nbsp;&nbsp;".join(items[i:i + per_line])
             for i in range(0, len(items), per_line)]
    return "<br>".join(lines)


def _counts_title(kinds: tuple[str, ...]) -> str:
    have = {k for k in kinds if k}
    if have == {"dead"}:
        return "Dead units per layer"
    if have == {"saturated"}:
        return "Saturated units per layer"
    if have:
        return "Dead or saturated units"
    return "Dead or saturated: none (linear)"
