"""Checking a lesson's claims headless: train its preset (``core.train.Trainer``) or
race its optimizers (``core.lab``), measure, compare.

``check_lesson(lesson)`` returns one ``ClaimResult`` per claim: whether it holds,
the claim in words, and the measured numbers per seed, so that a failing test
says what was expected and what came out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.lessons import measures
from core.lessons.changes import apply, load_preset
from core.lessons.claims import Compare, Covariance, LabSetup, LayerRatio, Race, Status, Threshold
from core.lessons.model import Lesson
from core.train.config import SessionConfig


@dataclass(frozen=True)
class ClaimResult:
    holds: bool
    claim: str  # the claim in words
    detail: str  # the measured numbers

    def __str__(self) -> str:
        return f"{'holds' if self.holds else 'FAILS'}: {self.claim} \u2014 {self.detail}"


def check_lesson(lesson: Lesson, *, presets: Path | None = None,
                 runs: measures.Runs | None = None) -> list[ClaimResult]:
    runs = runs or measures.Runs()
    base = load_preset(lesson.opens.preset, presets) if lesson.opens.preset else None
    return [check_claim(lesson, claim, base, runs) for claim in lesson.claims]


def check_claim(lesson: Lesson, claim, base: SessionConfig | None,
                runs: measures.Runs) -> ClaimResult:
    if isinstance(claim, Race):
        return _race(claim, claim.lab or lesson.opens.lab)
    checker = {LayerRatio: _layer_ratio, Compare: _compare, Threshold: _threshold,
               Status: _status, Covariance: _covariance}[type(claim)]
    rows = [checker(claim, runs, runs.config(base, claim.changes, seed))
            for seed in claim.seeds]
    holds = all(ok for ok, _ in rows)
    detail = "; ".join(f"seed {seed}: {text}" for seed, (_, text) in zip(claim.seeds, rows,
                                                                           strict=True))
    return ClaimResult(holds, claim.describe(), detail)


def _g(x: float) -> str:
    return f"{x:.4g}"


def _layer_ratio(claim: LayerRatio, runs, config) -> tuple[bool, str]:
    num = runs.measure(config, claim.measure("numerator"))
    den = runs.measure(config, claim.measure("denominator"))
    ratio = num / den if den != 0 else (np.inf if num > 0 else np.nan)
    return claim.within(ratio), f"{_g(num)} / {_g(den)} = {_g(ratio)}"


def _compare(claim: Compare, runs, config) -> tuple[bool, str]:
    mine = runs.measure(config, claim.measure)
    other = runs.measure(apply(config, claim.variant), claim.measure)
    return claim.holds(mine, other), f"lesson {_g(mine)}, variant {_g(other)}"


def _threshold(claim: Threshold, runs, config) -> tuple[bool, str]:
    value = runs.measure(config, claim.measure)
    if claim.relative_to is None:
        return claim.within(value), _g(value)
    ref = runs.measure(config, claim.measure.model_copy(update={"steps": claim.relative_to}))
    ratio = value / ref if ref != 0 else np.inf
    return claim.within(ratio), f"{_g(value)} / {_g(ref)} = {_g(ratio)}"


def _status(claim: Status, runs, config) -> tuple[bool, str]:
    t = runs.trainer(config, claim.by_step)
    got = t.status.value
    if claim.status == "running":
        ok = not t.finished and t.step == claim.by_step
    else:
        ok = got == claim.status and t.step <= claim.by_step
    return ok, f"{got} at step {t.step}" + (f" ({t.message})" if t.message else "")


def _covariance(claim: Covariance, runs, config) -> tuple[bool, str]:
    err, corr = measures.covariance_error(runs.trainer(config, 0))
    ok = err <= claim.tolerance
    if claim.raw_correlation_at_least is not None:
        ok = ok and corr >= claim.raw_correlation_at_least
    return ok, f"max |Cov \u2212 I| = {err:.3g}, raw |correlation| = {corr:.3g}"


# -- races ------------------------------------------------------------------------------
def race_paths(setup: LabSetup, steps: int):
    """The lab's race for ``setup`` (its preset, its racers), ``steps`` steps: what the
    Optimizer lab shows after the same steps (``core.lab.model.LabModel``)."""
    from core.lab.model import LabModel

    model = LabModel()
    model.apply_preset(setup.preset)
    if setup.racers is not None:
        for name in model.names:
            model.set_enabled(name, name in setup.racers)
    race = model.make_race()
    race.step(steps)
    names = {r.label: r.optimizer for r in race.racers}
    return {names[label]: path for label, path in race.paths().items()}


def race_metric(path, metric: str, tolerance: float) -> float:
    """``steps_to_tolerance``: the first step whose distance to the nearest minimum is
    at most ``tolerance`` (inf if none); ``loss_increases``: steps at which the loss
    went up; ``reversals``: steps after which the path turns back along x or along y
    (a coordinate of the move changes sign: zig-zagging across an axis-aligned
    valley counts at every step)."""
    if metric == "steps_to_tolerance":
        hit = np.nonzero(path.distances <= tolerance)[0]
        return float(hit[0]) if hit.size else float("inf")
    if metric == "loss_increases":
        return float(np.sum(np.diff(path.losses) > 0))
    moves = np.diff(path.points, axis=0)
    return float(np.sum(np.any(moves[1:] * moves[:-1] < 0, axis=1)))


def _race(claim: Race, setup: LabSetup) -> ClaimResult:
    paths = race_paths(setup, claim.steps)
    ok, parts = True, []
    for fact in claim.facts:
        value = race_metric(paths[fact.racer], fact.metric, claim.tolerance)
        other = (race_metric(paths[fact.less_than], fact.metric, claim.tolerance)
                 if fact.less_than is not None else None)
        holds = fact.holds(value, other)
        ok = ok and holds
        text = f"{fact.racer} {_g(value)}" + (f" vs {fact.less_than} {_g(other)}"
                                              if other is not None else "")
        parts.append(text + ("" if holds else " (fails)"))
    return ClaimResult(ok, claim.describe(), "; ".join(parts))
