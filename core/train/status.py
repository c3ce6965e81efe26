"""Run status and stop reasons, as enums shared by the trainer, sessions and the app.

Both are ``str`` enums: a member equals its value (``RunStatus.DIVERGED ==
"diverged"``), so session files keep their plain strings and old files load.
"""

from __future__ import annotations

from enum import Enum


class RunStatus(str, Enum):
    READY = "ready"
    RUNNING = "running"
    EARLY_STOPPED = "early_stopped"
    DIVERGED = "diverged"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.EARLY_STOPPED, RunStatus.DIVERGED)

    def __str__(self) -> str:
        return self.value


class StopReason(str, Enum):
    """Why a run stopped by itself (the status says that it did)."""

    NON_FINITE_GRADIENT = "loss or gradient became non-finite"
    NON_FINITE_WEIGHTS = "weights became non-finite"
    LOSS_EXPLODED = "the training loss exploded"
    EARLY_STOPPED = "the validation loss stopped improving"

    def __str__(self) -> str:
        return self.value
