"""Desktop app entry (placeholder until the app issue lands)."""

from __future__ import annotations


def run_app(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([])
    label = QLabel("Optimizer Playground — the desktop app is coming. "
                   "The numerical core is ready: see README.md.")
    label.setMargin(24)
    label.setWindowTitle("Optimizer Playground")
    label.show()
    return app.exec()
