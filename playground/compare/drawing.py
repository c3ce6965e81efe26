"""Drawing a sweep into pyqtgraph plots: shared by the Compare tab and its figures.

Per cell: the band (min..max or +-std over the seeds) as a light fill, the raw
mean faint behind, the smoothed mean on top (TensorBoard's EMA,
``core.train.smoothing.ema``; the band's edges are smoothed alike), and a red
cross where a run diverged. The numbers come from ``core.train.sweep.curves``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from core.train.smoothing import ema
from core.train.sweep import curves as sweep_curves
from playground.plots import style

GREY = "#b0b0b0"
MAX_POINTS = 2000
METRIC_LABELS = {"train_loss": "training loss", "val_loss": "validation loss",
                 "val_acc": "validation accuracy", "train_acc": "batch accuracy"}


def rgba(color: str, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


@dataclass
class CellItems:
    """The plot items of one cell (kept to recolour or remove them)."""

    color: str
    items: list = field(default_factory=list)
    mean: pg.PlotDataItem | None = None  # the smoothed mean (its legend entry)
    band: tuple = ()  # the band's lower and upper edges (invisible lines the fill joins)


def family_axis(spec) -> int:
    """The axis whose values get a colour each: the one that is not the learning rate
    (so the curves match the learning-rate view's), else the first."""
    if len(spec.axes) == 2 and spec.axes[0].path == sweep_curves.LR_PATH:
        return 1
    return 0


def cell_color(spec, cell: int) -> str:
    """One colour per value of the family axis (as the learning-rate view's curves);
    with a second axis, its values are shades of it, dark to light."""
    if len(spec.axes) < 2:
        return style.color(cell)
    fam = family_axis(spec)
    other = 1 - fam
    values = spec.cells[cell].values
    i = spec.axes[fam].values.index(values[fam])
    j, n = spec.axes[other].values.index(values[other]), len(spec.axes[other].values)
    base = QColor(style.color(i))
    t = j / (n - 1) if n > 1 else 0.5
    shaded = base.darker(int(100 + (0.5 - t) * 120)) if t < 0.5 else \
        base.lighter(int(100 + (t - 0.5) * 90))
    return shaded.name()


def draw_cell(plot: pg.PlotItem, c: sweep_curves.CellCurve, *, smoothing: float,
              log: bool, greyed: bool = False, raw: bool = True, spec=None) -> CellItems:
    """Add one cell's band, raw and smoothed mean and divergence marks to ``plot``
    (``spec``: the sweep's, for the colours; default one colour per cell)."""
    color = GREY if greyed else (cell_color(spec, c.cell) if spec is not None
                                 else style.color(c.cell))
    # Smooth every point, then thin for drawing (thinning first would smooth harder).
    smooth = [ema(v, smoothing) for v in (c.mean, c.lo, c.hi)]
    x, *smooth = sweep_curves.decimate(c.steps.astype(np.float64), *smooth, MAX_POINTS)
    mean = sweep_curves.decimate(c.steps.astype(np.float64), c.mean, c.lo, c.hi,
                                 MAX_POINTS)[1]
    out = CellItems(color)
    lo_s = sweep_curves.for_log_axis(smooth[1], smooth[0]) if log else smooth[1]
    edges = [plot.plot(x, y, pen=pg.mkPen(rgba(color, 0))) for y in (lo_s, smooth[2])]
    fill = pg.FillBetweenItem(edges[0], edges[1], brush=rgba(color, 45))
    plot.addItem(fill)
    out.items += [*edges, fill]
    out.band = tuple(edges)
    if raw and smoothing > 0:
        out.items.append(plot.plot(x, mean, pen=pg.mkPen(rgba(color, 70), width=1)))
    out.mean = plot.plot(x, smooth[0], pen=pg.mkPen(color, width=2), name=c.label)
    out.items.append(out.mean)
    div = [(s, v) for s, v, d in c.ends if d]
    if div:
        xs, ys = zip(*div, strict=True)
        out.items.append(plot.plot(list(xs), list(ys), pen=None, symbol="x", symbolSize=12,
                                   symbolPen=pg.mkPen(style.DIVERGED, width=2),
                                   symbolBrush=None))
    return out


def draw_lr(plot: pg.PlotItem, lr: sweep_curves.LrCurve, color: str, *,
            log: bool) -> list:
    """One learning-rate curve: band, mean with dots, red crosses on cells where a
    seed diverged (those points stay in the curve: a diverged run's value is where it
    stopped)."""
    items = []
    lo = sweep_curves.for_log_axis(lr.lo, lr.mean) if log else lr.lo
    if lr.lr.size > 1:
        edges = [plot.plot(lr.lr, y, pen=pg.mkPen(rgba(color, 0))) for y in (lo, lr.hi)]
        fill = pg.FillBetweenItem(edges[0], edges[1], brush=rgba(color, 45))
        plot.addItem(fill)
        items += [*edges, fill]
    line = plot.plot(lr.lr, lr.mean, pen=pg.mkPen(color, width=2), symbol="o", symbolSize=7,
                     symbolBrush=color, symbolPen=None, name=lr.label)
    items.append(line)
    bad = lr.n_diverged > 0
    if bad.any():
        items.append(plot.plot(lr.lr[bad], lr.mean[bad], pen=None, symbol="x",
                               symbolSize=16, symbolPen=pg.mkPen(style.DIVERGED, width=3),
                               symbolBrush=None))
    return items


def log_x_axes() -> dict[str, pg.AxisItem]:
    """Axes for a plot with a log x axis: 1-2-5 labels on both (``style.LogAxis``)."""
    axes = style.axes()
    axes["bottom"] = style.LogAxis(orientation="bottom")
    axes["bottom"].enableAutoSIPrefix(False)
    return axes


def fit_legend(legend: pg.LegendItem) -> None:
    """Keep a legend placed in a layout at the size of its entries: stretched to its
    cell it would pull the samples away from their labels."""
    from PySide6.QtWidgets import QSizePolicy

    hint = legend.layout.preferredSize()
    legend.setMaximumSize(hint.width() + 30, hint.height() + 10)
    legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def band_label(band: str) -> str:
    return {"minmax": "band: min–max over seeds", "std": "band: ±1 std over seeds",
            "none": "no band"}[band]
