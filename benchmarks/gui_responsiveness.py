#!/usr/bin/env python
"""GUI responsiveness while the app trains workload (a) at full speed (issue 6, item 3).

    .venv/bin/python benchmarks/gui_responsiveness.py               the app's main window
    .venv/bin/python benchmarks/gui_responsiveness.py --seconds 20 --json out.json
    .venv/bin/python benchmarks/gui_responsiveness.py --no-window   the worker alone

Runs offscreen. The real main window is built as ``python main.py`` builds it
(``playground.app.entry.create_main_window``, throw-away settings), workload (a)
is opened through the File menu's code path (``window.files.open_path`` on a
JSON session: 2-8-8-8-1 tanh, batch 32, Adam, MSE, regression_2d, ``eval_every``
10 as the app runs it, a run length of 10^9 steps so Play never stops on its
own), and the toolbar's Play action (what Space triggers) starts and pauses it.

The measurement alternates, ``--segments`` times: the app trains with its window
for ``--seconds / --segments`` (after a short ramp-up), then is paused while a
headless ``Trainer`` of the same config trains in this process for
``--headless-seconds``; pairing each GUI segment with a headless one right after
it keeps the ratio honest on a machine whose speed drifts. Measured:

- event-loop lag: lateness of a 10 ms QTimer (Qt.PreciseTimer) in the GUI thread
  ((time between two firings) - 10 ms) over all GUI segments; p50 / p99 / max.
- plot refresh rate: frames painted per second. A frame counts when the window
  handled a ``frame_ready`` Frame of the current run (a probe connected after the
  window's slot sees it) AND the loss plot's viewport then received a Paint event
  before the next frame arrived. Paints per second of each of the four live plots
  are reported too (the histograms redraw at most 10 times a second by design,
  the decision boundary when its grid is recomputed, ~4 times a second).
- training throughput with the GUI attached (steps between the first and the last
  frame of a segment, per second) against the headless run right after it; the
  median of the segments' ratios.
The targets are in TARGETS.

``--tab NAME`` brings another tab to the front while measuring (e.g. "Compare"):
the live plots are then hidden, and the throughput shows what hidden plots cost.
``--no-window`` drives a bare ``playground.session.worker.TrainingWorker`` and
acknowledges each frame as it arrives (a GUI that draws instantly): the worker's
own share of the cost.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# BLAS and numba on one thread each (as bench.py), but the process is NOT pinned to
# one CPU: the app's GUI thread and training worker may use two cores, as they do.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import workloads as bench  # noqa: E402  (the benchmark's workloads and constants)
from gui_probes import FrameProbe, LagProbe, PaintProbe  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TARGETS = {"lag_p99_ms": 30.0, "fps": 20.0, "throughput_ratio": 0.85}  # DESIGN.md
EXIT_OK, EXIT_NO_FRAMES = 0, 3
RUN_LENGTH = 10**9  # training.steps: Play trains in blocks of this many steps
RAMP_SECONDS = 0.3  # after each Play, before measuring


def workload_config(eval_every: int) -> dict:
    """Workload (a) as a session config, run as the app runs it."""
    # (a) uses a registered data set: core_config writes nothing to the directory
    cfg = bench.core_config(bench.WORKLOADS["a"], Path(tempfile.gettempdir()))
    cfg["training"].update(eval_every=eval_every, steps=RUN_LENGTH)
    return cfg


# -- The app: the only code that knows its API -----------------------------------------

def build_window(settings_dir: Path):
    """The main window as ``python main.py`` builds it, with throw-away settings."""
    from playground.app import entry as app
    from playground.app import settings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    qsettings = settings.make_settings("Optimizer Playground benchmark")
    if hasattr(app, "create_main_window"):
        return app.create_main_window([], qsettings)
    from playground.app.main_window import MainWindow  # older revisions (before/after runs)

    return MainWindow(qsettings)


def open_session(app, window, path: Path, timeout: float = 30.0) -> None:
    """File > Open without the dialog; waits until the new run's first frame is drawn."""
    if not window.files.open_path(path):
        raise RuntimeError(f"the window could not open {path}")
    t0 = time.perf_counter()
    while window.session.snapshot is None:
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError("the window drew no frame of the opened session")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def set_playing(window, playing: bool) -> None:
    """The toolbar's Play/Pause action (what Space triggers), if not already so."""
    if window.session.playing != playing:
        window.controls.play.trigger()


def show_tab(window, title: str) -> None:
    tabs = window.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    if title not in titles:
        raise SystemExit(f"error: no tab {title!r}; the tabs are {titles}")
    tabs.setCurrentIndex(titles.index(title))


def live_viewports(window) -> dict:
    v = window.views
    return {"loss": v.loss.widget.viewport(), "grad": v.grad.viewport(),
            "hists": v.hists.viewport(), "boundary": v.boundary.viewport()}


# -- Measurements ----------------------------------------------------------------------

class Headless:
    """Trainer.run of the config in this process, continued segment after segment."""

    def __init__(self, config):
        from core.train.trainer import Trainer

        self.trainer = Trainer(config)
        self.trainer.run(64)  # compiles or loads the kernels

    def rate(self, seconds: float) -> float:
        done, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            done += self.trainer.run(bench.CORE_CHUNK)
        return done / (time.perf_counter() - t0)


def pump(seconds: float) -> None:
    """Run the Qt event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def painted_frames(frames: list[tuple[float, int]], paints: list[float], end: float) -> int:
    """Frames followed by at least one paint before the next frame (or the end)."""
    if not frames:
        return 0
    t = np.array([f[0] for f in frames] + [end])
    p = np.sort(np.array(paints, dtype=float))
    # The first paint at or after each frame (inf: none).
    first = np.append(p, np.inf)[np.searchsorted(p, t[:-1])]
    return int(np.sum(first < t[1:]))


def segment_result(frames, paints, start: float, end: float, headless: float) -> dict:
    f = [x for x in frames.frames if start <= x[0] <= end]
    span = f[-1][0] - f[0][0] if len(f) >= 2 else 0.0
    rate = (f[-1][1] - f[0][1]) / span if span > 0 else float("nan")
    if paints is not None:
        loss = [t for t in paints.times["loss"] if start <= t <= end]
        painted = painted_frames(f, loss, end)
    else:  # --no-window: nothing is painted; delivered frames stand for drawn ones
        painted = len(f)
    return {"seconds": end - start, "frames_drawn": len(f), "frames_painted": painted,
            "steps_per_s_gui": rate, "steps_per_s_headless": headless,
            "throughput_ratio": rate / headless if headless else float("nan")}


def summarize(lag: LagProbe, segments: list[dict], paints: PaintProbe | None,
              failures: list[str]) -> dict:
    late = np.array(lag.late_ms) if lag.late_ms else np.array([np.nan])
    seconds = sum(s["seconds"] for s in segments)
    ratios = [s["throughput_ratio"] for s in segments]
    return {
        "seconds": seconds, "segments": segments, "ticks": len(lag.late_ms),
        "lag_p50_ms": float(np.percentile(late, 50)), "lag_p99_ms": float(np.percentile(late, 99)),
        "lag_max_ms": float(np.max(late)),
        "frames_drawn": sum(s["frames_drawn"] for s in segments),
        "frames_painted": sum(s["frames_painted"] for s in segments),
        "fps": sum(s["frames_painted"] for s in segments) / seconds,
        "paints_per_s": ({k: len(v) / seconds for k, v in paints.times.items()}
                         if paints is not None else {}),
        "steps_per_s_gui": float(np.median([s["steps_per_s_gui"] for s in segments])),
        "steps_per_s_headless": float(np.median([s["steps_per_s_headless"] for s in segments])),
        "throughput_ratio": float(np.median(ratios)),
        "worker_failures": failures,
    }


def print_report(r: dict) -> None:
    def row(measure: str, value: str, target: str, ok: bool) -> None:
        print(f"  {measure:30s} {value:50s} {target:12s} {'PASS' if ok else 'MISS'}")

    print(f"\nGUI responsiveness: workload (a) at full speed, eval_every {r['eval_every']}, "
          f"{r['seconds']:.0f} s in {len(r['segments'])} segments ({r['mode']}; "
          f"switch interval {r['switch_interval_ms']:g} ms)")
    print(f"  {'measure':30s} {'value':50s} {'target':12s} verdict")
    t = TARGETS
    row("event-loop lag (10 ms timer)",
        f"p50 {r['lag_p50_ms']:.1f} / p99 {r['lag_p99_ms']:.1f} / max {r['lag_max_ms']:.1f} ms"
        f" ({r['ticks']} ticks)", f"p99 < {t['lag_p99_ms']:g} ms",
        r["lag_p99_ms"] < t["lag_p99_ms"])
    row("plot refresh (frames painted)",
        f"{r['fps']:.1f}/s ({r['frames_painted']} of {r['frames_drawn']} frames drawn)",
        f">= {t['fps']:g}/s", r["fps"] >= t["fps"])
    row("throughput, GUI vs headless",
        f"{r['steps_per_s_gui']:,.0f} vs {r['steps_per_s_headless']:,.0f} steps/s"
        f" = {r['throughput_ratio']:.0%} (median)", f">= {t['throughput_ratio']:.0%}",
        r["throughput_ratio"] >= t["throughput_ratio"])
    print("  segments, GUI / headless steps/s: " + ", ".join(
        f"{s['steps_per_s_gui']:,.0f}/{s['steps_per_s_headless']:,.0f}"
        f" ({s['throughput_ratio']:.0%})" for s in r["segments"]))
    if r["paints_per_s"]:
        print("  paints per second: " + ", ".join(
            f"{k} {v:.1f}" for k, v in r["paints_per_s"].items()))
    for msg in r["worker_failures"]:
        print(f"  worker reported: {msg}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0,
                   help="training time measured with the GUI, all segments together")
    p.add_argument("--segments", type=int, default=5, help="GUI / headless alternations")
    p.add_argument("--headless-seconds", type=float, default=1.0,
                   help="headless training after each GUI segment")
    p.add_argument("--no-window", action="store_true",
                   help="measure a bare TrainingWorker (no app window); frames are acked here")
    p.add_argument("--tab", default=None,
                   help="title of the window's tab to show while measuring (default: Training)")
    p.add_argument("--eval-every", type=int, default=10,
                   help="training.eval_every of the run (default 10, as the app runs it)")
    p.add_argument("--json", default=None, help="write the results to this JSON file")
    return p.parse_args(argv)


def bare_worker(config):
    """--no-window: (worker, frame probe, play(on), mode) of a bare TrainingWorker."""
    from core.train.trainer import Trainer
    from playground.session.run_info import describe_run
    from playground.session.worker import TrainingWorker

    worker = TrainingWorker()
    worker.start()
    frames = FrameProbe(worker, ack=True)
    trainer = Trainer(config)
    worker.set_trainer(trainer, 1, describe_run(trainer, 1, config).view_spec)

    def play(on: bool) -> None:
        worker.play() if on else worker.pause()
    return worker, frames, play, "bare TrainingWorker, frames acked by the probe"


def app_window(app, tmp: Path, cfg: dict, tab: str | None):
    """(window, frame probe, paint probe, play(on), mode) of the app's main window with
    workload (a) opened through the File menu's code path."""
    window = build_window(tmp / "settings")
    window.show()
    path = tmp / "workload_a.json"
    path.write_text(json.dumps(cfg, indent=2))
    pump(0.5)  # let the window settle (and its kernel warm-up finish)
    open_session(app, window, path)
    frames = FrameProbe(window.worker, current_run=lambda: window.session.run_id)
    paints = PaintProbe(live_viewports(window))
    if tab:
        show_tab(window, tab)

    def play(on: bool) -> None:
        set_playing(window, on)
    mode = "app main window, File > Open, Play/Pause"
    if tab:
        mode += f", tab {tab!r} in front"
    return window, frames, paints, play, mode


def record(on: bool, *probes) -> None:
    for probe in filter(None, probes):
        probe.recording = on


def measure(args, frames, paints, play, headless: Headless) -> tuple[LagProbe, list[dict]]:
    """GUI segments, each followed by a headless one."""
    lag = LagProbe()
    play(True)
    pump(1.0)  # ramp-up: the worker sizes its chunks from the first ones
    segments = []
    per_segment = args.seconds / args.segments
    for i in range(args.segments):
        print(f"segment {i + 1}/{args.segments}...", flush=True)
        play(True)
        pump(RAMP_SECONDS)
        record(True, frames, paints)
        lag.start()
        start = time.perf_counter()
        pump(per_segment)
        end = time.perf_counter()
        lag.stop()
        record(False, frames, paints)
        play(False)
        pump(0.2)  # the pause lands, its frame is drawn
        rate = headless.rate(args.headless_seconds)
        segments.append(segment_result(frames, paints, start, end, rate))
    return lag, segments


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from core.train.config import parse_config

    app = QApplication.instance() or QApplication([sys.argv[0]])
    tmp = Path(tempfile.mkdtemp(prefix="opg-gui-bench-"))
    cfg = workload_config(args.eval_every)
    config = parse_config(cfg)
    print("kernel warm-up and a first headless second...", flush=True)
    headless = Headless(config)
    headless.rate(1.0)
    window = paints = None
    if args.no_window:
        worker, frames, play, mode = bare_worker(config)
    else:
        window, frames, paints, play, mode = app_window(app, tmp, cfg, args.tab)
    lag, segments = measure(args, frames, paints, play, headless)
    if window is not None:
        window.session.document.dirty = False  # no "save changes?" prompt
        window.close()
    else:
        worker.stop()
    shutil.rmtree(tmp, ignore_errors=True)

    result = summarize(lag, segments, paints, frames.failures)
    result.update(mode=mode, eval_every=args.eval_every,
                  switch_interval_ms=sys.getswitchinterval() * 1e3)
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return EXIT_OK if result["frames_drawn"] >= 2 else EXIT_NO_FRAMES


if __name__ == "__main__":
    sys.exit(main())
