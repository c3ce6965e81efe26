"""Axis ranges for live plots that move in steps instead of every frame.

pyqtgraph's auto-range fits the view to the data exactly, so while training
every frame moves every axis, and a moved axis costs a recomputed range (a pass
over all the data), new ticks and labels, and a repaint of everything in the
view: about half of the time it takes to draw a frame. ``LiveRange`` takes over
from pyqtgraph's auto-range: it changes the view only when the data leaves it,
or has filled less than 40% of it for a while (so that quantities that jump
from batch to batch, such as gradient histograms, do not move it every frame),
and then with room to spare: a step axis grows to the next round number (1,
1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k), a value axis gets 15% of the data's
span on each side. Measured on workload (a): a frame costs the GUI about half
as much with it.

The user keeps control: dragging or zooming a view stops the following on that
axis (as it stops pyqtgraph's auto-range), and re-enabling auto-range (the "A"
button, a new run) starts it again.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
PAD = 0.15  # room on each side after a refit, as a share of the data's span
SHRINK = 0.4  # refit when the data fills less than this share of the view ...
SHRINK_UPDATES = 20  # ... this many updates in a row (about a second of training)


def nice_ceil(x: float) -> float:
    """The smallest 1-1.2-1.5-2-2.5-3-4-5-6-8 x 10^k number >= x (x > 0)."""
    e = math.floor(math.log10(x))
    for m in NICE:
        if m * 10.0 ** e >= x * (1 - 1e-12):
            return m * 10.0 ** e
    return 10.0 ** (e + 1)


def bounds(*arrays: np.ndarray, log: bool = False) -> tuple[float, float] | None:
    """(min, max) over the finite values of ``arrays`` (in log10 units if ``log``:
    positive values only); None if there is none."""
    lo, hi = math.inf, -math.inf
    for a in arrays:
        a = np.asarray(a, dtype=np.float64).ravel()
        if a.size == 0:
            continue
        if log:
            with np.errstate(all="ignore"):
                a = np.log10(a[a > 0])
        a = a[np.isfinite(a)]
        if a.size:
            lo, hi = min(lo, float(a.min())), max(hi, float(a.max()))
    return (lo, hi) if lo <= hi else None


def merge(*pairs: tuple[float, float] | None) -> tuple[float, float] | None:
    pairs = [p for p in pairs if p is not None]
    if not pairs:
        return None
    return min(p[0] for p in pairs), max(p[1] for p in pairs)


def next_range(current: tuple[float, float] | None, data: tuple[float, float],
               grow: bool = False, small_for: int = 0) -> tuple[float, float] | None:
    """The view range for ``data`` given the ``current`` one, or None to keep it.

    ``grow``: an axis of steps, which only grows: it starts at the data's start
    and ends at the next round number past the data. ``small_for``: for how many
    updates in a row the data has filled less than SHRINK of the view."""
    lo, hi = data
    if grow:
        start, end = min(lo, 0.0), nice_ceil(hi) if hi > 0 else 1.0
        if current is not None and current[0] == start and hi <= current[1] <= end:
            return None
        return start, end
    if current is not None and current[0] <= lo and hi <= current[1] \
            and small_for < SHRINK_UPDATES:
        return None
    span = hi - lo
    if span <= 1e-12 * max(abs(lo), abs(hi), 1e-300):
        return lo - max(0.5 * abs(lo), 0.5), hi + max(0.5 * abs(hi), 0.5)
    return lo - PAD * span, hi + PAD * span


def is_small(current: tuple[float, float] | None, data: tuple[float, float]) -> bool:
    return current is not None and (data[1] - data[0]) < SHRINK * (current[1] - current[0])


class LiveRange:
    """Range management of one pyqtgraph ViewBox, axis by axis (see the module)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.vb = plot.getViewBox()
        self.current: list[tuple[float, float] | None] = [None, None]
        self.follow = [True, True]
        self.small_for = [0, 0]
        self.vb.sigRangeChangedManually.connect(self._manual)

    def following(self, axis: int) -> bool:
        """Whether the view follows the data on ``axis`` (not zoomed or panned by hand)."""
        return self.follow[axis] or self.vb.state["autoRange"][axis] is not False

    def _manual(self, mask) -> None:
        for axis, moved in enumerate(mask):
            if moved:
                self.follow[axis] = False

    def update(self, x: tuple[float, float] | None = None,
               y: tuple[float, float] | None = None, *, grow_x: bool = False) -> None:
        """Show data spanning ``x`` and ``y`` (view units: log10 on a log axis;
        None: leave that axis alone)."""
        new: dict[str, tuple[float, float]] = {}
        for axis, data, key, grow in ((0, x, "xRange", grow_x), (1, y, "yRange", False)):
            if data is None:
                continue
            if self.vb.state["autoRange"][axis] is not False:
                # pyqtgraph's auto-range was switched (back) on: follow from scratch.
                self.vb.enableAutoRange(axis=axis, enable=False)
                self.follow[axis], self.current[axis] = True, None
            if not self.follow[axis]:
                continue
            small = is_small(self.current[axis], data)
            self.small_for[axis] = self.small_for[axis] + 1 if small else 0
            r = next_range(self.current[axis], data, grow, self.small_for[axis])
            if r is not None:
                self.current[axis] = new[key] = r
                self.small_for[axis] = 0
        if new:
            self.vb.setRange(padding=0, **new)
