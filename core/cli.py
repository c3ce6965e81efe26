"""Headless runners.

``python main.py run SESSION [--steps N] [--out FILE] [--save SESSION]`` trains one
session. Exit codes: 0 success (early stopping included), 2 bad input (one-line
error on stderr), 3 the run diverged.

``python main.py sweep SESSION --vary PATH=VALUES [--vary ...] --seeds N ...`` runs a
comparison (``core.train.sweep``) in parallel: exit codes 0, 2, and 3 only if every
run diverged; 130 after Ctrl-C, which stops the remaining runs and writes those
that finished.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from core.common import limits
from core.train.status import RunStatus

EXIT_OK, EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python main.py run",
        description="Train a session headless and write its metrics.")
    p.add_argument("session", help="session file (.opg) or JSON config (e.g. a preset)")
    p.add_argument("--steps", type=int, default=None,
                   help="number of steps to train (default: the config's training.steps)")
    p.add_argument("--out", default=None,
                   help="write the metric history here (.csv or .json by extension)")
    p.add_argument("--save", default=None, help="save the trained session here (.opg)")
    p.add_argument("--allow-data-outside", action="store_true",
                   help="let the session read a CSV outside its own folder (by default "
                        "refused: a shared file must not read, and embed, your other files)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


class _ArgError(Exception):
    pass


def run_command(argv: list[str]) -> int:
    parser = _parser()
    parser.error = _raise  # type: ignore[method-assign]  # one-line error, exit code 2
    try:
        args = parser.parse_args(argv)
    except _ArgError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from core.train.session import SessionError, load_session, save_session

    try:
        if args.steps is not None and not 0 <= args.steps <= limits.MAX_STEPS:
            raise ValueError(f"--steps must lie in 0..{limits.MAX_STEPS}, got {args.steps}")
        if args.out and Path(args.out).suffix.lower() not in (".csv", ".json"):
            raise ValueError(f"--out must end in .csv or .json, got {args.out}")
        loaded = load_session(args.session, allow_data_outside=args.allow_data_outside)
        trainer = loaded.trainer()
    except (SessionError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    n_steps = args.steps if args.steps is not None else loaded.config.training.steps
    _train(trainer, n_steps, quiet=args.quiet or not sys.stderr.isatty())
    try:
        if args.out:
            write_metrics(trainer.snapshot(), args.out)
        if args.save:
            save_session(args.save, loaded.config, trainer)
    except (SessionError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    snap = trainer.snapshot()
    summary = f"step {snap.step}, epoch {snap.epoch}, train loss {snap.last_loss}"
    if snap.status == RunStatus.DIVERGED:
        print(f"{snap.message}", file=sys.stderr)
        return EXIT_DIVERGED
    print(summary + (f"; {snap.message}" if snap.message else ""))
    return EXIT_OK


def _raise(message: str):
    raise _ArgError(message)


def _train(trainer, n_steps: int, *, quiet: bool) -> None:
    from tqdm import tqdm

    chunk = 256
    with tqdm(total=n_steps, disable=quiet, unit="step", dynamic_ncols=True) as bar:
        done = 0
        while done < n_steps and not trainer.finished:
            k = trainer.run(min(chunk, n_steps - done))
            done += k
            bar.update(k)
            if trainer.steps.size:
                bar.set_postfix(loss=f"{trainer.steps.last('loss'):.4g}", refresh=False)
            if k == 0:
                break


def metrics_rows(snap) -> tuple[list[str], list[list]]:
    """One row per recorded step; evaluation columns filled on evaluation steps."""
    layers = [n.replace(" ", "_") for n in snap.layer_names]
    header = (["step", "epoch", "train_loss"] + [f"grad_norm_{n}" for n in layers]
              + ["val_loss", "val_acc", "train_acc"] + [f"update_ratio_{n}" for n in layers])
    evals = {int(s): i for i, s in enumerate(snap.eval_steps)}
    rows = []
    for i, step in enumerate(snap.steps):
        j = evals.get(int(step))
        ev = ([snap.val_loss[j], snap.val_acc[j], snap.train_acc[j], *snap.update_ratio[j]]
              if j is not None else [""] * (3 + len(layers)))
        rows.append([int(step), int(snap.epochs[i]), snap.train_loss[i], *snap.grad_norms[i], *ev])
    return header, rows


def write_metrics(snap, path: str | Path) -> None:
    """CSV (one row per step) or JSON (columns) by the file's extension; atomic."""
    from core.train.session import atomic_write

    path = Path(path)
    if path.suffix.lower() == ".json":
        doc = {
            "layers": list(snap.layer_names), "status": str(snap.status),
            "stop_step": snap.stop_step,
            "steps": snap.steps.tolist(), "train_loss": _list(snap.train_loss),
            "grad_norms": _list(snap.grad_norms), "eval_steps": snap.eval_steps.tolist(),
            "val_loss": _list(snap.val_loss), "val_acc": _list(snap.val_acc),
            "train_acc": _list(snap.train_acc), "update_ratio": _list(snap.update_ratio),
        }
        atomic_write(path, (json.dumps(doc) + "\n").encode())
        return
    header, rows = metrics_rows(snap)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    atomic_write(path, buf.getvalue().encode())


def _list(a: np.ndarray) -> list:
    """JSON has no NaN: missing values (e.g. accuracy of a regression) become null."""
    return np.where(np.isfinite(a), a, None).tolist()


# -- sweep ------------------------------------------------------------------------
def _sweep_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python main.py sweep",
        description="Train a session's variants over seeds, in parallel, and write the "
                    "results as tidy CSV tables.")
    p.add_argument("session", help="session file (.opg) or JSON config: the base of every run")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=VALUES",
                   help="a setting and its values, e.g. optimizer.name=sgd,adam or "
                        "optimizer.hyper.lr=log:1e-4:1:9 (at most twice)")
    p.add_argument("--seeds", type=int, default=1, help="seeds per combination (default 1)")
    p.add_argument("--first-seed", type=int, default=None,
                   help="the first seed (default: the session's training.seed)")
    p.add_argument("--steps", type=int, default=None,
                   help="steps per run (default: the config's training.steps)")
    p.add_argument("--metrics", default=None,
                   help="comma-separated metrics to keep (default: train_loss,val_loss,"
                        "val_acc,grad_norm; also train_acc, update_ratio, epoch)")
    p.add_argument("--out", required=True, help="the per-step table (.csv)")
    p.add_argument("--summary", default=None, help="the per-run summary (.csv)")
    p.add_argument("--cells", default=None,
                   help="the per-cell summary over seeds (.csv; default with --summary: "
                        "beside it, as NAME_cells.csv)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help="local worker processes (default: the CPU count)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--local-cluster", type=int, default=None, metavar="N",
                       help="start a Dask LocalCluster of N workers for this sweep")
    where.add_argument("--serial", action="store_true", help="train in this process")
    p.add_argument("--plot", default=None, help="draw the curves into this .png or .svg")
    p.add_argument("--plot-metric", default="train_loss",
                   choices=("train_loss", "val_loss", "val_acc"),
                   help="the metric --plot draws (default train_loss)")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                   help="a bar over runs (auto: on a terminal), a line per run, or nothing")
    p.add_argument("--allow-data-outside", action="store_true",
                   help="let the session read a CSV outside its own folder")
    return p


def _sweep_setup(args):
    """(spec, raw, outputs) from the parsed arguments; ValueError/SessionError on bad input."""
    from core.train.session import load_session
    from core.train.sweep.spec import make_spec, parse_axis

    outputs = {"out": args.out, "summary": args.summary, "cells": args.cells}
    if args.summary and not args.cells:
        outputs["cells"] = str(Path(args.summary).with_name(Path(args.summary).stem
                                                            + "_cells.csv"))
    for flag, path in outputs.items():
        if path and Path(path).suffix.lower() != ".csv":
            raise ValueError(f"--{flag} must end in .csv, got {path}")
        if path and not Path(path).resolve().parent.is_dir():
            raise ValueError(f"--{flag}: the folder of {path} does not exist")
    if args.plot and Path(args.plot).suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"--plot must end in .png or .svg, got {args.plot}")
    if not args.vary:
        raise ValueError("give at least one --vary PATH=VALUES")
    axes = [parse_axis(v) for v in args.vary]
    loaded = load_session(args.session, allow_data_outside=args.allow_data_outside)
    config = loaded.config
    if args.first_seed is not None:
        from core.train.config import config_to_dict, parse_config

        d = config_to_dict(config)
        d["training"]["seed"] = args.first_seed
        config = parse_config(d)
    metrics = args.metrics.split(",") if args.metrics else None
    kw = {"metrics": [m.strip() for m in metrics]} if metrics else {}
    spec = make_spec(config, axes, seeds=args.seeds, steps=args.steps, **kw)
    if args.plot and args.plot_metric not in spec.metrics:
        raise ValueError(f"--plot-metric {args.plot_metric} is not among the kept --metrics")
    return spec, loaded.raw, outputs


def _executor(args):
    from core.train.sweep.executors import make_executor

    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be at least 1, got {args.workers}")
    return make_executor(args.workers, args.scheduler, args.local_cluster, args.serial)


def _progress(mode: str, spec):
    """(on_result, close) reporting each finished run: a tqdm bar or a line each."""
    if mode == "auto":
        mode = "bar" if sys.stderr.isatty() else "none"
    counts = {"done": 0, "diverged": 0}
    bar = None
    if mode == "bar":
        from tqdm import tqdm

        bar = tqdm(total=spec.n_runs, unit="run", dynamic_ncols=True)

    def on_result(r) -> None:
        counts["done"] += 1
        counts["diverged"] += r.diverged
        if bar is not None:
            bar.update(1)
            bar.set_postfix(diverged=counts["diverged"], refresh=False)
        elif mode == "lines":
            print(f"[{counts['done']}/{spec.n_runs}] run {r.run} "
                  f"({spec.cells[r.cell].label}, seed {r.seed}): {r.status}",
                  file=sys.stderr, flush=True)

    return on_result, (bar.close if bar is not None else (lambda: None))


class _StopOnInterrupt:
    """The first Ctrl-C sets ``stop`` (the runs in progress end, what finished is
    written); a second one interrupts at once."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.old = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame) -> None:
        if self.stop.is_set():
            raise KeyboardInterrupt
        self.stop.set()
        print("\nstopping: the runs in progress end, the finished ones are written "
              "(Ctrl-C again to quit at once)", file=sys.stderr, flush=True)

    def __exit__(self, *exc) -> None:
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)


def sweep_command(argv: list[str], plot: Callable | None = None) -> int:
    """``python main.py sweep ...``; ``plot(results, path)`` draws ``--plot`` (the app's
    figure code, handed in by main.py: the core draws nothing)."""
    parser = _sweep_parser()
    parser.error = _raise  # type: ignore[method-assign]
    try:
        args = parser.parse_args(argv)
        if args.plot and plot is None:
            raise ValueError("--plot needs the app's plotting code (run it as main.py sweep)")
        spec, raw, outputs = _sweep_setup(args)
        executor = _executor(args)
    except (_ArgError, ValueError, OSError) as err:  # SessionError is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from core.train.sweep.driver import run_sweep

    stop = threading.Event()
    on_result, close_bar = _progress(args.progress, spec)
    try:
        with executor, _StopOnInterrupt(stop):
            results = run_sweep(spec, executor, raw=raw, on_result=on_result, stop=stop)
    except ValueError as err:  # e.g. the session's CSV cannot be read
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        close_bar()
    draw = None if plot is None else (lambda r, p: plot(r, p, metric=args.plot_metric))
    return _sweep_outputs(results, outputs, args.plot, draw)


def _sweep_outputs(results, outputs: dict, plot_path, plot) -> int:
    from core.train.sweep import tables

    try:
        tables.step_table(results).write_csv(outputs["out"])
        if outputs["summary"]:
            tables.run_summary(results).write_csv(outputs["summary"])
        if outputs["cells"]:
            tables.cell_summary(results).write_csv(outputs["cells"])
        if plot_path:
            plot(results, plot_path)
    except (OSError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    runs = results.finished()
    errors = [r for r in runs if r.status == "error"]
    diverged = sum(r.diverged for r in runs)
    line = (f"{len(runs)} of {len(results.runs)} runs, {diverged} diverged, in "
            f"{results.seconds:.1f} s on {results.executor}; wrote {outputs['out']}")
    if errors:
        print(f"{len(errors)} runs could not start, e.g. run {errors[0].run}: "
              f"{errors[0].message}", file=sys.stderr)
    if results.interrupted:
        print(f"interrupted: {line}", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(line)
    if errors and len(errors) == len(runs):
        return EXIT_BAD_INPUT
    return EXIT_DIVERGED if results.all_diverged else EXIT_OK
