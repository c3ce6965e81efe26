"""Export a plot as PNG or SVG (pyqtgraph exporters) and the metrics as CSV/JSON."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph.exporters as exporters
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

from core.cli import write_metrics

PLOT_FILTERS = "PNG image (*.png);;SVG vector image (*.svg)"
METRICS_FILTERS = "CSV table (*.csv);;JSON (*.json)"


def export_plot(item, path: str | Path) -> Path:
    """Write ``item`` (a PlotItem or GraphicsLayout) to ``path``; format by extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        try:
            exporters.SVGExporter(item).export(str(path))
        except ValueError:
            # pyqtgraph 0.14 cannot parse the SVG paths Qt 6.12 writes; render the
            # scene straight into an SVG instead (same picture, less tidy markup).
            _render_svg(item, path)
        return path
    if suffix == ".png":
        exporter = exporters.ImageExporter(item)
        # Twice the on-screen size: crisp on slides.
        exporter.parameters()["width"] = max(800, int(item.boundingRect().width() * 2))
    else:
        raise ValueError(f"export as .png or .svg, not {suffix or 'no extension'}")
    exporter.export(str(path))
    return path


def _render_svg(item, path: Path) -> None:
    scene = item.scene()
    source = item.sceneBoundingRect()
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(source.size().toSize())
    gen.setViewBox(QRectF(0, 0, source.width(), source.height()))
    gen.setTitle("Optimizer Playground")
    painter = QPainter(gen)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
    finally:
        painter.end()
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"could not write {path}")


def export_metrics(snapshot, path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".json"):
        path = path.with_suffix(".csv")
    write_metrics(snapshot, path)
    return path
