#!/usr/bin/env python
"""What the network view costs, as a fraction of training time (issue 13).

    .venv/bin/python benchmarks/network_view.py            ~1 min
    .venv/bin/python benchmarks/network_view.py --reps 9 --json network_view.json

Per workload (the largest network the view draws in full: 16 hidden layers of 16
units on the spiral; and the lecture's presets), headless:

- ``step``: one training step (``Trainer.run`` in chunks, as the app);
- ``picture``: one analysis of a snapshot (statistics of every unit on the training
  split, the 40 x 40 neuron maps, the 80 x 80 enlarged map, the weights), median
  of ``--reps``;
- ``curvature``: one Hutchinson estimate (8 probes per layer on 120 rows);
- the fractions of training time they take at the view's pace
  (playground.network.analysis): pictures at most 5 a second and at most SHARE of
  a core, curvature at most 2 a second and at most SHARE; and the curvature "per
  evaluation", i.e. were it computed at every ``eval_every``-th step;
- ``slowdown``: training steps per second with the analysis thread running at its
  pace on fresh snapshots, against without (both threads share the cores; the
  kernels release the interpreter lock).

``--app``: the real window (offscreen), training each workload for ``--seconds``
with the Network tab in front and with the Training tab in front (where the view's
thread still analyses, but nothing of it is drawn): the app's steps per second in
the two cases, the network view's whole cost (analysis and drawing) as the app
sees it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.train.config import parse_config  # noqa: E402
from core.train.session import load_session  # noqa: E402
from playground.network import analysis as pace  # noqa: E402
from playground.network.picture import Analyst  # noqa: E402
from playground.session.run_info import describe_run  # noqa: E402

LARGEST = {"schema_version": 2, "title": "2-[16 x 16]-1 tanh (the largest drawn in full)",
           "data": {"name": "spiral", "n_samples": 600},
           "network": {"hidden": [16] * 16, "activation": "tanh"},
           "optimizer": {"name": "adam", "hyper": {"lr": 0.01}},
           "training": {"batch_size": 32}}
PRESETS = ["00_default_spiral", "01_vanishing_gradients", "02_exploding_gradients",
           "03_relu_family_dying_relu", "12_digits"]


def _trainer(name: str):
    if name == "largest":
        config = parse_config(LARGEST)
        from core.train.trainer import Trainer
        return Trainer(config), config, LARGEST["title"]
    loaded = load_session(ROOT / "resources/presets" / f"{name}.json")
    return loaded.trainer(), loaded.config, name


def _median(fn, reps: int) -> float:
    fn()  # compile / warm the caches
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _step_time(trainer, steps: int = 2000) -> float:
    trainer.run(50)
    t0 = time.perf_counter()
    trainer.run(steps)
    return (time.perf_counter() - t0) / steps


def _slowdown(trainer, analyst, seconds: float) -> float:
    """Steps per second while a thread analyses fresh snapshots at the view's pace,
    over steps per second alone."""
    alone = 1.0 / _step_time(trainer, 1000)
    stop = threading.Event()

    def analyse():
        next_picture = next_curvature = 0.0
        while not stop.is_set():
            now = time.perf_counter()
            if now < next_picture:
                time.sleep(min(next_picture - now, 0.01))
                continue
            snap = latest[0]
            analyst.load(snap)
            if analyst.curvature_due(snap) and now >= next_curvature:
                t0 = time.perf_counter()
                analyst.curvature(snap)
                c = time.perf_counter() - t0
                next_curvature = t0 + max(pace.CURVATURE_INTERVAL, c / pace.SHARE)
            t0 = time.perf_counter()
            analyst.picture(snap, (1, 0))
            c = time.perf_counter() - t0
            next_picture = t0 + max(pace.MIN_INTERVAL, c / pace.SHARE)

    latest = [trainer.snapshot()]
    thread = threading.Thread(target=analyse, daemon=True)
    thread.start()
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:  # the worker's rhythm: chunks, snapshots
        done += trainer.run(256)
        latest[0] = trainer.snapshot()
    with_view = done / (time.perf_counter() - t0)
    stop.set()
    thread.join()
    return with_view / alone


def measure(name: str, reps: int, seconds: float) -> dict:
    trainer, config, title = _trainer(name)
    info = describe_run(trainer, 1, config)
    analyst = Analyst(info)
    step = _step_time(trainer)
    snap = trainer.snapshot()
    analyst.load(snap)
    picture = _median(lambda: analyst.picture(snap, (1, 0)), reps)
    curvature = _median(lambda: analyst.curvature(snap), max(3, reps // 2)) \
        if not analyst.curvature_note else float("nan")
    per_second = min(1.0 / pace.MIN_INTERVAL, pace.SHARE / picture) * picture
    curv_per_second = min(1.0 / pace.CURVATURE_INTERVAL, pace.SHARE / curvature) * curvature
    every = config.training.eval_every
    return {"workload": title, "weights": int(trainer.network.params.size),
            "step_us": step * 1e6, "picture_ms": picture * 1e3, "curvature_ms": curvature * 1e3,
            "picture_share": per_second, "curvature_share": curv_per_second,
            "curvature_per_eval": curvature / (every * step), "eval_every": every,
            "slowdown": _slowdown(trainer, analyst, seconds)}


def app_rates(names: list[str], seconds: float) -> list[dict]:
    """Steps per second of the app with the Network tab shown, and the Training tab."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from playground.app import settings
    from playground.app.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      tempfile.mkdtemp(prefix="opg-bench-"))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    rows = []
    for name in names:
        path = None
        if name == "largest":
            path = Path(tempfile.mkdtemp()) / "largest.json"
            path.write_text(json.dumps(LARGEST))
        else:
            path = ROOT / "resources/presets" / f"{name}.json"
        window = MainWindow(settings.make_settings("bench"), warm_up=False, session_path=path)
        window.resize(1400, 900)
        window.show()
        rates = {}
        for tab in ("Training", "Network", "Training", "Network"):
            target = window.views.network if tab == "Network" else window.tabs.widget(0)
            window.tabs.setCurrentWidget(target)
            session = window.session
            session.play(until=10**9)
            _spin(app, 0.5)
            s0, t0 = session.step, time.perf_counter()
            _spin(app, seconds)
            rates.setdefault(tab, []).append((session.step - s0) / (time.perf_counter() - t0))
            session.pause()
            _spin(app, 0.3)
        rows.append({"workload": name, "training_tab": max(rates["Training"]),
                     "network_tab": max(rates["Network"])})
        window.session.document.dirty = False
        window.close()
    return rows


def _spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--seconds", type=float, default=3.0, help="per slowdown measurement")
    p.add_argument("--workloads", default=",".join(["largest"] + PRESETS))
    p.add_argument("--json", default=None)
    p.add_argument("--app", action="store_true", help="the app's steps/s per tab instead")
    args = p.parse_args(argv)
    if args.app:
        rows = app_rates(args.workloads.split(","), args.seconds)
        print(f"{'workload':32} {'steps/s, Training tab':>22} {'steps/s, Network tab':>21}"
              f" {'ratio':>6}")
        for r in rows:
            print(f"{r['workload'][:32]:32} {r['training_tab']:22.0f} {r['network_tab']:21.0f}"
                  f" {r['network_tab'] / r['training_tab']:6.2f}")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2))
        return 0
    rows = [measure(n, args.reps, args.seconds) for n in args.workloads.split(",")]
    print(f"{'workload':48} {'weights':>8} {'step':>8} {'picture':>9} {'curv.':>9} "
          f"{'pict %':>7} {'curv %':>7} {'curv/eval':>10} {'speed':>6}")
    for r in rows:
        print(f"{r['workload'][:48]:48} {r['weights']:8d} {r['step_us']:6.0f}us "
              f"{r['picture_ms']:7.1f}ms {r['curvature_ms']:7.1f}ms "
              f"{100 * r['picture_share']:6.1f}% {100 * r['curvature_share']:6.1f}% "
              f"{r['curvature_per_eval']:9.1f}x {r['slowdown']:6.2f}")
    print("pict %, curv %: share of one core at the view's pace (of training time);"
          " curv/eval: one estimate over the training time of eval_every steps;"
          " speed: training steps/s with the view's thread running, over without.")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
