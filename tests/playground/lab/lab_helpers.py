"""Fixture and helpers of the Optimizer lab's tests: the lab widget, and what a user
does with it (tick racers, type into a box) and sees (trails, markers)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from playground.lab import LabWidget  # noqa: E402


@pytest.fixture
def lab(qtbot):
    w = LabWidget()
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.pause()


def only(lab: LabWidget, *names: str) -> None:
    """Check exactly ``names`` in the racer table, as a user would."""
    for n in lab.model.names:
        if lab.table.is_checked(n) != (n in names):
            lab.table.set_checked(n, n in names)


def trail_xy(lab: LabWidget, name: str) -> np.ndarray:
    x, y = lab.race_map.trails[name].getData()
    return np.column_stack([x, y]) if x is not None else np.empty((0, 2))


def visible_trails(lab: LabWidget) -> list[str]:
    return [n for n, t in lab.race_map.trails.items()
            if t.isVisible() and t.getData()[0] is not None and len(t.getData()[0])]


def marker_positions(lab: LabWidget) -> np.ndarray:
    return np.array([[p.x(), p.y()] for p in (s.pos() for s in lab.race_map.markers.points())])


def set_box(qtbot, box, text: str) -> None:
    """Type ``text`` into a number box and press Enter, as a user would."""
    box.setFocus()
    box.lineEdit().selectAll()
    QTest.keyClicks(box.lineEdit(), text)
    QTest.keyClick(box.lineEdit(), Qt.Key.Key_Return)
