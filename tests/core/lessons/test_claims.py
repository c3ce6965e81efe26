"""Every lesson's claim ("what to notice") holds: its preset is trained headless (or
its race run) and the claim checked as the lesson file states it.

A lesson whose claim does not hold is a failing test, not a footnote.
"""

from __future__ import annotations

import time

import pytest

from core.lessons import LESSONS_DIR, check_lesson, load_lesson
from core.lessons.files import lesson_files

FILES = lesson_files(LESSONS_DIR)


def _param(path):
    return pytest.param(path, id=path.stem)


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
