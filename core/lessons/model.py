"""A lesson: one topic of the lecture, as a small JSON file in ``resources/lessons/``.

Fields (every one checked strictly: a typo is an error naming the field)::

    schema_version  1
    section         the lecture's part it belongs to (a key of SECTIONS)
    title           e.g. "Vanishing gradients"
    text            a few sentences in our own words
    formula         the slide's formula, LaTeX, one equation per list entry
    formula_note    "" or what the slide prints differently, and why ours is right
    note            one line: the Presets menu's tooltip for the preset it opens
    opens           what the lesson shows: a preset on the Training tab, the
                    Optimizer lab with a race, or the Compare tab
    notice          "what to notice", in words
    claims          the same, as data a headless test checks (core.lessons.claims)
    try_this        optional one-click changes: config edits, another preset, a
                    lab race, a comparison
    related         other presets of the topic (listed with it in the Presets menu)

The lecture's order is the order of the file names (``01_...json``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from core.lessons.changes import check_paths, check_preset_name
from core.lessons.claims import Claim, LabSetup, Strict

#: The lecture's parts, in its order (the lecture plan, with the slides on weight
#: initialization and the "additional steps" as parts of their own).
SECTIONS = {
    "gradients": "Vanishing and exploding gradients",
    "activations": "Activation functions",
    "preprocessing": "Data preprocessing",
    "initialization": "Weight initialization",
    "descent": "Improving descent",
    "extras": "Additional steps",
    "batch_norm": "Batch normalization",
}
Section = Literal["gradients", "activations", "preprocessing", "initialization", "descent",
                  "extras", "batch_norm"]
Tab = Literal["training", "lab", "compare", "gallery"]
MAX_FORMULA = 600  # characters of one equation


def _preset(v: str | None) -> str | None:
    return None if v is None else check_preset_name(v)


def _latex(line: str) -> str:
    """A cheap sanity check of untrusted LaTeX (the renderer does the rest): bounded,
    braces balanced, no control characters."""
    depth = 0
    for i, ch in enumerate(line):
        if ch == "{" and (i == 0 or line[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or line[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                break
        elif ord(ch) < 32:
            raise ValueError("a formula holds no control characters")
    if depth != 0:
        raise ValueError(f"unbalanced braces in {line[:60]!r}")
    return line


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: true is not 1 (Python's bool is an int)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


class CompareAxis(Strict):
    """One setting of the Compare tab's list (``core.train.sweep.catalog``) and the
    values to tick, each one of the values the tab offers for it."""

    setting: str = Field(max_length=40)
    values: list[Any] = Field(min_length=1, max_length=16)

    @model_validator(mode="after")
    def _known(self) -> CompareAxis:
        from core.train.sweep import catalog

        s = catalog.by_key(self.setting)  # ValueError listing the settings
        for v in self.values:
            if not any(_same(v, c) for c in s.choices):
                raise ValueError(f"{v!r} is not one of the values of '{self.setting}' "
                                 "(" + ", ".join(map(repr, s.choices)) + ")")
        return self


class CompareSetup(Strict):
    """The Compare tab: one or two settings of the current session to vary, the seeds
    per variant and the steps per run."""

    vary: list[CompareAxis] = Field(min_length=1, max_length=2)
    seeds: int = Field(default=3, ge=1, le=10)
    steps: int = Field(default=1000, ge=10, le=100_000)

    @model_validator(mode="after")
    def _distinct(self) -> CompareSetup:
        if len({a.setting for a in self.vary}) != len(self.vary):
            raise ValueError("vary two different settings")
        return self

    def choices(self) -> list[tuple[str, list]]:
        """What the Compare tab's editors take: [(setting key, values)]."""
        return [(a.setting, list(a.values)) for a in self.vary]


class Opens(Strict):
    """What opening the lesson shows. ``preset`` (a file of ``resources/presets``) is
    loaded on the Training tab; the lab and the Compare tab get their setup."""

    preset: str | None = None
    tab: Tab = "training"
    lab: LabSetup | None = None
    compare: CompareSetup | None = None

    @field_validator("preset")
    @classmethod
    def _check_preset(cls, v: str | None) -> str | None:
        return _preset(v)

    @model_validator(mode="after")
    def _consistent(self) -> Opens:
        if (self.tab == "lab") != (self.lab is not None):
            raise ValueError("'lab' is given exactly when tab is 'lab'")
        if (self.tab == "compare") != (self.compare is not None):
            raise ValueError("'compare' is given exactly when tab is 'compare'")
        if self.tab != "lab" and self.preset is None:
            raise ValueError(f"tab '{self.tab}' needs a preset")
        return self


class TryThis(Strict):
    """A one-click experiment: exactly one of ``changes`` (dotted-path edits of the
    current session, as a panel would make them), ``preset`` (open another preset),
    ``lab`` (a race in the Optimizer lab) or ``compare`` (run a comparison)."""

    label: str = Field(min_length=1, max_length=48)
    tip: str = Field(default="", max_length=300)
    changes: dict[str, Any] | None = Field(default=None, min_length=1)
    preset: str | None = None
    lab: LabSetup | None = None
    compare: CompareSetup | None = None

    @field_validator("preset")
    @classmethod
    def _check_preset(cls, v: str | None) -> str | None:
        return _preset(v)

    @field_validator("changes")
    @classmethod
    def _paths(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if v is None else check_paths(v)

    @model_validator(mode="after")
    def _one(self) -> TryThis:
        given = [k for k in ("changes", "preset", "lab", "compare") if getattr(self, k)
                 is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of changes, preset, lab, compare; got "
                             + (", ".join(given) or "none"))
        return self

    @property
    def action(self) -> str:
        return next(k for k in ("changes", "preset", "lab", "compare")
                    if getattr(self, k) is not None)


class Lesson(Strict):
    schema_version: Literal[1]
    section: Section
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=1500)
    formula: list[str] = Field(min_length=1, max_length=8)
    formula_note: str = Field(default="", max_length=600)
    note: str = Field(min_length=1, max_length=160)
    opens: Opens
    notice: str = Field(min_length=1, max_length=1000)
    claims: list[Claim] = Field(min_length=1, max_length=8)
    try_this: list[TryThis] = Field(default_factory=list, max_length=6)
    related: list[str] = Field(default_factory=list, max_length=8)

    @field_validator("formula")
    @classmethod
    def _formula(cls, v: list[str]) -> list[str]:
        for line in v:
            if not 1 <= len(line) <= MAX_FORMULA:
                raise ValueError(f"each formula line holds 1..{MAX_FORMULA} characters")
            _latex(line)
        return v

    @field_validator("note")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v:
            raise ValueError("the note is one line")
        return v

    @field_validator("related")
    @classmethod
    def _related(cls, v: list[str]) -> list[str]:
        return [check_preset_name(n) for n in v]

    @property
    def section_title(self) -> str:
        return SECTIONS[self.section]

    def presets(self) -> list[str]:
        """Every preset the lesson names: the one it opens, those of its buttons, the
        related ones, in that order, without repeats."""
        names = [self.opens.preset, *(t.preset for t in self.try_this), *self.related]
        return list(dict.fromkeys(n for n in names if n is not None))
