"""The tidy tables, the summaries and the curves, against NumPy over the raw results."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from core.train.sweep import curves, tables
from core.train.sweep.driver import run_sweep
from core.train.sweep.executors import SerialExecutor
from core.train.sweep.spec import Axis, make_spec

BASE = {"title": "tables", "data": {"name": "moons", "n_samples": 140, "noise": 0.25},
        "network": {"hidden": [6], "activation": "tanh"},
        "optimizer": {"name": "sgd", "hyper": {"lr": 0.1}},
        "training": {"batch_size": 16, "seed": 11, "eval_every": 4}}


@pytest.fixture(scope="module")
def sweep():
    spec = make_spec(BASE, [Axis("optimizer.name", ["sgd", "adam"]),
                            Axis("optimizer.hyper.lr", [0.03, 0.3, 3000.0])], seeds=3, steps=25)
    return run_sweep(spec, SerialExecutor())


@pytest.fixture(scope="module")
def depth():
    spec = make_spec(BASE, [Axis("network.hidden", [[5], [5, 4]])], seeds=2, steps=12)
    return run_sweep(spec, SerialExecutor())


def read(table) -> list[dict]:
    return list(csv.DictReader(io.StringIO(table.to_csv())))


def test_the_step_table_is_tidy(sweep):
    t = tables.step_table(sweep)
    assert t.columns[:5] == ("run", "optimizer.name", "optimizer.hyper.lr", "seed", "step")
    assert t.columns[5:] == ("train_loss", "val_loss", "val_acc", "grad_norm_hidden_1",
                             "grad_norm_output")
    runs = sweep.finished()
    assert len(t) == sum(r.steps.size for r in runs)
    rows = read(t)
    r5 = [row for row in rows if row["run"] == "5"]
    res = sweep.results[5]
    assert [int(x["step"]) for x in r5] == res.steps.tolist()
    assert [float(x["train_loss"]) for x in r5] == res.series["train_loss"].tolist()  # exact
    assert {x["optimizer.name"] for x in r5} == {"sgd"}
    assert {x["optimizer.hyper.lr"] for x in r5} == {"0.3"}
    assert {x["seed"] for x in r5} == {str(res.seed)}
    evals = [x for x in r5 if x["val_loss"] != ""]
    assert [int(x["step"]) for x in evals] == res.eval_steps.tolist() == [4, 8, 12, 16, 20, 24]
    assert [float(x["val_acc"]) for x in evals] == res.evals["val_acc"].tolist()
    g = [float(x["grad_norm_output"]) for x in r5]
    assert g == res.series["grad_norm"][:, 1].tolist()


def test_layers_of_different_depths_share_the_columns(depth):
    t = tables.step_table(depth)
    assert "grad_norm_hidden_2" in t.columns
    col = t.column("grad_norm_hidden_2")
    shallow = np.asarray(t.column("network.hidden"), dtype=object)
    mask = np.array([v == [5] for v in shallow])
    assert np.isnan(col[mask]).all() and np.isfinite(col[~mask]).all()
    assert {row["network.hidden"] for row in read(t)} == {"[5]", "[5,4]"}


def test_the_run_summary_has_final_best_and_the_step_of_best(sweep):
    s = tables.run_summary(sweep)
    assert len(s) == 18
    for i, r in enumerate(sweep.finished()):
        loss = r.series["train_loss"]
        assert s.column("train_loss_final")[i] == loss[-1]
        assert s.column("train_loss_best")[i] == loss.min()
        assert s.column("train_loss_best_step")[i] == r.steps[np.argmin(loss)]
        acc = r.evals["val_acc"]
        if acc.size:  # a run diverging before its first evaluation has none
            assert s.column("val_acc_best")[i] == acc.max()  # accuracy: higher is better
        else:
            assert np.isnan(s.column("val_acc_best")[i]) and r.diverged
        assert s.column("diverged")[i] == r.diverged
        assert s.column("steps_done")[i] == r.steps[-1]


def test_diverged_runs_are_flagged_and_kept(sweep):
    s = tables.run_summary(sweep)
    div = [i for i, d in enumerate(s.column("diverged")) if d]
    assert div, "lr 3000 should diverge"
    for i in div:
        r = sweep.finished()[i]
        assert s.column("status")[i] == "diverged" and s.column("stop_step")[i] == r.stop_step
        assert np.isfinite(s.column("train_loss_final")[i])  # where it was when it stopped
        assert "diverged at step" in s.column("message")[i]


def test_the_cell_summary_is_mean_std_min_max_over_the_seeds(sweep):
    c = tables.cell_summary(sweep)
    assert len(c) == 6 and c.column("label")[0] == "sgd, lr 0.03"
    per_run = tables.run_summary(sweep)
    for cell in range(6):
        rows = [i for i, r in enumerate(sweep.finished()) if r.cell == cell]
        for kind in ("final", "best"):
            v = per_run.column(f"train_loss_{kind}")[rows]
            assert c.column(f"train_loss_{kind}_mean")[cell] == pytest.approx(v.mean(), rel=1e-15)
            assert c.column(f"train_loss_{kind}_std")[cell] == pytest.approx(v.std(ddof=1),
                                                                            rel=1e-12)
            assert c.column(f"train_loss_{kind}_min")[cell] == v.min()
            assert c.column(f"train_loss_{kind}_max")[cell] == v.max()
        assert c.column("n_runs")[cell] == 3
        assert c.column("n_diverged")[cell] == sum(sweep.finished()[i].diverged for i in rows)


def test_stats_of_one_value_or_none():
    assert tables.stats([2.0]) == {"mean": 2.0, "std": pytest.approx(np.nan, nan_ok=True),
                                   "min": 2.0, "max": 2.0}
    assert all(np.isnan(v) for v in tables.stats([np.nan]).values())


def test_the_csv_of_a_table_is_written_atomically_and_reads_back(sweep, tmp_path):
    path = tmp_path / "cells.csv"
    tables.cell_summary(sweep).write_csv(path)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 6 and rows[0]["optimizer.hyper.lr"] == "0.03"
    assert list(tmp_path.iterdir()) == [path]


def test_cell_curves_are_the_mean_and_band_over_the_seeds(sweep):
    runs = sweep.cell_runs(1)
    m = np.stack([r.series["train_loss"] for r in runs])
    for band in ("minmax", "std"):
        c = curves.cell_curves(sweep, "train_loss", band)[1]
        assert c.label == "sgd, lr 0.3" and np.array_equal(c.steps, runs[0].steps)
        np.testing.assert_allclose(c.mean, m.mean(axis=0), rtol=1e-14)
        lo, hi = ((m.min(axis=0), m.max(axis=0)) if band == "minmax" else
                  (m.mean(axis=0) - m.std(axis=0, ddof=1), m.mean(axis=0) + m.std(axis=0, ddof=1)))
        np.testing.assert_allclose(c.lo, lo, rtol=1e-12)
        np.testing.assert_allclose(c.hi, hi, rtol=1e-12)
        assert (c.count == 3).all()


def test_a_diverged_run_leaves_the_mean_where_it_stopped(sweep):
    cell = next(c for c in curves.cell_curves(sweep) if c.ends)
    runs = sweep.cell_runs(cell.cell)
    assert len(cell.steps) == max(r.steps.size for r in runs)
    stopped = sorted((int(r.steps[-1]), float(r.series["train_loss"][-1]), r.diverged)
                     for r in runs if r.stop_step is not None)
    assert sorted(cell.ends) == stopped
    assert cell.count[-1] == sum(r.steps[-1] == cell.steps[-1] for r in runs)


def test_the_lr_sensitivity_points_are_the_cell_summary(sweep):
    table = tables.cell_summary(sweep)
    for stat in ("final", "best"):
        got = curves.lr_sensitivity(sweep, "train_loss", stat, "minmax")
        assert [g.label for g in got] == ["sgd", "adam"]
        for g, cells in zip(got, ([0, 1, 2], [3, 4, 5]), strict=True):
            assert g.lr.tolist() == [0.03, 0.3, 3000.0]
            assert g.mean.tolist() == table.column(f"train_loss_{stat}_mean")[cells].tolist()
            assert g.lo.tolist() == table.column(f"train_loss_{stat}_min")[cells].tolist()
            assert g.hi.tolist() == table.column(f"train_loss_{stat}_max")[cells].tolist()
            assert g.n_diverged.tolist() == [table.column("n_diverged")[c] for c in cells]
    assert got[0].n_diverged[-1] > 0  # marked, and still a point of the curve
    with pytest.raises(ValueError, match="does not vary the learning rate"):
        curves.lr_sensitivity(run_sweep(make_spec(BASE, [Axis("training.l2", [0.0])], steps=2),
                                        SerialExecutor()))


def test_decimate_keeps_the_band_extremes_and_the_last_point():
    x = np.arange(10_001, dtype=float)
    mean = np.sin(x / 50)
    lo, hi = mean - 1, mean + 1
    lo[1234], hi[4321] = -50.0, 50.0
    xs, m, lo_d, hi_d = curves.decimate(x, mean, lo, hi, 1000)
    assert xs.size <= 1001 + 10 and xs[-1] == x[-1] and m[-1] == mean[-1]
    assert lo_d.min() == -50.0 and hi_d.max() == 50.0
    assert curves.decimate(x[:50], mean[:50], lo[:50], hi[:50], 1000)[0] is not None


def test_for_log_axis_lifts_non_positive_band_edges():
    lo = np.array([-1.0, 0.5, 0.0])
    out = curves.for_log_axis(lo, np.array([1.0, 2.0, 0.2]))
    assert out.tolist() == [0.02, 0.5, 0.02]
