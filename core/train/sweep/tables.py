"""A sweep's results as tidy tables (plain NumPy arrays and lists), and as CSV.

- ``step_table``: one row per run and recorded step: ``run``, one column per
  axis named by its dotted path (``optimizer.hyper.lr``), ``seed``, ``step``,
  the per-step metrics (``train_loss``, ``grad_norm_<layer>``...) and the
  evaluation metrics (``val_loss``, ``val_acc``... on evaluation steps, empty
  elsewhere).
- ``run_summary``: one row per run: its status, ``diverged``, the step it
  stopped at, and per scalar metric ``<m>_final`` (the last finite value),
  ``<m>_best`` (the lowest loss, the highest accuracy) and ``<m>_best_step``.
- ``cell_summary``: one row per cell (combination of axis values): the number
  of runs and of diverged ones, and ``<m>_<final|best>_<mean|std|min|max>``
  over the cell's seeds (finite values only; std with ddof = 1, empty for one
  seed).

A diverged run keeps its last finite values (``final`` is where it was when it
stopped) and is flagged, never dropped. Missing values are NaN in the arrays
and empty in the CSV; floats are written with ``repr`` (read back exactly).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.common.atomic import atomic_write
from core.train.sweep import paths
from core.train.sweep.task import RunResult

SCALARS = ("train_loss", "val_loss", "val_acc", "train_acc")
STATS = ("mean", "std", "min", "max")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    data: dict  # column -> np.ndarray or list, all of one length

    def __len__(self) -> int:
        return len(self.data[self.columns[0]]) if self.columns else 0

    def column(self, name: str):
        return self.data[name]

    def rows(self) -> list[list]:
        cols = [self.data[c].tolist() if isinstance(self.data[c], np.ndarray)
                else list(self.data[c]) for c in self.columns]
        return [list(r) for r in zip(*cols, strict=True)]

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.columns)
        for row in self.rows():
            w.writerow([_cell(v) for v in row])
        return buf.getvalue()

    def write_csv(self, path: str | Path) -> None:
        atomic_write(path, self.to_csv().encode())


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "" if v != v else repr(v)
    if isinstance(v, (int, str)):
        return str(v)
    return paths.format_value(v)


def best_is_max(metric: str) -> bool:
    return metric.endswith("_acc")


def layer_names(results: list[RunResult]) -> list[str]:
    """Every layer name, in order of first appearance (an axis may change the depth)."""
    return list(dict.fromkeys(n for r in results for n in r.layer_names))


def _axis_columns(sweep, rows: list[tuple[int, int]]) -> dict:
    """Per row (cell, seed): the axis values and the seed."""
    out = {}
    for i, axis in enumerate(sweep.spec.axes):
        out[axis.path] = [sweep.spec.cells[c].values[i] for c, _ in rows]
    return out


def step_table(sweep) -> Table:
    """See the module docstring; ``sweep`` is a ``SweepResults``."""
    runs = [r for r in sweep.finished() if r.steps.size or r.eval_steps.size]
    names = layer_names(runs)
    metrics = sweep.spec.metrics
    parts: dict[str, list] = {}
    keys: list[tuple[int, int]] = []
    for r in runs:
        steps = np.union1d(r.steps, r.eval_steps)
        keys += [(r.cell, r.seed)] * steps.size
        cols = {"run": np.full(steps.size, r.run), "seed": np.full(steps.size, r.seed),
                "step": steps}
        for name in metrics:
            for col, values in _metric_columns(r, name, steps, names).items():
                cols[col] = values
        for col, values in cols.items():
            parts.setdefault(col, []).append(values)
    axis_cols = _axis_columns(sweep, keys)
    head = ["run", *axis_cols, "seed", "step"]
    order = head + [c for c in parts if c not in head]
    data = {c: np.concatenate(parts[c]) if runs else np.zeros(0) for c in parts}
    data.update(axis_cols)
    if not runs:
        order = head + _empty_metric_columns(metrics)
        data = {c: [] for c in order}
    return Table(tuple(order), data)


def _metric_columns(r: RunResult, name: str, steps: np.ndarray,
                    names: list[str]) -> dict[str, np.ndarray]:
    per_step = name in r.series
    src, at = (r.series, r.steps) if per_step else (r.evals, r.eval_steps)
    values = src.get(name)
    if values is None:
        return {}
    where = np.searchsorted(steps, at)
    if values.ndim == 1:
        col = np.full(steps.size, np.nan)
        col[where] = values
        return {name: col}
    out = {}
    for layer in names:
        col = np.full(steps.size, np.nan)
        if layer in r.layer_names:
            col[where] = values[:, r.layer_names.index(layer)]
        out[f"{name}_{layer.replace(' ', '_')}"] = col
    return out


def _empty_metric_columns(metrics) -> list[str]:
    return [m for m in metrics if m not in ("grad_norm", "update_ratio")]


def metric_values(r: RunResult, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values) of a scalar metric of one run (empty if not kept)."""
    if metric in r.series:
        return r.steps, r.series[metric]
    if metric in r.evals:
        return r.eval_steps, r.evals[metric]
    return np.zeros(0, np.int64), np.zeros(0)


def final_and_best(r: RunResult, metric: str) -> tuple[float, float, int | None]:
    """(last finite value, best finite value, its first step); NaN/None if none."""
    steps, values = metric_values(r, metric)
    ok = np.isfinite(values)
    if not ok.any():
        return float("nan"), float("nan"), None
    v, s = values[ok], steps[ok]
    i = int(np.argmax(v) if best_is_max(metric) else np.argmin(v))
    return float(v[-1]), float(v[i]), int(s[i])


def summary_metrics(sweep) -> list[str]:
    return [m for m in SCALARS if m in sweep.spec.metrics]


def run_summary(sweep) -> Table:
    runs = sweep.finished()
    cols: dict[str, list] = {"run": [r.run for r in runs]}
    cols.update(_axis_columns(sweep, [(r.cell, r.seed) for r in runs]))
    cols["seed"] = [r.seed for r in runs]
    cols["status"] = [r.status for r in runs]
    cols["diverged"] = [r.diverged for r in runs]
    cols["stop_step"] = [r.stop_step for r in runs]
    cols["steps_done"] = [r.steps_done for r in runs]
    for m in summary_metrics(sweep):
        fb = [final_and_best(r, m) for r in runs]
        cols[f"{m}_final"] = np.array([x[0] for x in fb], dtype=np.float64)
        cols[f"{m}_best"] = np.array([x[1] for x in fb], dtype=np.float64)
        cols[f"{m}_best_step"] = [x[2] for x in fb]
    cols["message"] = [r.message for r in runs]
    return Table(tuple(cols), cols)


def stats(values) -> dict[str, float]:
    """mean, std (ddof 1; NaN for fewer than 2), min, max of the finite ``values``."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return dict.fromkeys(STATS, float("nan"))
    mean = float(v.sum() / v.size)
    std = float(np.sqrt(((v - mean) ** 2).sum() / (v.size - 1))) if v.size > 1 else float("nan")
    return {"mean": mean, "std": std, "min": float(v.min()), "max": float(v.max())}


def cell_summary(sweep) -> Table:
    per_run = run_summary(sweep)
    cell_of = {r.run: r.cell for r in sweep.finished()}
    cells = sweep.spec.cells
    cols: dict[str, list] = {"cell": [c.index for c in cells], "label": [c.label for c in cells]}
    for i, axis in enumerate(sweep.spec.axes):
        cols[axis.path] = [c.values[i] for c in cells]
    rows_of = {c.index: [k for k, run in enumerate(per_run.column("run"))
                         if cell_of[run] == c.index] for c in cells}
    cols["n_runs"] = [len(rows_of[c.index]) for c in cells]
    div = per_run.column("diverged")
    cols["n_diverged"] = [sum(div[k] for k in rows_of[c.index]) for c in cells]
    for m in summary_metrics(sweep):
        for kind in ("final", "best"):
            values = per_run.column(f"{m}_{kind}")
            st = [stats([values[k] for k in rows_of[c.index]]) for c in cells]
            for s in STATS:
                cols[f"{m}_{kind}_{s}"] = np.array([x[s] for x in st], dtype=np.float64)
    return Table(tuple(cols), cols)
