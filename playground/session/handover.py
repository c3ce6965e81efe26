"""What the training worker hands over to the GUI on request, and how the GUI waits.

The GUI never touches the running trainer and never blocks on the worker: it
asks for a copy (``TrainingWorker.request_state`` / ``request_snapshot``) and
finishes the action when the copy arrives, in the GUI thread. ``RunState`` is
such a copy of the run's exact state, independent of the trainer that goes on
training. ``Pending`` is an action waiting for a hand-over (saving, a copy of
the run for the loss landscape): it finishes once, with success or an error,
at the latest after its timeout; ``wait`` spins a local event loop meanwhile,
so the window keeps painting.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import MappingProxyType, SimpleNamespace

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from core.data import datasets
from core.train.config import SessionConfig
from core.train.trainer import Trainer

HANDOVER_SECONDS = 10.0  # a wedged worker must not leave an action pending forever


@dataclass(frozen=True)
class RunState:
    """A copy of a trainer's complete state (``Trainer.state_dict``) at ``step``.

    ``raw`` is the run's raw data; training never changes it, so it is shared
    rather than copied."""

    run_id: int
    step: int
    meta: MappingProxyType
    arrays: MappingProxyType
    raw: datasets.Dataset

    @classmethod
    def of(cls, trainer: Trainer, run_id: int) -> RunState:
        """Copy ``trainer``'s state (in the thread that owns the trainer)."""
        meta, arrays = trainer.state_dict()
        arrays = {k: np.array(v) for k, v in arrays.items()}
        for a in arrays.values():
            a.flags.writeable = False  # shared with the GUI: nobody may change it
        return cls(run_id, int(trainer.step), MappingProxyType(copy.deepcopy(meta)),
                   MappingProxyType(arrays), trainer.data.raw)

    def state_dict(self) -> tuple[dict, dict[str, np.ndarray]]:
        """Fresh (meta, arrays) as ``Trainer.state_dict`` returns them."""
        return copy.deepcopy(dict(self.meta)), {k: v.copy() for k, v in self.arrays.items()}

    @property
    def data(self) -> SimpleNamespace:
        # core.train.session.save_session reads a trainer's state_dict() and, for a
        # CSV, its data.raw: a RunState stands in for the trainer there.
        return SimpleNamespace(raw=self.raw)

    def trainer(self, config: SessionConfig) -> Trainer:
        """An independent Trainer of ``config`` in exactly this state."""
        t = Trainer(config, raw=self.raw)
        t.load_state_dict(*self.state_dict())
        return t


class Pending(QObject):
    """An action waiting for a hand-over; ``finished(ok, error)`` is emitted once."""

    finished = Signal(bool, str)

    def __init__(self, what: str, timeout: float = HANDOVER_SECONDS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.done = False
        self.ok = False
        self.error = ""
        self.result = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.fail(
            f"the training worker did not hand over the run within {timeout:g} s ({what})"))
        self._timer.start(round(timeout * 1000))

    def succeed(self, result=None) -> None:
        self._finish(True, "", result)

    def fail(self, error: str) -> None:
        self._finish(False, error, None)

    def _finish(self, ok: bool, error: str, result) -> None:
        if self.done:
            return  # a late hand-over after the timeout: already reported
        self._timer.stop()
        self.done, self.ok, self.error, self.result = True, ok, error, result
        self.finished.emit(ok, error)

    def wait(self) -> bool:
        """Run a local event loop (painting, timers, the worker's signals; no user
        input) until finished; True if it succeeded."""
        if not self.done:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            if not self.done:  # it may have finished while connecting
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        return self.ok
