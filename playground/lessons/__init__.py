"""The Lessons dock: the lecture as a guided path through the app.

Each lesson (``resources/lessons/``, read by ``core.lessons``) shows its title,
text, the slide's formula typeset, what to notice and "try this" buttons;
opening it applies its preset, or sets up a race in the Optimizer lab or a
comparison. Previous / next, a list of every lesson, and Page Up / Page Down
and the arrow keys (what presenter clickers send) move between lessons.

    formula     LaTeX → SVG (ziamath) → QtSvg, scaled to the dock's width
    view        the dock's content (LessonView); holds no session state
    keys        the navigation keys, and the widgets that keep them
    controller  which lesson is shown, what opening it and its buttons do

``install(window)`` adds the dock to the main window (hidden until View >
Lessons, Ctrl+L) and returns the controller.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from playground.lessons.controller import LessonController, place_dock

SHORTCUT = "Ctrl+L"


def install(window) -> LessonController:
    """The Lessons dock in ``window`` (a MainWindow), hidden; its View-menu action is
    ``controller.dock.toggleViewAction()`` with the shortcut Ctrl+L."""
    controller = LessonController(window)
    place_dock(window, controller.dock)
    action = controller.dock.toggleViewAction()
    action.setText("&Lessons")
    action.setShortcut(QKeySequence(SHORTCUT))
    action.setToolTip("The lecture, lesson by lesson (Page Up / Page Down to move)")
    if controller.errors:
        window.statusBar().showMessage("Some lessons could not be read: "
                                       + controller.errors[0], 10_000)
    return controller


__all__ = ["SHORTCUT", "LessonController", "install"]
