"""Save a pyqtgraph plot as PNG or SVG, as laid out on screen.

PNG: the plot's part of the scene rendered into an image with a device pixel
ratio of 2 — twice the on-screen resolution, text, lines, markers and legend
all scaled alike (crisp on slides).

SVG: pyqtgraph's SVGExporter. Under Qt 6.12 the SVG paths Qt writes close with
a bare "Z" token, which the exporter's coordinate rewriting cannot parse (every
export fails with "not enough values to unpack"). While the lab exports, that
step first replaces each "Z" by an explicit line back to the subpath's start —
the same outline — and is restored right after (:func:`_svg_closepath_fix`).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import pyqtgraph.exporters as exporters
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

PICTURE_FILTERS = "PNG image (*.png);;SVG vector image (*.svg)"
PNG_SCALE = 2.0


def _close_paths(node) -> None:
    """Rewrite "Z"/"z" in every <path d=...> below ``node`` as "L<start of subpath>"."""
    for el in node.getElementsByTagName("path"):
        d = el.getAttribute("d").strip()
        if "Z" not in d and "z" not in d:
            continue
        out, start = [], None
        for tok in d.split():
            if tok in ("Z", "z"):
                if start is not None:
                    out.append("L" + start)
                continue
            if tok[0] in "Mm":
                start = tok[1:]
            out.append(tok)
        el.setAttribute("d", " ".join(out))


@contextmanager
def _svg_closepath_fix():
    mod = sys.modules[exporters.SVGExporter.__module__]
    original = mod.correctCoordinates

    def correct(node, defs, item, options):
        _close_paths(node)
        return original(node, defs, item, options)

    mod.correctCoordinates = correct
    try:
        yield
    finally:
        mod.correctCoordinates = original


def save_plot(item, path: str | Path) -> Path:
    """Write the PlotItem ``item`` to ``path``; the format follows the extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        with _svg_closepath_fix():
            exporters.SVGExporter(item).export(str(path))
    elif suffix == ".png":
        source = item.sceneBoundingRect()
        w, h = max(1.0, source.width()), max(1.0, source.height())
        # A device pixel ratio, not a painter scale: the legend and the markers
        # ignore transformations and would otherwise stay at screen size.
        img = QImage(round(w * PNG_SCALE), round(h * PNG_SCALE), QImage.Format.Format_ARGB32)
        img.setDevicePixelRatio(PNG_SCALE)
        img.fill(Qt.GlobalColor.white)
        painter = QPainter(img)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        try:
            item.scene().render(painter, QRectF(0, 0, w, h), source)
        finally:
            painter.end()
        if not img.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    else:
        raise ValueError(f"save the picture as .png or .svg, not {suffix or 'no extension'}")
    if not path.exists():
        raise OSError(f"could not write {path}")
    return path
