"""Page Up / Page Down and the arrow keys move between lessons (presenter clickers
send those), wherever the focus is in the window — except in a widget where
those keys already mean something: a text or number box, a list, a combo box,
a slider. There the key goes on to that widget as if no lesson were open.

Why shortcuts and not a key handler: a key press goes to the focused widget
first, and a plot, a table or a tab bar would swallow the arrows before the
window saw them. A window shortcut sees them first; it hands them back to the
widgets that edit with them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

PREVIOUS = (Qt.Key.Key_PageUp, Qt.Key.Key_Left, Qt.Key.Key_Up)
NEXT = (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Down)
#: Widgets in which these keys edit or move something of their own.
KEEP_KEYS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QComboBox, QAbstractSlider,
             QAbstractItemView)


def keeps_keys(widget: QWidget | None) -> bool:
    """True if ``widget`` (the focus widget) uses Page Up/Down and arrows itself."""
    w = widget
    while w is not None:  # a spin box's line edit, a combo's view: their owner decides
        if isinstance(w, KEEP_KEYS):
            return True
        if w.isWindow():
            break
        w = w.parentWidget()
    return False


class LessonKeys:
    """Window shortcuts for the lesson navigation keys; ``enabled`` while the Lessons
    dock is open."""

    def __init__(self, window: QWidget, previous: Callable[[], None],
                 next_: Callable[[], None]) -> None:
        self.shortcuts: list[QShortcut] = []
        for keys, action in ((PREVIOUS, previous), (NEXT, next_)):
            for key in keys:
                sc = QShortcut(QKeySequence(key), window)
                sc.setContext(Qt.ShortcutContext.WindowShortcut)
                sc.setAutoRepeat(False)  # a held key must not race through the lecture
                sc.activated.connect(lambda k=key, a=action: self._pressed(k, a))
                self.shortcuts.append(sc)

    def set_enabled(self, on: bool) -> None:
        for sc in self.shortcuts:
            sc.setEnabled(on)

    def _pressed(self, key: Qt.Key, action: Callable[[], None]) -> None:
        focus = QApplication.focusWidget()
        if keeps_keys(focus):
            # Give the key to the widget it was meant for, with these shortcuts off
            # meanwhile (a key event sent through the application meets them again).
            self.set_enabled(False)
            try:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(focus, QKeyEvent(kind, key,
                                                            Qt.KeyboardModifier.NoModifier))
            finally:
                self.set_enabled(True)
            return
        action()
