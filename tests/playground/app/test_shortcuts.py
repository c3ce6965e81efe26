"""Help > Keyboard shortcuts is a table made from the window's actions."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence

from playground.app import shortcuts


def _open(window) -> shortcuts.ShortcutsDialog:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "Keyboard shortcuts").trigger()
    dialog = window.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _rows(dialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == list(shortcuts.HEADERS)
    return {dialog.cell(r, 1): (dialog.cell(r, 0), dialog.cell(r, 2))
            for r in range(table.rowCount())}


def test_every_action_with_a_shortcut_has_its_own_row(window):
    dialog = _open(window)
    rows = _rows(dialog)
    with_keys = {a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()}
    assert len(rows) == dialog.table.rowCount() == len(with_keys)
    native = QKeySequence.SequenceFormat.NativeText
    for act in with_keys:
        keys, _where = rows[shortcuts.command_text(act)]
        assert keys == act.shortcut().toString(native)
    # The toolbar's keys, and Open and Save on rows of their own (one key per cell).
    assert rows["Play"] == ("Space", "Run menu, Run toolbar")
    assert rows["Step"][0] == "S" and rows["New seed"][0] == "Shift+R" and rows["Pin run"][0] == "P"
    assert rows["Open"] == (QKeySequence(QKeySequence.StandardKey.Open).toString(native),
                            "File menu")
    assert rows["Save"][0] == QKeySequence(QKeySequence.StandardKey.Save).toString(native)
    assert all("/" not in keys for keys, _ in rows.values())
    dialog.close()


def test_a_new_shortcut_appears_without_touching_the_dialog(window):
    act = QAction("&Zoom to fit\u2026", window)
    act.setShortcut(QKeySequence("Ctrl+Shift+F"))
    window.addAction(act)
    rows = _rows(_open(window))
    assert rows["Zoom to fit"] == ("Ctrl+Shift+F", "window")
    window.shortcuts_dialog.close()


def test_actions_without_a_shortcut_are_not_listed(window):
    rows = _rows(_open(window))
    assert "Clear pins" not in rows and "About" not in rows
    window.shortcuts_dialog.close()
