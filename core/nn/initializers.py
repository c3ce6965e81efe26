"""Weight initializers for dense layers.

Layout: a dense layer computes ``X @ W + b``, so ``W`` has shape ``(fan_in, fan_out)``:
``fan_in`` = n_d (units feeding the layer), ``fan_out`` = n_{d+1} (units it feeds).

Every initializer has the signature ``fn(rng, fan_in, fan_out, **options)`` and returns a
fresh float64 array of shape ``(fan_in, fan_out)``. Options an initializer does not use are
ignored (so one config dict can be passed to any of them); the only option today is ``sigma``
(standard deviation of ``small_random``). Randomness comes only from the
``numpy.random.Generator`` passed in, so a session seed reproduces the weights exactly.

Why the variance matters (lecture, "Xavier motivation"): with an activation that is linear
around 0 (tanh) and independent zero-mean weights and inputs,
``D(u_{d+1}) = n_d D(w_d) D(u_d)`` forward and ``D(dL/du_d) = n_{d+1} D(w_d) D(dL/du_{d+1})``
backward. Keeping both constant asks for ``n_d D(w) = 1`` and ``n_{d+1} D(w) = 1``; Glorot's
compromise is ``D(w) = 2 / (n_d + n_{d+1})``. ReLU zeroes half of its inputs, which halves
each factor, hence He's ``D(w) = 2 / n_d`` (or ``2 / n_{d+1}`` for the backward pass).

Use :func:`initialize` (validates its arguments), :func:`variance` (theoretical variance
of one weight, for plots and tests) and :func:`describe` (one line for tooltips).

References:
    LeCun, Bottou, Orr, Mueller (1998), "Efficient BackProp".
    Glorot, Bengio (2010), "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS.
    He, Zhang, Ren, Sun (2015), "Delving Deep into Rectifiers: Surpassing Human-Level
    Performance on ImageNet Classification", ICCV.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from core.common.registry import Registry

__all__ = [
    "DEFAULT_SIGMA",
    "INITIALIZERS",
    "Initializer",
    "describe",
    "initialize",
    "names",
    "uniform_bound",
    "variance",
]

DEFAULT_SIGMA = 0.01
"""Default standard deviation of ``small_random`` (the lecture's "something small random")."""


class Initializer(Protocol):
    """``fn(rng, fan_in, fan_out, **options) -> ndarray (fan_in, fan_out) float64``."""

    def __call__(
        self, rng: np.random.Generator, fan_in: int, fan_out: int, **options: Any
    ) -> np.ndarray: ...


INITIALIZERS: Registry[Initializer] = Registry("initializer")


@dataclass(frozen=True)
class _Info:
    describe: str
    variance: Callable[[int, int, float], float]  # (fan_in, fan_out, sigma) -> Var(w)
    bound: Callable[[int, int], float] | None = None  # half-width of a uniform law


_INFO: dict[str, _Info] = {}


# --------------------------------------------------------------------------- validation


def _check_width(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be an integer >= 1, got {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be >= 1, got {value}")
    return int(value)


def _check_sigma(options: dict[str, Any]) -> float:
    """Validate ``sigma`` whenever it is given (even to an initializer that ignores it)."""
    sigma = options.get("sigma", DEFAULT_SIGMA)
    if isinstance(sigma, bool) or not isinstance(sigma, numbers.Real):
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
    sigma = float(sigma)
    if not math.isfinite(sigma) or sigma <= 0.0:
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
    return sigma


def _check_rng(rng: Any) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(seed)), "
            f"got {type(rng).__name__}"
        )
    return rng


def _initializer(
    name: str,
    describe: str,
    variance: Callable[[int, int, float], float],
    bound: Callable[[int, int], float] | None = None,
) -> Callable[[Callable[..., np.ndarray]], Initializer]:
    """Register ``fn(rng, fan_in, fan_out, sigma)`` behind a validating wrapper."""

    def decorate(fn: Callable[..., np.ndarray]) -> Initializer:
        def wrapper(
            rng: np.random.Generator, fan_in: int, fan_out: int, **options: Any
        ) -> np.ndarray:
            rng = _check_rng(rng)
            n_in = _check_width(fan_in, "fan_in")
            n_out = _check_width(fan_out, "fan_out")
            sigma = _check_sigma(options)
            return np.asarray(fn(rng, n_in, n_out, sigma), dtype=np.float64)

        wrapper.__name__ = fn.__name__
        wrapper.__qualname__ = fn.__qualname__
        wrapper.__doc__ = fn.__doc__
        wrapper.__module__ = fn.__module__
        wrapper.describe = describe  # type: ignore[attr-defined]
        _INFO[name] = _Info(describe, variance, bound)
        INITIALIZERS.register(name, wrapper)
        return wrapper

    return decorate


# --------------------------------------------------------------------------- initializers


@_initializer(
    "small_random",
    "Small random: N(0, sigma^2), sigma = 0.01 by default; ignores the layer widths.",
    variance=lambda n_in, n_out, sigma: sigma * sigma,
)
def small_random(rng, fan_in, fan_out, sigma):
    """Small random normal weights: ``w ~ N(0, sigma^2)``, ``Var(w) = sigma^2``.

    The lecture's "typical scenario": something small and random, ``sigma`` defaults to
    0.01. The scale ignores the widths, so deep networks see their signals shrink (or, for
    large sigma, grow) geometrically with depth: the motivation for Xavier and He.
    Reference: LeCun et al. (1998), "Efficient BackProp".
    """
    return rng.normal(0.0, sigma, size=(fan_in, fan_out))


@_initializer(
    "xavier_uniform",
    "Xavier/Glorot uniform: U[-sqrt(6/(n_in+n_out)), +...], Var = 2/(n_in+n_out) (tanh).",
    variance=lambda n_in, n_out, sigma: 2.0 / (n_in + n_out),
    bound=lambda n_in, n_out: math.sqrt(6.0 / (n_in + n_out)),
)
def xavier_uniform(rng, fan_in, fan_out, sigma):
    """Xavier/Glorot uniform: ``w ~ U[-a, a]``, ``a = sqrt(6) / sqrt(n_in + n_out)``.

    ``Var(w) = a^2 / 3 = 2 / (n_in + n_out)``, the compromise between keeping the forward
    variance (``n_in Var(w) = 1``) and the backward variance (``n_out Var(w) = 1``) constant
    for an activation that is linear around 0 (tanh).

    Erratum: the slide writes the bound as ``sqrt(6) / (n_in + n_out)``, without the square
    root in the denominator. That bound gives ``Var(w) = 2 / (n_in + n_out)^2``, not the
    ``2 / (n_in + n_out)`` derived on the slide before it; the square root is correct
    (Glorot & Bengio 2010, eq. 16).
    Reference: Glorot & Bengio (2010), AISTATS.
    """
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@_initializer(
    "xavier_normal",
    "Xavier/Glorot normal: N(0, 2/(n_in+n_out)) (tanh, sigmoid).",
    variance=lambda n_in, n_out, sigma: 2.0 / (n_in + n_out),
)
def xavier_normal(rng, fan_in, fan_out, sigma):
    """Xavier/Glorot normal: ``w ~ N(0, 2 / (n_in + n_out))``, ``Var(w) = 2 / (n_in + n_out)``.

    Same variance as :func:`xavier_uniform`, drawn from a Gaussian.
    Reference: Glorot & Bengio (2010), AISTATS.
    """
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@_initializer(
    "he_normal",
    "He normal (fan-in mode): N(0, 2/n_in), keeps the forward variance for ReLU.",
    variance=lambda n_in, n_out, sigma: 2.0 / n_in,
)
def he_normal(rng, fan_in, fan_out, sigma):
    """He/Kaiming normal, fan-in mode: ``w ~ N(0, 2 / n_in)``, ``Var(w) = 2 / n_in``.

    ReLU zeroes half of its inputs, so ``D(u_{d+1}) = (1/2) n_d D(w_d) D(u_d)``; keeping the
    forward variance constant asks for ``n_d D(w_d) = 2`` (the slide's ``N[0, 2/n_d]``).
    Reference: He et al. (2015), ICCV.
    """
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


@_initializer(
    "he_normal_fan_out",
    "He normal (fan-out mode): N(0, 2/n_out), keeps the backward variance for ReLU.",
    variance=lambda n_in, n_out, sigma: 2.0 / n_out,
)
def he_normal_fan_out(rng, fan_in, fan_out, sigma):
    """He/Kaiming normal, fan-out mode: ``w ~ N(0, 2 / n_out)``, ``Var(w) = 2 / n_out``.

    Keeps the variance of the back-propagated gradient constant through ReLU layers
    (``(1/2) n_{d+1} D(w_d) = 1``, the slide's ``N[0, 2/n_{d+1}]``).
    Reference: He et al. (2015), ICCV.
    """
    return rng.normal(0.0, math.sqrt(2.0 / fan_out), size=(fan_in, fan_out))


@_initializer(
    "he_uniform",
    "He uniform: U[-sqrt(6/n_in), +sqrt(6/n_in)], Var = 2/n_in (ReLU).",
    variance=lambda n_in, n_out, sigma: 2.0 / n_in,
    bound=lambda n_in, n_out: math.sqrt(6.0 / n_in),
)
def he_uniform(rng, fan_in, fan_out, sigma):
    """He/Kaiming uniform (fan-in mode): ``w ~ U[-a, a]``, ``a = sqrt(6 / n_in)``.

    ``Var(w) = a^2 / 3 = 2 / n_in``, the same variance as :func:`he_normal`.
    Reference: He et al. (2015), ICCV.
    """
    a = math.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@_initializer(
    "lecun_normal",
    "LeCun normal: N(0, 1/n_in), unit forward variance for a linear unit (SELU, tanh).",
    variance=lambda n_in, n_out, sigma: 1.0 / n_in,
)
def lecun_normal(rng, fan_in, fan_out, sigma):
    """LeCun normal: ``w ~ N(0, 1 / n_in)``, ``Var(w) = 1 / n_in``.

    Gives each unit's weighted sum unit variance when the inputs are normalized and
    uncorrelated (forward condition ``n_in Var(w) = 1`` only).
    Reference: LeCun et al. (1998), "Efficient BackProp", section 4.6.
    """
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


@_initializer(
    "zeros",
    "Zeros: every weight 0; all units of a layer stay identical (the symmetry problem).",
    variance=lambda n_in, n_out, sigma: 0.0,
)
def zeros(rng, fan_in, fan_out, sigma):
    """All-zero weights, ``Var(w) = 0``: shows the symmetry problem.

    Every unit of a layer computes the same output and receives the same gradient, so the
    units never become different (and with zero weights and tanh/ReLU the gradients of the
    hidden weights are zero). Never a good choice; here to be seen failing.
    The rng is accepted for a uniform signature and not used.
    """
    return np.zeros((fan_in, fan_out), dtype=np.float64)


# --------------------------------------------------------------------------- public helpers


def names() -> list[str]:
    """The registered initializer names, in registration order."""
    return INITIALIZERS.names()


def initialize(
    name: str, rng: np.random.Generator, fan_in: int, fan_out: int, **options: Any
) -> np.ndarray:
    """Draw a ``(fan_in, fan_out)`` float64 weight matrix with initializer ``name``.

    Raises ``ValueError`` for an unknown name (naming the choices), a width that is not an
    integer >= 1, or a ``sigma`` that is not positive and finite; ``TypeError`` if ``rng`` is
    not a ``numpy.random.Generator``.
    """
    return INITIALIZERS.get(name)(rng, fan_in, fan_out, **options)


def variance(name: str, fan_in: int, fan_out: int, **options: Any) -> float:
    """Theoretical variance of one weight drawn by ``name`` (validated like :func:`initialize`)."""
    INITIALIZERS.get(name)  # unknown name -> ValueError naming the choices
    n_in = _check_width(fan_in, "fan_in")
    n_out = _check_width(fan_out, "fan_out")
    sigma = _check_sigma(options)
    return float(_INFO[name].variance(n_in, n_out, sigma))


def uniform_bound(name: str, fan_in: int, fan_out: int) -> float | None:
    """Half-width ``a`` of a uniform initializer's ``U[-a, a]``; ``None`` for the others."""
    INITIALIZERS.get(name)
    n_in = _check_width(fan_in, "fan_in")
    n_out = _check_width(fan_out, "fan_out")
    bound = _INFO[name].bound
    return None if bound is None else float(bound(n_in, n_out))


def describe(name: str) -> str:
    """One-line description of ``name`` for tooltips."""
    INITIALIZERS.get(name)
    return _INFO[name].describe
