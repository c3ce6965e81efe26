"""The status bar: run state, latest loss, kernel compilation."""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from core.train.status import RunStatus
from core.train.trainer import Snapshot

TEXT_INTERVAL = 0.25  # while training, the loss figures change at most 4 times a second
STATE_STYLE = {RunStatus.DIVERGED: "color: #b71c1c; font-weight: bold;",
               RunStatus.EARLY_STOPPED: "color: #1b5e20; font-weight: bold;"}


def describe_state(snap: Snapshot | None, playing: bool, limit_reached: bool = False) -> str:
    if snap is None:
        return "no run"
    if snap.status == RunStatus.DIVERGED:
        # The message says which rule fired (non-finite, or the loss exploded).
        return snap.message or f"diverged at step {snap.stop_step}"
    if snap.status == RunStatus.EARLY_STOPPED:
        return f"early-stopped at step {snap.stop_step} (best at step {snap.best_step})"
    if playing:
        return "training"
    if limit_reached:
        return f"paused at the run length ({snap.step} steps)"
    return "paused" if snap.step else "ready \u2014 press Space to train"


class StatusBar(QStatusBar):
    kernels_changed = Signal(str)  # the kernel status text (start-up report, tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = QLabel("starting")
        self.loss = QLabel("")
        self.kernels = QLabel("")
        for w in (self.state, self.loss, self.kernels):
            w.setContentsMargins(6, 0, 6, 0)
        self.addWidget(self.state)
        self.addWidget(self.loss)
        self.addPermanentWidget(self.kernels)
        self._shown_at = 0.0

    def show_frame(self, frame) -> None:
        """Slot for each frame of the current run (playground.session.worker.Frame)."""
        self.show_state(frame.snapshot, frame.playing, frame.limit_reached)

    def show_state(self, snap: Snapshot, playing: bool, limit_reached: bool) -> None:
        # Numbers changing 20 times a second cannot be read, and each change of
        # a label's text costs a relayout and a repaint of the status bar.
        now = time.perf_counter()
        if playing and now - self._shown_at < TEXT_INTERVAL:
            return
        self._shown_at = now if playing else 0.0
        self.state.setText(describe_state(snap, playing, limit_reached))
        sheet = STATE_STYLE.get(snap.status, "")
        if self.state.styleSheet() != sheet:  # (re-)styling costs even when unchanged
            self.state.setStyleSheet(sheet)
        parts = []
        if snap.last_loss is not None:
            parts.append(f"train loss {snap.last_loss:.4g}")
        if snap.val_loss.size and snap.val_loss[-1] == snap.val_loss[-1]:
            parts.append(f"validation loss {snap.val_loss[-1]:.4g}")
        if snap.val_acc.size and snap.val_acc[-1] == snap.val_acc[-1]:
            parts.append(f"validation accuracy {snap.val_acc[-1]:.1%}")
        self.loss.setText("   ".join(parts))

    def show_kernels(self, text: str) -> None:
        self.kernels.setText(text)
        self.kernels_changed.emit(text)
