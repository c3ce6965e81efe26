"""Colours of the network view: weights and unit outputs share one diverging scale,
blue for negative, white for the activation's h(0), orange for positive (the
boundary's class colours: a positive output logit means class 1)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

from playground.plots import style

NEGATIVE = style.class_color(0)
POSITIVE = style.class_color(1)
DEAD = style.DIVERGED  # red frame
SATURATED = "#9467bd"  # purple frame
FOCUS = "#111111"
HOVER = "#555555"
GRID = "#c8c8c8"


def _rgb(colour: str) -> np.ndarray:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def diverging_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8: NEGATIVE at 0, white in the middle, POSITIVE at n - 1."""
    t = np.linspace(-1.0, 1.0, n)[:, None]
    white = np.full(3, 255.0)
    neg, pos = _rgb(NEGATIVE), _rgb(POSITIVE)
    rgb = np.where(t < 0, white + (neg - white) * -t, white + (pos - white) * t)
    return np.concatenate([rgb, np.full((n, 1), 255.0)], axis=1).round().astype(np.ubyte)


LUT = diverging_lut()


def scaled(values: np.ndarray, center: float, span: float) -> np.ndarray:
    """``values`` in [0, 1] on the diverging scale: ``center`` at 1/2, center ± span at
    the ends (a zero span: all white)."""
    if not np.isfinite(span) or span <= 0:
        return np.full(np.shape(values), 0.5)
    return np.clip(0.5 + 0.5 * (np.asarray(values) - center) / span, 0.0, 1.0)


def own_span(center: float, lo: float, hi: float) -> float:
    """The half-width that spreads one map's own range [lo, hi] around ``center``."""
    return max(abs(lo - center), abs(hi - center))


def rgba(values: np.ndarray, center: float, span: float) -> np.ndarray:
    """``values`` (any shape) as RGBA uint8 (shape + (4,)) on the diverging scale."""
    t = scaled(values, center, span)
    return LUT[np.nan_to_num(t * (len(LUT) - 1), nan=(len(LUT) - 1) / 2).astype(np.intp)]
