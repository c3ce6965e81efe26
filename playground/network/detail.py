"""Beside the diagram: the clicked unit's map enlarged (over the input plane in raw
units, with the training points) or its histogram, and the statistics of the unit
under the mouse (else of the clicked one)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from playground.network import colors
from playground.network.picture import Column, Picture, count_kind
from playground.plots import style
from playground.plots.boundary import SmoothImageItem

MAX_POINTS = 600  # training points over the enlarged map
HINT = "Hover a unit for its statistics; click it to enlarge its map."


def _g(v: float) -> str:
    return f"{float(v):.3g}"


def describe(col: Column, unit: int, feature_names: tuple[str, ...] = ()) -> str:
    """The statistics of ``unit`` of ``col`` as a few lines of HTML."""
    k = int(np.searchsorted(col.units, unit))
    s = {key: v[k] for key, v in col.stats.items()}
    if col.kind == "input":
        name = feature_names[unit] if unit < len(feature_names) else f"x{unit + 1}"
        return (f"<b>input {unit + 1}: {name}</b> (after preprocessing)<br>"
                f"mean {_g(s['mean'])} \u00b1 {_g(s['std'])}, "
                f"range [{_g(s['lo'])}, {_g(s['hi'])}]")
    lines = [f"<b>{col.name} \u00b7 unit {unit + 1} of {col.width}</b> ({col.activation})",
             f"output on the training split: mean {_g(s['mean'])} \u00b1 {_g(s['std'])}, "
             f"range [{_g(s['lo'])}, {_g(s['hi'])}]"]
    kind = count_kind(col.activation) if col.kind == "hidden" else ""
    if kind == "dead":
        lines.append(f"z &gt; 0 on {100 * s['positive']:.0f}% of the samples")
        if col.dead[k]:
            lines.append(f'<b style="color:{colors.DEAD}">dead</b>: never positive on the '
                         "training split")
    elif kind == "saturated":
        lines.append(f"saturated (h\u2032 &lt; 5% of its maximum) on "
                     f"{100 * s['saturated']:.0f}% of the samples")
        if col.saturated[k]:
            lines.append(f'<b style="color:{colors.SATURATED}">saturated</b> on more than 95%')
    params = [f"\u2016w in\u2016 = {_g(s['in_norm'])}"]
    for key, label in (("bias", "bias"), ("gamma", "BN \u03b3"), ("beta", "BN \u03b2"),
                       ("prelu", "PReLU \u03b2")):
        if key in s:
            params.append(f"{label} {_g(s[key])}")
    lines.append(", ".join(params))
    return "<br>".join(lines)


class UnitDetail(QWidget):
    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        self.plot = pg.PlotWidget(axisItems=style.axes())
        self.plot.setMinimumSize(160, 140)
        style.style_plot_item(self.plot.getPlotItem(), "Click a unit")
        self.image = SmoothImageItem()
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen(255, 255, 255, 160, width=0.6))
        self.plot.addItem(self.points)
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush=colors.POSITIVE)
        self.plot.addItem(self.bars)
        self.stats = QLabel(HINT)
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.RichText)
        self.stats.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stats.setMinimumHeight(90)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.stats, 1)
        self.info = None
        self.focus_shown: tuple[int, int] | None = None

    def set_run(self, info) -> None:
        self.info = info
        self.focus_shown = None
        self.image.clear()
        self.bars.setOpts(x0=[], x1=[], height=[])
        self.stats.setText(HINT)
        style.set_title(self.plot.getPlotItem(), "Click a unit")
        two_d = info.focus_spec is not None
        self.plot.setAspectLocked(two_d)
        names = info.feature_names
        if two_d:
            n = min(MAX_POINTS, info.train_X.shape[0])
            brushes = [pg.mkBrush(_faint(style.class_color(int(k)))) for k in info.train_y[:n]] \
                if info.task != "regression" else pg.mkBrush(120, 120, 120, 90)
            self.points.setData(info.train_X[:n, 0], info.train_X[:n, 1], brush=brushes)
            self.plot.setLabel("bottom", names[0] if names else "x1")
            self.plot.setLabel("left", names[1] if len(names) > 1 else "x2")
            s = info.focus_spec
            self.plot.setRange(xRange=(s.xs[0], s.xs[-1]), yRange=(s.ys[0], s.ys[-1]),
                               padding=0)
        else:
            self.points.clear()
            self.plot.setLabel("bottom", "output")
            self.plot.setLabel("left", "samples")

    def show_focus(self, pic: Picture) -> None:
        """The enlarged map (or histogram) of the picture's focus unit."""
        f = pic.focus
        if f is None or not pic.columns:
            return
        col = pic.columns[f.column]
        what = "input" if col.kind == "input" else col.name
        style.set_title(self.plot.getPlotItem(), f"{what} \u00b7 unit {f.unit + 1}")
        self.focus_shown = (f.column, f.unit)
        if f.map is not None:
            s = self.info.focus_spec
            # its own colour scale: the shape of what it computes, however faint
            span = colors.own_span(col.center, f.lo, f.hi)
            self.image.setImage(colors.rgba(f.map.T, col.center, span), autoLevels=False)
            dx, dy = s.xs[1] - s.xs[0], s.ys[1] - s.ys[0]
            self.image.setRect(QRectF(s.xs[0] - dx / 2, s.ys[0] - dy / 2,
                                      s.xs[-1] - s.xs[0] + dx, s.ys[-1] - s.ys[0] + dy))
        elif f.hist is not None:
            edges = np.linspace(f.lo, f.hi if f.hi > f.lo else f.lo + 1.0, f.hist.size + 1)
            self.bars.setOpts(x0=edges[:-1], x1=edges[1:], height=f.hist)
            self.plot.enableAutoRange()

    def show_stats(self, pic: Picture | None, unit: tuple[int, int] | None) -> None:
        if pic is None or unit is None or not pic.columns:
            self.stats.setText(HINT)
            return
        c, u = unit
        if not 0 <= c < len(pic.columns) or u not in pic.columns[c].units:
            self.stats.setText(HINT)
            return
        names = self.info.feature_names if self.info is not None else ()
        self.stats.setText(describe(pic.columns[c], u, names))


def _faint(colour: str):
    c = pg.mkColor(colour)
    c.setAlpha(110)
    return c
