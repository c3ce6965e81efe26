"""2-D test surfaces on which the optimizers race (the lecture's "Comparison" slide).

Every surface has an analytic value f(x, y), gradient ∇f and Hessian ∇²f for one
point ``p`` of shape (2,), and a vectorised ``value_grid(X, Y)`` (plain NumPy) for
contour plots over a meshgrid. The surfaces are tiny, so they are written in
plain Python/NumPy; numba buys nothing here.

Each :class:`Surface` also carries what the lab view needs: its known minima
(and saddle points), a view window, a classic start point, a label and formula
for the legend, log-spaced contour levels, and per-surface default
hyper-parameters for every optimizer (tuned so each one behaves reasonably
within a few hundred steps from the default start; see the notes at each table).

Usage::

    s = SURFACES.get("beale")                   # defaults
    q = make_surface("ill_conditioned", condition=200.0, angle=30.0)
    s.value((1.0, 1.5)), s.gradient(p), s.hessian(p)
    Z = s.value_grid(*np.meshgrid(xs, ys))
    levels = s.log_levels(30)
    hyper = s.hyper_for("adam")                 # a fresh dict for create("adam", **hyper)

Surfaces (references in each factory's docstring): Rosenbrock (1960), Beale
(1958), Himmelblau (1972), the saddle x² − y², an ill-conditioned
quadratic (a long narrow valley, condition number κ adjustable), Rastrigin (1974).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from core.common.registry import Registry

__all__ = ["HIMMELBLAU_MAXIMUM", "SURFACES", "Surface", "make_surface", "surface_options"]

Point = tuple[float, float]
Window = tuple[tuple[float, float], tuple[float, float]]

SURFACES: Registry[Surface] = Registry("surface")

def _xy(p: Any) -> tuple[float, float]:
    a = np.asarray(p, dtype=np.float64)
    if a.shape != (2,):
        raise ValueError(f"a surface point must have shape (2,), got {a.shape}")
    return float(a[0]), float(a[1])


def _frozen(d: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in d.items()})


def _race_hyper(*, sgd: float, momentum: float, adagrad: float, rmsprop: float, adam: float,
                damping: float, gamma: float = 0.9, adadelta_eps: float = 1e-4
                ) -> Mapping[str, Mapping[str, float]]:
    """A surface's default hyper-parameters for every racer. Momentum and Nesterov
    share a learning rate and γ; the Adam family (Adam, AdamW, Nadam, AMSGrad)
    shares one learning rate; Adadelta runs with μ = 1, ρ = 0.95."""
    return _frozen({
        "sgd": {"lr": sgd},
        "momentum": {"lr": momentum, "momentum": gamma},
        "nesterov": {"lr": momentum, "momentum": gamma},
        "adagrad": {"lr": adagrad},
        "rmsprop": {"lr": rmsprop},
        "adadelta": {"lr": 1.0, "rho": 0.95, "eps": adadelta_eps},
        "adam": {"lr": adam},
        "adamw": {"lr": adam, "weight_decay": 0.01},
        "nadam": {"lr": adam},
        "amsgrad": {"lr": adam},
        "newton": {"lr": 1.0},
        "newton_damped": {"lr": 1.0, "damping": damping},
    })


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
            for every optimizer in ``core.optim.optimizers.OPTIMIZERS`` and for the
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
    return make_surface(name, **options)


# ---------------------------------------------------------------- the factories

_FACTORIES: dict[str, Callable[..., Surface]] = {}
_OPTIONS: dict[str, dict[str, float]] = {}


def _factory(name: str, **option_defaults: float):
    def add(fn: Callable[..., Surface]) -> Callable[..., Surface]:
        _FACTORIES[name] = fn
        _OPTIONS[name] = dict(option_defaults)
        return fn

    return add


def _option(name: str, key: str, value: Any, *, lo: float, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"surface {name!r}: option {key!r} must be a real number, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"surface {name!r}: option {key!r} must be in [{lo}, {hi}], got {v!r}")
    return v


def make_surface(name: str, **options: Any) -> Surface:
    """Build surface ``name`` with factory options (see :func:`surface_options`).

    Options: ``rosenbrock``: b (default 100); ``ill_conditioned``: condition κ
    (default 50, ≥ 1) and angle in degrees (default 0: valley along x);
    ``rastrigin``: A (default 10). Without options this equals
    ``SURFACES.get(name)``. Unknown names or options raise ``ValueError``.
    """
    if not isinstance(name, str) or name not in _FACTORIES:
        SURFACES.get(name)  # raises the registry's "unknown surface ..." ValueError
        raise ValueError(f"unknown surface {name!r}")
    if not options and name in SURFACES:
        return SURFACES.get(name)
    allowed = _OPTIONS[name]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        takes = ", ".join(allowed) if allowed else "no options"
        raise ValueError(f"surface {name!r} has no option(s) {unknown}; it takes: {takes}")
    return _FACTORIES[name](**options)


def surface_options(name: str) -> dict[str, float]:
    """The factory options of surface ``name`` with their default values."""
    if not isinstance(name, str) or name not in _OPTIONS:
        SURFACES.get(name)
        raise ValueError(f"unknown surface {name!r}")
    return dict(_OPTIONS[name])


# ---------------------------------------------------------------- Rosenbrock


# Tuned with core.lab.race.run_paths from the default start (-1.5, 2), 500 steps, no
# noise, scanning lr over 1e-4 ... 1 (f0 = 12.5; distance to (1, 1) at step 500):
#   sgd 1e-3: crawls along the valley to (-1.11, 1.25), f 4.5 (2e-3 is the edge,
#     5e-3 leaves the box in 2 steps: the curvature across the valley is ~1900);
#   momentum / nesterov 1e-3, γ 0.9: reach (0.93, 0.87) / (0.96, 0.92) — same lr
#     as sgd, ten times the effective step (nesterov at 1.5e-3 diverges);
#   adagrad 1.0: f 3.5 (its accumulated G stalls it in the valley);
#   rmsprop 0.02: f 0.36; adadelta (1, ρ 0.95, ε 1e-4): f 1.4;
#   adam / nadam / amsgrad 0.1: within 0.21 / 0.21 / 0.28, f ~0.01;
#   newton: exact in 5 steps; newton_damped (δ 3): within 0.01 after 48 steps.
_ROSENBROCK_HYPER = _race_hyper(sgd=1e-3, momentum=1e-3, adagrad=1.0, rmsprop=0.02,
                               adam=0.1, damping=3.0)


@_factory("rosenbrock", b=100.0)
def _rosenbrock(b: float = 100.0) -> Surface:
    """Rosenbrock's banana valley, a = 1.

        f = (1 − x)² + b·(y − x²)²
        ∇f = (−2(1 − x) − 4b·x(y − x²),  2b(y − x²))
        ∇²f = [[2 − 4b·y + 12b·x², −4b·x], [−4b·x, 2b]]

    Global minimum f = 0 at (1, 1). The valley floor y = x² is easy to reach and
    hard to follow. Reference: H. H. Rosenbrock (1960), "An automatic method for
    finding the greatest or least value of a function", The Computer Journal 3(3).
    """
    b = _option("rosenbrock", "b", b, lo=1e-3, hi=1e4)

    def f(x, y):
        return (1.0 - x) ** 2 + b * (y - x * x) ** 2

    def g(x, y):
        r = y - x * x
        return -2.0 * (1.0 - x) - 4.0 * b * x * r, 2.0 * b * r

    def h(x, y):
        return 2.0 - 4.0 * b * y + 12.0 * b * x * x, -4.0 * b * x, 2.0 * b

    return Surface(
        name="rosenbrock", label="Rosenbrock",
        formula=f"f = (1 − x)² + {b:g}·(y − x²)²",
        reference="Rosenbrock (1960), The Computer Journal 3(3):175–184.",
        window=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.5, 2.0),
        minima=((1.0, 1.0),), saddles=(), min_value=0.0, bounded_below=True,
        default_hyper=_ROSENBROCK_HYPER, options=MappingProxyType({"b": b}),
        level_floor=0.01, _f=f, _g=g, _h=h,
    )


# ---------------------------------------------------------------- Beale

_BEALE_C = (1.5, 2.25, 2.625)

# Start (1, 1.5), f0 = 41.25: the racers first drop towards the flat floor
# around y ≈ 0.5 and then turn along it to the minimum (3, 0.5); some pass near
# the saddle (0, 1). Tuned with run_paths, 500 steps, no noise (distance to the
# minimum at step 500):
#   sgd 0.01: 0.094 (0.05 leaves the box at step 1);
#   momentum / nesterov 2e-3, γ 0.9: 0.011 / 0.013 (1e-2 diverges within 7 steps);
#   adagrad 0.5: 0.084; rmsprop 0.01: 0.009; adadelta (1, ρ 0.95, ε 1e-4): 0.19;
#   adam / nadam / amsgrad 0.1: 0.005 / 0.003 / 0.009;
#   newton: converges onto the saddle (0, 1) — it seeks stationary points;
#   newton_damped (δ 5): exact after ~50 steps (δ 1 leaves the box at once).
_BEALE_HYPER = _race_hyper(sgd=0.01, momentum=2e-3, adagrad=0.5, rmsprop=0.01,
                               adam=0.1, damping=5.0)


@_factory("beale")
def _beale() -> Surface:
    """Beale's function, flat plateaus and steep walls.

        u_i = c_i − x + x·y^i,  c = (1.5, 2.25, 2.625),   f = Σ u_i²
        ∂u_i/∂x = y^i − 1,  ∂u_i/∂y = i·x·y^(i−1)
        ∇f = 2 Σ u_i ∇u_i,   ∇²f = 2 Σ (∇u_i ∇u_iᵀ + u_i ∇²u_i),
        ∇²u_i = [[0, i·y^(i−1)], [i·y^(i−1), i(i−1)·x·y^(i−2)]]

    Global minimum f = 0 at (3, 0.5); a saddle at (0, 1). Reference: E. M. L.
    Beale (1958), "On an iterative method for finding a local minimum of a
    function of more than one variable", Tech. Rep. 25, Statistical Techniques
    Research Group, Princeton University.
    """

    def f(x, y):
        y2 = y * y
        u1 = 1.5 - x + x * y
        u2 = 2.25 - x + x * y2
        u3 = 2.625 - x + x * y2 * y
        return u1 * u1 + u2 * u2 + u3 * u3

    def g(x, y):
        y2 = y * y
        y3 = y2 * y
        u1, u2, u3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        gx = 2.0 * (u1 * (y - 1.0) + u2 * (y2 - 1.0) + u3 * (y3 - 1.0))
        gy = 2.0 * (u1 * x + u2 * 2.0 * x * y + u3 * 3.0 * x * y2)
        return gx, gy

    def h(x, y):
        y2 = y * y
        y3 = y2 * y
        u1, u2, u3 = 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3
        a1, a2, a3 = y - 1.0, y2 - 1.0, y3 - 1.0  # ∂u_i/∂x
        b1, b2, b3 = x, 2.0 * x * y, 3.0 * x * y2  # ∂u_i/∂y
        hxx = 2.0 * (a1 * a1 + a2 * a2 + a3 * a3)
        hxy = 2.0 * (a1 * b1 + u1 + a2 * b2 + u2 * 2.0 * y + a3 * b3 + u3 * 3.0 * y2)
        hyy = 2.0 * (b1 * b1 + b2 * b2 + u2 * 2.0 * x + b3 * b3 + u3 * 6.0 * x * y)
        return hxx, hxy, hyy

    return Surface(
        name="beale", label="Beale",
        formula="f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
        reference="Beale (1958), Tech. Rep. 25, Statistical Techniques Research Group, "
                  "Princeton University.",
        window=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5),
        minima=((3.0, 0.5),), saddles=((0.0, 1.0),), min_value=0.0, bounded_below=True,
        default_hyper=_BEALE_HYPER, options=MappingProxyType({}),
        level_floor=0.01, _f=f, _g=g, _h=h,
    )


# ---------------------------------------------------------------- Himmelblau

# Minima and saddles polished with Newton's method in float64 (|∇f| < 2e-14).
_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.2831859912861696),
    (3.5844283403304917, -1.8481265269644034),
)
_HIMMELBLAU_SADDLES = (
    (0.08667750455539634, 2.884254701174776),
    (-3.0730257507643897, -0.08135304428796751),
    (3.385154183607021, 0.07385187983774928),
    (-0.12796134673068005, -1.9537149802445766),
)
#: Himmelblau's local maximum (not a race target; shown for completeness).
HIMMELBLAU_MAXIMUM = (-0.2708445906673476, -0.9230385564799815)

# Start (-0.5, -4.5), f0 = 395, at the bottom edge between basins. Tuned with
# run_paths, 500 steps, no noise: sgd 5e-3 (0.05 diverges), nesterov 2e-3,
# adagrad 1.0, adam family 0.1 reach (-3.78, -3.28) within 1e-10; momentum 2e-3
# (γ 0.9) swings over to (-2.81, 3.13) — same start, a different minimum;
# rmsprop 0.02 hovers within 0.014; adadelta (1, ρ 0.95, ε 1e-4) within 0.11;
# newton converges onto the saddle (-0.13, -1.95); newton_damped (δ 10) reaches
# (-3.78, -3.28) in 4 steps (δ 1 detours 34 units away first).
_HIMMELBLAU_HYPER = _race_hyper(sgd=5e-3, momentum=2e-3, adagrad=1.0, rmsprop=0.02,
                               adam=0.1, damping=10.0)


@_factory("himmelblau")
def _himmelblau() -> Surface:
    """Himmelblau's function: four global minima (f = 0), one maximum, four saddles.

        a = x² + y − 11,  c = x + y² − 7,   f = a² + c²
        ∇f = (4x·a + 2c,  2a + 4y·c)
        ∇²f = [[4a + 8x² + 2, 4(x + y)], [4(x + y), 4c + 8y² + 2]]

    Minima at (3, 2), (−2.805, 3.131), (−3.779, −3.283), (3.584, −1.848); local
    maximum at (−0.271, −0.923). Reference: D. M. Himmelblau (1972), Applied
    Nonlinear Programming, McGraw-Hill.
    """

    def f(x, y):
        a = x * x + y - 11.0
        c = x + y * y - 7.0
        return a * a + c * c

    def g(x, y):
        a = x * x + y - 11.0
        c = x + y * y - 7.0
        return 4.0 * x * a + 2.0 * c, 2.0 * a + 4.0 * y * c

    def h(x, y):
        a = x * x + y - 11.0
        c = x + y * y - 7.0
        return 4.0 * a + 8.0 * x * x + 2.0, 4.0 * (x + y), 4.0 * c + 8.0 * y * y + 2.0

    return Surface(
        name="himmelblau", label="Himmelblau",
        formula="f = (x² + y − 11)² + (x + y² − 7)²",
        reference="Himmelblau (1972), Applied Nonlinear Programming, McGraw-Hill.",
        window=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.5, -4.5),
        minima=_HIMMELBLAU_MINIMA, saddles=_HIMMELBLAU_SADDLES, min_value=0.0,
        bounded_below=True, default_hyper=_HIMMELBLAU_HYPER,
        options=MappingProxyType({}), level_floor=0.1, _f=f, _g=g, _h=h,
    )


# ---------------------------------------------------------------- saddle

# Start (-1.8, 1e-3): just off the ridge y = 0. Plain gradient descent slides
# down to the saddle and lingers there (|y| grows only by 1 + 2·lr per step:
# y ≈ 0.05 after 200 steps), the adaptive methods (which normalise the tiny
# y-gradient) turn away at once, momentum in between. Tuned with run_paths,
# 500 steps, no noise: nothing diverges numerically, but the surface is
# unbounded below, so momentum, nesterov (~100 steps), adadelta (35) and
# newton_damped (10) leave the box 10× the window (stop_reason "left box");
# sgd ends at y ≈ 20, the adam family at y ≈ 16, rmsprop/adagrad at y ≈ 6.
# newton jumps onto the saddle in one step and stays there.
_SADDLE_HYPER = _race_hyper(sgd=0.01, momentum=0.01, adagrad=0.1, rmsprop=0.01,
                               adam=0.02, damping=1.0)


@_factory("saddle")
def _saddle() -> Surface:
    """The saddle f = x² − y²: a stationary point at 0 that is no minimum.

        ∇f = (2x, −2y),  ∇²f = [[2, 0], [0, −2]]

    Unbounded below, so ``minima`` is empty, ``min_value`` is −inf and
    ``distance_to_minimum`` is NaN. Newton's method jumps straight onto the
    saddle (it seeks stationary points, not minima); damped Newton with
    λ = |min eig| + damping escapes. Reference: Dauphin et al. (2014),
    "Identifying and attacking the saddle point problem in high-dimensional
    non-convex optimization", NeurIPS.
    """

    def f(x, y):
        return x * x - y * y

    def g(x, y):
        return 2.0 * x, -2.0 * y

    def h(x, y):
        return 2.0, 0.0, -2.0

    return Surface(
        name="saddle", label="Saddle",
        formula="f = x² − y²",
        reference="Dauphin et al. (2014), NeurIPS: saddle points in high-dimensional "
                  "non-convex optimization.",
        window=((-2.0, 2.0), (-2.0, 2.0)), start=(-1.8, 1e-3),
        minima=(), saddles=((0.0, 0.0),), min_value=-math.inf, bounded_below=False,
        default_hyper=_SADDLE_HYPER, options=MappingProxyType({}),
        level_floor=0.05, _f=f, _g=g, _h=h,
    )


# ---------------------------------------------------------------- ill-conditioned quadratic

# Tuned for κ = 50 from the start (-3.5, 1) (rotated with the valley), f0 = 31,
# 500 steps, no noise (first step within 0.01 of 0):
#   sgd 0.035 (< 2/κ = 0.04, visible zigzag across the valley): 165;
#   momentum 0.018, γ 0.9: 88; nesterov the same: 40;
#   adagrad 1.0: 28 (axis-aligned valley: per-coordinate rates cure it);
#   rmsprop 0.02: 211, then hovers at ~0.014 (constant-lr limit cycle);
#   adadelta (1, ρ 0.95, ε 1e-4): 209, ends within 0.08;
#   adam family 0.05: ~150, then converges to 1e-10;
#   newton: exactly in 1 step; newton_damped (δ 0.1): 3.
# The rates of the non-adaptive methods scale with 1/κ (stable for lr < 2/κ along
# the steep axis), so changing κ keeps them stable; the adaptive ones stay.


@_factory("ill_conditioned", condition=50.0, angle=0.0)
def _ill_conditioned(condition: float = 50.0, angle: float = 0.0) -> Surface:
    """An ill-conditioned quadratic: a long, narrow valley with condition number κ.

        u = cos θ·x + sin θ·y,  v = −sin θ·x + cos θ·y      (θ = ``angle``)
        f = ½ (u² + κ v²) = ½ pᵀ A p,   A = R diag(1, κ) Rᵀ
        ∇f = A p,   ∇²f = A

    With θ = 0 this is f = ½(x² + κ y²). Minimum f = 0 at 0. Gradient descent
    is stable only for lr < 2/κ and then crawls along the valley at a rate
    1 − lr; momentum fixes that (Polyak 1964). Newton lands on 0 in one step.
    Reference: Goodfellow, Bengio & Courville (2016), Deep Learning, § 4.3.1
    and § 8.3.2.
    """
    kappa = _option("ill_conditioned", "condition", condition, lo=1.0, hi=1e8)
    theta_deg = _option("ill_conditioned", "angle", angle, lo=-360.0, hi=360.0)
    th = math.radians(theta_deg)
    c, s = (1.0, 0.0) if theta_deg == 0.0 else (math.cos(th), math.sin(th))

    def f(x, y):
        u = c * x + s * y
        v = c * y - s * x
        return 0.5 * (u * u + kappa * (v * v))

    def g(x, y):
        u = c * x + s * y
        v = c * y - s * x
        ku = kappa * v
        return c * u - s * ku, s * u + c * ku

    hxx = c * c + kappa * s * s
    hxy = (1.0 - kappa) * c * s
    hyy = s * s + kappa * c * c

    def h(x, y):
        return hxx, hxy, hyy

    scale = 50.0 / kappa  # the first-order rates below were tuned at κ = 50
    hyper = _race_hyper(sgd=0.035 * scale, momentum=0.018 * scale, adagrad=1.0,
                        rmsprop=0.02, adam=0.05, damping=0.1)
    su, sv = -3.5, 1.0
    start = (c * su - s * sv, s * su + c * sv)
    label = f"Ill-conditioned quadratic (κ = {kappa:g})"
    formula = f"f = ½(x² + {kappa:g}·y²)" if theta_deg == 0.0 else (
        f"f = ½(u² + {kappa:g}·v²), (u, v) = (x, y) rotated by {theta_deg:g}°")
    return Surface(
        name="ill_conditioned", label=label, formula=formula,
        reference="Goodfellow, Bengio & Courville (2016), Deep Learning, §4.3.1, §8.3.2.",
        window=((-4.0, 4.0), (-3.0, 3.0)), start=start,
        minima=((0.0, 0.0),), saddles=(), min_value=0.0, bounded_below=True,
        default_hyper=hyper,
        options=MappingProxyType({"condition": kappa, "angle": theta_deg}),
        level_floor=0.01, _f=f, _g=g, _h=h,
    )


# ---------------------------------------------------------------- Rastrigin

_TWO_PI = 2.0 * math.pi

# Start (-4.5, 3.5), f0 = 72.5, on a ridge in both coordinates amid a sea of
# local minima (one per unit cell). Tuned with run_paths, 500 steps, no noise:
# every first-order racer is stable and settles in a local minimum — sgd 2e-3,
# adagrad 0.5, rmsprop 0.02 and the adam family 0.1 in the nearest one
# (-3.98, 2.99), f 24.9 (the lecture's point), and so does nesterov 1e-3
# (γ 0.95); momentum with the same rates hops two cells further to f 12.9;
# adadelta (1, ρ 0.95, ε 1e-3) ends at f 33. newton converges to the nearby
# local maximum (-4.52, 3.52); newton_damped needs δ ≈ 50,
# about the curvature 4π²A (δ 1 leaves the box in 8 steps), and hops to f 16.9.
_RASTRIGIN_HYPER = _race_hyper(sgd=2e-3, momentum=1e-3, adagrad=0.5, rmsprop=0.02, adam=0.1,
                               damping=50.0, gamma=0.95, adadelta_eps=1e-3)


@_factory("rastrigin", A=10.0)
def _rastrigin(A: float = 10.0) -> Surface:
    """Rastrigin's function in 2-D: a bowl covered with a regular egg-box of local minima.

        f = 2A + Σ_i (x_i² − A cos 2πx_i)
        ∂f/∂x_i = 2x_i + 2πA sin 2πx_i
        ∂²f/∂x_i² = 2 + 4π²A cos 2πx_i,  ∂²f/∂x∂y = 0

    Global minimum f = 0 at 0 (the only one listed; the local minima lie near
    the integer lattice points). Reference: L. A. Rastrigin (1974), Systems of
    Extremal Control, Nauka, Moscow; Mühlenbein, Schomisch & Born (1991) for
    the n-dimensional form.
    """
    A = _option("rastrigin", "A", A, lo=0.0, hi=1e3)

    def f(x, y):
        return (2.0 * A + (x * x - A * np.cos(_TWO_PI * x))) + (y * y - A * np.cos(_TWO_PI * y))

    def g(x, y):
        return (2.0 * x + _TWO_PI * A * math.sin(_TWO_PI * x),
                2.0 * y + _TWO_PI * A * math.sin(_TWO_PI * y))

    k = _TWO_PI * _TWO_PI * A

    def h(x, y):
        return 2.0 + k * math.cos(_TWO_PI * x), 0.0, 2.0 + k * math.cos(_TWO_PI * y)

    return Surface(
        name="rastrigin", label="Rastrigin",
        formula=f"f = {2 * A:g} + Σ (xᵢ² − {A:g}·cos 2πxᵢ)",
        reference="Rastrigin (1974), Systems of Extremal Control, Nauka; "
                  "Mühlenbein, Schomisch & Born (1991), Parallel Computing 17.",
        window=((-5.12, 5.12), (-5.12, 5.12)), start=(-4.5, 3.5),
        minima=((0.0, 0.0),), saddles=(), min_value=0.0, bounded_below=True,
        default_hyper=_RASTRIGIN_HYPER, options=MappingProxyType({"A": A}),
        level_floor=0.5, _f=f, _g=g, _h=h,
    )


for _name, _make in _FACTORIES.items():
    SURFACES.register(_name, _make())
del _name, _make
