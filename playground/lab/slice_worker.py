"""The background half of the network landscape: ``SliceWorker`` runs
``core.lab.landscape.compute_slice`` once in a QThread, with throttled progress
and a stop flag for Cancel (see ``landscape_widget``)."""

from __future__ import annotations

import importlib
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

__all__ = ["PROGRESS_STEPS", "RUNNING_THREADS", "SliceWorker", "load_landscape"]

PROGRESS_STEPS = 200  # progress signals per computation at most


def load_landscape():
    """``core.lab.landscape``, imported on first use (tests put a fake in sys.modules)."""
    return importlib.import_module("core.lab.landscape")


#: Threads still running after their widget let go of them (kept alive until done:
#: destroying a running QThread aborts the process).
RUNNING_THREADS: set[QThread] = set()


class SliceWorker(QObject):
    """Runs ``compute_slice`` once in its thread; ends with exactly one of
    ``done(result)``, ``cancelled()`` or ``failed(message)``."""

    progress = Signal(int, int)
    done = Signal(object)
    cancelled = Signal()
    failed = Signal(str)

    def __init__(self, trainer, options: dict) -> None:
        super().__init__()
        self.trainer = trainer
        self.options = dict(options)
        self.stop = threading.Event()
        self._last = -1

    def should_stop(self) -> bool:
        return self.stop.is_set()

    def _progress(self, done: int, total: int) -> None:
        total = max(int(total), 1)
        bucket = int(done) * PROGRESS_STEPS // total
        if bucket != self._last or done >= total:
            self._last = bucket
            self.progress.emit(int(done), total)

    @Slot()
    def run(self) -> None:
        try:
            result = load_landscape().compute_slice(
                self.trainer, progress=self._progress, should_stop=self.should_stop,
                **self.options)
        except Exception as err:  # noqa: BLE001 - shown in the widget, never a crash
            if self.stop.is_set():
                self.cancelled.emit()
            else:
                self.failed.emit(f"{type(err).__name__}: {err}" if not isinstance(
                    err, ValueError) else str(err))
            return
        finally:
            self.trainer = None
        if self.stop.is_set() or result is None:
            self.cancelled.emit()
        else:
            self.done.emit(result)
