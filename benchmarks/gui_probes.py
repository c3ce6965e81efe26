"""The probes gui_responsiveness.py listens to the app with: the GUI thread's timer
lag, the frames that reach the GUI, the paints of each plot."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot

TICK_MS = 10


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
    """Records (time, step) of each Frame of the current run that reached the GUI.

    Lives in the GUI thread and is connected after the window, so each frame
    reaches it through the event loop right after the window's slot handled it.
    ``current_run()`` says which run id the window draws (None: any)."""

    def __init__(self, worker, current_run=lambda: None, ack: bool = False):
        super().__init__()
        self.worker, self.current_run, self.ack = worker, current_run, ack
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
        run = self.current_run()
        if self.recording and frame.playing and (run is None or frame.run_id == run):
            self.frames.append((time.perf_counter(), int(frame.snapshot.step)))
        if self.ack:
            self.worker.ack()


class PaintProbe(QObject):
    """Times of the Paint events each plot viewport receives."""

    def __init__(self, viewports: dict):
        super().__init__()
        self.times: dict[str, list[float]] = {name: [] for name in viewports}
        self._names = {id(vp): name for name, vp in viewports.items()}
        self.recording = False
        for vp in viewports.values():
            vp.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if self.recording and event.type() == QEvent.Type.Paint:
            self.times[self._names[id(obj)]].append(time.perf_counter())
        return False
