"""Save a pyqtgraph plot as PNG or SVG, as laid out on screen: the app's one plot
export, :func:`playground.plots.export.export_plot` (PNG at twice the screen
resolution; SVG that every renderer draws as the PNG shows)."""

from __future__ import annotations

from pathlib import Path

from playground.plots.export import PLOT_FILTERS, export_plot

PICTURE_FILTERS = PLOT_FILTERS


def save_plot(item, path: str | Path) -> Path:
    """Write the PlotItem ``item`` to ``path``; the format follows the extension."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        suffix = path.suffix.lower()
        raise ValueError(f"save the picture as .png or .svg, not {suffix or 'no extension'}")
    return export_plot(item, path)
