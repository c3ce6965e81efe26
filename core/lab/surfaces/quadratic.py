"""The two quadratic forms: the saddle x² − y² and the ill-conditioned quadratic
(a long narrow valley of condition number κ), factories registered with
``core.lab.surfaces.factory``.
"""

from __future__ import annotations

import math
from types import MappingProxyType

from core.lab.surfaces.factory import check_option, factory, race_hyper
from core.lab.surfaces.surface import Surface

# ---------------------------------------------------------------- saddle

# Start (-1.8, 1e-3): just off the ridge y = 0. Plain gradient descent slides
# down to the saddle and lingers there (|y| grows only by 1 + 2·lr per step:
# y ≈ 0.05 after 200 steps), the adaptive methods (which normalise the tiny
# y-gradient) turn away at once, momentum in between. Tuned with run_paths,
# 500 steps, no noise: nothing diverges numerically, but the surface is
# unbounded below, so momentum, nesterov (~100 steps), adadelta (35) and
# newton_damped (10) leave the box 10× the window (RaceStop.LEFT_BOX);
# sgd ends at y ≈ 20, the adam family at y ≈ 16, rmsprop/adagrad at y ≈ 6.
# newton jumps onto the saddle in one step and stays there.
_SADDLE_HYPER = race_hyper(sgd=0.01, momentum=0.01, adagrad=0.1, rmsprop=0.01,
                           adam=0.02, damping=1.0)


@factory("saddle")
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


@factory("ill_conditioned", condition=50.0, angle=0.0)
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
    kappa = check_option("ill_conditioned", "condition", condition, lo=1.0, hi=1e8)
    theta_deg = check_option("ill_conditioned", "angle", angle, lo=-360.0, hi=360.0)
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
    hyper = race_hyper(sgd=0.035 * scale, momentum=0.018 * scale, adagrad=1.0,
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

