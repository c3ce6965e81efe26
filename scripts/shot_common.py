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


def open_window(name: str, size: str, session_path: str | None = None):
    """The app's main window at ``size`` ("WxH"), with throw-away settings (a layout
    saved by the real app does not leak in), once its kernels are loaded:
    (app, window), or None after saying why on stderr."""
    import tempfile

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from playground.app import kernels, settings
    from playground.app.main_window import MainWindow

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      tempfile.mkdtemp(prefix=f"opg-{name}-"))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    window = MainWindow(settings.make_settings(name), session_path=session_path)
    w, h = (int(v) for v in size.lower().split("x"))
    window.resize(w, h)
    window.show()
    if not wait(app, kernels.is_ready, 120):
        print("error: kernels did not load", file=sys.stderr)
        return None
    return app, window


def save_grab(widget, out: str | Path) -> Path | None:
    """``widget.grab()`` written to ``out`` (folders made); None after saying so."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        print(f"error: could not write {out}", file=sys.stderr)
        return None
    return out
