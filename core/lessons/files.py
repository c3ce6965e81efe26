"""Reading lesson files: untrusted JSON, checked strictly, refused in one sentence.

A lesson file is read like any file from outside (DESIGN.md, "Reliability"):
only a regular file of bounded size, UTF-8 JSON of bounded nesting, every field
validated (``core.lessons.model``), and then everything it refers to checked
against what the program has: the presets exist and load, every change names
a config field and gives a valid config, the layers a claim names exist in the
preset's network, the lab presets and racers exist. A refusal is a
``LessonError`` naming the file and the field, e.g.::

    lesson file 03_x.json: claims.0.steps: steps lie in 0..20000
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from pydantic import ValidationError

from core.common import checks, limits
from core.data import datasets
from core.lessons import changes as ch
from core.lessons.claims import LabSetup, Measure, Race
from core.lessons.model import SECTIONS, Lesson
from core.train.config import format_validation_error

LESSONS_DIR = datasets.RESOURCES_DIR / "lessons"
MAX_LESSON_BYTES = 256 * 1024
MAX_LESSONS = 200
FILE_NAME = re.compile(r"^[0-9]{2}_[a-z0-9_]{1,60}\.json$")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the field."""


def _read(path: Path) -> dict:
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise LessonError(f"lesson file {path.name}: not a regular file")
        if st.st_size > MAX_LESSON_BYTES:
            raise LessonError(f"lesson file {path.name}: {st.st_size} bytes, more than the "
                              f"{MAX_LESSON_BYTES} a lesson may have")
        with open(path, "rb") as fh:
            blob = fh.read(MAX_LESSON_BYTES + 1)
    except OSError as err:
        raise LessonError(f"lesson file {path.name}: cannot be read "
                          f"({err.strerror or err})") from None
    if len(blob) > MAX_LESSON_BYTES:
        raise LessonError(f"lesson file {path.name}: grew past {MAX_LESSON_BYTES} bytes")
    try:
        doc = json.loads(blob.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonError(f"lesson file {path.name}: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise LessonError(f"lesson file {path.name}: invalid JSON at line {err.lineno}, "
                          f"column {err.colno}: {err.msg}") from None
    except (RecursionError, ValueError) as err:
        raise LessonError(f"lesson file {path.name}: unreadable JSON ({err})") from None
    if checks.json_depth(doc) > limits.MAX_JSON_DEPTH:
        raise LessonError(f"lesson file {path.name}: nests deeper than "
                          f"{limits.MAX_JSON_DEPTH} levels")
    if not isinstance(doc, dict):
        raise LessonError(f"lesson file {path.name}: the JSON is not an object")
    return doc


def parse_lesson(doc: dict, name: str = "lesson", presets: Path | None = None) -> Lesson:
    """Validate a lesson's JSON object (``name`` for the messages)."""
    try:
        lesson = Lesson.model_validate(doc)
    except ValidationError as err:
        raise LessonError(f"lesson file {name}: {format_validation_error(err)}") from None
    try:
        check_references(lesson, presets)
    except _FieldProblem as err:
        raise LessonError(f"lesson file {name}: {err.field}: {err.problem}") from None
    return lesson


def load_lesson(path: str | Path, presets: Path | None = None) -> Lesson:
    """One lesson file, checked; ``LessonError`` naming the file and the field."""
    path = Path(path)
    return parse_lesson(_read(path), path.name, presets)


def lesson_files(folder: Path = LESSONS_DIR) -> list[Path]:
    """The lesson files of ``folder`` in the lecture's order (their file names)."""
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == ".json")
    except OSError:
        return []
    return paths[:MAX_LESSONS]


def load_lessons(folder: Path = LESSONS_DIR, *, errors: list[str] | None = None,
                 presets: Path | None = None) -> list[tuple[str, Lesson]]:
    """(file stem, lesson) of every lesson in ``folder``, in the lecture's order.

    Without ``errors`` the first bad file raises ``LessonError``; with it, bad
    files are skipped and their messages appended (the app shows the rest)."""
    out: list[tuple[str, Lesson]] = []
    last = -1
    order = list(SECTIONS)
    for path in lesson_files(folder):
        try:
            if not FILE_NAME.match(path.name):
                raise LessonError(f"lesson file {path.name}: the name must look like "
                                  "'07_batch_norm.json' (two digits give the order)")
            lesson = load_lesson(path, presets)
            rank = order.index(lesson.section)
            if rank < last:
                raise LessonError(f"lesson file {path.name}: section: '{lesson.section}' "
                                  "comes before the previous lesson's in the lecture")
        except LessonError as err:
            if errors is None:
                raise
            errors.append(str(err))
            continue
        last = rank
        out.append((path.stem, lesson))
    return out


# -- references -------------------------------------------------------------------------
class _FieldProblem(Exception):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def check_references(lesson: Lesson, presets: Path | None = None) -> None:
    """Everything the lesson names exists, and every change gives a valid config."""
    base = None
    if lesson.opens.preset is not None:
        base = _preset(lesson.opens.preset, "opens.preset", presets)
    for i, name in enumerate(lesson.related):
        _preset(name, f"related.{i}", presets)
    if lesson.opens.lab is not None:
        _lab(lesson.opens.lab, "opens.lab")
    for i, t in enumerate(lesson.try_this):
        where = f"try_this.{i}"
        if t.preset is not None:
            _preset(t.preset, f"{where}.preset", presets)
        if t.lab is not None:
            _lab(t.lab, f"{where}.lab")
        if t.changes is not None:
            _changed(base, t.changes, f"{where}.changes")
    for i, claim in enumerate(lesson.claims):
        _claim(lesson, claim, base, f"claims.{i}")


def _preset(name: str, field: str, folder: Path | None):
    try:
        return ch.load_preset(name, folder)
    except ValueError as err:
        raise _FieldProblem(field, str(err)) from None


def _changed(base, changes: dict, field: str):
    if base is None:
        raise _FieldProblem(field, "changes need a preset to change (opens.preset)")
    try:
        return ch.apply(base, changes)
    except ValueError as err:
        raise _FieldProblem(field, str(err)) from None


def _lab(setup: LabSetup, field: str) -> list[str]:
    """The racers of a lab setup (its own, or its preset's)."""
    from core.lab.model import PRESETS
    from core.lab.race import racer_names

    if setup.preset not in PRESETS:
        raise _FieldProblem(f"{field}.preset", f"no lab preset {setup.preset!r}; choose one "
                                               f"of: {', '.join(PRESETS)}")
    known = racer_names()
    for j, name in enumerate(setup.racers or ()):
        if name not in known:
            raise _FieldProblem(f"{field}.racers.{j}", f"no racer {name!r}")
    return list(setup.racers or PRESETS[setup.preset].racers)


def _claim(lesson: Lesson, claim, base, field: str) -> None:
    if isinstance(claim, Race):
        setup = claim.lab or lesson.opens.lab
        if setup is None:
            raise _FieldProblem(f"{field}.lab", "a race needs a lab setup (here or in opens)")
        racers = _lab(setup, f"{field}.lab")
        for j, fact in enumerate(claim.facts):
            for who in (fact.racer, fact.less_than):
                if who is not None and who not in racers:
                    raise _FieldProblem(f"{field}.facts.{j}",
                                        f"{who!r} does not race ({', '.join(racers)})")
        return
    run = _changed(base, claim.changes, f"{field}.changes") if claim.changes else base
    if run is None:
        raise _FieldProblem(field, "a training claim needs a preset (opens.preset)")
    variant = getattr(claim, "variant", None)
    if variant:
        _changed(run, variant, f"{field}.variant")
    n_hidden = len(run.network.hidden)
    for layer in _layers(claim):
        if layer.startswith("hidden ") and int(layer.split()[1]) > n_hidden:
            raise _FieldProblem(field, f"the network has {n_hidden} hidden layers, no "
                                       f"'{layer}'")


def _layers(claim) -> list[str]:
    names = [getattr(claim, k, None) for k in ("numerator", "denominator")]
    measure = getattr(claim, "measure", None)
    if isinstance(measure, Measure):
        names.append(measure.layer)
    return [n for n in names if n is not None]
