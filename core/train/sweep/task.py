"""One run of a sweep, as every executor runs it: ``train_run(RunSpec) -> RunResult``.

The same function runs in this process, in a worker process and on a Dask
worker, on the same plain inputs (a config dict, the step count, the data when
it travels with the session), so every executor gives the same numbers bit for
bit. A run that cannot start (a config the data does not fit, a CSV that cannot
be read) is a result with status ``error`` and the reason, not an exception: one
bad run never stops the others.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.train.config import parse_config
from core.train.status import RunStatus
from core.train.sweep.spec import RunSpec

DONE, CANCELLED, ERROR = "done", "cancelled", "error"
# Metrics recorded every step (the others at evaluation steps).
STEP_METRICS = ("train_loss", "grad_norm", "epoch")
_STEP_COLUMNS = {"train_loss": "loss", "grad_norm": "grad_norm", "epoch": "epoch"}


@dataclass(frozen=True)
class RunResult:
    """What one run recorded: per step ``series[name]`` at ``steps``, per evaluation
    ``evals[name]`` at ``eval_steps`` (per-layer metrics are (n, layers) arrays).

    ``status``: ``done`` (all steps), ``early_stopped``, ``diverged``, ``error``
    (it never started, see ``message``) or ``cancelled`` (stopped by the user; a
    sweep drops these). ``seconds`` is the wall time, the one field that differs
    between two runs of the same spec."""

    run: int
    cell: int
    seed: int
    status: str
    message: str = ""
    stop_step: int | None = None
    layer_names: tuple[str, ...] = ()
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    series: dict = field(default_factory=dict)
    eval_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    evals: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def diverged(self) -> bool:
        return self.status == RunStatus.DIVERGED.value

    @property
    def steps_done(self) -> int:
        return int(self.steps[-1]) if self.steps.size else 0

    def same_numbers(self, other: RunResult) -> bool:
        """Everything but the wall time equal, arrays bit for bit (NaN equal to NaN)."""
        def same(a, b) -> bool:
            return (a.dtype == b.dtype and a.shape == b.shape
                    and np.array_equal(a.view(np.uint8), b.view(np.uint8)))

        scalars = ("run", "cell", "seed", "status", "message", "stop_step", "layer_names")
        return (all(getattr(self, k) == getattr(other, k) for k in scalars)
                and same(self.steps, other.steps) and same(self.eval_steps, other.eval_steps)
                and self.series.keys() == other.series.keys()
                and self.evals.keys() == other.evals.keys()
                and all(same(v, other.series[k]) for k, v in self.series.items())
                and all(same(v, other.evals[k]) for k, v in self.evals.items()))


def train_run(task: RunSpec, raw=None,
              should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Train ``task`` (``Trainer(parse_config(task.config), raw=raw)``) for its steps;
    ``should_stop()`` is asked between the trainer's chunks of steps."""
    from core.train.trainer import Trainer

    t0 = time.perf_counter()
    base = {"run": task.run, "cell": task.cell, "seed": task.seed}
    try:
        trainer = Trainer(parse_config(task.config), raw=raw)
    except (ValueError, OSError) as err:
        return RunResult(**base, status=ERROR, message=str(err))
    except Exception as err:  # noqa: BLE001 - a bug in one run is reported, not fatal
        return RunResult(**base, status=ERROR, message=_describe(err))
    try:
        trainer.run(task.steps, should_stop=should_stop)
    except Exception as err:  # noqa: BLE001
        return RunResult(**base, status=ERROR, message=_describe(err))
    if should_stop is not None and not trainer.finished and trainer.step < task.steps \
            and should_stop():
        return RunResult(**base, status=CANCELLED)
    return _result(trainer, task, base, time.perf_counter() - t0)


def _result(trainer, task: RunSpec, base: dict, seconds: float) -> RunResult:
    s, e = trainer.steps, trainer.evals
    n_layers = len(trainer.network.blocks)
    series = {}
    for name in task.metrics:
        if name in _STEP_COLUMNS:
            col = s.column(_STEP_COLUMNS[name]).copy()
            series[name] = col.reshape(s.size, n_layers) if name == "grad_norm" else col
    evals = {}
    for name in task.metrics:
        if name not in STEP_METRICS:
            col = e.column(name).copy()
            evals[name] = col.reshape(e.size, n_layers) if name == "update_ratio" else col
    status = trainer.status
    return RunResult(**base, status=DONE if not status.finished else status.value,
                     message=trainer.message, stop_step=trainer.stop_step,
                     layer_names=tuple(trainer.network.layer_names),
                     steps=s.column("step").astype(np.int64),
                     series=series, eval_steps=e.column("step").astype(np.int64),
                     evals=evals, seconds=seconds)


def _describe(err: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(err), err)).strip()
