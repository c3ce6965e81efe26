"""Help > Keyboard shortcuts: a table made from the window's own actions, so every
QAction that has a shortcut -- in a menu, in the toolbar, or only on the window --
is listed, with where to find it; a new shortcut appears without touching this."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
)

HEADERS = ("Shortcut", "Command", "Where")
# The lab's keys are an event filter, not actions (see playground.lab.keys).
LAB_NOTE = "In the Optimizer lab, Space, S and R play, step and restart the race."


@dataclass(frozen=True)
class Shortcut:
    keys: str
    command: str
    where: str
    tip: str


def command_text(action: QAction) -> str:
    """An action's text as a reader sees it: no mnemonic ampersand, no ellipsis."""
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip("\u2026").rstrip(".").strip()


def command_text_of(text: str) -> str:
    return text.replace("&", "").rstrip("\u2026").rstrip(".").strip()


def _places(window: QMainWindow) -> dict[QAction, list[str]]:
    """Each action of the menus (in menu order) and toolbars, with where it sits."""
    out: dict[QAction, list[str]] = {}

    def walk(menu: QMenu, path: str) -> None:
        for act in menu.actions():
            if act.menu() is not None:
                walk(act.menu(), f"{path} \u203a {command_text(act)}")
            elif not act.isSeparator():
                out.setdefault(act, []).append(f"{path} menu")

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), command_text(top))
    for bar in window.findChildren(QToolBar):
        for act in bar.actions():
            if not act.isSeparator():
                out.setdefault(act, []).append(f"{bar.windowTitle()} toolbar")
    return out


def collect(window: QMainWindow) -> list[Shortcut]:
    """Every action of ``window`` with a shortcut: menu order first, then the rest."""
    places = _places(window)
    ordered = list(places) + [a for a in window.findChildren(QAction) if a not in places]
    rows, seen = [], set()
    for act in ordered:
        keys = [k for k in act.shortcuts() if not k.isEmpty()]
        if not keys or id(act) in seen:
            continue
        seen.add(id(act))
        command = command_text(act)
        tip = act.statusTip() or act.toolTip()  # Qt's default tool tip is the text
        rows.append(Shortcut(
            keys=", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys),
            command=command, where=", ".join(places.get(act, ["window"])),
            tip="" if command_text_of(tip) == command else tip))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = collect(window)
        self.table = QTableWidget(len(self.rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        for r, row in enumerate(self.rows):
            for c, text in enumerate((row.keys, row.command, row.where)):
                item = QTableWidgetItem(text)
                if row.tip:
                    item.setToolTip(row.tip)
                if c == 0:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        note = QLabel(LAB_NOTE)
        note.setStyleSheet("color: #555;")
        lay.addWidget(note)
        lay.addWidget(buttons)
        self._fit_table()

    def _fit_table(self) -> None:
        """Columns as wide as their text plus some air; the table as tall as its rows
        (up to a screenful), so the dialog has no empty band."""
        t = self.table
        t.resizeColumnsToContents()
        header = t.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c in range(len(HEADERS)):
            t.setColumnWidth(c, t.columnWidth(c) + 18)
        header.setStretchLastSection(True)
        frame = 2 * t.frameWidth()
        rows = t.verticalHeader().length()
        t.setMinimumWidth(sum(t.columnWidth(c) for c in range(len(HEADERS))) + frame + 4)
        t.setFixedHeight(min(header.sizeHint().height() + rows + frame + 2, 560))
        self.adjustSize()

    def cell(self, row: int, col: int) -> str:
        return self.table.item(row, col).text()
