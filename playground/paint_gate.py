"""Pacing between the training worker and the GUI.

Both threads run Python between releases of the interpreter lock (the worker
around every nogil kernel, the GUI around every Qt call). When both want it,
CPython hands it over only every switch interval, so drawing while training
slows both down many times over. The worker therefore pauses while a frame is
being drawn, and this gate tells it when the drawing is really finished.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer


class PaintGate(QObject):
    """Tell the worker a frame is drawn once Qt has painted it, so the worker
    trains only while the GUI is idle: drawing and training at the same time
    compete for the interpreter and both slow down many times over (see
    worker.DRAW_WAIT_SECONDS).

    Qt paints a few milliseconds after the data changed (its update timer) and
    pyqtgraph often needs a second pass after rescaling an axis, so "painted"
    means: the plots received paint events and then none for ``QUIET_MS``.
    """

    QUIET_MS = 8  # longer than Qt's 5 ms update timer
    FALLBACK_MS = 150  # nothing visible to paint (another tab, minimized)

    def __init__(self, viewports, ack, parent: QObject) -> None:
        super().__init__(parent)
        self._ack = ack
        self._armed = False
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(self.QUIET_MS)
        self._quiet.timeout.connect(self._release)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(self.FALLBACK_MS)
        self._fallback.timeout.connect(self._release)
        for vp in viewports:
            vp.installEventFilter(self)

    def arm(self) -> None:
        self._armed = True
        self._fallback.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if self._armed and event.type() == QEvent.Type.Paint:
            self._quiet.start()  # (re)start: wait for the last pass
        return False

    def _release(self) -> None:
        self._quiet.stop()
        self._fallback.stop()
        if self._armed:
            self._armed = False
            self._ack()
