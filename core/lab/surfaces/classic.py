"""The named test functions: Rosenbrock (1960), Beale (1958), Himmelblau (1972)
and Rastrigin (1974), each a factory registered with ``core.lab.surfaces.factory``.

Each factory's docstring gives f, ∇f and ∇²f (the tests check them against
central finite differences) and its reference; the comment above it records
how its default hyper-parameters were tuned.
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from core.lab.surfaces.factory import check_option, factory, race_hyper
from core.lab.surfaces.surface import Surface

__all__ = ["HIMMELBLAU_MAXIMUM"]


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
_ROSENBROCK_HYPER = race_hyper(sgd=1e-3, momentum=1e-3, adagrad=1.0, rmsprop=0.02,
                               adam=0.1, damping=3.0)


@factory("rosenbrock", b=100.0)
def _rosenbrock(b: float = 100.0) -> Surface:
    """Rosenbrock's banana valley, a = 1.

        f = (1 − x)² + b·(y − x²)²
        ∇f = (−2(1 − x) − 4b·x(y − x²),  2b(y − x²))
        ∇²f = [[2 − 4b·y + 12b·x², −4b·x], [−4b·x, 2b]]

    Global minimum f = 0 at (1, 1). The valley floor y = x² is easy to reach and
    hard to follow. Reference: H. H. Rosenbrock (1960), "An automatic method for
    finding the greatest or least value of a function", The Computer Journal 3(3).
    """
    b = check_option("rosenbrock", "b", b, lo=1e-3, hi=1e4)

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
_BEALE_HYPER = race_hyper(sgd=0.01, momentum=2e-3, adagrad=0.5, rmsprop=0.01,
                          adam=0.1, damping=5.0)


@factory("beale")
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
_HIMMELBLAU_HYPER = race_hyper(sgd=5e-3, momentum=2e-3, adagrad=1.0, rmsprop=0.02,
                               adam=0.1, damping=10.0)


@factory("himmelblau")
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
_RASTRIGIN_HYPER = race_hyper(sgd=2e-3, momentum=1e-3, adagrad=0.5, rmsprop=0.02, adam=0.1,
                              damping=50.0, gamma=0.95, adadelta_eps=1e-3)


@factory("rastrigin", A=10.0)
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
    A = check_option("rastrigin", "A", A, lo=0.0, hi=1e3)

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

