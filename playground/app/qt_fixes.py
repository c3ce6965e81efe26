"""Work around a reference-counting bug of PySide6 6.12.0 on Python 3.11.

That binding returns ``None`` from every void method, and ``True`` from every
``Signal.emit``, without taking a reference for it: each call drops one
reference to the singleton. Python 3.12+ makes these singletons immortal, so
nothing happens there; on 3.11 their count reaches zero after some tens of
thousands of Qt calls and the interpreter aborts ("none_dealloc: deallocating
None", "bool_dealloc") — a live plot gets there within a minute.

``apply()`` measures whether the running binding has the bug and, only then,
gives ``None``, ``True`` and ``False`` a reserve of 2**40 references, which is
what immortality amounts to. With a fixed binding it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40  # ~10^12 leaked calls before the reserve could run out
_applied = False


class _Probe(QObject):
    ping = Signal()


def _leaks() -> bool:
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")  # a void method
        probe.ping.emit()
    return (sys.getrefcount(None) < none_before - 8
            or sys.getrefcount(True) < true_before - 8)


def apply() -> bool:
    """Guard against the leak if this binding has it; True if the guard was needed."""
    global _applied
    if _applied:
        return False
    _applied = True
    # Only CPython < 3.12 has mortal singletons (and this object layout to patch).
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12) or not _leaks():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython.
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    return True
