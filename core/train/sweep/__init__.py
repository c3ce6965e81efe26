"""Sweeps: one or two settings varied over values and seeds, run in parallel.

    spec       Axis, SweepSpec, make_spec, parse_axis: what varies, expanded into runs
    paths      dotted config paths (``optimizer.hyper.lr``) and their values as text
    catalog    the settings a user can vary, with suggested values (the Compare tab's list)
    task       train_run: one run, as every executor runs it -> RunResult
    executors  SerialExecutor, ProcessExecutor (the default), DaskExecutor
    driver     run_sweep -> SweepResults
    tables     the tidy per-step table, the per-run and per-cell summaries, CSV
    curves     mean and band per cell, learning-rate sensitivity

Example::

    from core.train.sweep import Axis, make_spec, run_sweep, tables
    spec = make_spec(base_config, [Axis("optimizer.name", ["sgd", "adam"]),
                                   Axis("optimizer.hyper.lr", [1e-3, 1e-2, 1e-1])],
                     seeds=3, steps=500)
    results = run_sweep(spec)               # local processes, one per CPU
    tables.cell_summary(results).write_csv("cells.csv")

Names are imported on first use: a worker process imports ``boot`` from here
before NumPy (see ``core.train.sweep.boot``).
"""

from __future__ import annotations

import importlib

_PUBLIC = {
    "Axis": "spec", "SweepSpec": "spec", "RunSpec": "spec", "make_spec": "spec",
    "parse_axis": "spec", "RunResult": "task", "train_run": "task",
    "SerialExecutor": "executors", "ProcessExecutor": "executors",
    "DaskExecutor": "executors", "make_executor": "executors",
    "SweepResults": "driver", "run_sweep": "driver",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'core.train.sweep' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"core.train.sweep.{module}"), name)
    globals()[name] = value
    return value
