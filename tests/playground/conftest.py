"""Fixtures for the GUI tests: offscreen Qt, throw-away settings, no modal dialogs.

Every QMessageBox is intercepted (recorded, answered like a user who confirms
and discards), so a test can never block on a dialog; every window's worker
thread is stopped at teardown.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

TEST_APP = "Optimizer Playground tests"


class Dialogs:
    """Stands in for QMessageBox's static functions."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.questions: list[str] = []
        self.answer: QMessageBox.StandardButton | None = None  # None: confirm / discard

    def critical(self, parent, title, text, *args, **kwargs):
        self.errors.append((title, text))
        return QMessageBox.StandardButton.Ok

    def question(self, parent, title, text, buttons=None, default=None, *args, **kwargs):
        self.questions.append(text)
        if self.answer is not None:
            return self.answer
        if buttons is not None and buttons & QMessageBox.StandardButton.Discard:
            return QMessageBox.StandardButton.Discard
        return QMessageBox.StandardButton.Yes

    def information(self, *args, **kwargs):
        return QMessageBox.StandardButton.Ok


@pytest.fixture(autouse=True)
def settings_dir(tmp_path):
    # Each test gets its own settings folder: no state leaks between tests or
    # into the user's real configuration.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    return tmp_path / "settings"


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> Dialogs:
    d = Dialogs()
    monkeypatch.setattr(QMessageBox, "critical", d.critical)
    monkeypatch.setattr(QMessageBox, "warning", d.critical)
    monkeypatch.setattr(QMessageBox, "question", d.question)
    monkeypatch.setattr(QMessageBox, "information", d.information)
    return d


@pytest.fixture
def window(qtbot, dialogs):
    from playground.app import settings
    from playground.app.main_window import MainWindow

    w = MainWindow(settings.make_settings(TEST_APP), warm_up=False)
    w.show()
    qtbot.waitExposed(w)
    # The worker publishes the fresh run at once; wait for it so tests start drawn.
    qtbot.waitUntil(lambda: w.session.snapshot is not None, timeout=10_000)
    yield w
    # Whatever the test answered, the window closes: a window left open stays on
    # screen over the next tests' windows and takes their mouse events.
    dialogs.answer = None
    w.session.document.dirty = False
    w.session.document.edited = False
    w.close()
    w.session.shutdown(2.0)
    assert not w.worker.is_alive()
    assert not w.isVisible(), "the test's window did not close"
    # Delete it now: closed windows otherwise pile up (a few hundred tests, GBs of
    # plots and trainers) and make the interpreter's exit take minutes.
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
