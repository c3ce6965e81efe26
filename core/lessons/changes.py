"""Config changes written as dotted paths, and the presets lessons open.

A lesson says what to change the way a lecturer would say it:
``{"network.batch_norm": true}`` or ``{"optimizer.name": "rmsprop",
"optimizer.hyper": {"lr": 0.05}}``. Each key is a path into the session config
(``core.train.config.SessionConfig`` as a plain dict); the value replaces what
is there. Every part of the path must already exist, except the last part
inside the two free-form tables (``optimizer.hyper`` and ``data.options``), so a
typo (``network.batchnorm``) is an error that names it rather than a silently
ignored setting. The result is validated as a whole config.

The GUI applies the very same function to the document's config and proposes
the touched sections as panel edits (``playground.lessons``), so what a
"try this" button does is what the headless claim test measured.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from core.data import datasets
from core.train.config import SessionConfig, config_to_dict, parse_config
from core.train.session import SessionError, load_session

PRESETS_DIR = datasets.RESOURCES_DIR / "presets"
#: A preset is named by its file name only: no folder, so a lesson cannot make the
#: program read a file outside ``resources/presets``.
PRESET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,80}\.json$")
PATH_PART = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
#: Tables whose keys are not fixed by the schema: a change may add a key there.
FREE_TABLES = (("optimizer", "hyper"), ("data", "options"))
MAX_CHANGES = 16


class ChangeError(ValueError):
    """A change that names no config field, or gives a config that is not valid."""


def check_preset_name(name: str) -> str:
    if not isinstance(name, str) or not PRESET_NAME.match(name):
        raise ValueError(f"a preset is named by its file name, e.g. '01_vanishing_gradients"
                         f".json' (letters, digits, '_' and '-'), got {name!r}")
    return name


def preset_path(name: str, folder: Path | None = None) -> Path:
    return (folder or PRESETS_DIR) / check_preset_name(name)


def check_paths(changes: dict[str, Any]) -> dict[str, Any]:
    """The shape of a change table (the paths' spelling); whether they exist is only
    known against a config (``apply``)."""
    if len(changes) > MAX_CHANGES:
        raise ValueError(f"at most {MAX_CHANGES} changes, got {len(changes)}")
    for key in changes:
        parts = key.split(".")
        if len(parts) < 2 or not all(PATH_PART.match(p) for p in parts):
            raise ValueError(f"{key!r} is not a dotted config path such as "
                             "'network.batch_norm'")
    return changes


def apply_to_dict(doc: dict, changes: dict[str, Any]) -> dict:
    """A deep copy of the config dict ``doc`` with ``changes`` applied (no validation
    of the values; ChangeError for a path that does not exist)."""
    out = copy.deepcopy(doc)
    for key, value in check_paths(dict(changes)).items():
        parts = key.split(".")
        node = out
        for i, part in enumerate(parts[:-1]):
            if not isinstance(node, dict) or part not in node or not isinstance(node[part],
                                                                                 dict):
                raise ChangeError(f"'{key}' names no config field "
                                  f"('{'.'.join(parts[:i + 1])}' is not a section)")
            node = node[part]
        last = parts[-1]
        if last not in node and tuple(parts[:-1]) not in FREE_TABLES:
            raise ChangeError(f"'{key}' names no config field")
        node[last] = copy.deepcopy(value)
    return out


def apply(config: SessionConfig, changes: dict[str, Any]) -> SessionConfig:
    """``config`` with ``changes``, validated (ChangeError naming the problem)."""
    if not changes:
        return config
    doc = apply_to_dict(config_to_dict(config), changes)
    try:
        return parse_config(doc)
    except ValueError as err:
        raise ChangeError(f"{json.dumps(changes)} gives {err}") from None


def touched_sections(changes: dict[str, Any]) -> list[str]:
    """The config sections the changes edit, in first-mentioned order."""
    out: list[str] = []
    for key in changes:
        section = key.split(".")[0]
        if section not in out:
            out.append(section)
    return out


def load_preset(name: str, folder: Path | None = None) -> SessionConfig:
    """The config of the shipped preset ``name`` (ValueError naming the problem)."""
    path = preset_path(name, folder)
    if not path.is_file():
        raise ValueError(f"there is no preset {name!r} in {path.parent}")
    try:
        return load_session(path).config
    except SessionError as err:
        raise ValueError(f"preset {name}: {err}") from None


def with_seed(config: SessionConfig, seed: int) -> SessionConfig:
    return apply(config, {"training.seed": int(seed)})
