"""Base of the four config panels: one section of the SessionConfig each.

A panel keeps no config. It shows what the session document's
``config_changed`` carries (``show_config``) and, when the user edits a widget,
emits ``edited(section, value)`` with the fields of its section the widgets
show, as a plain dict; the document keeps the fields a panel does not show.
The session validates the edit against the whole config; problems come back
through ``show_errors`` and are shown at the offending field (or, for rules
spanning several fields, in the panel's message line).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from core.train.config import SessionConfig
from playground.panels.widgets import flag
from playground.session.edits import FieldError


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
        self._shown = False  # a config has been shown: edits make sense
        self._loading = False
        self._fields: dict[tuple[str, ...], QWidget] = {}
        self._flagged: list[QWidget] = []

    # -- to implement ---------------------------------------------------------------
    def _populate(self, config: SessionConfig) -> None:
        raise NotImplementedError

    def value(self) -> dict:
        """The fields of the section as the widgets show them (a plain dict)."""
        raise NotImplementedError

    # -- slots for the session --------------------------------------------------------
    def show_config(self, config: SessionConfig, sections=None, origin: str = "") -> None:
        """Slot for ``SessionDocument.config_changed``: show ``config`` if this section
        may have changed, unless the change is this panel's own edit (the widgets
        show it already, and rebuilding them would interrupt the user)."""
        if origin == self.section or (sections is not None and self.section not in sections):
            return
        self.set_config(config)

    def show_errors(self, section: str, errors: list[FieldError]) -> None:
        """Slot for a refused edit of ``section``."""
        if section == self.section:
            self.flag_errors(errors)

    def edit_accepted(self, section: str) -> None:
        """Slot for an applied edit of ``section``: its flags go."""
        if section == self.section:
            self.clear_errors()

    # -- shared -----------------------------------------------------------------------
    def set_config(self, config: SessionConfig) -> None:
        """Show ``config`` without emitting ``edited``; clears error flags."""
        self._shown = True
        with self.quiet():
            self._populate(config)
        self.clear_errors()

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Widgets changed inside the block by the panel itself emit no edit."""
        was, self._loading = self._loading, True
        try:
            yield
        finally:
            self._loading = was

    def register(self, loc: tuple[str, ...], widget: QWidget) -> QWidget:
        """Say which widget shows config field ``loc`` (for error flags)."""
        self._fields[(self.section, *loc)] = widget
        return widget

    def emit_edit(self, *_args) -> None:
        if self._loading or not self._shown:
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
