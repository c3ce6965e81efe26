"""Headless runner: ``python main.py run SESSION [--steps N] [--out FILE] [--save SESSION]``.

Exit codes: 0 success (early stopping included), 2 bad input (one-line error on
stderr), 3 the run diverged.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

import numpy as np

from core.common import limits
from core.train.status import RunStatus

EXIT_OK, EXIT_BAD_INPUT, EXIT_DIVERGED = 0, 2, 3


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
