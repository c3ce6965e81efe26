"""Compare runs: variants of the current session trained side by side.

The variants (their configs and labels) come from ``core.train.variants``.

``CompareRunner`` trains the variants round-robin in one background thread, in
short chunks so the curves grow together, and publishes their loss histories a
few times a second.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.data import datasets
from core.train.config import SessionConfig
from core.train.trainer import Trainer
from core.train.variants import KINDS, LECTURE_OPTIMIZERS, variants  # noqa: F401 - re-exported

CHUNK = 25
PUBLISH_EVERY = 0.1


@dataclass(frozen=True)
class Curve:
    label: str
    steps: np.ndarray
    loss: np.ndarray
    status: str  # trainer status, or "error"
    message: str = ""


class CompareRunner(QObject):
    """Trains variants in a background thread; ``progress`` carries a tuple of Curves."""

    started = Signal(list)  # the variants' labels
    refused = Signal(str)  # why the variants could not be built
    progress = Signal(object)
    done = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_variants(self, config: SessionConfig, kind: str, names: list[str],
                       n_steps: int, raw: datasets.Dataset | None = None) -> None:
        """Train the ``kind`` variants of ``config`` (``core.train.variants``)."""
        try:
            runs = variants(config, kind, names)
        except ValueError as err:
            self.refused.emit(f"Cannot compare: {err}")
            return
        self.started.emit([label for label, _ in runs])
        self.start(runs, n_steps, raw=raw)

    def start(self, runs: list[tuple[str, SessionConfig]], n_steps: int,
              raw: datasets.Dataset | None = None) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(runs, n_steps, raw,
                                                                self._stop),
                                        name="compare-runner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> bool:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
        return not self.running()

    def _run(self, runs, n_steps: int, raw, stop: threading.Event) -> None:
        try:
            trainers: list[tuple[str, Trainer | None, str]] = []
            for label, cfg in runs:
                if stop.is_set():
                    return
                try:
                    trainers.append((label, Trainer(cfg, raw=raw), ""))
                except ValueError as err:
                    trainers.append((label, None, str(err)))
            last = 0.0
            while not stop.is_set():
                active = False
                for _, t, _ in trainers:
                    if t is not None and not t.finished and t.step < n_steps:
                        t.run(min(CHUNK, n_steps - t.step), should_stop=stop.is_set)
                        active = True
                now = time.perf_counter()
                if not active or now - last >= PUBLISH_EVERY:
                    self.progress.emit(tuple(self._curve(*x) for x in trainers))
                    last = now
                if not active:
                    break
            if not stop.is_set():
                self.done.emit()
        except Exception as err:  # noqa: BLE001 - reported, never kills the app
            self.failed.emit("".join(traceback.format_exception_only(type(err), err)).strip())

    @staticmethod
    def _curve(label: str, t: Trainer | None, error: str) -> Curve:
        if t is None:
            return Curve(label, np.zeros(0), np.zeros(0), "error", error)
        s = t.snapshot()
        return Curve(label, s.steps, s.train_loss, s.status, s.message)
