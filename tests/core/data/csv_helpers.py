"""Helpers of the hostile-CSV tests: a refusal as it must look, a call that cannot
hang the suite, the peak allocation of a call."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.data.csv_file import load_csv

GOOD = b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n"
HANG_GUARD_S = 60.0  # only so a regression fails instead of hanging; not a timing check


def refused(path: Path, match: str, **kwargs: Any) -> str:
    """Call load_csv, expect a plain ValueError naming ``path``; the file stays unchanged."""
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(ValueError, match=match) as info:
        load_csv(path, **kwargs)
    message = str(info.value)
    assert type(info.value) is ValueError  # not UnicodeDecodeError or another subclass
    assert str(path) in message
    assert "\n" not in message and ". " not in message  # one sentence
    if before is not None:
        assert path.read_bytes() == before
    return message


def call_guarded(fn: Callable[[], Any], on_hang: Callable[[], None] | None = None) -> Any:
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it does not return."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_S)
    if worker.is_alive():
        if on_hang is not None:
            on_hang()
        pytest.fail("load_csv did not return")
    if "error" in out:
        raise out["error"]
    return out.get("value")


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak traced allocation (Python objects and numpy arrays) while ``fn`` runs."""
    tracemalloc.start()
    try:
        try:
            fn()
        except ValueError:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
