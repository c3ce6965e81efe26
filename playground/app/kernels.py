"""Kernel readiness: loading numba's compiled kernels costs ~0.5 s even from its
cache, and compiling them (a cold cache: the first start after installing)
~20 s, so at start-up that happens in a background thread while the window is
already up, with a "compiling kernels…" status. Widgets that call into the core
to draw something static (activation thumbnails, the gallery) wait for
``when_ready``.

Two stages: the layer, loss and optimizer kernels (core.warmup; enough for the
static pictures, so ``is_ready`` turns true after it), then the fused training
kernel (core.train.fused, one specialization for integer class labels and one for
float targets), which core.warmup does not compile and which alone takes ~8 s
per specialization when cold. Pressing Play meanwhile is fine: the worker waits
for numba's compiler lock and then uses what was compiled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

_ready = False  # static-picture kernels loaded
_all_ready = False  # the training kernels too
_waiting: list[Callable[[], None]] = []

TRAINING_STATUS = "compiling training kernels\u2026"


def is_ready() -> bool:
    return _ready


def all_ready() -> bool:
    """Every kernel is compiled or loaded (the last warm-up stage is done)."""
    return _all_ready


def when_ready(fn: Callable[[], None]) -> None:
    """Call ``fn`` now if the kernels are loaded, else once they are (GUI thread)."""
    if _ready:
        fn()
    else:
        _waiting.append(fn)


def mark_ready(everything: bool = True) -> None:
    global _ready, _all_ready
    _ready = True
    _all_ready = _all_ready or everything
    pending = list(_waiting)
    _waiting.clear()
    for fn in pending:
        fn()


def _warm_up_training() -> None:
    from core.warmup import warm_up_training

    warm_up_training()


class WarmUp(QObject):
    """Runs the warm-up in a daemon thread. ``finished(text)`` (GUI thread) after
    each stage with the status to show: first ``TRAINING_STATUS`` (the static-picture
    kernels are ready), then "kernels ready (… s)" or "kernel warm-up failed: …"."""

    finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.finished.connect(lambda text: mark_ready(everything=text != TRAINING_STATUS))

    def start(self) -> None:
        threading.Thread(target=self._run, name="kernel-warm-up", daemon=True).start()

    def _run(self) -> None:
        try:
            from core.warmup import warm_up

            t0 = time.perf_counter()
            warm_up()
            self.finished.emit(TRAINING_STATUS)
            _warm_up_training()
            self.finished.emit(f"kernels ready ({time.perf_counter() - t0:.1f} s)")
        except Exception as err:  # noqa: BLE001 - training still compiles on demand
            self.finished.emit(f"kernel warm-up failed: {err}")
