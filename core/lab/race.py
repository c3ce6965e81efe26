"""The path runner: optimizers racing on a 2-D surface.

Each racer is one optimizer with its hyper-parameters, started from the same
point. Every step a racer takes is exactly

    g = surface.gradient(p)                    # plus σ·N(0, I) if grad_noise = σ > 0
    opt.step(p, g)                             # first-order: core.optim, in place
    opt.step(p, g, surface.hessian(p))         # second-order references (needs_hessian)

with the very same optimizer objects the trainer uses (``core.optim.create``), so
what the lab shows is what training does. Newton's method and a damped Newton
(``core.optim.newton``) are the second-order references.

A racer stops cleanly when it diverges: when a step gives a non-finite point or
value, or a point outside the box that is 10× the window (same centre; see
:func:`divergence_box`). Its path then ends at the last good point (no NaN in
``points``), ``diverged_at`` records the step that failed and ``stop_reason``
says why (a :class:`RaceStop`).

Two APIs that cannot disagree: :class:`PathRace` advances step by step (for the
GUI's animation), and :func:`run_paths` is ``PathRace(...).step(n)`` then
``paths()``. :func:`paths_to_csv` exports the result.

Gradient noise mimics mini-batch gradients: each racer draws from its own
generator ``racer_rng(seed, label)`` = ``default_rng([seed, crc32(label)])``,
so adding, removing or reordering racers never changes another racer's path.
The Hessian given to the Newton racers is exact (noise-free).
"""

from __future__ import annotations

import csv
import io
import math
import os
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TextIO

import numpy as np

from core.lab.surfaces import SURFACES, Surface
from core.optim import OPTIMIZERS
from core.optim import create as create_first_order
from core.optim.newton import SECOND_ORDER

__all__ = [
    "BOX_FACTOR",
    "CSV_HEADER",
    "PathRace",
    "RacePath",
    "RaceStop",
    "Racer",
    "create_optimizer",
    "divergence_box",
    "paths_to_csv",
    "racer_names",
    "racer_rng",
    "run_paths",
]

#: The divergence box is this many times the window's width and height, same centre.
BOX_FACTOR = 10.0
CSV_HEADER = ("racer", "step", "x", "y", "loss", "distance")


class RaceStop(str, Enum):
    """Why a racer stopped. A ``str`` enum: a member equals its value
    (``RaceStop.LEFT_BOX == "left box"``)."""

    NON_FINITE = "non-finite"  # the point or the value f(p) is NaN or infinite
    LEFT_BOX = "left box"  # the point left the box 10× the window

    def __str__(self) -> str:
        return self.value


def racer_names() -> list[str]:
    """All optimizer names a racer may use: ``OPTIMIZERS`` then the Newton references."""
    return OPTIMIZERS.names() + SECOND_ORDER.names()


def create_optimizer(name: str, **hyper: Any):
    """``core.optim.create(name, **hyper)``, or a Newton racer for its names."""
    if isinstance(name, str) and name in SECOND_ORDER:
        return SECOND_ORDER.get(name)(**hyper)
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(racer_names())}")
    return create_first_order(name, **hyper)


# ------------------------------------------------------------------- racers and paths


@dataclass(frozen=True)
class Racer:
    """One contestant: a legend ``label``, an ``optimizer`` name and its ``hyper``.

    ``hyper=None`` takes the surface's tuned defaults (``Surface.hyper_for``);
    a mapping is used exactly as ``create(optimizer, **hyper)`` (missing keys
    fall back to the optimizer's class defaults, not the surface's).
    """

    label: str
    optimizer: str
    hyper: Mapping[str, float] | None = None


def _as_racer(r: Any) -> Racer:
    if isinstance(r, Racer):
        return r
    if isinstance(r, str):
        return Racer(r, r)
    if isinstance(r, Sequence) and len(r) in (2, 3):
        return Racer(*r)
    raise ValueError(
        f"a racer must be a Racer, an optimizer name or a (label, optimizer[, hyper]) "
        f"tuple, got {r!r}"
    )


@dataclass(frozen=True, eq=False)
class RacePath:
    """One racer's path (immutable; arrays are read-only copies).

    ``points`` (k+1, 2), ``losses`` (k+1,) and ``distances`` (k+1,) hold the start
    and the k = ``steps_taken`` steps. ``diverged_at`` is None, or the number of
    the step (1-based) that left the box or became non-finite — that point is
    not stored, so ``diverged_at == steps_taken + 1`` and ``points`` is finite.
    ``stop_reason`` is None or a :class:`RaceStop`. ``distances``
    are NaN on a surface without minima (the saddle).
    """

    label: str
    optimizer: str
    hyper: dict[str, float]
    points: np.ndarray
    losses: np.ndarray
    distances: np.ndarray
    diverged_at: int | None
    stop_reason: RaceStop | None
    steps_taken: int

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def racer_rng(seed: int, label: str) -> np.random.Generator:
    """The gradient-noise generator of racer ``label``: default_rng([seed, crc32(label)])."""
    return np.random.default_rng([int(seed), zlib.crc32(label.encode("utf-8"))])


def divergence_box(surface: Surface, factor: float = BOX_FACTOR) -> tuple[tuple[float, float],
                                                                          tuple[float, float]]:
    """((xlo, xhi), (ylo, yhi)): the window scaled by ``factor`` about its centre."""
    out = []
    for lo, hi in surface.window:
        c, half = 0.5 * (lo + hi), 0.5 * factor * (hi - lo)
        out.append((c - half, c + half))
    return out[0], out[1]


def _resolve_surface(surface: Surface | str) -> Surface:
    if isinstance(surface, Surface):
        return surface
    return SURFACES.get(surface)  # ValueError naming an unknown surface


def _check_start(start: Any) -> np.ndarray:
    try:
        p = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"start must be a point (x, y), got {start!r}") from None
    if p.shape != (2,):
        raise ValueError(f"start must be a point (x, y) of shape (2,), got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError(f"start must be finite, got {tuple(p.tolist())}")
    return p


class _Lane:
    """One racer's running state: its optimizer, point, noise stream and history."""

    def __init__(self, racer: Racer, surface: Surface, start: np.ndarray, seed: int) -> None:
        hyper = surface.hyper_for(racer.optimizer) if racer.hyper is None else dict(racer.hyper)
        self.racer = racer
        self.opt = create_optimizer(racer.optimizer, **hyper)
        self.needs_hessian = bool(getattr(self.opt, "needs_hessian", False))
        self.rng = racer_rng(seed, racer.label)
        self.p = start.copy()
        cap = 256
        self.points = np.empty((cap, 2))
        self.losses = np.empty(cap)
        self.distances = np.empty(cap)
        self.n = 0
        self.diverged_at: int | None = None
        self.stop_reason: RaceStop | None = None
        self._record(surface.value(self.p), surface.distance_to_minimum(self.p))

    def _record(self, loss: float, dist: float) -> None:
        if self.n == self.points.shape[0]:
            cap = 2 * self.n
            self.points = np.resize(self.points, (cap, 2))
            self.losses = np.resize(self.losses, cap)
            self.distances = np.resize(self.distances, cap)
        self.points[self.n] = self.p
        self.losses[self.n] = loss
        self.distances[self.n] = dist
        self.n += 1

    def advance(self, surface: Surface, n: int, noise: float, box) -> None:
        (xlo, xhi), (ylo, yhi) = box
        p = self.p
        for _ in range(n):
            if self.diverged_at is not None:
                return
            g = surface.gradient(p)
            if noise > 0.0:
                g = g + noise * self.rng.standard_normal(2)
            if self.needs_hessian:
                self.opt.step(p, g, surface.hessian(p))
            else:
                self.opt.step(p, g)
            x, y = float(p[0]), float(p[1])
            step = self.n  # the number of the step just taken (1-based)
            if not (math.isfinite(x) and math.isfinite(y)):
                self._stop(step, RaceStop.NON_FINITE)
            elif not (xlo <= x <= xhi and ylo <= y <= yhi):
                self._stop(step, RaceStop.LEFT_BOX)
            else:
                loss = surface.value(p)
                if not math.isfinite(loss):
                    self._stop(step, RaceStop.NON_FINITE)
                else:
                    self._record(loss, surface.distance_to_minimum(p))

    def _stop(self, step: int, reason: RaceStop) -> None:
        self.diverged_at = step
        self.stop_reason = reason
        self.p[:] = self.points[self.n - 1]  # the racer rests at its last good point

    def path(self) -> RacePath:
        def frozen(a):
            a = a[: self.n].copy()
            a.flags.writeable = False
            return a

        return RacePath(
            label=self.racer.label, optimizer=self.racer.optimizer, hyper=self.opt.hyper,
            points=frozen(self.points), losses=frozen(self.losses),
            distances=frozen(self.distances), diverged_at=self.diverged_at,
            stop_reason=self.stop_reason, steps_taken=self.n - 1,
        )


class PathRace:
    """Incremental race for the GUI animation: ``step(n)``, ``paths()``, ``reset(start)``.

    ``racers``: :class:`Racer` objects, optimizer names, or (label, optimizer[,
    hyper]) tuples; labels must be unique. ``start=None`` uses ``surface.start``.
    All arguments are validated here (ValueError naming the culprit), so a
    constructed race always runs.
    """

    def __init__(
        self,
        surface: Surface | str,
        racers: Iterable[Racer | str | tuple],
        start: Any = None,
        *,
        grad_noise: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.surface = _resolve_surface(surface)
        rs = tuple(_as_racer(r) for r in racers)
        labels = [r.label for r in rs]
        for r in rs:
            if not isinstance(r.label, str) or not r.label:
                raise ValueError(f"racer label must be a non-empty string, got {r.label!r}")
            if labels.count(r.label) > 1:
                raise ValueError(f"racer label {r.label!r} is used more than once")
            if r.hyper is not None and not isinstance(r.hyper, Mapping):
                raise ValueError(f"racer {r.label!r}: hyper must be a mapping, got {r.hyper!r}")
        self.racers = rs
        if isinstance(grad_noise, bool) or not isinstance(
            grad_noise, (int, float, np.integer, np.floating)
        ) or not (math.isfinite(grad_noise) and grad_noise >= 0.0):
            raise ValueError(f"grad_noise must be a finite number >= 0, got {grad_noise!r}")
        self.grad_noise = float(grad_noise)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.seed = int(seed)
        self.box = divergence_box(self.surface)
        self._start = _check_start(self.surface.start)
        self.reset(start)

    @property
    def start(self) -> tuple[float, float]:
        return float(self._start[0]), float(self._start[1])

    @property
    def steps(self) -> int:
        """Steps advanced since the last reset (a stopped racer has taken fewer)."""
        return self._steps

    @property
    def running(self) -> list[str]:
        """Labels of the racers that have not diverged."""
        return [ln.racer.label for ln in self._lanes if ln.diverged_at is None]

    def reset(self, start: Any = None) -> None:
        """Restart every racer from ``start`` (None: the current start) with fresh
        optimizer state and noise streams."""
        p = self._start if start is None else _check_start(start)
        (xlo, xhi), (ylo, yhi) = self.box
        if not (xlo <= p[0] <= xhi and ylo <= p[1] <= yhi):
            raise ValueError(
                f"start {tuple(p.tolist())} lies outside the box {self.box} "
                f"({BOX_FACTOR:g}× the window of {self.surface.name!r})"
            )
        self._start = p.copy()
        self._lanes = [_Lane(r, self.surface, self._start, self.seed) for r in self.racers]
        self._steps = 0

    def step(self, n: int = 1) -> None:
        """Advance every running racer by ``n`` steps (n ≥ 0)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"number of steps must be an integer >= 0, got {n!r}")
        for lane in self._lanes:
            lane.advance(self.surface, int(n), self.grad_noise, self.box)
        self._steps += int(n)

    def paths(self) -> dict[str, RacePath]:
        """Snapshot of every racer's path so far, keyed by label (in racer order)."""
        return {ln.racer.label: ln.path() for ln in self._lanes}


def run_paths(
    surface: Surface | str,
    racers: Iterable[Racer | str | tuple],
    start: Any = None,
    n_steps: int = 300,
    *,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> dict[str, RacePath]:
    """Race ``racers`` on ``surface`` from ``start`` (None: ``surface.start``) for n_steps.

    Equivalent to ``race = PathRace(...); race.step(n_steps); race.paths()``.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 0:
        raise ValueError(f"n_steps must be an integer >= 0, got {n_steps!r}")
    race = PathRace(surface, racers, start, grad_noise=grad_noise, seed=seed)
    race.step(int(n_steps))
    return race.paths()


# ------------------------------------------------------------------------------ export


def paths_to_csv(paths: Mapping[str, RacePath], file: str | os.PathLike | TextIO) -> None:
    """Write paths in long format: header ``racer,step,x,y,loss,distance``, then one
    row per stored point (steps_taken + 1 rows per racer). Floats are written with
    ``repr`` (shortest round-trip form), so reading back gives the same bits.
    """

    def write(fh: TextIO) -> None:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_HEADER)
        for label, path in paths.items():
            for i in range(path.points.shape[0]):
                w.writerow((label, i, repr(float(path.points[i, 0])),
                            repr(float(path.points[i, 1])), repr(float(path.losses[i])),
                            repr(float(path.distances[i]))))

    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", newline="", encoding="utf-8") as fh:
            write(fh)
    elif isinstance(file, io.TextIOBase) or hasattr(file, "write"):
        write(file)
    else:
        raise ValueError(f"file must be a path or a text file object, got {file!r}")

