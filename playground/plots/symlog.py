"""A symmetric-log axis, for values of either sign spanning many decades (the
weight gradients of a deep network: 1e-19 in the first layers, 1e-1 in the last).

    t(x) = sign(x) * log10(1 + |x| / c),      x(t) = sign(t) * c * (10^|t| - 1)

is linear for |x| << c and logarithmic beyond: each decade above c takes the
same room, and everything much smaller than c sits at 0. ``threshold`` picks c
as DECADES decades below the largest magnitude (a power of ten, kept while the
magnitude stays within a decade of where it was, so the axis does not move
with every batch). On such an axis a vanishing layer is a spike at 0 and a
healthy one spreads over the decades: position means magnitude, as a reader
expects. Cf. matplotlib's ``SymmetricalLogScale``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

DECADES = 6  # shown above the linear threshold
MAX_TICKS = 7


LN10 = math.log(10.0)


def forward(x, c: float) -> np.ndarray:
    """t(x); log1p keeps |x| << c exact (t ~ x / (c ln 10)), so it round-trips."""
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.log1p(np.abs(x) / c) / LN10


def inverse(t, c: float) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)
    return np.sign(t) * c * np.expm1(np.abs(t) * LN10)


def threshold(largest: float, current: float | None = None) -> float:
    """c for values up to ``largest`` in magnitude; ``current`` is kept while
    ``largest`` lies within [current * 10^(DECADES-1), current * 10^(DECADES+1)]."""
    if not (math.isfinite(largest) and largest > 0):
        return current if current is not None else 1.0
    if current is not None and current * 10.0 ** (DECADES - 1) <= largest \
            <= current * 10.0 ** (DECADES + 1):
        return current
    return 10.0 ** (math.floor(math.log10(largest)) - DECADES)


def label(x: float) -> str:
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}" if abs(x) < 1e-3 or abs(x) >= 1e4 else f"{x:g}"


class SymLogAxis(pg.AxisItem):  # (its own ticks: FitAxis's spacing does not apply)
    """An axis in t units that labels 0 and +-c*10^k (k = 1, 2, ...) in plain x."""

    def __init__(self, orientation: str = "bottom") -> None:
        super().__init__(orientation=orientation)
        self.c = 1.0
        self.enableAutoSIPrefix(False)

    def set_threshold(self, c: float) -> None:
        if c != self.c:
            self.c = c
            self.picture = None
            self.update()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 - pyqtgraph override
        lo, hi = min(minVal, maxVal), max(minVal, maxVal)
        # Labels one label's width apart at least (t = log10(1 + 10^k) ~ k: decade k of
        # c sits at t ~ k), counted down from the largest decade in view, which is
        # always labelled; none closer to 0 than that gap either.
        font = self.style["tickFont"] or QFont()
        label_px = QFontMetricsF(font).horizontalAdvance("\u22121e-10") * 1.15
        per_t = size / max(hi - lo, 1e-9)  # pixels per decade
        # Half a label from the ends: pyqtgraph hides a label that sticks out.
        top = int(math.floor(max(abs(lo), abs(hi)) - 0.5 * label_px / max(per_t, 1e-9)))
        every = max(1, math.ceil(label_px / max(per_t, 1e-9)), math.ceil(top / MAX_TICKS))
        ts = [0.0] + [s * float(forward(self.c * 10.0 ** k, self.c))
                      for k in range(top, every - 1, -every) for s in (1, -1)]
        return [(1.0, sorted(t for t in ts if lo <= t <= hi))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [label(float(inverse(v, self.c))) for v in values]
