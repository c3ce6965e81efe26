"""The :class:`Surface` type: one 2-D test function with its analytic value,
gradient and Hessian, and what the lab needs to show and race on it.

The factories that build them live in :mod:`core.lab.surfaces.factory`, the
definitions in :mod:`core.lab.surfaces.classic` and
:mod:`core.lab.surfaces.quadratic`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Point", "Surface", "Window"]

Point = tuple[float, float]
Window = tuple[tuple[float, float], tuple[float, float]]


def _xy(p: Any) -> tuple[float, float]:
    a = np.asarray(p, dtype=np.float64)
    if a.shape != (2,):
        raise ValueError(f"a surface point must have shape (2,), got {a.shape}")
    return float(a[0]), float(a[1])



@dataclass(frozen=True, eq=False)
class Surface:
    """One 2-D test function with everything the path runner and the lab need.

    Fields:
        name, label, formula, reference: identification and legend text.
        window: ((xmin, xmax), (ymin, ymax)), a sensible view.
        start: the default start point of a race.
        minima: the minima the race aims for (all global minima; Rastrigin's
            many local minima are not listed). Empty for the saddle.
        saddles: known saddle points (first-order stationary, indefinite Hessian).
        min_value: f at the global minimum; ``-inf`` when unbounded below.
        bounded_below: False for the saddle x² − y².
        default_hyper: optimizer name → hyper-parameters (read-only mappings)
            for every optimizer in ``core.optim.OPTIMIZERS`` and for the
            second-order references ``newton`` and ``newton_damped``.
        options: the factory options this surface was built with (e.g. κ).
        level_floor: the lowest contour level above f_min used by ``log_levels``.

    The dataclass is frozen; mappings are read-only views. Pickling rebuilds the
    surface from ``name`` and ``options``.
    """

    name: str
    label: str
    formula: str
    reference: str
    window: Window
    start: Point
    minima: tuple[Point, ...]
    saddles: tuple[Point, ...]
    min_value: float
    bounded_below: bool
    default_hyper: Mapping[str, Mapping[str, float]]
    options: Mapping[str, float]
    level_floor: float
    _f: Callable[[Any, Any], Any] = field(repr=False)
    _g: Callable[[float, float], tuple[float, float]] = field(repr=False)
    _h: Callable[[float, float], tuple[float, float, float]] = field(repr=False)

    # -- evaluation

    def value(self, p: Any) -> float:
        """f(p) for one point p = (x, y)."""
        x, y = _xy(p)
        return float(self._f(x, y))

    def gradient(self, p: Any) -> np.ndarray:
        """∇f(p), a new float64 array of shape (2,)."""
        x, y = _xy(p)
        return np.array(self._g(x, y), dtype=np.float64)

    def hessian(self, p: Any) -> np.ndarray:
        """∇²f(p), a new symmetric float64 array of shape (2, 2)."""
        x, y = _xy(p)
        hxx, hxy, hyy = self._h(x, y)
        return np.array([[hxx, hxy], [hxy, hyy]], dtype=np.float64)

    def value_grid(self, X: Any, Y: Any) -> np.ndarray:
        """f over arrays X, Y of equal shape (e.g. from ``np.meshgrid``), vectorised."""
        X = np.asarray(X, dtype=np.float64)
        Y = np.asarray(Y, dtype=np.float64)
        if X.shape != Y.shape:
            raise ValueError(f"X and Y must have the same shape, got {X.shape} and {Y.shape}")
        return np.asarray(self._f(X, Y), dtype=np.float64)

    def grid(self, n: int = 201) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X, Y, Z) on an n × n meshgrid over the window (rows follow y)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"grid size must be an integer >= 2, got {n!r}")
        (x0, x1), (y0, y1) = self.window
        X, Y = np.meshgrid(np.linspace(x0, x1, int(n)), np.linspace(y0, y1, int(n)))
        return X, Y, self.value_grid(X, Y)

    # -- geometry

    def distance_to_minimum(self, p: Any) -> float:
        """Euclidean distance from p to the nearest listed minimum.

        NaN when the surface lists no minimum (the saddle x² − y² has none: a
        distance to the saddle point would reward getting stuck there).
        """
        x, y = _xy(p)
        if not self.minima:
            return math.nan
        return min(math.hypot(x - mx, y - my) for mx, my in self.minima)

    def log_levels(self, n: int = 30, floor: float | None = None) -> np.ndarray:
        """n ascending contour levels (values of f), log-spaced in f − f_min.

        f_min is the global minimum value, or for a surface unbounded below the
        lowest value on a 201 × 201 grid over the window. The levels run
        geometrically from f_min + ``floor`` (default: the surface's
        ``level_floor``, chosen so the basin of the minimum still shows a few
        rings) to the highest value on that grid, and are returned as values of
        f, ready for contouring ``value_grid``.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"number of levels must be an integer >= 2, got {n!r}")
        lo = self.level_floor if floor is None else floor
        _, _, Z = self.grid(201)
        fmin = float(Z.min())
        if self.bounded_below:
            fmin = min(fmin, self.min_value)
        hi = float(Z.max()) - fmin
        if isinstance(lo, bool) or not isinstance(lo, (int, float, np.integer, np.floating)) \
                or not (math.isfinite(lo) and 0.0 < lo < hi):
            raise ValueError(f"level floor must be a number in (0, {hi:g}), got {lo!r}")
        return fmin + np.geomspace(float(lo), hi, int(n))

    # -- defaults

    def hyper_for(self, optimizer: str) -> dict[str, float]:
        """A fresh dict of this surface's default hyper-parameters for ``optimizer``.

        An optimizer without an entry gets ``{}`` (its class defaults).
        """
        return dict(self.default_hyper.get(optimizer, {}))

    def __reduce__(self):
        return (_rebuild, (self.name, dict(self.options)))



def _rebuild(name: str, options: dict[str, float]) -> Surface:
    # Imported here: the factory module builds Surfaces, so it imports this one.
    from core.lab.surfaces.factory import make_surface

    return make_surface(name, **options)
