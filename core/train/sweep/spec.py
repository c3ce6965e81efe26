"""A sweep's spec and its expansion into runs.

A spec is a base session config, up to two axes (a dotted config path with its
values, ``core.train.sweep.paths``), the seeds, a step count and the metrics to
keep. Each combination of axis values is a *cell*; each cell runs once per
seed. A run is fully determined by (base, axis values, seed):

    config = base with every axis path set to the run's value and training.seed = seed

and trains ``Trainer(parse_config(config))`` for ``steps`` steps, so a seed
changes the data set drawn (for the generated ones), the split, the initial
weights and the batch order, exactly as the Training panel's seed does.

Building a spec validates everything before anything runs: the paths, the
values, and every cell's config (``parse_config``); the first problem is one
``ValueError`` naming the axis and the value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.common import limits
from core.train.config import SessionConfig, config_to_dict, parse_config
from core.train.sweep import paths

MAX_AXES = 2
MAX_RUNS = 10_000
MAX_VALUES = 1_000
MAX_ROWS = 10_000_000  # rows of the per-step table (each run keeps at most HISTORY_CAPACITY)
DEFAULT_METRICS = ("train_loss", "val_loss", "val_acc", "grad_norm")
METRICS = ("train_loss", "val_loss", "val_acc", "train_acc", "grad_norm", "update_ratio",
           "epoch")
# Values shown without the setting's name: they say what they are.
SELF_NAMED = {"network.activation", "network.initializer", "optimizer.name", "data.name",
              "data.preprocessing"}
SHORT = {"optimizer.hyper.lr": "lr", "training.l1": "L1", "training.l2": "L2",
         "network.batch_norm": "BN", "training.batch_size": "batch",
         "training.shuffle": "shuffle", "training.curriculum.enabled": "curriculum",
         "training.early_stopping.enabled": "early stop",
         "training.grad_noise.enabled": "grad noise"}


@dataclass(frozen=True)
class Axis:
    """A config path and the values it takes; ``labels`` (one per value) name them in
    legends, by default ``value_label``."""

    path: str
    values: tuple
    labels: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(_plain(v) for v in self.values))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))
            if len(self.labels) != len(self.values):
                raise ValueError(f"axis {self.path}: {len(self.labels)} labels for "
                                 f"{len(self.values)} values")

    def label(self, i: int) -> str:
        if self.labels is not None:
            return self.labels[i]
        return value_label(self.path, self.values[i])


def value_label(path: str, value: Any) -> str:
    """A legend's name for ``value`` of ``path``: ``lr 0.01``, ``BN on``, ``relu``."""
    text = paths.format_value(value)
    if isinstance(value, float):
        text = f"{value:.4g}"
    if path in SELF_NAMED:
        return text
    return f"{SHORT.get(path, path.rsplit('.', 1)[-1])} {text}"


def parse_axis(text: str) -> Axis:
    """``PATH=V1,V2,...`` or ``PATH=log:LO:HI:N`` / ``PATH=lin:LO:HI:N`` (N values
    spaced evenly in log or linear scale; whole numbers for counts). ValueError
    naming the problem."""
    path, sep, rest = text.partition("=")
    path = path.strip()
    if not sep or not rest.strip():
        raise ValueError(f"--vary {text!r}: write PATH=VALUES, e.g. optimizer.hyper.lr=0.01,0.1")
    field_ = paths.parse_path(path)
    head = rest.strip().split(":")
    if head[0] in ("log", "lin") and len(head) == 4 and field_.kind in ("int", "float"):
        return Axis(path, value_range(path, head[1:], log=head[0] == "log",
                                      integer=field_.kind == "int"))
    return Axis(path, tuple(paths.parse_value(field_, v) for v in paths.split_values(rest)))


def value_range(path: str, parts: Sequence[str], *, log: bool, integer: bool) -> tuple:
    """N values from LO to HI (``parts`` = LO, HI, N as text), 12 significant digits."""
    try:
        lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"{path}: a range is {'log' if log else 'lin'}:LO:HI:N with numbers "
                         f"LO, HI and a count N, got {':'.join(parts)}") from None
    if not (math.isfinite(lo) and math.isfinite(hi)) or not 1 <= n <= MAX_VALUES:
        raise ValueError(f"{path}: a range needs finite ends and 1..{MAX_VALUES} values")
    if log and (lo <= 0 or hi <= 0):
        raise ValueError(f"{path}: a log range needs positive ends, got {lo:g} and {hi:g}")
    if n == 1:
        xs = [lo]
    elif log:
        a, b = math.log10(lo), math.log10(hi)
        xs = [10.0 ** (a + (b - a) * i / (n - 1)) for i in range(n)]
    else:
        xs = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
    if integer:
        return tuple(dict.fromkeys(round(x) for x in xs))
    return tuple(float(f"{x:.12g}") for x in xs)


@dataclass(frozen=True)
class Cell:
    index: int
    values: tuple  # one per axis
    label: str


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: everything a worker needs (plain data, picklable)."""

    run: int
    cell: int
    seed: int
    config: dict  # the full config, seed included (config_to_dict form)
    steps: int
    metrics: tuple[str, ...]
    with_data: bool = False  # trains on the data the sweep was given (a session's CSV)


@dataclass(frozen=True)
class SweepSpec:
    """See the module docstring. Build with ``make_spec`` (which validates)."""

    base: dict
    axes: tuple[Axis, ...]
    seeds: tuple[int, ...]
    steps: int
    metrics: tuple[str, ...] = DEFAULT_METRICS
    cells: tuple[Cell, ...] = field(default=(), compare=False)

    @property
    def axis_paths(self) -> tuple[str, ...]:
        return tuple(a.path for a in self.axes)

    @property
    def n_runs(self) -> int:
        return len(self.cells) * len(self.seeds)

    def cell_config(self, values: Sequence, seed: int | None = None) -> dict:
        """The base with the axis ``values`` set (parents before children: a section,
        then the optimizer's name, then its hyper-parameters) and the seed."""
        cfg = _copy(self.base)
        order = sorted(range(len(self.axes)), key=lambda i: self.axes[i].path.count("."))
        for i in order:
            paths.set_path(cfg, self.axes[i].path, _copy(values[i]))
        if seed is not None:
            cfg["training"]["seed"] = int(seed)
        return cfg

    def runs(self) -> list[RunSpec]:
        """Every run, cell by cell (the first axis slowest), seeds innermost."""
        out = []
        for cell in self.cells:
            for seed in self.seeds:
                out.append(RunSpec(len(out), cell.index, seed,
                                   self.cell_config(cell.values, seed), self.steps,
                                   self.metrics))
        return out


def make_spec(base: SessionConfig | dict, axes: Sequence[Axis], seeds: int | Sequence[int] = 1,
              steps: int | None = None, metrics: Sequence[str] = DEFAULT_METRICS) -> SweepSpec:
    """A validated spec. ``seeds``: a count (the base's seed and the ones after it)
    or the seeds themselves; ``steps`` defaults to the base's ``training.steps``."""
    config = base if isinstance(base, SessionConfig) else parse_config(base)
    axes = tuple(axes)
    _check_axes(axes)
    seeds = _seeds(config.training.seed, seeds)
    steps = config.training.steps if steps is None else steps
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= limits.MAX_STEPS:
        raise ValueError(f"steps must be a whole number in 1..{limits.MAX_STEPS}, got {steps!r}")
    metrics = tuple(dict.fromkeys(metrics))
    unknown = [m for m in metrics if m not in METRICS]
    if unknown or not metrics:
        raise ValueError(f"unknown metric {unknown[0] if unknown else '(none)'!r}; "
                         f"choose from {', '.join(METRICS)}")
    combos = list(itertools.product(*[range(len(a.values)) for a in axes]))
    if len(combos) * len(seeds) > MAX_RUNS:
        raise ValueError(f"{len(combos) * len(seeds)} runs are more than the {MAX_RUNS} a "
                         "sweep may have")
    rows = len(combos) * len(seeds) * min(steps, limits.HISTORY_CAPACITY)
    if rows > MAX_ROWS:
        raise ValueError(f"this sweep would record {rows:,} rows, more than {MAX_ROWS:,}: use "
                         "fewer runs or steps")
    cells = tuple(Cell(i, tuple(a.values[j] for a, j in zip(axes, idx, strict=True)),
                       ", ".join(a.label(j) for a, j in zip(axes, idx, strict=True)) or "base")
                  for i, idx in enumerate(combos))
    spec = SweepSpec(config_to_dict(config), axes, seeds, steps, metrics, cells)
    for cell in cells:
        _check_cell(spec, cell)
    return spec


def _check_axes(axes: tuple[Axis, ...]) -> None:
    if len(axes) > MAX_AXES:
        raise ValueError(f"a sweep varies at most {MAX_AXES} settings, got {len(axes)}")
    seen = set()
    for a in axes:
        paths.parse_path(a.path)
        if a.path in seen:
            raise ValueError(f"{a.path} is varied twice")
        seen.add(a.path)
        if not a.values:
            raise ValueError(f"axis {a.path} has no values")
        if len(a.values) > MAX_VALUES:
            raise ValueError(f"axis {a.path} has {len(a.values)} values, more than {MAX_VALUES}")
        labels = [paths.format_value(v) for v in a.values]
        dup = next((v for v in labels if labels.count(v) > 1), None)
        if dup is not None:
            raise ValueError(f"axis {a.path} lists the value {dup} twice")


def _seeds(first: int, seeds: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if not 1 <= seeds <= MAX_RUNS:
            raise ValueError(f"the number of seeds must lie in 1..{MAX_RUNS}, got {seeds}")
        return tuple((first + i) % (limits.MAX_SEED + 1) for i in range(seeds))
    out = tuple(seeds)
    for s in out:
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= limits.MAX_SEED:
            raise ValueError(f"a seed must be a whole number in 0..{limits.MAX_SEED}, got {s!r}")
    if not out or len(set(out)) != len(out):
        raise ValueError("the seeds must be distinct, and at least one")
    return out


def _check_cell(spec: SweepSpec, cell: Cell) -> None:
    """parse_config on the cell's config; the error names the axis value to blame."""
    try:
        parse_config(spec.cell_config(cell.values))
        return
    except ValueError as err:
        problem = str(err).removeprefix("invalid session config: ").removeprefix("config: ")
    for i, axis in enumerate(spec.axes):  # one value alone already wrong?
        alone = SweepSpec(spec.base, (axis,), spec.seeds, spec.steps)
        try:
            parse_config(alone.cell_config((cell.values[i],)))
        except ValueError:
            raise ValueError(f"axis {axis.path}={paths.format_value(cell.values[i])}: "
                             f"{problem}") from None
    both = " with ".join(f"{a.path}={paths.format_value(v)}"
                         for a, v in zip(spec.axes, cell.values, strict=True))
    raise ValueError(f"{both}: {problem}")


def _plain(value: Any) -> Any:
    """NumPy scalars as Python ones (the config's strict types take no numpy.int64)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, (list, dict, str)) else value


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON data (dicts, lists, scalars)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
