"""The network view's own thread: it takes the newest snapshot, computes what the
view draws from the snapshot's weights (playground.network.picture, numerics in
core.nn) and hands a ``Picture`` back through ``picture_ready``.

Not the training worker: training never waits for it, and the GUI only ever
hands it snapshots (immutable copies) and reads its pictures. Only the newest
snapshot is kept, so a slow analysis sees fewer snapshots rather than a backlog.

Pace: after a picture that took t seconds the next comes no sooner than
max(MIN_INTERVAL, t / SHARE) later, and a curvature estimate (at each new
evaluation step) no sooner than max(CURVATURE_INTERVAL, t_c / SHARE) after the
last one: each costs at most SHARE of one core, whatever the network's size (the
kernels release the interpreter lock, so training goes on meanwhile).
"""

from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import QObject, Signal

from playground.network.picture import Analyst

MIN_INTERVAL = 0.2  # seconds between pictures: at most 5 a second ...
CURVATURE_INTERVAL = 0.5  # ... and curvature estimates at most 2 a second
SHARE = 0.1  # ... each taking at most this share of a core


class NetworkAnalysis(QObject):
    picture_ready = Signal(object)  # Picture (emitted in the analysis thread)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, share: float = SHARE,
                 min_interval: float = MIN_INTERVAL,
                 curvature_interval: float = CURVATURE_INTERVAL) -> None:
        super().__init__(parent)
        self.share = share
        self.min_interval = min_interval
        self.curvature_interval = curvature_interval
        self._cond = threading.Condition()
        self._info = None  # (run_id, RunInfo) to start, set by the GUI
        self._snap = None  # the newest snapshot not yet analysed
        self._focus: tuple[int, int] | None = None
        self._dirty = False  # something new to draw (a snapshot, a focus)
        self._stop = False
        # Owned by the thread:
        self._analyst: Analyst | None = None
        self._last = None  # the snapshot of the last picture
        self._next = 0.0  # no picture before this time
        self._next_curvature = 0.0
        self.timings: dict[str, float] = {}  # seconds of the last picture and estimate
        self._thread = threading.Thread(target=self._loop, name="network-analysis",
                                        daemon=True)

    # -- GUI side ----------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def set_run(self, info) -> None:
        """A new run (a RunInfo); its snapshots follow."""
        with self._cond:
            self._info = info
            self._snap = None
            self._focus = None
            self._dirty = False
            self._cond.notify()

    def submit(self, snap) -> None:
        """The newest snapshot of the current run (replaces one not yet analysed)."""
        with self._cond:
            self._snap = snap
            self._dirty = True
            self._cond.notify()

    def set_focus(self, unit: tuple[int, int] | None) -> None:
        """The (column, unit) whose enlarged map the pictures carry."""
        with self._cond:
            self._focus = unit
            self._dirty = True
            self._cond.notify()

    def stop(self, timeout: float = 1.0) -> bool:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- analysis thread ---------------------------------------------------------------
    def _wait(self):
        """Block until there is work that is due; returns (info, snap, focus) or None to
        stop. ``snap`` is None when only the curvature of the last one is due."""
        with self._cond:
            while True:
                if self._stop:
                    return None
                now = time.perf_counter()
                if self._info is not None:
                    info, self._info = self._info, None
                    return info, None, None
                waits = []
                if self._dirty and self._analyst is not None:
                    if now >= self._next:
                        self._dirty = False
                        snap = self._snap if self._snap is not None else self._last
                        self._snap = None
                        return None, snap, self._focus
                    waits.append(self._next - now)
                if self._curvature_pending():
                    if now >= self._next_curvature:
                        return None, None, self._focus
                    waits.append(self._next_curvature - now)
                self._cond.wait(min(waits) if waits else None)

    def _curvature_pending(self) -> bool:
        a, snap = self._analyst, self._last
        return a is not None and snap is not None and a.curvature_due(snap)

    def _loop(self) -> None:
        while True:
            job = self._wait()
            if job is None:
                return
            info, snap, focus = job
            try:
                if info is not None:
                    self._analyst, self._last = Analyst(info), None
                    continue
                self._analyse(snap, focus)
            except Exception as err:  # noqa: BLE001 - shown in the view; the app goes on
                detail = "".join(traceback.format_exception_only(type(err), err)).strip()
                self._analyst = None
                self.failed.emit(f"The network view stopped for this run:\n{detail}")

    def _analyse(self, snap, focus) -> None:
        a = self._analyst
        if snap is None:  # the curvature of the last snapshot was waiting
            snap = self._last
        if snap is None:
            return
        if not a.load(snap):
            self._last = None  # nothing to estimate the curvature on either
            self.picture_ready.emit(a.empty(snap, "This network is too large for the network "
                                                  f"view ({a.net.params.size:,} weights)."))
            return
        self._last = snap
        t0 = time.perf_counter()
        if a.curvature_due(snap) and t0 >= self._next_curvature:
            a.curvature(snap)
            cost = time.perf_counter() - t0
            self.timings["curvature"] = cost
            self._next_curvature = t0 + max(self.curvature_interval, cost / self.share)
        t1 = time.perf_counter()
        picture = a.picture(snap, focus)
        cost = time.perf_counter() - t1
        self.timings["picture"] = cost
        self._next = t1 + max(self.min_interval, cost / self.share)
        self.picture_ready.emit(picture)

