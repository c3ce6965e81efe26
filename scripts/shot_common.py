"""What the screenshot scripts share: the project's root on ``sys.path`` and a wait
that keeps the Qt event loop turning."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def wait(app, condition, timeout: float) -> bool:
    """Process events until ``condition()`` holds (True) or ``timeout`` s pass (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return False
