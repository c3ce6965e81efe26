"""What a lesson claims ("what to notice"), as data a headless test can check.

Each claim is one of a few kinds (the ``kind`` field picks the model):

``layer_ratio``
    a per-layer metric of one layer divided by that of another, over a step
    window, is at least / at most a bound ("the output layer's gradient norm
    is at least 10^10 times the first hidden layer's at step 200").
``compare``
    the lesson's run against a variant (dotted-path changes, e.g.
    ``{"network.batch_norm": true}``) on a statistic of a metric over a step
    window: the variant's value is lower / higher, by at least ``factor``.
``threshold``
    a statistic of a metric over a window is at least / at most a bound,
    optionally relative to the same statistic over another window.
``status``
    the run ends a given way by a given step (early-stopped, diverged) or
    does not end before it ("running").
``covariance``
    the preprocessed training inputs have the identity covariance (and the
    raw ones are strongly correlated).
``race``
    optimizers racing on a 2-D surface of the Optimizer lab: how many steps
    each needs to come within a tolerance of the minimum, how often its loss
    goes up, how often it turns back.

Training claims hold for every seed in ``seeds`` (the lesson's text says how
many); a claim's ``changes`` edit the lesson's preset before it is measured.
The metrics and what they mean are in ``core.lessons.measures``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.lessons.changes import check_paths

LAYER = re.compile(r"^(hidden [1-9][0-9]?|output|last hidden)$")
MAX_STEP = 20_000  # claims are checked by a test: runs stay short
MAX_SEEDS = 5

SERIES = ("train_loss", "grad_norm", "val_loss", "val_acc", "train_acc", "update_ratio")
PROBES = ("act_std", "dead_fraction", "val_loss_now", "val_acc_now")
PER_LAYER = ("grad_norm", "update_ratio", "act_std", "dead_fraction")
Metric = Literal["train_loss", "grad_norm", "val_loss", "val_acc", "train_acc", "update_ratio",
                 "act_std", "dead_fraction", "val_loss_now", "val_acc_now"]
Statistic = Literal["mean", "median", "min", "max", "last"]


class Strict(BaseModel):
    """Strict pydantic model of a lesson file: unknown fields are errors, a string is
    never a number, a bool never a number, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


def _window(v: list[int]) -> list[int]:
    if len(v) not in (1, 2):
        raise ValueError("steps is [step] or [first, last]")
    if any(s < 0 or s > MAX_STEP for s in v):
        raise ValueError(f"steps lie in 0..{MAX_STEP}")
    if len(v) == 2 and v[0] > v[1]:
        raise ValueError(f"the window [{v[0]}, {v[1]}] ends before it starts")
    return v


def window_text(steps: list[int]) -> str:
    a, b = steps[0], steps[-1]
    return f"step {a}" if a == b else f"steps {a}\u2013{b}"


def _bound_text(at_least: float | None, at_most: float | None) -> str:
    parts = []
    if at_least is not None:
        parts.append(f"\u2265 {at_least:g}")
    if at_most is not None:
        parts.append(f"\u2264 {at_most:g}")
    return " and ".join(parts)


def _seeds_text(seeds: list[int]) -> str:
    return f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {', '.join(map(str, seeds))}"


class _Bounded(Strict):
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _some_bound(self):
        if self.at_least is None and self.at_most is None:
            raise ValueError("give at_least, at_most or both")
        if (self.at_least is not None and self.at_most is not None
                and self.at_least > self.at_most):
            raise ValueError("at_least is larger than at_most")
        return self

    def within(self, value: float) -> bool:
        lo = self.at_least if self.at_least is not None else -float("inf")
        hi = self.at_most if self.at_most is not None else float("inf")
        return lo <= value <= hi


class _OnRuns(Strict):
    """A claim measured on training runs of the lesson's preset."""

    changes: dict[str, Any] = Field(default_factory=dict)
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1, max_length=MAX_SEEDS)

    @field_validator("changes")
    @classmethod
    def _paths(cls, v: dict[str, Any]) -> dict[str, Any]:
        return check_paths(v)

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: list[int]) -> list[int]:
        if any(s < 0 or s > 2**31 - 1 for s in v) or len(set(v)) != len(v):
            raise ValueError("seeds are distinct integers in 0..2^31-1")
        return v


class Measure(Strict):
    """A statistic of a metric over a window of steps (both ends included)."""

    metric: Metric
    layer: str | None = None
    steps: list[int]
    statistic: Statistic = "mean"

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[int]) -> list[int]:
        return _window(v)

    @model_validator(mode="after")
    def _fits(self) -> Measure:
        if self.layer is not None and not LAYER.match(self.layer):
            raise ValueError(f"layer must be 'hidden k', 'last hidden' or 'output', "
                             f"got {self.layer!r}")
        if self.metric in PER_LAYER and self.metric != "dead_fraction" and self.layer is None:
            raise ValueError(f"metric {self.metric} needs a layer")
        if self.metric not in PER_LAYER and self.layer is not None:
            raise ValueError(f"metric {self.metric} has no layers")
        if self.metric in PROBES and self.steps[0] != self.steps[-1]:
            raise ValueError(f"metric {self.metric} is measured at one step: steps [s]")
        return self

    def describe(self) -> str:
        what = self.metric if self.layer is None else f"{self.metric}({self.layer})"
        if self.metric == "dead_fraction" and self.layer is None:
            what = "dead_fraction(all hidden)"
        stat = "" if self.steps[0] == self.steps[-1] else f"{self.statistic} "
        return f"{stat}{what} at {window_text(self.steps)}"


class LayerRatio(_Bounded, _OnRuns):
    kind: Literal["layer_ratio"]
    metric: Literal["grad_norm", "update_ratio", "act_std", "dead_fraction"]
    numerator: str
    denominator: str
    steps: list[int]
    statistic: Statistic = "mean"

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[int]) -> list[int]:
        return _window(v)

    @model_validator(mode="after")
    def _layers(self) -> LayerRatio:
        self.measure("numerator")  # validates the layer names and the window
        return self

    def measure(self, which: str) -> Measure:
        layer = self.numerator if which == "numerator" else self.denominator
        return Measure(metric=self.metric, layer=layer, steps=self.steps,
                       statistic=self.statistic)

    def describe(self) -> str:
        return (f"{self.metric}({self.numerator}) / {self.metric}({self.denominator}) at "
                f"{window_text(self.steps)} {_bound_text(self.at_least, self.at_most)} "
                f"({_seeds_text(self.seeds)})")


class Compare(_OnRuns):
    kind: Literal["compare"]
    measure: Measure
    variant: dict[str, Any] = Field(min_length=1)
    expect: Literal["lower", "higher"]
    factor: float = Field(default=1.0, ge=1.0, le=1e12)

    @field_validator("variant")
    @classmethod
    def _variant_paths(cls, v: dict[str, Any]) -> dict[str, Any]:
        return check_paths(v)

    def holds(self, lesson: float, variant: float) -> bool:
        if self.expect == "lower":
            return variant * self.factor < lesson
        return variant > lesson * self.factor

    def describe(self) -> str:
        by = f" by a factor \u2265 {self.factor:g}" if self.factor > 1 else ""
        changes = ", ".join(f"{k} = {v}" for k, v in self.variant.items())
        return (f"with {changes}, {self.measure.describe()} is {self.expect}{by} "
                f"({_seeds_text(self.seeds)})")


class Threshold(_Bounded, _OnRuns):
    kind: Literal["threshold"]
    measure: Measure
    relative_to: list[int] | None = None

    @field_validator("relative_to")
    @classmethod
    def _relative(cls, v: list[int] | None) -> list[int] | None:
        return None if v is None else _window(v)

    def describe(self) -> str:
        rel = f" / the same over {window_text(self.relative_to)}" if self.relative_to else ""
        pre = "".join(f"with {k} = {v}, " for k, v in self.changes.items())
        return (f"{pre}{self.measure.describe()}{rel} "
                f"{_bound_text(self.at_least, self.at_most)} ({_seeds_text(self.seeds)})")


class Status(_OnRuns):
    kind: Literal["status"]
    status: Literal["early_stopped", "diverged", "running"]
    by_step: int = Field(ge=1, le=MAX_STEP)

    def describe(self) -> str:
        if self.status == "running":
            return f"the run neither diverges nor stops before step {self.by_step} " \
                   f"({_seeds_text(self.seeds)})"
        return f"the run is {self.status.replace('_', '-')} by step {self.by_step} " \
               f"({_seeds_text(self.seeds)})"


class Covariance(_OnRuns):
    kind: Literal["covariance"]
    tolerance: float = Field(gt=0.0, le=1.0)
    raw_correlation_at_least: float | None = Field(default=None, ge=0.0, le=1.0)

    def describe(self) -> str:
        raw = ""
        if self.raw_correlation_at_least is not None:
            raw = (f"; the raw inputs' |correlation| \u2265 {self.raw_correlation_at_least:g}")
        return (f"the preprocessed training inputs have covariance I within "
                f"{self.tolerance:g}{raw} ({_seeds_text(self.seeds)})")


class LabSetup(Strict):
    """An Optimizer-lab setup: one of its presets (``core.lab.model.PRESETS``), and
    optionally which racers run (default: the preset's)."""

    preset: str = Field(max_length=60)
    racers: list[str] | None = Field(default=None, min_length=1, max_length=16)


RaceMetric = Literal["steps_to_tolerance", "loss_increases", "reversals"]


class RaceFact(Strict):
    """One racer's metric, bounded (``at_least`` / ``at_most``) or smaller than another
    racer's (``less_than``; a racer that never comes within the tolerance counts as
    taking infinitely many steps)."""

    racer: str = Field(max_length=40)
    metric: RaceMetric
    at_least: float | None = None
    at_most: float | None = None
    less_than: str | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _something(self) -> RaceFact:
        if self.at_least is None and self.at_most is None and self.less_than is None:
            raise ValueError("give at_least, at_most or less_than")
        if self.less_than == self.racer:
            raise ValueError("a racer is compared with another racer")
        return self

    def holds(self, value: float, other: float | None) -> bool:
        if self.at_least is not None and not value >= self.at_least:
            return False
        if self.at_most is not None and not value <= self.at_most:
            return False
        return other is None or value < other

    def describe(self) -> str:
        parts = [_bound_text(self.at_least, self.at_most)] if (
            self.at_least is not None or self.at_most is not None) else []
        if self.less_than is not None:
            parts.append(f"< {self.less_than}'s")
        return f"{self.racer}'s {self.metric} " + " and ".join(parts)


class Race(Strict):
    kind: Literal["race"]
    lab: LabSetup | None = None  # None: the lesson's own lab setup
    steps: int = Field(ge=1, le=5000)
    tolerance: float = Field(gt=0.0)
    facts: list[RaceFact] = Field(min_length=1, max_length=12)

    def describe(self) -> str:
        where = f" ({self.lab.preset})" if self.lab else ""
        return (f"in {self.steps} steps{where}, to within {self.tolerance:g} of the minimum: "
                + "; ".join(f.describe() for f in self.facts))


Claim = Annotated[LayerRatio | Compare | Threshold | Status | Covariance | Race,
                  Field(discriminator="kind")]
