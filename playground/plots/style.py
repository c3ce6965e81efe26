"""Shared look of every plot: a light theme that reads well on a projector, and its
presentation scale (``set_scale``: fonts, tick labels, legends, lines and markers
about 1.75x bigger for the back of a lecture hall)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF

# Tableau's ten, then black and indigo: twelve layers in twelve colours that differ
# by at least 27 in CIELAB (Delta E 1976; the closest pair is purple/pink), still
# readable when printed. Beyond twelve, hues go round the wheel (``color``).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#393b79"]
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
DIVERGED = "#d62728"
EARLY_STOP = "#2ca02c"
LEGEND = {"brush": (255, 255, 255, 210), "pen": (180, 180, 180), "labelTextSize": "8pt"}
# Font sizes (points) at scale 1; every plot multiplies them by the current scale.
TITLE_PT, LABEL_PT, TICK_PT, LEGEND_PT = 10.0, 9.0, 8.5, 8.0
PRESENTATION_SCALE = 1.75
MAX_LEGEND_ROWS = 3
_scale = 1.0
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
    """Colour ``i`` of the palette; beyond 12 layers, hues go round the wheel."""
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


class FitAxis(pg.AxisItem):
    """An axis whose tick labels never run into each other: pyqtgraph places ticks and
    their labels by the axis length alone, so big labels (presentation mode) or a
    narrow plot made "0.400.450.50". Here a label is kept only a label's room away
    from every label kept before it: the major ticks' first, from the largest value
    down, then the finer levels' (the ticks themselves all stay)."""

    _kept: list[float] = []

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        self._kept = []  # tickStrings follows, level by level
        return super().tickValues(minVal, maxVal, size)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph override
        return self._thin(values, super().tickStrings(values, scale, spacing))

    def _thin(self, values, strings: list[str]) -> list[str]:
        lo, hi = self.range
        horizontal = self.orientation in ("bottom", "top")
        length = self.width() if horizontal else self.height()
        shown = [i for i, text in enumerate(strings) if text]
        if hi == lo or length <= 0 or not shown:
            return strings
        metrics = QFontMetricsF(self.style["tickFont"] or QFont())
        if horizontal:
            need = max(metrics.horizontalAdvance(strings[i]) for i in shown) + 6.0
        else:
            need = 1.2 * metrics.height()
        out = [""] * len(strings)
        for i in sorted(shown, key=lambda i: float(values[i]), reverse=True):
            px = float(values[i]) * length / (hi - lo)
            if all(abs(px - k) >= need for k in self._kept):
                self._kept.append(px)
                out[i] = strings[i]
        return out


class LogAxis(FitAxis):
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


def axes(log: str = "left") -> dict[str, pg.AxisItem]:
    """Axis items for a plot: a log-aware axis on side ``log``, no SI-prefix rescaling
    anywhere (a "(x0.001)" beside a loss axis confuses more than it helps)."""
    out = {side: (LogAxis if side == log else FitAxis)(orientation=side)
           for side in ("left", "bottom")}
    for ax in out.values():
        ax.enableAutoSIPrefix(False)
    return out


def new_plot(title: str, *, left: str = "", bottom: str = "",
             grid: bool = False) -> pg.PlotWidget:
    w = pg.PlotWidget(axisItems=axes())
    style_plot_item(w.getPlotItem(), title, left=left, bottom=bottom, grid=grid)
    w.setMinimumSize(200, 150)
    return w


def style_plot_item(p: pg.PlotItem, title: str | tuple[str, ...], *, left: str = "",
                    bottom: str = "", grid: bool = False) -> None:
    """Title (or titles, longest first: ``set_title``), labels and (for static plots
    only) a grid: on a live plot the grid makes every frame repaint each axis with
    all its lines and labels, which doubles the drawing time. Fonts at the current
    scale."""
    set_title(p, *((title,) if isinstance(title, str) else title))
    if left:
        p.setLabel("left", left)
    if bottom:
        p.setLabel("bottom", bottom)
    if grid:
        p.showGrid(x=True, y=True, alpha=0.2)
    for name in ("left", "bottom"):
        p.getAxis(name).enableAutoSIPrefix(False)
    scale_plot_item(p)


# -- presentation scale --------------------------------------------------------------
def scale() -> float:
    """The current scale of fonts, lines and markers (1: normal)."""
    return _scale


def set_scale(factor: float) -> None:
    """Scale for plots drawn from now on; existing ones follow with ``scale_plot_item``
    (any plot) or their own ``set_scale`` (the live plots: lines and markers too)."""
    global _scale
    if not 0.5 <= factor <= 4.0:
        raise ValueError(f"a scale between 0.5 and 4, got {factor!r}")
    _scale = float(factor)


def pt(base: float) -> str:
    """A CSS font size: ``base`` points at the current scale."""
    return f"{base * _scale:.3g}pt"


def font(base: float = TICK_PT) -> QFont:
    f = QFont()
    f.setPointSizeF(base * _scale)
    return f


def width(base: float) -> float:
    """A line width or marker size at the current scale."""
    return base * _scale


def scale_axis(ax: pg.AxisItem) -> None:
    ax.setTickFont(font(TICK_PT))
    # Bigger labels, fewer of them: no overlaps (``density``: an axis's own factor).
    ax.setTickDensity(getattr(ax, "density", 1.0) / _scale)
    ax.setStyle(tickTextOffset=round(3 * _scale), tickLength=round(-5 * _scale))
    if ax.labelText:
        ax.setLabel(ax.labelText, units=ax.labelUnits or None,
                    **{**ax.labelStyle, "font-size": pt(LABEL_PT)})


def set_title(p: pg.PlotItem, *texts: str) -> None:
    """Title ``p`` with the longest of ``texts`` (longest first) that fits its width,
    else the last, at the current scale. A pyqtgraph title is as wide as its text
    at least, so a long one (bigger in presentation mode) widened the plot past its
    widget, which cut off its right side; here the title never widens the plot."""
    label = p.titleLabel
    if not hasattr(label, "fit_texts"):
        label.updateMin = _title_min.__get__(label)
        label.geometryChanged.connect(lambda: _fit_title(p))  # its cell: over the data
    label.fit_texts = tuple(texts)
    p.setTitle(texts[0], size=pt(TITLE_PT))
    _fit_title(p)


def _title_min(label: pg.LabelItem) -> None:
    """``LabelItem.updateMin`` without the minimum width (see ``set_title``)."""
    bounds = label.itemRect()
    label.setMinimumWidth(0)
    label.setMinimumHeight(bounds.height())
    label._sizeHint = {Qt.SizeHint.MinimumSize: (0, bounds.height()),
                       Qt.SizeHint.PreferredSize: (bounds.width(), bounds.height()),
                       Qt.SizeHint.MaximumSize: (-1, -1), Qt.SizeHint.MinimumDescent: (0, 0)}
    label.updateGeometry()


def _fit_title(p: pg.PlotItem) -> None:
    label = p.titleLabel
    texts = getattr(label, "fit_texts", ())
    if not texts or not label.isVisible():
        return
    room = label.width() - 4
    for text in texts:
        if label.text != text or not label.opts.get("size") == pt(TITLE_PT):
            label.setText(text, size=pt(TITLE_PT))
        if room <= 0 or label.itemRect().width() <= room:
            break


def scale_plot_item(p: pg.PlotItem) -> None:
    """Fonts of ``p`` (title, axes, tick labels, legend) at the current scale."""
    title = p.titleLabel
    if getattr(title, "fit_texts", ()):
        _fit_title(p)
    elif title.isVisible() and title.text:
        title.setText(title.text, size=pt(TITLE_PT))
    for name in ("left", "bottom", "right", "top"):
        if p.getAxis(name).isVisible():
            scale_axis(p.getAxis(name))
    if p.legend is not None:
        scale_legend(p.legend)


def scale_legend(legend: pg.LegendItem) -> None:
    size = pt(LEGEND_PT)
    legend.opts["labelTextSize"] = size
    for _sample, label in legend.items:
        label.setText(label.text, size=size)  # (setLabelTextSize does not re-render)
    if isinstance(legend, OutsideLegend):
        legend.fit()


def scale_scene(view: pg.GraphicsView) -> None:
    """``scale_plot_item`` for every plot and legend in a view (any view of the app)."""
    for item in view.scene().items():
        if isinstance(item, pg.PlotItem):
            scale_plot_item(item)
        elif isinstance(item, pg.LegendItem):
            scale_legend(item)


class OutsideLegend(pg.LegendItem):
    """A legend that is a cell of a layout (under a plot's x-axis): it never covers the
    data, is exported with the plot, and cannot be dragged onto the data."""

    def __init__(self, columns: int = 4) -> None:
        super().__init__(colCount=columns, frame=False, verSpacing=-4,
                         labelTextSize=pt(LEGEND_PT))
        self.max_columns = columns
        self.room = 0.0  # the width it may take (0: unknown yet)
        self.crowded = False  # more rows than MAX_LEGEND_ROWS in that width

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph override
        # In a layout the layout places it: only say that its size hint changed.
        self.updateGeometry()
        self.update()

    def addItem(self, item, name) -> None:  # noqa: N802
        super().addItem(item, name)
        self.fit()

    def fit(self, room: float | None = None) -> None:
        """As many columns (up to ``max_columns``) as fit in ``room`` pixels: a legend
        wider than its plot would push the plot's neighbours out of the view."""
        if room is not None:
            self.room = room
        if not self.items or self.room <= 0:
            return
        # The label's text, not its cell (the layout stretches the cells).
        widths = [s.boundingRect().width() + l.item.boundingRect().width() + 12
                  for s, l in self.items]
        n = len(widths)

        def span(c: int) -> float:  # entries fill the rows left to right
            return sum(max(widths[j::c]) for j in range(c))

        fits = [c for c in range(1, min(self.max_columns, n) + 1) if span(c) <= self.room]
        columns = fits[-1] if fits else 1
        # More than MAX_LEGEND_ROWS rows eat the plot: the owner may leave it out. (More
        # columns than fit would widen the whole layout past its view, cutting off
        # the plots at its right.)
        self.crowded = -(-n // columns) > MAX_LEGEND_ROWS
        if columns != self.columnCount:
            self.setColumnCount(columns)

    def setParentItem(self, p):  # noqa: N802 - no anchoring: the layout places it
        return pg.GraphicsWidget.setParentItem(self, p)

    def hoverEvent(self, ev) -> None:  # noqa: N802
        pass

    def mouseDragEvent(self, ev) -> None:  # noqa: N802
        ev.ignore()


def outside_legend(p: pg.PlotItem, columns: int = 4,
                   layout: pg.GraphicsLayout | None = None) -> OutsideLegend:
    """A legend for ``p`` in the row under its x-axis label, or (``layout``) in a row
    of its own under everything in ``layout``; curves added to ``p`` with a ``name``
    appear in it, as with ``addLegend``."""
    legend = OutsideLegend(columns)
    if layout is None:
        p.layout.addItem(legend, 4, 1)
    else:
        layout.addItem(legend, row=layout.currentRow + 1, col=0,
                       colspan=max(1, layout.layout.columnCount()))
    p.legend = legend
    return legend
