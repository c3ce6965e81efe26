"""The surface registry and the factories behind it.

A definition module decorates its factory with ``@factory(name, **option
defaults)``; ``make_surface(name, **options)`` validates the options and calls
it, and ``SURFACES`` holds each surface built with its default options (filled
by the package, in menu order). ``race_hyper`` builds a surface's table of
default hyper-parameters for every racer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from core.common.registry import Registry
from core.lab.surfaces.surface import Surface

__all__ = ["SURFACES", "check_option", "factory", "factory_names", "make_surface",
           "race_hyper", "surface_options"]

SURFACES: Registry[Surface] = Registry("surface")
_FACTORIES: dict[str, Callable[..., Surface]] = {}
_OPTIONS: dict[str, dict[str, float]] = {}


def _frozen(d: Mapping[str, Mapping[str, float]]) -> Mapping[str, Mapping[str, float]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in d.items()})


def race_hyper(*, sgd: float, momentum: float, adagrad: float, rmsprop: float, adam: float,
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


def factory(name: str, **option_defaults: float):
    """Register the decorated function as the factory of surface ``name``, taking
    the options ``option_defaults`` (name → default value)."""

    def add(fn: Callable[..., Surface]) -> Callable[..., Surface]:
        _FACTORIES[name] = fn
        _OPTIONS[name] = dict(option_defaults)
        return fn

    return add


def check_option(name: str, key: str, value: Any, *, lo: float, hi: float = math.inf) -> float:
    """``value`` as a float in [lo, hi]; ValueError naming surface and option otherwise."""
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


def factory_names() -> list[str]:
    """Every surface with a factory, in the order the definitions were imported."""
    return list(_FACTORIES)


def surface_options(name: str) -> dict[str, float]:
    """The factory options of surface ``name`` with their default values."""
    if not isinstance(name, str) or name not in _OPTIONS:
        SURFACES.get(name)
        raise ValueError(f"unknown surface {name!r}")
    return dict(_OPTIONS[name])

