"""Dotted config paths: which settings a sweep may vary, and their values as text.

A path names one field of ``SessionConfig`` by its sections, e.g.
``network.activation``, ``optimizer.hyper.lr``, ``training.grad_noise.enabled``,
``data.preprocessing``. The model's own fields decide what exists; below a
mapping field (``optimizer.hyper``, ``data.options``) any one key may follow
(whether the optimizer has it is checked when the run's config is validated).
A whole section (``optimizer``) may be a path too: its values are then dicts
that replace the section.

Values are written on a command line as text, read by the field's type:

- booleans: ``on``/``off``, ``true``/``false``, ``yes``/``no``, ``1``/``0``;
- numbers: ``0.01``, ``1e-3`` (whole numbers for counts such as the batch size);
- ``data.preprocessing``: step names joined with ``+`` (``mean_cancellation+zca_whitening``),
  or ``none``;
- lists and sections: JSON (``[16,16]``, ``{"name":"sgd","hyper":{"lr":0.1}}``);
- anything else: the text itself (``relu``, ``sorted``).

``format_value`` writes a value back in that form (the CSV columns use it).
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from core.train.config import SessionConfig

# Paths a sweep does not vary: the seed has its own axis (the spec's seeds), the run
# length is the spec's step count, and the version is not a setting.
RESERVED = {
    "training.seed": "the seeds are the sweep's own axis: give their number instead",
    "training.steps": "every run trains the sweep's step count",
    "schema_version": "the schema version is not a setting",
}
TRUE, FALSE = ("on", "true", "yes", "1"), ("off", "false", "no", "0")


@dataclass(frozen=True)
class Field:
    """What a path holds: ``kind`` one of bool, int, float, str, choice (``choices``),
    preprocessing, list, section, scalar (a mapping entry such as a data option)."""

    path: str
    kind: str
    choices: tuple[str, ...] = ()


def parse_path(path: str) -> Field:
    """The field at dotted ``path``; ValueError naming the first unknown part."""
    if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
        raise ValueError(f"{path!r} is not a dotted config path such as optimizer.hyper.lr")
    if path in RESERVED:
        raise ValueError(f"{path} cannot be varied: {RESERVED[path]}")
    parts = path.split(".")
    model: type[BaseModel] = SessionConfig
    for i, part in enumerate(parts):
        field = model.model_fields.get(part)
        where = ".".join(parts[:i]) or "the config"
        if field is None:
            raise ValueError(f"{path}: {where} has no setting {part!r}; it has "
                             + ", ".join(model.model_fields))
        ann = field.annotation
        rest = parts[i + 1:]
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            if not rest:
                return Field(path, "section")
            model = ann
            continue
        if typing.get_origin(ann) is dict:
            if len(rest) > 1:
                raise ValueError(f"{path}: {'.'.join(parts[:i + 1])} holds plain values")
            if not rest:
                return Field(path, "section")
            value_type = typing.get_args(ann)[1]
            return Field(path, "float" if value_type is float else "scalar")
        if rest:
            raise ValueError(f"{path}: {'.'.join(parts[:i + 1])} has no parts")
        return _leaf(path, ann)
    raise AssertionError("unreachable")  # pragma: no cover


def _leaf(path: str, ann) -> Field:
    if path == "data.preprocessing":
        return Field(path, "preprocessing")
    if typing.get_origin(ann) is Literal:
        return Field(path, "choice", tuple(typing.get_args(ann)))
    args = set(typing.get_args(ann)) - {type(None)}
    if typing.get_origin(ann) in (typing.Union, types.UnionType) and len(args) == 1:
        ann = args.pop()  # an optional field: its type
    for kind, t in (("bool", bool), ("int", int), ("float", float), ("str", str)):
        if ann is t:
            return Field(path, kind)
    if typing.get_origin(ann) is list:
        return Field(path, "list")
    return Field(path, "scalar")  # e.g. activation: a name or a list of names


def parse_value(field: Field, text: str) -> Any:
    """The value of ``field`` written as ``text`` (see the module docstring);
    ValueError saying what was expected."""
    t = text.strip()
    kind = field.kind
    if kind == "bool":
        if t.lower() in TRUE:
            return True
        if t.lower() in FALSE:
            return False
        raise ValueError(f"{field.path}: expected on/off, got {t!r}")
    if kind == "int":
        try:
            return int(t)
        except ValueError:
            raise ValueError(f"{field.path}: expected a whole number, got {t!r}") from None
    if kind == "float":
        try:
            return float(t)
        except ValueError:
            raise ValueError(f"{field.path}: expected a number, got {t!r}") from None
    if kind == "preprocessing":
        if t.lower() in ("none", ""):
            return []
        if t.startswith("["):
            return _json(field, t)
        return [{"name": name.strip()} for name in t.split("+")]
    if kind in ("list", "section") or (t and t[0] in "[{"):
        return _json(field, t)
    if kind == "scalar":
        try:
            value = json.loads(t)
        except ValueError:
            return t
        return value if isinstance(value, (int, float, str, bool)) else t
    return t


def _json(field: Field, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as err:
        raise ValueError(f"{field.path}: {text!r} is not valid JSON ({err})") from None


def format_value(value: Any) -> str:
    """``value`` as ``parse_value`` reads it back (booleans on/off, preprocessing
    steps joined with ``+``, lists and dicts as compact JSON)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(s, dict) and set(s) == {"name"}
                                       for s in value):
        return "+".join(s["name"] for s in value) if value else "none"
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def split_values(text: str) -> list[str]:
    """``a,b,[1,2],{"x":1}`` -> the values, commas inside brackets kept."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [v.strip() for v in out]


def set_path(config: dict, path: str, value: Any) -> None:
    """Set ``path`` in a config dict (``config_to_dict`` form) to ``value``, in place.

    Setting ``optimizer.name`` keeps those of the base's hyper-parameters the new
    optimizer has and drops the others (Adam's ``beta1`` means nothing to SGD)."""
    parts = path.split(".")
    node = config
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    if path == "optimizer.name" and isinstance(value, str):
        from core.optim import OPTIMIZERS

        try:
            known = OPTIMIZERS.get(value).defaults
        except (KeyError, ValueError):
            return  # an unknown name: the config's validation names it
        hyper = config["optimizer"].get("hyper", {})
        config["optimizer"]["hyper"] = {k: v for k, v in hyper.items() if k in known}


def get_path(config: dict, path: str) -> Any:
    node: Any = config
    for part in path.split("."):
        node = node[part]
    return node
