"""The lab's keys: Space play/pause, S step, R restart while the focus is inside
the lab, even when the main window binds the same keys to training."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

__all__ = ["LabKeys"]

_KEYS = {Qt.Key.Key_Space: "play", Qt.Key.Key_S: "step", Qt.Key.Key_R: "restart"}
_TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


class LabKeys(QObject):
    """Space / S / R for ``owner`` while the focus is inside it: each press calls
    ``trigger("play" | "step" | "restart")``.

    A ``Qt.WidgetWithChildrenShortcut`` QShortcut alone is not enough: the main
    window's run toolbar binds the same keys window-wide, and Qt fires neither
    of two shortcuts active for one key ("ambiguous shortcut"). So the lab's
    focus widget gets this event filter, which accepts the ShortcutOverride
    (the window's shortcut then stays silent) and handles the key press itself
    before the focused button or table can. Text fields keep their keys.
    """

    def __init__(self, owner: QWidget, trigger: Callable[[str], None]) -> None:
        super().__init__(owner)
        self.owner = owner
        self.trigger = trigger
        self._watched: QWidget | None = None
        owner.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old, new) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._watched = None
        try:
            inside = new is not None and (new is self.owner or self.owner.isAncestorOf(new))
        except RuntimeError:
            return
        if inside and new is not self.owner:
            new.installEventFilter(self)
            self._watched = new

    def action_for(self, obj, event) -> str | None:
        if not isinstance(event, QKeyEvent):
            return None
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier or event.isAutoRepeat():
            return None
        action = _KEYS.get(Qt.Key(event.key()))
        if action is None or isinstance(obj, _TEXT_INPUTS):
            return None
        if isinstance(obj, QComboBox) and obj.isEditable():
            return None
        return action

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        t = event.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        action = self.action_for(obj, event)
        if action is None:
            return False
        event.accept()
        if t == QEvent.Type.KeyPress:
            self.trigger(action)
        return True

