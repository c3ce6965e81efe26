"""Desktop app entry: ``run_app(argv)`` (called by main.py) opens the main window.

``python main.py [SESSION]`` opens SESSION (an .opg file or a JSON config)
instead of the default preset.

``python main.py --quit-after-show`` is for measuring start-up
(benchmarks/startup.py): the app prints one JSON line per start-up event on
stdout (``{"startup": EVENT, "t": time.time(), ...}``: the window built, its
first paint, each change of the kernel status) and quits as soon as the window
has been painted and the background kernel warm-up has finished.

Before the QApplication exists, :func:`playground.app.qt_libs.problem` checks
that Qt can start (the platform plugin's system libraries, a display): Qt
itself would abort with a misleading message, so the app prints the reason and
the fix instead and exits with 1.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from playground.app import kernels, qt_libs

QUIT_AFTER_SHOW = "--quit-after-show"


def create_main_window(argv: list[str] | None = None, qsettings=None):
    """The main window as ``run_app`` builds it (a QApplication must exist), not shown.
    ``argv``: the command line after the program name (its first non-option
    argument is a session to open)."""
    from playground.app.main_window import MainWindow

    path = next((a for a in (argv or []) if not a.startswith("-")), None)
    return MainWindow(qsettings, session_path=path)


def run_app(argv: list[str]) -> int:
    from playground.app import settings

    report = QUIT_AFTER_SHOW in argv
    if report:
        _report("run_app")  # the Qt and app modules are imported
    app = QApplication.instance()
    if app is None:
        reason = qt_libs.problem(modules=False)  # PySide6 itself is loaded already
        if reason is not None:
            print(reason, file=sys.stderr)
            return 1
        app = QApplication([sys.argv[0], *argv])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    window = create_main_window(argv)
    if report:
        window._startup_report = StartupReport(app, window)
    window.show()
    return app.exec()


def _report(event: str, **fields) -> None:
    print(json.dumps({"startup": event, "t": time.time(), **fields}), flush=True)


class StartupReport(QObject):
    """``--quit-after-show``: report the start-up events, quit once painted and ready."""

    def __init__(self, app, window) -> None:
        super().__init__(window)
        self.app, self.window = app, window
        self.painted = False
        _report("window_built", kernels=window.status.kernels.text(),
                ready=kernels.all_ready())
        window.status.kernels_changed.connect(self._kernels)
        app.installEventFilter(self)
        # How late a 10 ms timer fires from the first paint on (while kernels compile).
        self.late_ms: list[float] = []
        self._tick = QTimer(self)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.setInterval(10)
        self._tick.timeout.connect(self._on_tick)
        self._last_tick = 0.0

    def _on_tick(self) -> None:
        now = time.perf_counter()
        self.late_ms.append(max(0.0, (now - self._last_tick) * 1e3 - 10.0))
        self._last_tick = now

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if (not self.painted and event.type() == QEvent.Type.Paint
                and isinstance(obj, QWidget) and obj.window() is self.window):
            self.painted = True
            self.app.removeEventFilter(self)
            QTimer.singleShot(0, self._painted)  # once the whole first repaint is done
        return False

    def _painted(self) -> None:
        w = self.window
        _report("painted", kernels=w.status.kernels.text(), status=w.status.state.text(),
                ready=kernels.all_ready())
        self._last_tick = time.perf_counter()
        self._tick.start()
        self._maybe_quit()

    def _kernels(self, text: str) -> None:
        _report("kernels", kernels=text)
        QTimer.singleShot(0, self._maybe_quit)  # after kernels.mark_ready has run

    def _maybe_quit(self) -> None:
        if self.painted and kernels.all_ready():
            late = sorted(self.late_ms)
            _report("quit", ticks=len(late), lag_max_ms=late[-1] if late else None,
                    lag_p99_ms=late[int(0.99 * (len(late) - 1))] if late else None)
            self.window.close()
            self.app.quit()
