"""The lab's exports: the map with its trails as a picture (PNG or SVG) and every
racer's recorded path as CSV — with a file dialog when no path is given, and a
line for the status bar (``say(text, error=...)``) saying what happened."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QFileDialog, QWidget

from core.lab.race import RacePath, paths_to_csv
from playground.lab.picture import PICTURE_FILTERS, save_plot

__all__ = ["save_paths", "save_picture"]

Say = Callable[..., None]


def _ask(parent: QWidget, title: str, name: str, filters: str,
         suffix: Callable[[str], str]) -> str | None:
    """A save dialog; a name without extension gets ``suffix(chosen filter)``."""
    path, chosen = QFileDialog.getSaveFileName(parent, title, name, filters)
    if not path:
        return None
    return path if Path(path).suffix else path + suffix(chosen or "")


def save_picture(parent: QWidget, plot: pg.PlotItem, surface_name: str, say: Say,
                 path: str | None = None) -> Path | None:
    """Save ``plot`` as shown (PNG or SVG by extension); None when cancelled or failed."""
    if path is None:
        path = _ask(parent, "Save the picture", f"race_{surface_name}.png", PICTURE_FILTERS,
                    lambda chosen: ".svg" if "svg" in chosen.lower() else ".png")
        if path is None:
            return None
    try:
        out = save_plot(plot, path)
    except Exception as err:  # noqa: BLE001 - report, never crash
        say(f"Could not save the picture: {err}", error=True)
        return None
    say(f"Saved {out}")
    return out


def save_paths(parent: QWidget, paths: Mapping[str, RacePath], surface_name: str, say: Say,
               path: str | None = None) -> Path | None:
    """Write ``paths`` as CSV (``core.lab.race.paths_to_csv``); None when cancelled or failed."""
    if path is None:
        path = _ask(parent, "Save the paths", f"paths_{surface_name}.csv", "CSV table (*.csv)",
                    lambda _: ".csv")
        if path is None:
            return None
    try:
        paths_to_csv(paths, path)
    except OSError as err:
        say(f"Could not save the paths: {err}", error=True)
        return None
    say(f"Saved {path}")
    return Path(path)
