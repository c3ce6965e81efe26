"""Kernel readiness: loading numba's compiled kernels costs ~0.5 s even from its
cache, so at start-up that happens in a background thread (core.warmup) while
the window is already up. Widgets that call into the core to draw something
static (activation thumbnails, the gallery) wait for ``when_ready``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

_ready = False
_waiting: list[Callable[[], None]] = []


def is_ready() -> bool:
    return _ready


def when_ready(fn: Callable[[], None]) -> None:
    """Call ``fn`` now if the kernels are loaded, else once they are (GUI thread)."""
    if _ready:
        fn()
    else:
        _waiting.append(fn)


def mark_ready() -> None:
    global _ready
    _ready = True
    pending = list(_waiting)
    _waiting.clear()
    for fn in pending:
        fn()


class WarmUp(QObject):
    """Runs core.warmup.warm_up in a daemon thread; ``finished(text)`` in the GUI thread."""

    finished = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.finished.connect(lambda _text: mark_ready())

    def start(self) -> None:
        threading.Thread(target=self._run, name="kernel-warm-up", daemon=True).start()

    def _run(self) -> None:
        try:
            from core.warmup import warm_up

            self.finished.emit(f"kernels ready ({warm_up():.1f} s)")
        except Exception as err:  # noqa: BLE001 - training still compiles on demand
            self.finished.emit(f"kernel warm-up failed: {err}")
