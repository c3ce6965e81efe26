"""Shared look of every plot: a light theme that reads well on a projector."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

# Tableau-like palette: distinguishable, and still readable when printed.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
DIVERGED = "#d62728"
EARLY_STOP = "#2ca02c"
LEGEND = {"brush": (255, 255, 255, 210), "pen": (180, 180, 180), "labelTextSize": "8pt"}
GHOSTS = ["#9a9a9a", "#b59ad6", "#8fc1a9", "#d9a58b", "#8fb3d9", "#d9c28b"]


def apply() -> None:
    """Global pyqtgraph options; idempotent, called before any plot is built."""
    pg.setConfigOptions(background="w", foreground="#333", antialias=False)


def settle(view: pg.GraphicsView) -> None:
    """Apply new data's consequences (auto-range, axes, transforms) now, not in the
    paint: pyqtgraph does them when the view is about to paint, and every item they
    touch asks for a second paint right after the first. Call after ``setData``."""
    view.scene().prepareForPaint()


class LivePlot:
    """Mixin for the plots fed one snapshot per frame (list it before the Qt class).

    ``set_snapshot`` draws at once while the plot is visible; while it is hidden
    (another tab in front) only the newest snapshot is kept, and drawn when the
    plot is shown again or its drawn data is needed (``draw_pending``). A plot
    implements ``draw_snapshot``."""

    _deferred = None

    def set_snapshot(self, snap) -> None:
        if not self.isVisible():
            self._deferred = snap
            return
        self._deferred = None
        self.draw_snapshot(snap)

    def draw_snapshot(self, snap) -> None:
        raise NotImplementedError

    def draw_pending(self) -> None:
        if self._deferred is not None:
            snap, self._deferred = self._deferred, None
            self.draw_snapshot(snap)

    def drop_pending(self) -> None:
        """A new run: what was kept for later belongs to the old one."""
        self._deferred = None

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.draw_pending()


def envelope(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """A long curve as its min/max envelope in ``buckets`` buckets: what pyqtgraph's
    "peak" downsampling draws, computed once here instead of on the whole history
    for every frame. Each bucket becomes its minimum and maximum at its first x;
    the last (partial) bucket is kept as it is, so the newest point is exact. ``y``
    may hold one curve per column. Curves of at most 2 * ``buckets`` points come
    back unchanged."""
    n = len(x)
    if n <= 2 * buckets:
        return x, y
    b = -(-n // buckets)  # points per bucket
    m = (n - 1) // b
    head = m * b
    # One curve per row, each bucket a contiguous run: reductions along the last,
    # contiguous axis are several times faster than across a middle one.
    rows = np.ascontiguousarray(y[:head].reshape(head, -1).T).reshape(-1, m, b)
    pairs = np.stack([rows.min(axis=2), rows.max(axis=2)], axis=2)  # (curves, m, 2)
    env = pairs.reshape(-1, 2 * m).T.reshape((2 * m,) + y.shape[1:])
    return (np.concatenate([np.repeat(x[:head:b], 2), x[head:]]),
            np.concatenate([env, y[head:]]))


def buckets(plot: pg.PlotItem) -> int:
    """Envelope buckets for a plot: one per pixel of its width."""
    return max(256, int(plot.getViewBox().width()))


def color(i: int) -> str:
    """Colour ``i`` of the palette; beyond 10 layers, hues go round the wheel."""
    if i < len(PALETTE):
        return PALETTE[i]
    return QColor.fromHsvF(((i * 0.618034) % 1.0), 0.7, 0.85).name()


def class_color(k: int) -> str:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def _plain(x: float) -> str:
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.4g}"
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


class LogAxis(pg.AxisItem):
    """On a log scale, label only 1-2-5 ticks in plain numbers (0.01, 0.02, 0.05, 1e-5)
    instead of every minor tick as 7·10⁻²: readable from the back of a lecture hall."""

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        xs = [10.0 ** float(v) * scale for v in values]
        keep = [math.isfinite(x) and x > 0 and _one_two_five(x) for x in xs]
        if sum(keep) < 2:  # a narrow range: label every tick rather than one or none
            keep = [math.isfinite(x) and x > 0 for x in xs]
        return [_plain(x) if k else "" for x, k in zip(xs, keep, strict=True)]


def _one_two_five(x: float) -> bool:
    mantissa = x / 10.0 ** math.floor(math.log10(x) + 1e-9)
    return round(mantissa) in (1, 2, 5) and abs(mantissa - round(mantissa)) < 1e-6


def axes() -> dict[str, pg.AxisItem]:
    """Axis items for a plot: log-aware left axis, no SI-prefix rescaling anywhere
    (a "(x0.001)" beside a loss axis confuses more than it helps)."""
    left, bottom = LogAxis(orientation="left"), pg.AxisItem(orientation="bottom")
    for ax in (left, bottom):
        ax.enableAutoSIPrefix(False)
    return {"left": left, "bottom": bottom}


def new_plot(title: str, *, left: str = "", bottom: str = "",
             grid: bool = False) -> pg.PlotWidget:
    w = pg.PlotWidget(axisItems=axes())
    style_plot_item(w.getPlotItem(), title, left=left, bottom=bottom, grid=grid)
    w.setMinimumSize(200, 150)
    return w


def style_plot_item(p: pg.PlotItem, title: str, *, left: str = "", bottom: str = "",
                    grid: bool = False) -> None:
    """Title, labels and (for static plots only) a grid: on a live plot the grid
    makes every frame repaint each axis with all its lines and labels, which
    doubles the drawing time."""
    p.setTitle(title, size="10pt")
    if left:
        p.setLabel("left", left)
    if bottom:
        p.setLabel("bottom", bottom)
    if grid:
        p.showGrid(x=True, y=True, alpha=0.2)
    for name in ("left", "bottom"):
        p.getAxis(name).enableAutoSIPrefix(False)
