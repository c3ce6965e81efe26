"""The network drawn as in the TensorFlow Playground: columns of neurons, each a
small map of its output over the input plane (or a histogram of it), and the
weights between them as lines coloured by sign, wider and more opaque the larger
|w| is within their layer. Dead units get a red frame, saturated ones a purple
one; hovering a unit reports it (``unit_hovered``), clicking selects it
(``unit_clicked``) for the enlarged view beside.

Geometry (view units): column c at x = c * dx, its k drawn units at
y = ((k - 1) / 2 - r) * DY, each a square of side 1; the column spacing dx (at least
self.dx) spreads the columns over the widget's width. The maps of a column are one RGBA
image (transparent between the units), drawn interpolated.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QFont, QFontMetrics

from playground.network import colors
from playground.network.picture import Column, Picture, count_kind
from playground.plots import style
from playground.plots.boundary import SmoothImageItem
from playground.plots.grad_plot import short_name

DX = 2.4  # least column spacing (a unit is 1 wide) ...
MAX_DX = 7.0  # ... and the most
DY = 1.25  # row spacing
GAP_PX = 10  # transparent pixels between the maps of a column image
LEVELS = ((0.0, 0.7, 45), (0.25, 1.2, 90), (0.5, 2.0, 150), (0.75, 3.0, 215))  # |w|/max: px, alpha
STAGGER_PX = 110  # columns narrower than this stagger their footers
MARGIN_PX = (26, 44)  # above the units (headers), below (footers)
TEXT_PT = 10  # style.style_plot_item's title size
FOOT_PT = 9


def unit_y(r: int, k: int) -> float:
    return ((k - 1) / 2 - r) * DY


def _font(pt: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


class NetworkDiagram(pg.GraphicsLayoutWidget):
    unit_hovered = Signal(object)  # (column, unit) or None
    unit_clicked = Signal(object)  # (column, unit)

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        self.vb = self.addViewBox(lockAspect=True, enableMouse=False)
        self.vb.setMenuEnabled(False)
        self.lines = {(sign, i): pg.PlotCurveItem(connect="pairs", pen=self._pen(sign, i))
                      for sign in (1, -1) for i in range(len(LEVELS))}
        for item in self.lines.values():
            self.vb.addItem(item)
        self.images: list[SmoothImageItem] = []
        self.hists = pg.PlotCurveItem(pen=pg.mkPen("#444", width=1), connect="finite")
        self.vb.addItem(self.hists)
        self.frames = self._frames(colors.GRID, 1)
        self.dead = self._frames(colors.DEAD, 3)
        self.saturated = self._frames(colors.SATURATED, 3)
        self.focus_frame = self._frames(colors.FOCUS, 3)
        self.hover_frame = self._frames(colors.HOVER, 2)
        self.texts: list[pg.TextItem] = []
        self.picture: Picture | None = None
        self.dx = DX
        self.hovered: tuple[int, int] | None = None
        self.focus: tuple[int, int] | None = None
        self.scene().sigMouseMoved.connect(self._moved)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.setMinimumSize(300, 200)

    @staticmethod
    def _pen(sign: int, level: int):
        c = pg.mkColor(colors.POSITIVE if sign > 0 else colors.NEGATIVE)
        c.setAlpha(LEVELS[level][2])
        return pg.mkPen(c, width=LEVELS[level][1])

    def _frames(self, colour: str, width: float) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(symbol="s", size=1.08, pxMode=False, brush=None,
                                  pen=pg.mkPen(colour, width=width))
        item.setZValue(5 if colour != colors.GRID else 1)
        self.vb.addItem(item)
        return item

    # -- drawing ---------------------------------------------------------------------
    def clear_picture(self) -> None:
        self.picture = None
        self.hovered = self.focus = None
        for item in self.lines.values():
            item.setData([], [])
        for im in self.images:
            im.clear()
        self.hists.setData([], [])
        for f in (self.frames, self.dead, self.saturated, self.focus_frame, self.hover_frame):
            f.setData([], [])
        for t in self.texts:
            t.setText("")

    def show_picture(self, pic: Picture) -> None:
        new_shape = (self.picture is None or [c.units.size for c in pic.columns]
                     != [c.units.size for c in self.picture.columns])
        self.picture = pic
        if self.focus is not None and not self._exists(self.focus):
            self.focus = None
        if new_shape:
            self.dx = self._spacing()
        self._draw(pic)
        if new_shape:
            self._fit()

    def _spacing(self) -> float:
        """Column spacing that fills the widget's width at its height (square maps)."""
        cols = self.picture.columns
        if len(cols) < 2:
            return DX
        w, h = self.vb.width(), self.vb.height()
        if w <= 0 or h <= 0:
            return DX
        height = self._extent(max(c.units.size for c in cols))[1]
        return float(np.clip((w / h * height - 2.6) / (self._slots() - 1), DX, MAX_DX))

    def _slots(self) -> int:
        """Column positions: one per drawn layer, and one for the layers left out."""
        pic = self.picture
        return len(pic.columns) + (pic.gap_after is not None)

    def _x(self, c: int) -> float:
        """x of column c: the columns after the left-out layers move one place on."""
        gap = self.picture.gap_after if self.picture is not None else None
        return (c + (gap is not None and c > gap)) * self.dx

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        pic = getattr(self, "picture", None)  # also called while the base class is built
        if pic is not None and pic.columns:
            dx = self._spacing()
            if abs(dx - self.dx) > 1e-3:
                self.dx = dx
                self._draw(self.picture)
            self._fit()

    def _draw(self, pic: Picture) -> None:
        self._draw_lines(pic)
        self._draw_units(pic)
        self._draw_marks()
        self._draw_texts(pic)

    def _exists(self, unit: tuple[int, int]) -> bool:
        c, u = unit
        cols = self.picture.columns if self.picture else ()
        return 0 <= c < len(cols) and u in cols[c].units

    def _extent(self, k: int) -> tuple[float, float]:
        """(bottom, height) of the view for columns of up to k units, with MARGIN_PX
        above for the headers and below for two rows of (staggered) footers."""
        h = unit_y(0, k) + 0.5
        free = max(self.vb.height() - MARGIN_PX[0] - MARGIN_PX[1], 50.0)
        per_px = 2 * h / free  # view units per pixel
        return -h - MARGIN_PX[1] * per_px, 2 * h + (MARGIN_PX[0] + MARGIN_PX[1]) * per_px

    def _fit(self) -> None:
        cols = self.picture.columns
        bottom, height = self._extent(max(c.units.size for c in cols))
        self.vb.setRange(QRectF(-1.3, bottom, (self._slots() - 1) * self.dx + 2.6, height),
                         padding=0)

    def _draw_lines(self, pic: Picture) -> None:
        buckets = {key: ([], []) for key in self.lines}
        for c, W in enumerate(pic.weights):
            if W is None or W.size == 0:
                continue
            scale = float(np.max(np.abs(W)))
            if not np.isfinite(scale) or scale <= 0:
                continue
            k_in, k_out = W.shape
            x0, x1 = self._x(c) + 0.5, self._x(c + 1) - 0.5
            ys_in = unit_y(np.arange(k_in), k_in)
            ys_out = unit_y(np.arange(k_out), k_out)
            rel = np.abs(W) / scale
            level = np.searchsorted([lv[0] for lv in LEVELS], rel, side="right") - 1
            for sign in (1, -1):
                for i in range(len(LEVELS)):
                    a, b = np.nonzero((level == i) & ((W > 0) if sign > 0 else (W <= 0)))
                    xs, ys = buckets[(sign, i)]
                    xs.append(np.column_stack([np.full(a.size, x0), np.full(a.size, x1)]).ravel())
                    ys.append(np.column_stack([ys_in[a], ys_out[b]]).ravel())
        for key, (xs, ys) in buckets.items():
            self.lines[key].setData(np.concatenate(xs) if xs else [],
                                    np.concatenate(ys) if ys else [])

    def _draw_units(self, pic: Picture) -> None:
        while len(self.images) < len(pic.columns):
            im = SmoothImageItem()
            im.setZValue(2)
            self.vb.addItem(im)
            self.images.append(im)
        for im in self.images[len(pic.columns):]:
            im.clear()
        hx, hy = [], []
        for c, col in enumerate(pic.columns):
            if col.maps is not None and col.units.size:
                self._column_image(self.images[c], c, col)
            else:
                self.images[c].clear()
            if col.hists is not None:
                self._column_hists(c, col, hx, hy)
        self.hists.setData(np.concatenate(hx) if hx else [], np.concatenate(hy) if hy else [])
        xs, ys = self._positions(lambda col: np.ones(col.units.size, bool))
        self.frames.setData(xs, ys)

    def _column_image(self, image: SmoothImageItem, c: int, col: Column) -> None:
        k, G, _ = col.maps.shape
        height = k * G + (k - 1) * GAP_PX
        atlas = np.zeros((G, height, 4), dtype=np.ubyte)  # (x, y): col-major
        for r in range(k):
            y0 = (k - 1 - r) * (G + GAP_PX)
            rgba = colors.rgba(col.maps[r], col.center, float(col.span[r]))
            atlas[:, y0:y0 + G] = rgba.transpose(1, 0, 2)  # map[i = y, j = x]
        image.setImage(atlas, autoLevels=False)
        total = k + (k - 1) * GAP_PX / G
        image.setRect(QRectF(self._x(c) - 0.5, unit_y(k - 1, k) - 0.5, 1.0, total))

    def _column_hists(self, c: int, col: Column, hx: list, hy: list) -> None:
        k, bins = col.hists.shape
        edges = np.linspace(-0.45, 0.45, bins + 1) + self._x(c)
        for r in range(k):
            peak = float(col.hists[r].max())
            h = col.hists[r] / peak * 0.85 if peak > 0 else np.zeros(bins)
            base = unit_y(r, k) - 0.45
            hx.append(np.concatenate([np.repeat(edges, 2)[1:-1], [np.nan]]))
            hy.append(np.concatenate([np.repeat(h, 2) + base, [np.nan]]))

    def _positions(self, select) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = [], []
        for c, col in enumerate(self.picture.columns if self.picture else ()):
            r = np.nonzero(select(col))[0]
            xs.append(np.full(r.size, self._x(c)))
            ys.append(unit_y(r, col.units.size))
        return (np.concatenate(xs), np.concatenate(ys)) if xs else ([], [])

    def _draw_marks(self) -> None:
        self.dead.setData(*self._positions(lambda col: col.dead))
        self.saturated.setData(*self._positions(lambda col: col.saturated))
        for frame, unit in ((self.focus_frame, self.focus), (self.hover_frame, self.hovered)):
            if unit is None or not self._exists(unit):
                frame.setData([], [])
                continue
            c, u = unit
            col = self.picture.columns[c]
            r = int(np.searchsorted(col.units, u))
            frame.setData([self._x(c)], [unit_y(r, col.units.size)])

    def _draw_texts(self, pic: Picture) -> None:
        needed = 2 * len(pic.columns) + 1
        while len(self.texts) < needed:
            t = pg.TextItem("", color="#333")
            self.vb.addItem(t, ignoreBounds=True)
            self.texts.append(t)
        for t in self.texts[needed:]:
            t.setText("")
        k = max(col.units.size for col in pic.columns)
        top, bottom = unit_y(0, k) + 0.5, unit_y(k - 1, k) - 0.5
        px = self.vb.height() / self._extent(k)[1]  # pixels per view unit
        stagger = self.dx * px < STAGGER_PX
        room = self.dx * px * (2 if stagger else 1) - 8  # pixels a footer may take
        metrics = QFontMetrics(_font(FOOT_PT))
        for c, col in enumerate(pic.columns):
            head, foot = self.texts[2 * c], self.texts[2 * c + 1]
            head.setAnchor((0.5, 1.0))  # headers sit on their column, footers hang below
            foot.setAnchor((0.5, 0.0))
            head.setFont(_font(TEXT_PT, bold=True))
            head.setText(_header(col))
            head.setPos(self._x(c), top + 0.15)
            foot.setFont(_font(FOOT_PT))
            foot.setHtml(_fitting_footer(col, metrics, room))
            # narrow columns: every other footer a line lower, so that none overlap
            foot.setPos(self._x(c), bottom - 0.12 - (0.8 if c % 2 and stagger else 0.0))
        gap = self.texts[needed - 1]
        gap.setAnchor((0.5, 0.5))
        gap.setFont(_font(FOOT_PT))
        if pic.gap_after is None:
            gap.setText("")
        else:
            gap.setText(f"\u22ef\n{pic.gap_layers}\nlayers\nleft\nout\n\u22ef")
            gap.setPos(self._x(pic.gap_after) + self.dx, 0.0)

    # -- mouse -----------------------------------------------------------------------
    def unit_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """The (column, unit) under a scene position, or None."""
        if self.picture is None:
            return None
        p = self.vb.mapSceneToView(scene_pos)
        xs = np.array([self._x(c) for c in range(len(self.picture.columns))])
        c = int(np.argmin(np.abs(xs - p.x())))
        if abs(p.x() - xs[c]) > 0.55:
            return None
        col = self.picture.columns[c]
        k = col.units.size
        r = int(round((k - 1) / 2 - p.y() / DY))
        if not 0 <= r < k or abs(p.y() - unit_y(r, k)) > 0.55:
            return None
        return c, int(col.units[r])

    def unit_pos(self, column: int, unit: int) -> QPointF:
        """Scene position of a drawn unit's centre (for tests and scripts)."""
        col = self.picture.columns[column]
        r = int(np.searchsorted(col.units, unit))
        return self.vb.mapViewToScene(QPointF(self._x(column), unit_y(r, col.units.size)))

    def _moved(self, pos) -> None:
        unit = self.unit_at(pos)
        if unit != self.hovered:
            self.hovered = unit
            self._draw_marks()
            self.unit_hovered.emit(unit)

    def _clicked(self, event) -> None:
        unit = self.unit_at(event.scenePos())
        if unit is not None:
            self.focus = unit
            self._draw_marks()
            self.unit_clicked.emit(unit)


def _header(col: Column) -> str:
    if col.kind == "input":
        return "input"
    return short_name(col.name)


def _footers(col: Column) -> list[tuple[str, str]]:
    """What can stand under a column, longest first, as (plain text, HTML): the dead or
    saturated units of the whole layer (red/purple when there are any) and how many
    units are not drawn."""
    count, colour = "", "#555"
    if col.kind == "hidden":
        kind = count_kind(col.activation)
        n = col.n_saturated if kind == "saturated" else col.n_dead
        if kind:
            count = f"{n}/{col.width}"
            colour = (colors.SATURATED if kind == "saturated" else colors.DEAD) if n else "#555"
            kind = "sat" if kind == "saturated" else "dead"
    more = col.width - col.units.size
    rest = [f"+{more} more", f"+{more}"] if more > 0 else [""]
    out = []
    for label in ([f"{kind} {count}", count] if count else [""]):
        for extra in rest:
            text = " \u00b7 ".join(t for t in (label, extra) if t)
            html = f'<span style="color:{colour}">{label}</span>' if label else ""
            out.append((text, " \u00b7 ".join(t for t in (html, extra) if t)))
    return out


def _fitting_footer(col: Column, metrics: QFontMetrics, room: float) -> str:
    """The longest footer that fits in ``room`` pixels (the shortest if none does)."""
    options = _footers(col)
    for text, html in options:
        if metrics.horizontalAdvance(text) <= room:
            return html
    return options[-1][1]
