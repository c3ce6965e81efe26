"""Compare runs: a sweep of the current session on local worker processes.

``SweepRunner`` drives ``core.train.sweep.run_sweep`` from a background thread on
a ``ProcessExecutor`` (one training per core, each in its own process), so the
GUI thread never waits: it is told of each finished run (``run_done``) and of
the end (``finished``). ``cancel`` returns at once; the runs in progress end at
their next chunk of steps. The worker processes are started with the first
comparison and kept for the next ones (they take a second to start); ``shutdown``
ends them.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal

from core.train.sweep.driver import SweepResults, raw_applies, run_sweep
from core.train.sweep.executors import ProcessExecutor
from core.train.sweep.spec import SweepSpec


class SweepRunner(QObject):
    started = Signal(object)  # SweepResults, still empty
    run_done = Signal(object)  # RunResult (from the runner's thread: queued to the GUI)
    finished = Signal(object)  # SweepResults: complete, or cancelled
    failed = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor: ProcessExecutor | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.spec: SweepSpec | None = None
        self.raw = None

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, spec: SweepSpec, raw=None, workers: int | None = None) -> bool:
        """Train ``spec``'s runs (``raw``: the session's embedded data); False, and
        ``refused`` emitted, while another comparison runs."""
        if self.running():
            self.refused.emit("A comparison is running: cancel it first.")
            return False
        if self._executor is not None and workers is not None \
                and self._executor.workers != workers:
            self._executor.close()
            self._executor = None
        if self._executor is None:
            self._executor = ProcessExecutor(workers)
        self.spec, self.raw = spec, raw
        self._stop = threading.Event()
        self.started.emit(SweepResults(spec))
        self._thread = threading.Thread(target=self._run, args=(spec, raw, self._stop),
                                        name="compare-sweep", daemon=True)
        self._thread.start()
        return True

    def _run(self, spec: SweepSpec, raw, stop: threading.Event) -> None:
        try:
            results = run_sweep(spec, self._executor, raw=raw, on_result=self.run_done.emit,
                                stop=stop)
        except Exception as err:  # noqa: BLE001 - reported, never kills the app
            executor, self._executor = self._executor, None  # e.g. a broken pool: a new one
            if executor is not None:
                executor.close()
            self.failed.emit("".join(traceback.format_exception_only(type(err), err)).strip())
            return
        self.finished.emit(results)

    def cancel(self) -> None:
        """Stop starting runs; those in progress end at their next chunk. Returns at once."""
        self._stop.set()

    def raw_for(self, config: dict):
        """The embedded data a variant of the last comparison trains on (or None)."""
        if self.raw is None or self.spec is None or not raw_applies(self.spec.base, config):
            return None
        return self.raw

    def shutdown(self, timeout: float = 1.0) -> bool:
        """Cancel, wait up to ``timeout`` for the runner's thread, end the workers."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._executor is not None:
            self._executor.close()
            self._executor = None
        return not self.running()
