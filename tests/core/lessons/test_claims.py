"""Every lesson's claim ("what to notice") holds: its preset is trained headless (or
its race run) and the claim checked as the lesson file states it.

A lesson whose claim does not hold is a failing test, not a footnote. The one
exception is marked: the exploding-gradients preset is being replaced (its claim
is written for the new one: the gradient norm growing layer by layer from the
output to the input before anything diverges).
"""

from __future__ import annotations

import time

import pytest

from core.lessons import LESSONS_DIR, check_lesson, load_lesson
from core.lessons.files import lesson_files

FILES = lesson_files(LESSONS_DIR)
PENDING = {
    "02_exploding_gradients": "the current preset (a deep linear network, N(0, 0.5^2)) has "
    "equal weight-gradient norms in every layer (activations grow as fast as the "
    "backpropagated errors shrink); the claim holds for the preset that replaces it",
}


def _param(path):
    marks = []
    if path.stem in PENDING:
        marks.append(pytest.mark.xfail(reason=PENDING[path.stem], strict=False))
    return pytest.param(path, id=path.stem, marks=marks)


def test_there_are_lessons():
    assert len(FILES) >= 26


@pytest.mark.parametrize("path", [_param(p) for p in FILES])
def test_the_lessons_claim_holds(path):
    lesson = load_lesson(path)
    start = time.perf_counter()
    results = check_lesson(lesson)
    took = time.perf_counter() - start
    assert len(results) == len(lesson.claims)
    failed = [str(r) for r in results if not r.holds]
    assert not failed, "\n".join(failed)
    assert took < 30, f"checking {path.name} took {took:.1f} s; keep the runs short"
