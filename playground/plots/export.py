"""Export a plot (a PlotItem or GraphicsLayout) as PNG or SVG, as laid out on
screen, and the metrics as CSV/JSON.

Both pictures paint the plot's part of the scene with its items in pyqtgraph's
export mode (no hover buttons; scatter markers as shapes, not cached pixmaps):

- PNG: into an image with a device pixel ratio of at least 2 (800 px wide at
  least) -- text, markers and legend scaled alike, crisp on slides; lines stay
  hairlines, as on a high-resolution screen. (A painter scale, as pyqtgraph's
  ImageExporter uses, leaves the legend and the markers at screen size.)
- SVG: item by item into Qt's own SVG generator, made renderer-independent
  (:mod:`playground.plots.svg_export`, :mod:`playground.plots.svg_flatten`).

pyqtgraph's SVGExporter is not used: it rewrites Qt's markup by parsing it,
which fails on the paths Qt >= 6.11 writes (a bare "Z"; the old fallback then
rendered the scene at 72 dpi, shrinking the axes); and it keeps the cosmetic
pens and clip paths that renderers draw differently (curves past the axes in
QtSvg, lines as filled bands in librsvg).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from core.cli import write_metrics
from playground.plots import svg_export

PLOT_FILTERS = "PNG image (*.png);;SVG vector image (*.svg)"
METRICS_FILTERS = "CSV table (*.csv);;JSON (*.json)"
PNG_SCALE = 2.0
PNG_MIN_WIDTH = 800
SVG_TITLE = "Optimizer Playground"


def export_plot(item, path: str | Path) -> Path:
    """Write ``item`` to ``path``; the format follows the extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        data = svg_bytes(item)
        try:
            path.write_bytes(data)
        except OSError as err:
            raise OSError(f"could not write {path}: {err.strerror or err}") from err
    elif suffix == ".png":
        if not png_image(item).save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    else:
        raise ValueError(f"export as .png or .svg, not {suffix or 'no extension'}")
    return path


def source_rect(item) -> QRectF:
    """The part of the scene the picture shows: the item's bounding rectangle."""
    return item.sceneBoundingRect()


def png_scale(item) -> float:
    return max(PNG_SCALE, PNG_MIN_WIDTH / max(1.0, source_rect(item).width()))


def png_image(item, scale: float | None = None) -> QImage:
    """The plot as an image of ``scale`` (default :func:`png_scale`) times its size."""
    scale = png_scale(item) if scale is None else scale
    src = source_rect(item)
    w, h = max(1.0, src.width()), max(1.0, src.height())
    img = QImage(round(w * scale), round(h * scale), QImage.Format.Format_ARGB32)
    # A device pixel ratio, not a painter scale: items that ignore transformations
    # (legend, markers) scale too.
    img.setDevicePixelRatio(scale)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        _render(item, painter, QRectF(0, 0, w, h))
    finally:
        painter.end()
    img.setDevicePixelRatio(1.0)  # the file is as many pixels as it has
    return img


def svg_bytes(item) -> bytes:
    """The plot as an SVG document (page units: the plot's on-screen pixels)."""
    scene = _scene(item)
    # What QGraphicsScene.render does first in pyqtgraph: views fit pending data
    # (auto-range is applied lazily, just before a paint).
    if hasattr(scene, "prepareForPaint"):
        scene.prepareForPaint()
    src = source_rect(item)
    items = svg_export.paint_order(scene, src)
    out: list[bytes] = []
    with_export_mode(_export_items(item), {"antialias": True},
                     lambda: out.append(svg_export.svg_document(items, src, SVG_TITLE)))
    return out[0]


def _render(item, painter: QPainter, target: QRectF) -> None:
    """Paint ``item``'s part of the scene into ``target`` with its items in export mode."""
    items = _export_items(item)
    with_export_mode(items, {"antialias": True, "painter": painter},
                     lambda: item.scene().render(painter, target, source_rect(item)))


def _scene(item):
    scene = item.scene()
    if scene is None:
        raise RuntimeError("the plot is not shown")
    return scene


def _export_items(item) -> list:
    """The items export mode is set on: all that draw into the picture."""
    return [it for it in _scene(item).items(source_rect(item))]


def with_export_mode(items, opts: dict, draw: Callable[[], None]) -> None:
    """``draw()`` with pyqtgraph's export mode on for ``items`` (off again after)."""
    switched = [it for it in items if hasattr(it, "setExportMode")]
    try:
        for it in switched:
            it.setExportMode(True, opts)
        draw()
    finally:
        for it in switched:
            it.setExportMode(False)


def export_metrics(snapshot, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".json"):
        path = path.with_suffix(".csv")
    write_metrics(snapshot, path)
    return path
