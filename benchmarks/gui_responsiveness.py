#!/usr/bin/env python
"""GUI responsiveness while training workload (a) at full speed (issue 6, item 3).

    .venv/bin/python benchmarks/gui_responsiveness.py               the app's window
    .venv/bin/python benchmarks/gui_responsiveness.py --no-window   the worker alone
    .venv/bin/python benchmarks/gui_responsiveness.py --seconds 10 --json out.json

Runs offscreen (QT_QPA_PLATFORM=offscreen). Measures, over ``--seconds``:

- event-loop lag: lateness of a 10 ms QTimer (Qt.PreciseTimer) in the GUI thread,
  i.e. (time between two firings) - 10 ms; p50 / p99 / max. Target p99 < 50 ms.
- plot refresh rate: Frames (``TrainingWorker.frame_ready``) delivered to the GUI
  thread per second. The worker emits at most max_fps frames and waits for the
  window's ``ack()`` before the next one, so a delivered frame is a frame the
  window drew. Target >= 20 per second.
- training throughput with the GUI attached (from the step counter in the frames)
  against headless ``Trainer.run`` in this same process, before the GUI starts.
  Target >= 70 %.

The app is being written: the few places that depend on its API are in the
"Adapter" section below (build the window, its worker, start a run); adapt them
when the window lands. ``--no-window`` needs none of them: it drives a bare
``playground.worker.TrainingWorker`` and acknowledges frames itself (a GUI that
draws instantly), which measures the worker's share of the cost.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import bench  # noqa: E402  (pins every thread pool to one thread before numpy loads)
import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10
TARGETS = {"lag_p99_ms": 50.0, "fps": 20.0, "throughput_ratio": 0.70}
EXIT_OK, EXIT_NO_WINDOW, EXIT_NO_FRAMES = 0, 2, 3


# ---------------------------------------------------------------------------------------
# Adapter: the only code that knows the app's API. Adapt here when the window lands.
# ---------------------------------------------------------------------------------------

def window_factory():
    """What builds the app's main window, or None: ``playground.app.create_main_window``
    or ``playground.main_window.MainWindow`` (called with no arguments)."""
    try:
        from playground import app
        if callable(getattr(app, "create_main_window", None)):
            return app.create_main_window
    except ImportError:
        pass
    try:
        from playground.main_window import MainWindow
    except ImportError:
        return None
    return MainWindow


def find_worker(window):
    """The window's TrainingWorker: the first attribute that is one."""
    from playground.worker import TrainingWorker

    for name in ("worker", "_worker", "training_worker"):
        if isinstance(getattr(window, name, None), TrainingWorker):
            return getattr(window, name)
    for value in vars(window).values():
        if isinstance(value, TrainingWorker):
            return value
    return None


def start_in_window(window, worker, config) -> str:
    """Make the window train ``config`` at full speed; returns which path was taken.

    Tries window methods taking a SessionConfig, then a play method; falls back to
    handing a trainer to the window's worker directly (the window may then ignore
    frames of a run id it did not create; the frame count still measures delivery).
    """
    for load in ("load_config", "set_config", "open_config", "apply_config"):
        for play in ("play", "start_training", "on_play"):
            if callable(getattr(window, load, None)) and callable(getattr(window, play, None)):
                getattr(window, load)(config)
                getattr(window, play)()
                return f"window.{load}(config) + window.{play}()"
    start_worker_directly(worker, config, run_id=1)
    return "worker.set_trainer(...) + worker.play() (no window method found)"


def start_worker_directly(worker, config, run_id: int) -> None:
    from core.trainer import Trainer
    from playground.run_info import describe_run

    trainer = Trainer(config)
    info = describe_run(trainer, run_id, config)
    worker.set_trainer(trainer, run_id, info.view_spec)
    worker.play()


# ---------------------------------------------------------------------------------------
# Probes
# ---------------------------------------------------------------------------------------

class LagProbe:
    """A TICK_MS precise timer in the GUI thread; records how late each firing is."""

    def __init__(self):
        self.late_ms: list[float] = []
        self._last = None
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self._last) * 1e3 - TICK_MS))
        self._last = now


class FrameProbe(QObject):
    """Counts Frames delivered to the GUI thread; remembers (time, step) of each.

    A QObject living in the GUI thread, so the worker's signal reaches it through
    the event loop (a queued connection), exactly like the window's slot."""

    def __init__(self, worker, ack: bool):
        super().__init__()
        self.worker, self.ack = worker, ack
        self.frames: list[tuple[float, int]] = []
        self.failures: list[str] = []
        self.recording = False
        worker.frame_ready.connect(self._on_frame)
        worker.failed.connect(self._on_failed)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.failures.append(message)

    @Slot(object)
    def _on_frame(self, frame) -> None:
        if self.recording and frame.playing:
            self.frames.append((time.perf_counter(), int(frame.snapshot.step)))
        if self.ack:
            self.worker.ack()


# ---------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------

def headless_rate(config, seconds: float) -> float:
    """Steps per second of Trainer.run in this process, no GUI (also compiles the kernels)."""
    from core.trainer import Trainer

    trainer = Trainer(config)
    trainer.run(64)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        done += trainer.run(bench.CORE_CHUNK)
    return done / (time.perf_counter() - t0)


def pump(app, seconds: float) -> None:
    """Run the Qt event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def summarize(lag: LagProbe, frames: FrameProbe, headless: float, seconds: float) -> dict:
    late = np.array(lag.late_ms) if lag.late_ms else np.array([np.nan])
    f = frames.frames
    if len(f) >= 2:
        span = f[-1][0] - f[0][0]
        gui_rate = (f[-1][1] - f[0][1]) / span if span > 0 else float("nan")
        fps = (len(f) - 1) / span if span > 0 else float("nan")
    else:
        gui_rate = fps = float("nan")
    return {
        "seconds": seconds, "ticks": len(lag.late_ms),
        "lag_p50_ms": float(np.percentile(late, 50)), "lag_p99_ms": float(np.percentile(late, 99)),
        "lag_max_ms": float(np.max(late)), "frames": len(f), "fps": fps,
        "steps_per_s_gui": gui_rate, "steps_per_s_headless": headless,
        "throughput_ratio": gui_rate / headless if headless else float("nan"),
        "worker_failures": frames.failures,
    }


def print_report(r: dict) -> None:
    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print(f"\nGUI responsiveness, workload (a), {r['seconds']:.0f} s of training ({r['mode']})")
    print(f"  event-loop lag ({TICK_MS} ms timer, {r['ticks']} ticks): "
          f"p50 {r['lag_p50_ms']:.1f} ms, p99 {r['lag_p99_ms']:.1f} ms, "
          f"max {r['lag_max_ms']:.1f} ms"
          f"   target p99 < {TARGETS['lag_p99_ms']:g} ms  "
          f"{verdict(r['lag_p99_ms'] < TARGETS['lag_p99_ms'])}")
    print(f"  plot refresh (frames delivered): {r['fps']:.1f} per s ({r['frames']} frames)"
          f"   target >= {TARGETS['fps']:g}  {verdict(r['fps'] >= TARGETS['fps'])}")
    print(f"  throughput: {r['steps_per_s_gui']:,.0f} steps/s with GUI vs "
          f"{r['steps_per_s_headless']:,.0f} headless = {r['throughput_ratio']:.0%}"
          f"   target >= {TARGETS['throughput_ratio']:.0%}  "
          f"{verdict(r['throughput_ratio'] >= TARGETS['throughput_ratio'])}")
    for msg in r["worker_failures"]:
        print(f"  worker reported: {msg}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0, help="measured training time")
    p.add_argument("--no-window", action="store_true",
                   help="measure a bare TrainingWorker (no app window); frames are acked here")
    p.add_argument("--eval-every", type=int, default=bench.EVAL_EVERY,
                   help="training.eval_every of the run (default: as bench.py, no evaluation)")
    p.add_argument("--json", default=None, help="write the results to this JSON file")
    args = p.parse_args(argv)

    from core.config import parse_config

    factory = None if args.no_window else window_factory()
    if not args.no_window and factory is None:
        print("error: no app window yet: neither playground.app.create_main_window() nor "
              "playground.main_window.MainWindow exists. Use --no-window to measure the "
              "training worker alone, or adapt window_factory().", file=sys.stderr)
        return EXIT_NO_WINDOW

    app = QApplication.instance() or QApplication([])
    # workload (a) uses a registered data set: core_config writes nothing to the directory
    cfg = bench.core_config(bench.WORKLOADS["a"], Path(tempfile.gettempdir()))
    cfg["training"]["eval_every"] = args.eval_every
    config = parse_config(cfg)

    print(f"headless Trainer.run for {min(args.seconds, 5.0):.0f} s (and kernel warm-up)...",
          flush=True)
    headless = headless_rate(config, min(args.seconds, 5.0))

    if args.no_window:
        from playground.worker import TrainingWorker

        window, worker = None, TrainingWorker()
        worker.start()
        frames = FrameProbe(worker, ack=True)
        start_worker_directly(worker, config, run_id=1)
        mode = "bare TrainingWorker, frames acked by the probe"
    else:
        window = factory()
        window.show()
        worker = find_worker(window)
        if worker is None:
            print("error: the window holds no playground.worker.TrainingWorker; "
                  "adapt find_worker().", file=sys.stderr)
            return EXIT_NO_WINDOW
        if not worker.is_alive():
            worker.start()
        frames = FrameProbe(worker, ack=False)  # the window acks what it draws
        pump(app, 0.5)  # let the window settle (and start any background warm-up)
        mode = "app window: " + start_in_window(window, worker, config)

    lag = LagProbe()
    pump(app, 1.0)  # ramp-up: the worker sizes its chunks from the first ones
    frames.recording = True
    lag.start()
    pump(app, args.seconds)
    lag.stop()
    frames.recording = False
    worker.pause()
    worker.stop()

    result = summarize(lag, frames, headless, args.seconds)
    result["mode"] = mode
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    if window is not None:
        window.close()
    return EXIT_OK if result["frames"] >= 2 else EXIT_NO_FRAMES


if __name__ == "__main__":
    sys.exit(main())
