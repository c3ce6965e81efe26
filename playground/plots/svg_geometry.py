"""Geometry for :mod:`playground.plots.svg_flatten`: the SVG shapes Qt's SVG paint
engine writes (``path``, ``polyline``, ``polygon``, ``rect``), read into arrays or
QPainterPaths, moved by an affine map and clipped to an axis-aligned rectangle.

Qt writes absolute commands only (``M``, ``L``, ``C`` with its two control points,
``Z``) and ``points="x,y x,y ..."``; that is all this module reads. Text becomes
glyph outlines (:func:`text_outline`).
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QPainterPath, QTextLayout, QTransform

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_TOKEN = re.compile(rf"[MLCZmlcz]|{_NUMBER}")
_MATRIX = re.compile(rf"matrix\(\s*({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})[\s,]+"
                     rf"({_NUMBER})[\s,]+({_NUMBER})[\s,]+({_NUMBER})\s*\)")


def parse_matrix(text: str | None) -> QTransform | None:
    """``matrix(a,b,c,d,e,f)`` (x' = a x + c y + e, y' = b x + d y + f) as a QTransform;
    None for anything else (Qt writes only this form)."""
    m = _MATRIX.fullmatch((text or "").strip())
    if m is None:
        return None
    a, b, c, d, e, f = (float(v) for v in m.groups())
    return QTransform(a, b, c, d, e, f)


def is_axis_aligned(t: QTransform) -> bool:
    return t.m12() == 0.0 and t.m21() == 0.0


def stroke_scale(t: QTransform) -> float:
    """How much a stroke drawn under ``t`` widens: sqrt|det| (exact for uniform scales)."""
    return float(np.sqrt(abs(t.m11() * t.m22() - t.m12() * t.m21())))


def parse_points(text: str) -> np.ndarray:
    """``points="x,y x,y ..."`` as an (n, 2) array."""
    values = np.array(re.findall(_NUMBER, text or ""), dtype=float)
    return values[: values.size // 2 * 2].reshape(-1, 2)


def transform_points(t: QTransform, pts: np.ndarray) -> np.ndarray:
    x, y = pts[:, 0], pts[:, 1]
    return np.column_stack((t.m11() * x + t.m21() * y + t.dx(),
                            t.m12() * x + t.m22() * y + t.dy()))


def parse_path(d: str) -> QPainterPath:
    """Qt's absolute ``M``/``L``/``C``/``Z`` path data as a QPainterPath."""
    path = QPainterPath()
    tokens = _TOKEN.findall(d or "")
    i, cmd = 0, "M"
    while i < len(tokens):
        tok = tokens[i]
        if tok.isalpha():
            cmd = tok.upper()
            i += 1
            if cmd == "Z":
                path.closeSubpath()
            continue
        n = 6 if cmd == "C" else 2
        vals = [float(v) for v in tokens[i:i + n]]
        if len(vals) < n:
            break
        if cmd == "M":
            path.moveTo(vals[0], vals[1])
            cmd = "L"  # further pairs after M are line-tos
        elif cmd == "L":
            path.lineTo(vals[0], vals[1])
        elif cmd == "C":
            path.cubicTo(*vals)
        i += n
    return path


def fmt(v: float) -> str:
    return f"{v:.6g}"


def path_data(path: QPainterPath) -> str:
    """A QPainterPath as absolute SVG path data."""
    out = []
    i, n = 0, path.elementCount()
    while i < n:
        e = path.elementAt(i)
        if e.isMoveTo():
            out.append(f"M{fmt(e.x)},{fmt(e.y)}")
        elif e.isLineTo():
            out.append(f"L{fmt(e.x)},{fmt(e.y)}")
        elif e.isCurveTo() and i + 2 < n:
            c2, end = path.elementAt(i + 1), path.elementAt(i + 2)
            out.append(f"C{fmt(e.x)},{fmt(e.y)} {fmt(c2.x)},{fmt(c2.y)} "
                       f"{fmt(end.x)},{fmt(end.y)}")
            i += 2
        i += 1
    return " ".join(out)


def polylines_data(runs: list[np.ndarray]) -> str:
    """Open polylines as SVG path data (one ``M ... L ...`` subpath each)."""
    parts = []
    for run in runs:
        coords = [f"{fmt(x)},{fmt(y)}" for x, y in run]
        parts.append("M" + coords[0] + (" L" + " L".join(coords[1:]) if len(coords) > 1 else ""))
    return " ".join(parts)


def rect_path(x: float, y: float, w: float, h: float) -> QPainterPath:
    path = QPainterPath()
    path.addRect(QRectF(x, y, w, h))
    return path


def subpaths(path: QPainterPath) -> list[np.ndarray]:
    """The subpaths of ``path`` as point arrays, curves flattened (closed ones end where
    they start)."""
    return [np.array([(p.x(), p.y()) for p in poly], dtype=float)
            for poly in path.toSubpathPolygons(QTransform()) if poly.size() > 0]


def clip_polyline(pts: np.ndarray, rect: QRectF) -> list[np.ndarray]:
    """The parts of the open polyline ``pts`` inside ``rect`` (Liang-Barsky per
    segment): segment i, from P_i to P_i+1 = P_i + d_i, keeps t in [t0_i, t1_i] where
    t0 = max(0, q_k / p_k for p_k < 0), t1 = min(1, q_k / p_k for p_k > 0) over the four
    edges (p = (-dx, dx, -dy, dy), q = distances of P_i to the edges); consecutive kept
    segments that are not cut join into one run."""
    finite = np.isfinite(pts).all(axis=1)
    if not finite.all():  # a gap in the data: each finite stretch on its own
        cuts = np.flatnonzero(np.diff(np.concatenate(([0], finite.astype(np.int8), [0]))))
        return [run for a, b in zip(cuts[::2], cuts[1::2], strict=True)
                for run in clip_polyline(pts[a:b], rect)]
    if pts.shape[0] < 2:
        inside = (pts.shape[0] == 1 and rect.contains(QPointF(*pts[0])))
        return [pts] if inside else []
    p0, d = pts[:-1], np.diff(pts, axis=0)
    p = np.stack([-d[:, 0], d[:, 0], -d[:, 1], d[:, 1]], axis=1)
    q = np.stack([p0[:, 0] - rect.left(), rect.right() - p0[:, 0],
                  p0[:, 1] - rect.top(), rect.bottom() - p0[:, 1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = q / p
    t0 = np.max(np.where(p < 0, ratio, 0.0), axis=1, initial=0.0)
    t1 = np.min(np.where(p > 0, ratio, 1.0), axis=1, initial=1.0)
    visible = (t0 <= t1) & ~np.any((p == 0) & (q < 0), axis=1)
    joins = visible[:-1] & visible[1:] & (t1[:-1] == 1.0) & (t0[1:] == 0.0)
    runs, i, n = [], 0, len(visible)
    while i < n:
        if not visible[i]:
            i += 1
            continue
        j = i
        while j < n - 1 and joins[j]:
            j += 1
        seg = slice(i, j + 1)
        ends = p0[seg] + t1[seg, None] * d[seg]
        runs.append(np.vstack([p0[i] + t0[i] * d[i], ends]))
        i = j + 1
    return runs


def rect_contains(outer: QRectF, inner: QRectF) -> bool:
    """``outer`` contains ``inner``, edges included (QRectF.contains is strict on them)."""
    return (inner.left() >= outer.left() and inner.right() <= outer.right()
            and inner.top() >= outer.top() and inner.bottom() <= outer.bottom())


def text_outline(text: str, x: float, y: float, font: QFont) -> QPainterPath:
    """The glyph outlines of ``text`` with its baseline starting at (x, y), each glyph
    where Qt's own layout of ``font`` places it (the advances the screen used)."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    if not line.isValid():
        layout.endLayout()
        return QPainterPath()
    line.setLineWidth(1e9)
    line.setPosition(QPointF(0.0, 0.0))
    layout.endLayout()
    out = QPainterPath()
    dy = y - line.ascent()
    for run in layout.glyphRuns():
        raw = run.rawFont()
        for index, pos in zip(run.glyphIndexes(), run.positions(), strict=False):
            glyph = raw.pathForGlyph(index)
            out.addPath(glyph.translated(x + pos.x(), dy + pos.y()))
    out.setFillRule(Qt.FillRule.WindingFill)
    return out
