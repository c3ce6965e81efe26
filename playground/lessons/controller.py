"""The Lessons dock's behaviour: which lesson is shown, what opening it does, what
its "try this" buttons do.

Opening a lesson applies its setup through the window's own paths, so it is
exactly what a user's clicks would do: a preset opens as File > Presets opens
it (``FileController.open_preset``: the session document gets the preset's
config); a race is set up as the lab's preset menu and its check boxes set it
up; a comparison is set up on the Compare tab. A "try this" change is applied
to the document's config with ``core.lessons.apply_to_dict`` -- the function
the headless claim test uses -- and each touched section is proposed as that
section's panel would propose it (``SessionController.on_panel_edit``), so the
document stays the one owner of the config and the usual rules apply (live
changes, a reset when the network must be rebuilt, refused edits).

Moving through the lessons (the buttons, the list, Page Up/Down and the arrow
keys) opens each lesson; showing the dock only shows the current one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from core.lessons import (
    Lesson,
    TryThis,
    apply_to_dict,
    load_lessons,
    load_preset,
    touched_sections,
)
from core.lessons.changes import preset_path
from core.lessons.claims import LabSetup
from core.lessons.model import CompareSetup
from core.train.config import config_to_dict
from playground.lessons.keys import LessonKeys
from playground.lessons.view import LessonView
from playground.session.edits import SECTIONS

NARROW = 1600  # narrower: the dock goes in front of the Network dock (the plots need the width)
DOCK_WIDTH = 380
MIN_WIDTH = 220  # the text stays readable; the formula scales down to fit


class LessonController(QObject):
    def __init__(self, window, lessons: list[tuple[str, Lesson]] | None = None,
                 errors: list[str] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.errors: list[str] = list(errors or [])
        if lessons is None:
            lessons = load_lessons(errors=self.errors)
        self.names = [name for name, _ in lessons]
        self.lessons = [lesson for _, lesson in lessons]
        self.index = 0
        self.view = LessonView()
        self.view.set_lessons(self.lessons)
        self.dock = QDockWidget("Lessons", window)
        self.dock.setObjectName("dock_lessons")
        self.dock.setWidget(self.view)
        self.dock.setMinimumWidth(MIN_WIDTH)
        self.keys = LessonKeys(window, self.previous, self.next)
        self.keys.set_enabled(False)
        self.dock.toggleViewAction().toggled.connect(self.keys.set_enabled)
        v = self.view
        v.previous.connect(self.previous)
        v.next.connect(self.next)
        v.chosen.connect(self.open)
        v.reopen.connect(lambda: self.apply(self.lesson))
        v.try_requested.connect(self.try_this)
        # The first lesson is typeset when the dock first shows: loading the math font
        # (~0.4 s) is no part of the app's start.
        self.dock.toggleViewAction().toggled.connect(self._first_show)

    def _first_show(self, shown: bool) -> None:
        if shown and self.lessons and not self.view.title.text():
            self._show(self.index)

    # -- which lesson ----------------------------------------------------------------
    @property
    def lesson(self) -> Lesson:
        return self.lessons[self.index]

    def previous(self) -> None:
        if self.index > 0:
            self.open(self.index - 1)
        else:
            self._say("This is the first lesson.")

    def next(self) -> None:
        if self.index < len(self.lessons) - 1:
            self.open(self.index + 1)
        else:
            self._say("This is the last lesson.")

    def open(self, index: int) -> None:
        """Show lesson ``index`` and apply its setup."""
        if not 0 <= index < len(self.lessons):
            return
        self._show(index)
        self.apply(self.lesson)

    def _show(self, index: int) -> None:
        self.index = index
        lesson = self.lessons[index]
        checked = "\n".join(f"\u2022 {c.describe()}" for c in lesson.claims)
        self.view.show_lesson(index, lesson, f"Checked by tests/core/lessons:\n{checked}")

    def show_dock(self) -> None:
        self.dock.show()
        self.dock.raise_()

    # -- what opening does -------------------------------------------------------------
    def apply(self, lesson: Lesson) -> None:
        o = lesson.opens
        kept = o.preset is not None and not self._open_preset(o.preset)
        if o.lab is not None:
            self._race(o.lab)
        if o.compare is not None:
            self._compare(o.compare, run=False)
        self._tab(o.tab)
        if kept:
            self._say(f"Lesson {self.index + 1}: {lesson.title} \u2014 its preset was not "
                      "opened; the current session was kept.")
        else:
            self._say(f"Lesson {self.index + 1}: {lesson.title}"
                      + (" \u2014 press Space to train." if o.tab == "training" else "."))

    def _open_preset(self, name: str) -> bool:
        """Open the preset as File > Presets does; False if it was not (the user chose
        Cancel at the unsaved-changes question, or the file could not be read)."""
        self.window.files.open_preset(preset_path(name))
        try:
            return self.window.session.config == load_preset(name)
        except ValueError:
            return False

    def _tab(self, tab: str) -> None:
        w = self.window
        page = {"training": w.tabs.widget(0), "lab": w.lab, "compare": w.views.compare,
                "gallery": w.views.gallery}.get(tab)
        if page is not None:
            w.tabs.setCurrentWidget(page)

    def _race(self, setup: LabSetup) -> None:
        lab = self.window.lab
        if lab is None:  # the lab is an add-on (see MainWindow._add_lab_tabs)
            self._say("The Optimizer lab is not available.")
            return
        lab.apply_preset(setup.preset)
        if setup.racers is not None:
            for name in lab.model.names:
                lab.table.set_checked(name, name in setup.racers)

    def _compare(self, setup: CompareSetup, *, run: bool) -> None:
        c = self.window.views.compare.controls
        c.apply_comparison(setup.choices())
        c.seeds.setValue(setup.seeds)
        c.steps.setValue(setup.steps)
        if run:
            c.run_button.click()

    # -- try this -----------------------------------------------------------------------
    def try_this(self, item: TryThis) -> None:
        if item.changes is not None:
            self._change(item.changes)
            self._tab("training")
        elif item.preset is not None:
            self._open_preset(item.preset)
            self._tab("training")
        elif item.lab is not None:
            self._race(item.lab)
            self._tab("lab")
        else:
            self._compare(item.compare, run=True)
            self._tab("compare")
        self._say(f"Try this: {item.label}"
                  + (" \u2014 press Space to train." if item.changes is not None else ""))

    def _change(self, changes: dict) -> None:
        """Propose the changed sections as panel edits (see the module docstring)."""
        session = self.window.session
        new = apply_to_dict(config_to_dict(session.config), changes)
        for section in touched_sections(changes):
            if section not in SECTIONS:
                continue
            before = session.config
            session.on_panel_edit(section, new[section])
            if session.config is not before:
                # The document tells every view but the proposing section's panel (it
                # shows its own edit already); here the panel did not make it.
                self.window.panels[section].set_config(session.config)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)


def place_dock(window, dock: QDockWidget) -> None:
    """Add the dock on the right, hidden. Shown in a narrow window (under NARROW px),
    it moves in front of the Network dock instead, so the plots keep the width, and
    that stack takes most of the height."""
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()

    def fit() -> None:
        if dock.isFloating() or not dock.isVisible():
            return
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea:
            if window.width() >= NARROW:
                window.resizeDocks([dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
                return
            window.tabifyDockWidget(window.docks["network"], dock)
            dock.raise_()
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea:
            below = window.docks["optimizer"]
            if window.dockWidgetArea(below) == Qt.DockWidgetArea.LeftDockWidgetArea:
                h = window.centralWidget().height()
                window.resizeDocks([dock, below], [int(h * 0.75), int(h * 0.25)],
                                   Qt.Orientation.Vertical)

    # After the dock is laid out (resizeDocks needs its place in the layout).
    dock.toggleViewAction().toggled.connect(
        lambda shown: shown and QTimer.singleShot(0, fit))
