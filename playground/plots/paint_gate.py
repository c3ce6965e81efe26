"""Pacing between the training worker and the GUI.

Both threads run Python between releases of the interpreter lock (the worker
around every nogil kernel, the GUI around every Qt call), and PySide keeps the
lock through every Qt call it makes, painting included. When both want it,
CPython hands it over only every switch interval, so drawing while training
slows both down many times over. The worker therefore pauses while a frame is
being drawn, and this gate tells it when the drawing is really finished.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer

_DRAWN = QEvent.Type(QEvent.registerEventType())


class PaintGate(QObject):
    """Tell the worker a frame is drawn once Qt has painted it, so the worker
    trains only while the GUI is idle (see frames.DRAW_WAIT_SECONDS).

    New data makes the plots' scenes post their updates, and Qt paints them from
    those posted events. So when a frame has been handed to the plots, the gate
    posts itself a low-priority event, which Qt delivers after every event posted
    before it; on arrival it posts a second one (for the events those posted),
    and the arrival of the second means the frame is painted. The plots settle
    their ranges before painting (plots.style.settle), so that is one paint per
    plot, and a frame that changes nothing visible (another tab is shown) is
    released as soon. ``viewports``: the live plots' viewports (kept for
    inspection).
    """

    HOPS = 2
    FALLBACK_MS = 150  # never needed; a safety net should the events get lost

    def __init__(self, viewports, ack, parent: QObject) -> None:
        super().__init__(parent)
        self._ack = ack
        self.viewports = list(viewports)
        self._armed = False
        self._hops = 0
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(self.FALLBACK_MS)
        self._fallback.timeout.connect(self._release)

    def arm(self) -> None:
        """A frame was handed to the plots (GUI thread)."""
        self._armed = True
        self._fallback.start()
        if not self._hops:  # else an earlier frame's events are still on their way
            self._hops = self.HOPS
            self._post()

    def _post(self) -> None:
        QCoreApplication.postEvent(self, QEvent(_DRAWN), Qt.EventPriority.LowEventPriority.value)

    def event(self, event: QEvent) -> bool:
        if event.type() != _DRAWN:
            return super().event(event)
        self._hops -= 1
        if self._hops > 0:
            self._post()
        else:
            self._release()
        return True

    def _release(self) -> None:
        self._fallback.stop()
        if self._armed:
            self._armed = False
            self._ack()
