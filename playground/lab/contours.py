"""Filled contour picture with log-spaced isolines, for pyqtgraph plots.

A :class:`ContourLayer` draws a grid Z (rows follow y: ``Z[j, i]`` at
``(xs[i], ys[j])``) as an image coloured by log(Z − Z_min) plus the isolines
at the given levels, in data coordinates. The isolines come from a vectorised
marching-squares pass (:func:`contour_segments`): one ``PlotCurveItem`` of
segment pairs for all levels, fast enough to redraw while a spin box turns.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

__all__ = ["ContourLayer", "contour_segments", "deep_colormap", "grid_log_levels",
           "light_colormap"]


def light_colormap() -> pg.ColorMap:
    """Pale blue-grey in the basins to white on the walls: coloured trails stay legible."""
    return pg.ColorMap([0.0, 0.35, 0.7, 1.0],
                       [(150, 172, 196), (196, 211, 226), (232, 237, 243), (255, 255, 255)])


def deep_colormap() -> pg.ColorMap:
    """Deep blue in the valleys to white on the hills, for a single red path on top."""
    return pg.ColorMap([0.0, 0.3, 0.65, 1.0],
                       [(38, 76, 140), (105, 150, 205), (190, 212, 236), (255, 255, 255)])


def contour_segments(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray,
                     level: float) -> tuple[np.ndarray, np.ndarray]:
    """Marching squares: the isoline Z = level as segments (x, y), two points each.

    Each grid cell whose corners straddle the level contributes one segment (two
    for the ambiguous saddle cells, resolved by the cell's mean value). Returns
    arrays of length 2·k for k segments, to draw with ``connect="pairs"``.
    """
    Z = np.asarray(Z, dtype=np.float64)
    above = Z > level
    a, b = Z[:-1, :-1], Z[:-1, 1:]  # bottom-left, bottom-right
    c, d = Z[1:, 1:], Z[1:, :-1]  # top-right, top-left
    A, B, C, D = above[:-1, :-1], above[:-1, 1:], above[1:, 1:], above[1:, :-1]
    x0, x1 = xs[None, :-1], xs[None, 1:]
    y0, y1 = ys[:-1, None], ys[1:, None]

    def frac(u, v):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (level - u) / (v - u)
        return np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)

    shape = a.shape
    # Crossing points on the four edges: bottom, right, top, left.
    ex = np.empty((4, *shape))
    ey = np.empty((4, *shape))
    ex[0], ey[0] = x0 + frac(a, b) * (x1 - x0), np.broadcast_to(y0, shape)
    ex[1], ey[1] = np.broadcast_to(x1, shape), y0 + frac(b, c) * (y1 - y0)
    ex[2], ey[2] = x0 + frac(d, c) * (x1 - x0), np.broadcast_to(y1, shape)
    ex[3], ey[3] = np.broadcast_to(x0, shape), y0 + frac(a, d) * (y1 - y0)
    cross = np.stack([A != B, B != C, D != C, A != D])
    count = cross.sum(axis=0)

    segs_x, segs_y = [], []
    two = count == 2
    if two.any():
        m = cross[:, two]  # (4, k)
        first = np.argmax(m, axis=0)
        second = 3 - np.argmax(m[::-1], axis=0)
        px, py = ex[:, two], ey[:, two]
        k = np.arange(px.shape[1])
        segs_x.append(np.stack([px[first, k], px[second, k]], axis=1).ravel())
        segs_y.append(np.stack([py[first, k], py[second, k]], axis=1).ravel())
    four = count == 4
    if four.any():
        centre_above = (a + b + c + d)[four] / 4.0 > level
        same = centre_above == A[four]
        px, py = ex[:, four], ey[:, four]
        # Centre like the bottom-left corner: cut off the bottom-right and top-left
        # corners, else the bottom-left and top-right ones.
        p1 = np.where(same, 0, 0), np.where(same, 1, 3)
        p2 = np.where(same, 2, 1), np.where(same, 3, 2)
        k = np.arange(px.shape[1])
        for i, j in (p1, p2):
            segs_x.append(np.stack([px[i, k], px[j, k]], axis=1).ravel())
            segs_y.append(np.stack([py[i, k], py[j, k]], axis=1).ravel())
    if not segs_x:
        return np.empty(0), np.empty(0)
    return np.concatenate(segs_x), np.concatenate(segs_y)


def grid_log_levels(Z: np.ndarray, n: int = 20, dynamic_range: float = 1e4) -> np.ndarray:
    """n levels log-spaced in Z − min(Z), from (max − min)/dynamic_range to the max."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.empty(0)
    lo, hi = float(finite.min()), float(finite.max())
    if not hi > lo:
        return np.array([lo])
    span = hi - lo
    return lo + np.geomspace(span / dynamic_range, span, n)


class ContourLayer:
    """An image of log(Z − base) under thin isolines, added to ``plot``."""

    def __init__(self, plot: pg.PlotItem, *, cmap: pg.ColorMap | None = None,
                 line_pen=None) -> None:
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(cmap or light_colormap())
        self.image.setZValue(-20)
        self.lines = pg.PlotCurveItem(
            pen=line_pen or pg.mkPen((70, 80, 95, 150), width=1), connect="pairs")
        self.lines.setZValue(-10)
        plot.addItem(self.image, ignoreBounds=False)
        plot.addItem(self.lines)

    def set_data(self, xs: np.ndarray, ys: np.ndarray, Z: np.ndarray,
                 levels: np.ndarray, base: float | None = None) -> None:
        """Show Z over the grid ``xs`` × ``ys``; colours follow log10(Z − base),
        clipped to the levels' range (``base`` defaults to min Z)."""
        xs = np.asarray(xs, dtype=np.float64)
        ys = np.asarray(ys, dtype=np.float64)
        Z = np.asarray(Z, dtype=np.float64)
        finite = np.isfinite(Z)
        if not finite.any():
            self.clear()
            return
        zmax = float(Z[finite].max())
        Zf = np.where(finite, Z, zmax)
        if base is None:
            base = float(Zf.min())
        levels = np.asarray(levels, dtype=np.float64)
        lo = float(levels[0] - base) if levels.size and levels[0] > base else None
        hi = float(levels[-1] - base) if levels.size and levels[-1] > base else None
        span = max(zmax - base, 1e-300)
        lo = lo or span * 1e-4
        hi = hi if hi and hi > lo else span
        img = np.log10(np.clip(Zf - base, lo, hi))
        self.image.setImage(img, autoLevels=False, levels=(np.log10(lo), np.log10(hi)))
        dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
        dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2,
                                  xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy))
        seg_x, seg_y = [], []
        for level in levels:
            sx, sy = contour_segments(xs, ys, Zf, float(level))
            seg_x.append(sx)
            seg_y.append(sy)
        if seg_x:
            self.lines.setData(np.concatenate(seg_x), np.concatenate(seg_y), connect="pairs")
        else:
            self.lines.setData([], [])
        self.image.show()
        self.lines.show()

    def clear(self) -> None:
        self.image.clear()
        self.lines.setData([], [])
