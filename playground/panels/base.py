"""Base of the four config panels: one section of the SessionConfig each.

A panel shows a config (``set_config``) and, when the user edits a widget,
emits ``edited(section, value)`` with the whole section as a plain dict. The
window validates it against the rest of the config; problems come back through
``flag_errors`` and are shown at the offending field (or, for rules spanning
several fields, in the panel's message line).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from core.train.config import SessionConfig
from playground.panels.widgets import flag
from playground.session.document import FieldError


class SectionPanel(QScrollArea):
    section = ""
    edited = Signal(str, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        self.setWidget(inner)
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(6, 6, 6, 6)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.message.hide()
        self.body.addWidget(self.message)
        self.config: SessionConfig | None = None
        self._loading = False
        self._fields: dict[tuple[str, ...], QWidget] = {}
        self._flagged: list[QWidget] = []

    # -- to implement ---------------------------------------------------------------
    def _populate(self, config: SessionConfig) -> None:
        raise NotImplementedError

    def value(self) -> dict:
        """The section as the widgets show it (a plain dict for validation)."""
        raise NotImplementedError

    # -- shared -----------------------------------------------------------------------
    def set_config(self, config: SessionConfig) -> None:
        """Show ``config`` without emitting ``edited``; clears error flags."""
        self.config = config
        self._loading = True
        try:
            self._populate(config)
        finally:
            self._loading = False
        self.clear_errors()

    def register(self, loc: tuple[str, ...], widget: QWidget) -> QWidget:
        """Say which widget shows config field ``loc`` (for error flags)."""
        self._fields[(self.section, *loc)] = widget
        return widget

    def emit_edit(self, *_args) -> None:
        if self._loading or self.config is None:
            return
        self.edited.emit(self.section, self.value())

    def flag_errors(self, errors: list[FieldError]) -> None:
        self.clear_errors()
        for err in errors:
            widget = self._widget_for(err.loc)
            if widget is not None:
                flag(widget, err.message)
                self._flagged.append(widget)
        if errors:  # every problem also in words, rules spanning fields included
            lines = [f"{'.'.join(e.loc) or 'session'}: {e.message}" for e in errors]
            self.message.setText("\u26a0 Not applied \u2014 " + "; ".join(lines))
            self.message.show()

    def _widget_for(self, loc: tuple[str, ...]) -> QWidget | None:
        # The longest registered prefix: ("network", "hidden", 2) -> the hidden table.
        for n in range(len(loc), 0, -1):
            w = self._fields.get(tuple(loc[:n]))
            if w is not None:
                return w
        return None

    def clear_errors(self) -> None:
        for w in self._flagged:
            flag(w, None)
        self._flagged.clear()
        self.message.hide()
