"""Desktop app entry: ``run_app(argv)`` (called by main.py) opens the main window.

``python main.py [SESSION]`` opens SESSION (an .opg file or a JSON config)
instead of the default preset.
"""

from __future__ import annotations

import sys


def run_app(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    from playground import settings
    from playground.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    path = next((a for a in argv if not a.startswith("-")), None)
    window = MainWindow(session_path=path)
    window.show()
    return app.exec()
