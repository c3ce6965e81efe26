"""playground.session holds the app's model (document, worker, controller): no widgets.

import-linter (pyproject.toml) forbids the widget packages of the app and
pyqtgraph; it cannot name Qt's widget module, so this test reads the sources.
"""

from __future__ import annotations

import ast
from pathlib import Path

SESSION = Path(__file__).resolve().parents[3] / "playground" / "session"
WIDGET_MODULES = ("PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtSvg")


def imported_modules(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_session_modules_import_no_qt_widgets():
    files = sorted(SESSION.rglob("*.py"))
    assert len(files) >= 6
    for path in files:
        bad = {m for m in imported_modules(path) if m.startswith(WIDGET_MODULES)}
        assert not bad, f"{path.name} imports {bad}"


def test_the_check_sees_an_import(tmp_path):
    f = tmp_path / "x.py"
    f.write_text("from PySide6.QtWidgets import QWidget\nimport PySide6.QtGui\n")
    assert imported_modules(f) == {"PySide6.QtWidgets", "PySide6.QtGui"}
