"""What the comparison plots draw, computed from a sweep's results (no drawing here).

``cell_curves``: per cell, a metric's mean over the seeds at every recorded
step, with a band -- the min..max of the seeds, or mean +- one standard
deviation (ddof 1) -- and where each stopped run ended. At a step, only the
seeds that reached it count (a diverged or early-stopped run leaves the mean
there; ``count`` says how many seeds each point has).

``lr_sensitivity``: a final (or best) value against the learning rate, one curve
per value of the other axis (the optimizer, typically), read straight from
``tables.cell_summary``, so its points are the table's numbers.

``decimate`` thins long curves for drawing (the band keeps its extremes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.train.sweep import tables

LR_PATH = "optimizer.hyper.lr"
BANDS = ("minmax", "std", "none")


@dataclass(frozen=True)
class CellCurve:
    cell: int
    label: str
    steps: np.ndarray
    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    count: np.ndarray  # seeds per step
    ends: tuple[tuple[int, float, bool], ...]  # (step, value, diverged) of runs that stopped


def aggregate(rows: list[tuple[np.ndarray, np.ndarray]], band: str = "minmax"):
    """(steps, mean, lo, hi, count) over runs given as (steps, values) pairs;
    non-finite values do not count."""
    if band not in BANDS:
        raise ValueError(f"band must be one of {', '.join(BANDS)}, got {band!r}")
    steps = np.unique(np.concatenate([s for s, _ in rows])) if rows else np.zeros(0, np.int64)
    m = np.full((len(rows), steps.size), np.nan)
    for i, (s, v) in enumerate(rows):
        m[i, np.searchsorted(steps, s)] = v
    ok = np.isfinite(m)
    count = ok.sum(axis=0)
    z = np.where(ok, m, 0.0)
    n = np.maximum(count, 1)
    mean = np.where(count > 0, z.sum(axis=0) / n, np.nan)
    if band == "minmax":
        lo = np.where(count > 0, np.where(ok, m, np.inf).min(axis=0, initial=np.inf), np.nan)
        hi = np.where(count > 0, np.where(ok, m, -np.inf).max(axis=0, initial=-np.inf), np.nan)
    elif band == "std":
        dev = np.where(ok, m - mean, 0.0)
        var = (dev ** 2).sum(axis=0) / np.maximum(count - 1, 1)
        std = np.where(count > 1, np.sqrt(var), 0.0)
        lo, hi = mean - std, mean + std
    else:
        lo = hi = mean
    return steps, mean, lo, hi, count


def cell_curves(sweep, metric: str = "train_loss", band: str = "minmax") -> list[CellCurve]:
    """One CellCurve per cell with at least one run that recorded ``metric``."""
    out = []
    for cell in sweep.spec.cells:
        runs = [r for r in sweep.cell_runs(cell.index) if r.status != "error"]
        rows = [tables.metric_values(r, metric) for r in runs]
        if not any(s.size for s, _ in rows):
            continue
        steps, mean, lo, hi, count = aggregate([x for x in rows if x[0].size], band)
        ends = []
        for r, (s, v) in zip(runs, rows, strict=True):
            if r.stop_step is not None and s.size:
                ok = np.isfinite(v)
                if ok.any():
                    ends.append((int(s[ok][-1]), float(v[ok][-1]), r.diverged))
        out.append(CellCurve(cell.index, cell.label, steps, mean, lo, hi, count, tuple(ends)))
    return out


def decimate(x: np.ndarray, mean: np.ndarray, lo: np.ndarray, hi: np.ndarray,
             max_points: int = 2000):
    """At most about ``max_points`` points: buckets of k consecutive points become one
    at the bucket's first x, with the bucket's mean of ``mean``, min of ``lo`` and max
    of ``hi`` (NaNs ignored); the last point is kept exactly."""
    n = x.size
    if n <= max_points:
        return x, mean, lo, hi
    k = -(-n // max_points)
    m = (n - 1) // k * k  # whole buckets, the rest (with the last point) kept as is

    def reduce(a, fn, fill):
        b = a[:m].reshape(-1, k)
        ok = np.isfinite(b)
        r = fn(np.where(ok, b, fill), axis=1)
        return np.concatenate([np.where(ok.any(axis=1), r, np.nan), a[m:]])

    cnt = np.isfinite(mean[:m].reshape(-1, k)).sum(axis=1)
    s = np.where(np.isfinite(mean[:m]), mean[:m], 0.0).reshape(-1, k).sum(axis=1)
    mean_b = np.concatenate([np.where(cnt > 0, s / np.maximum(cnt, 1), np.nan), mean[m:]])
    return (np.concatenate([x[:m:k], x[m:]]), mean_b, reduce(lo, np.min, np.inf),
            reduce(hi, np.max, -np.inf))


@dataclass(frozen=True)
class LrCurve:
    label: str  # the other axis' value (e.g. the optimizer), or the base optimizer
    lr: np.ndarray
    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n_runs: np.ndarray
    n_diverged: np.ndarray


def has_lr_axis(spec) -> bool:
    return LR_PATH in spec.axis_paths


def lr_sensitivity(sweep, metric: str = "train_loss", stat: str = "final",
                   band: str = "minmax") -> list[LrCurve]:
    """The ``<metric>_<stat>`` mean over seeds against the learning rate, with a band
    (min..max, or +- std), one curve per value of the other axis; from
    ``cell_summary``. ValueError if the sweep does not vary the learning rate."""
    spec = sweep.spec
    if not has_lr_axis(spec):
        raise ValueError(f"the sweep does not vary the learning rate ({LR_PATH})")
    if stat not in ("final", "best") or band not in BANDS:
        raise ValueError(f"stat is final or best, band one of {', '.join(BANDS)}")
    table = tables.cell_summary(sweep)
    key = f"{metric}_{stat}"
    if f"{key}_mean" not in table.data:
        raise ValueError(f"the sweep did not keep {metric}")
    i_lr = spec.axis_paths.index(LR_PATH)
    other = [i for i in range(len(spec.axes)) if i != i_lr]
    groups: dict[int, list[int]] = {}
    for row, cell in enumerate(spec.cells):
        g = spec.axes[other[0]].values.index(cell.values[other[0]]) if other else 0
        groups.setdefault(g, []).append(row)
    base_name = spec.base["optimizer"]["name"]
    out = []
    for g, rows in groups.items():
        rows = sorted(rows, key=lambda r: spec.cells[r].values[i_lr])
        col = {s: table.column(f"{key}_{s}")[rows] for s in tables.STATS}
        mean = col["mean"]
        if band == "minmax":
            lo, hi = col["min"], col["max"]
        else:
            std = np.nan_to_num(col["std"]) if band == "std" else np.zeros_like(mean)
            lo, hi = mean - std, mean + std
        label = spec.axes[other[0]].label(g) if other else base_name
        out.append(LrCurve(label, np.array([spec.cells[r].values[i_lr] for r in rows], float),
                           mean, lo, hi, np.array(table.column("n_runs"))[rows],
                           np.array(table.column("n_diverged"))[rows]))
    return out


def for_log_axis(lo: np.ndarray, *others: np.ndarray) -> np.ndarray:
    """``lo`` with values <= 0 (a mean minus a std below zero) raised to a tenth of the
    smallest positive value of the curves, so a band can be drawn on a log axis."""
    values = np.concatenate([lo, *others])
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return lo
    return np.where(np.isfinite(lo) & (lo <= 0), positive.min() / 10.0, lo)
