"""Running a sweep: ``run_sweep(spec, executor) -> SweepResults``.

The driver validates what the workers cannot (it reads a session's CSV once,
here, so a bad file is an error before anything runs, and the rows travel to
every worker), hands the runs to an executor, and collects the results as they
come. Setting ``stop`` (or Ctrl-C, a ``KeyboardInterrupt``) ends the sweep
early: no new run starts, and the results hold exactly the runs that finished
(``interrupted`` is then true).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from core.train.config import parse_config
from core.train.sweep.executors import Executor, ProcessExecutor
from core.train.sweep.spec import RunSpec, SweepSpec
from core.train.sweep.task import RunResult


@dataclass
class SweepResults:
    """The finished runs of ``spec`` by run id (the order they finished does not
    matter: every table sorts by run id)."""

    spec: SweepSpec
    results: dict[int, RunResult] = field(default_factory=dict)
    interrupted: bool = False
    executor: str = ""
    seconds: float = 0.0
    runs: list[RunSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.runs:
            self.runs = self.spec.runs()

    def add(self, result: RunResult) -> None:
        self.results[result.run] = result

    def finished(self) -> list[RunResult]:
        return [self.results[k] for k in sorted(self.results)]

    @property
    def complete(self) -> bool:
        return len(self.results) == len(self.runs)

    @property
    def all_diverged(self) -> bool:
        return bool(self.results) and all(r.diverged for r in self.results.values())

    def config(self, run: int) -> dict:
        """The full config of run ``run`` (seed included)."""
        return self.runs[run].config

    def cell_runs(self, cell: int) -> list[RunResult]:
        return [r for r in self.finished() if r.cell == cell]


def raw_applies(base: dict, config: dict) -> bool:
    """The data given with the base (a session's CSV) is the data of ``config`` too:
    same source; the split and the preprocessing are applied to it."""
    a, b = base["data"], config["data"]
    keys = ("name", "csv_path", "label_column")
    if any(a.get(k) != b.get(k) for k in keys):
        return False
    if a["name"] == "csv":
        return True
    strip = ("preprocessing", "val_ratio")
    return {k: v for k, v in a.items() if k not in strip} == \
        {k: v for k, v in b.items() if k not in strip}


def prepare(spec: SweepSpec, raw=None) -> tuple[list[RunSpec], object]:
    """The runs, each marked whether it trains on ``raw``, and the data itself: a
    CSV the base names is read here (ValueError naming the file's problem)."""
    if raw is None and spec.base["data"]["name"] == "csv":
        from core.train.experiment import load_raw

        raw = load_raw(parse_config(spec.base))
    runs = spec.runs()
    if raw is None:
        return runs, None
    return [replace(t, with_data=raw_applies(spec.base, t.config)) for t in runs], raw


def run_sweep(spec: SweepSpec, executor: Executor | None = None, *, raw=None,
              on_result: Callable[[RunResult], None] | None = None,
              stop: threading.Event | None = None) -> SweepResults:
    """Train every run of ``spec`` on ``executor`` (default: local processes, one per
    CPU, closed afterwards); ``on_result`` is called with each finished run (in the
    calling thread)."""
    tasks, raw = prepare(spec, raw)
    results = SweepResults(spec, runs=[replace(t, with_data=False) for t in tasks])
    stop = stop if stop is not None else threading.Event()
    own = executor is None
    executor = executor if executor is not None else ProcessExecutor()
    results.executor = executor.describe()

    def collect(result: RunResult) -> None:
        results.add(result)
        if on_result is not None:
            on_result(result)

    t0 = time.perf_counter()
    try:
        executor.run(tasks, raw, stop, collect)
    except KeyboardInterrupt:
        stop.set()
    finally:
        if own:
            executor.close()
        results.seconds = time.perf_counter() - t0
    results.interrupted = stop.is_set() and not results.complete
    return results
