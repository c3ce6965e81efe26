#!/usr/bin/env python
"""How sweeps scale: 1 vs 2 local worker processes, and Dask against local processes
(issue 12, item 7).

    .venv/bin/python benchmarks/sweep_scaling.py                 40 runs x 20,000 steps, 3 reps
    .venv/bin/python benchmarks/sweep_scaling.py --steps 5000 --reps 5 --json scaling.json
    .venv/bin/python benchmarks/sweep_scaling.py --workers 4     N workers on a bigger machine

The sweep: the default session (spiral, 2-16-16-16-1 tanh, Adam) over 8 learning
rates (log 1e-4..1e-1) x 5 seeds = 40 runs of ``--steps`` steps. Each executor is
started before its timings (worker processes spawned and the trainer imported in
each; Dask's LocalCluster up), so a timing is the sweep itself: handing out the
runs, training them, collecting the results. The start-up is reported apart.
Repetitions alternate between the contenders (A B C A B C ...), so a change of
the machine's load hits them alike; the table gives the median and the best.

Targets (DESIGN.md, issue 12): 2 workers >= 1.8x one worker on 2 cores; Dask's
LocalCluster (2 worker processes, 1 thread each) within 10% of local processes.
Every contender's results are checked to be bit-identical to the first one's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 1.8
TARGET_DASK_OVERHEAD = 0.10


def _spec(steps: int):
    from core.train.session import load_session
    from core.train.sweep.spec import Axis, make_spec

    base = load_session(ROOT / "resources/presets/00_default_spiral.json").config
    lrs = [float(f"{10 ** (-4 + 3 * i / 7):.6g}") for i in range(8)]
    return make_spec(base, [Axis("optimizer.hyper.lr", lrs)], seeds=5, steps=steps)


def _contenders(workers: int, dask: bool):
    """(name, factory) per contender; each factory returns a started executor."""
    from core.train.sweep.executors import DaskExecutor, ProcessExecutor

    def processes(n):
        def make():
            ex = ProcessExecutor(n)
            ex.start()
            return ex
        return make

    out = [("processes x1", processes(1)), (f"processes x{workers}", processes(workers))]
    if dask:
        out.append((f"dask LocalCluster x{workers}",
                    lambda: DaskExecutor(local_cluster=workers, processes=True)))
    return out


def measure(steps: int, reps: int, workers: int, dask: bool) -> dict:
    from core.train.sweep.driver import run_sweep

    spec = _spec(steps)
    contenders = _contenders(workers, dask)
    executors, startup = {}, {}
    for name, make in contenders:
        t0 = time.perf_counter()
        executors[name] = make()
        startup[name] = time.perf_counter() - t0
    times = {name: [] for name, _ in contenders}
    first = None
    try:
        for rep in range(reps):
            for name, _ in contenders:
                t0 = time.perf_counter()
                res = run_sweep(spec, executors[name])
                times[name].append(time.perf_counter() - t0)
                assert res.complete, f"{name}: {len(res.results)} of {res.spec.n_runs} runs"
                if first is None:
                    first = res
                else:
                    assert all(first.results[k].same_numbers(res.results[k])
                               for k in first.results), f"{name} differs (rep {rep})"
                print(f"  rep {rep + 1}/{reps} {name:28s} {times[name][-1]:7.2f} s",
                      flush=True)
    finally:
        for ex in executors.values():
            ex.close()
    return {"runs": spec.n_runs, "steps": steps, "reps": reps, "workers": workers,
            "startup_s": startup, "times_s": times,
            "serial_seconds_per_run": statistics.median(times["processes x1"]) / spec.n_runs}


def report(r: dict) -> list[str]:
    med = {k: statistics.median(v) for k, v in r["times_s"].items()}
    best = {k: min(v) for k, v in r["times_s"].items()}
    n = r["workers"]
    lines = [f"{r['runs']} runs x {r['steps']} steps, {r['reps']} reps, "
             f"{os.cpu_count()} CPUs, load before: {r.get('load_before')}, "
             f"after: {r.get('load_after')}",
             f"{'contender':30s} {'median s':>9s} {'best s':>8s} {'start-up s':>11s}"]
    for k in med:
        lines.append(f"{k:30s} {med[k]:9.2f} {best[k]:8.2f} {r['startup_s'][k]:11.2f}")
    one, many = "processes x1", f"processes x{n}"
    speed = med[one] / med[many]
    lines.append(f"speed-up {n} workers / 1: {speed:.2f}x median, "
                 f"{best[one] / best[many]:.2f}x best (target >= {TARGET_SPEEDUP * n / 2:.1f}x)")
    d = f"dask LocalCluster x{n}"
    if d in med:
        over = med[d] / med[many] - 1
        lines.append(f"Dask LocalCluster against local processes: {over * 100:+.1f}% median, "
                     f"{(best[d] / best[many] - 1) * 100:+.1f}% best "
                     f"(target <= +{TARGET_DASK_OVERHEAD * 100:.0f}%)")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=20_000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-dask", action="store_true")
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    load_before = os.getloadavg()
    r = measure(args.steps, args.reps, args.workers, not args.no_dask)
    r["load_before"] = [round(x, 2) for x in load_before]
    r["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print("\n".join(report(r)))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
