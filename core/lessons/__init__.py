"""Lessons: the lecture as a guided path, one small JSON file per topic in
``resources/lessons/``, each with a claim ("what to notice") that a headless
test checks on the lesson's own preset.

    model     the lesson file's fields, the lecture's sections
    claims    the kinds of claim (layer_ratio, compare, threshold, status,
              covariance, race), as data
    changes   dotted-path config changes ("network.batch_norm": true), presets
    files     reading lesson files as untrusted files (one clear error naming the
              file and the field), in the lecture's order
    measures  the metrics a claim names, on headless runs (core.train.Trainer)
    evaluate  checking a lesson's claims: ``check_lesson(lesson)``

Usage::

    from core.lessons import load_lessons, check_lesson
    for name, lesson in load_lessons():
        for result in check_lesson(lesson):
            print(name, result)

A layer above ``core.train`` and ``core.lab`` (it trains presets and races
optimizers); nothing in the core imports it.
"""

from core.lessons.changes import ChangeError, apply, apply_to_dict, load_preset, touched_sections
from core.lessons.claims import LabSetup
from core.lessons.evaluate import ClaimResult, check_claim, check_lesson
from core.lessons.files import LESSONS_DIR, LessonError, load_lesson, load_lessons, parse_lesson
from core.lessons.model import SECTIONS, CompareSetup, Lesson, Opens, TryThis

__all__ = [
    "LESSONS_DIR",
    "SECTIONS",
    "ChangeError",
    "ClaimResult",
    "CompareSetup",
    "LabSetup",
    "Lesson",
    "LessonError",
    "Opens",
    "TryThis",
    "apply",
    "apply_to_dict",
    "check_claim",
    "check_lesson",
    "load_lesson",
    "load_lessons",
    "load_preset",
    "parse_lesson",
    "touched_sections",
]
