"""Session files as the app sees them: presets, file-dialog filters, what can be dropped.

The Presets menu follows the lecture: ``preset_groups`` puts each preset under the
lecture section of the first lesson that names it (``core.lessons``), in the
lessons' order, with that lesson's one-line note; presets no lesson names come
last, with the first sentence of their description as the note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.data import datasets
from core.train.session import SUFFIX

PRESETS_DIR = datasets.RESOURCES_DIR / "presets"
DEFAULT_PRESET = PRESETS_DIR / "00_default_spiral.json"
SESSION_FILTER = f"Sessions (*{SUFFIX} *.json)"
SAVE_FILTERS = f"Session with its run (*{SUFFIX});;Config only (*.json)"
OPENABLE = (SUFFIX, ".json")
CSV_SUFFIXES = (".csv", ".csv.gz")  # what the data panel's Open CSV… offers
ACCEPTED_DROPS = (f"a session ({SUFFIX}), a preset or config (.json) or a CSV data set "
                  "(.csv, .csv.gz)")


OTHER_PRESETS = "More presets"


@dataclass(frozen=True)
class Preset:
    title: str
    path: Path
    note: str = ""  # one line for the tooltip and the status bar


@dataclass(frozen=True)
class PresetGroup:
    title: str  # a section of the lecture, or OTHER_PRESETS
    presets: tuple[Preset, ...]


def list_presets(folder: Path = PRESETS_DIR) -> list[Preset]:
    """The shipped presets in file-name order, the note from their description."""
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            title = doc.get("title") or path.stem
            note = first_sentence(str(doc.get("description") or ""))
        except (OSError, ValueError, AttributeError):
            continue  # a broken preset is skipped here and reported if opened by hand
        out.append(Preset(str(title), path, note))
    return out


_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)\.\s+(?=[A-Z])")


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of ``text`` ("et al." and "e.g." do not end one), at most
    ``limit`` characters."""
    end = _SENTENCE_END.search(text)
    line = text if end is None else text[:end.start() + 1]
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "\u2026"


def preset_groups(folder: Path = PRESETS_DIR, lessons=None) -> list[PresetGroup]:
    """The presets grouped by the lecture's sections, in the lessons' order (see the
    module docstring). ``lessons``: (name, Lesson) pairs, default: the shipped ones
    (a lesson file that cannot be read is left out)."""
    from core.lessons import SECTIONS, load_lessons

    if lessons is None:
        lessons = load_lessons(errors=[])
    by_name = {p.path.name: p for p in list_presets(folder)}
    groups: dict[str, list[Preset]] = {}
    placed: set[str] = set()
    for _, lesson in lessons:
        for name in lesson.presets():
            preset = by_name.get(name)
            if preset is None or name in placed:
                continue
            placed.add(name)
            note = lesson.note if name == lesson.opens.preset else preset.note
            groups.setdefault(lesson.section, []).append(Preset(preset.title, preset.path,
                                                                note))
    out = [PresetGroup(SECTIONS[key], tuple(groups[key])) for key in SECTIONS if key in groups]
    rest = tuple(p for name, p in by_name.items() if name not in placed)
    if rest:
        out.append(PresetGroup(OTHER_PRESETS, rest))
    return out


def is_session_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() in OPENABLE


def is_csv_file(path: str | Path) -> bool:
    return Path(path).name.lower().endswith(CSV_SUFFIXES)


def is_preset(path: str | Path) -> bool:
    """A shipped preset: it opens untitled, so Save cannot overwrite it."""
    return Path(path).resolve().parent == PRESETS_DIR.resolve()


def drop_kind(path: str | Path) -> str | None:
    """What a file dropped on the window opens as: "preset", "session", "csv", or None
    (not accepted)."""
    if is_csv_file(path):
        return "csv"
    if is_session_file(path):
        return "preset" if is_preset(path) else "session"
    return None


def with_suffix_for_filter(path: str, selected_filter: str) -> Path:
    """Add the extension of the chosen filter when the user typed none."""
    p = Path(path)
    if p.suffix.lower() in OPENABLE:
        return p
    return p.with_suffix(".json" if "*.json" in selected_filter and SUFFIX not in
                         selected_filter else SUFFIX)
