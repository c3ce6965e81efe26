"""Every lesson's formula typesets (ziamath → SVG that QtSvg draws); LaTeX that
cannot be typeset says so instead of showing raw source."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtSvg import QSvgRenderer

from core.lessons import load_lessons
from playground.lessons.formula import FormulaError, FormulaView, latex_svg

LINES = [(f"{name}:{i}", tex) for name, lesson in load_lessons()
         for i, tex in enumerate(lesson.formula)]


@pytest.mark.parametrize("tex", [t for _, t in LINES], ids=[n for n, _ in LINES])
def test_every_lesson_formula_typesets(qtbot, tex):
    svg = latex_svg(tex)
    assert svg.startswith(b"<svg") and svg.count(b"<path") >= 3
    assert b"<use" not in svg and b"<symbol" not in svg  # plain SVG 1.1 for QtSvg
    renderer = QSvgRenderer(QByteArray(svg))
    assert renderer.isValid() and renderer.defaultSize().width() > 20


@pytest.mark.parametrize("tex", [r"\fracc{a}{b}", r"x = \nosuchcommand"])
def test_unknown_commands_are_refused(tex):
    with pytest.raises(FormulaError, match="unknown command"):
        latex_svg(tex)


def test_the_view_shows_an_error_instead_of_the_source(qtbot):
    view = FormulaView()
    qtbot.addWidget(view)
    view.set_formula([r"a^2 + b^2 = c^2", r"\oops{x}"])
    assert len(view.equations) == 1 and len(view.errors) == 1
    assert "unknown command" in view.errors[0]


def test_equations_of_one_formula_share_a_scale_and_fit_the_width(qtbot):
    view = FormulaView()
    qtbot.addWidget(view)
    view.set_formula([r"x", r"\sum_{i=1}^{N} \left(x_i - \mu\right)^{2} + \frac{a}{b} + c + d"])
    short, long_ = view.equations
    assert short.group_width == long_.group_width == long_.sizeHint().width()
    narrow = long_.group_width // 2
    assert long_.heightForWidth(narrow) < long_.heightForWidth(10 * narrow)
    assert short.heightForWidth(narrow) < short.sizeHint().height()  # scaled with it
    assert long_.minimumSizeHint().width() < narrow  # never wider than the dock allows
