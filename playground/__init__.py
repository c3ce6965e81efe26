"""The Qt desktop app (PySide6 + pyqtgraph) over the core."""

from playground.app import qt_fixes

# Before any widget or plot exists: a PySide6 bug would otherwise crash long runs.
qt_fixes.apply()
