"""Session files as the app sees them: presets, file-dialog filters, what can be dropped."""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class Preset:
    title: str
    path: Path


def list_presets(folder: Path = PRESETS_DIR) -> list[Preset]:
    """The shipped presets by title, in file-name order (the lecture's order)."""
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            title = json.loads(path.read_text(encoding="utf-8")).get("title") or path.stem
        except (OSError, ValueError, AttributeError):
            continue  # a broken preset is skipped here and reported if opened by hand
        out.append(Preset(str(title), path))
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
