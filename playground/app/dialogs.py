"""Every modal question the app asks, in one place.

They go through QMessageBox's static functions, so tests intercept them by
patching ``QMessageBox.question`` / ``critical`` / ``warning``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

Btn = QMessageBox.StandardButton


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def confirm_reset(parent: QWidget | None, what: str, step: int) -> bool:
    """A change needs a fresh network: ask before throwing away ``step`` steps."""
    answer = QMessageBox.question(
        parent, "Start a new run?",
        f"Changing {what} needs a fresh network.\n\n"
        f"The current run (step {step}) will be reset. Continue?",
        Btn.Yes | Btn.No, Btn.No)
    return answer == Btn.Yes


def ask_save_changes(parent: QWidget | None, title: str, *, has_file: bool = True) -> str:
    """'save', 'discard' or 'cancel' for a session with unsaved changes. Without a
    file of its own, Save asks for a file name: then Enter means Cancel, so that a
    file dialog opens only when Save is chosen."""
    more = "" if has_file else "\n(Save asks where to save it.)"
    answer = QMessageBox.question(
        parent, "Unsaved changes",
        f"The session \u201c{title}\u201d has unsaved changes.\nSave them first?{more}",
        Btn.Save | Btn.Discard | Btn.Cancel, Btn.Save if has_file else Btn.Cancel)
    if answer == Btn.Save:
        return "save"
    if answer == Btn.Discard:
        return "discard"
    return "cancel"


def confirm_data_outside(parent: QWidget | None, csv: str) -> bool:
    """A session names a CSV outside its own folder: read it only if the user agrees
    (a shared file must not read, and embed on the next save, someone's other files)."""
    answer = QMessageBox.warning(
        parent, "Read data outside the session's folder?",
        f"This session reads its data from\n\n{csv}\n\nwhich lies outside the folder of "
        "the session file. Read that file only if you trust the session.",
        Btn.Yes | Btn.No, Btn.No)
    return answer == Btn.Yes


class WindowPrompts:
    """The session's ``Prompts`` (playground.session.controller), asked over ``parent``."""

    def __init__(self, parent: QWidget | None) -> None:
        self.parent = parent

    def error(self, title: str, text: str) -> None:
        show_error(self.parent, title, text)

    def confirm_reset(self, what: str, step: int) -> bool:
        return confirm_reset(self.parent, what, step)

    def confirm_data_outside(self, csv: str) -> bool:
        return confirm_data_outside(self.parent, csv)
