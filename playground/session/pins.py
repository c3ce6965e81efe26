"""Pinned runs and what they are, seen from the current session.

A pin keeps the config it was made with. Its label names what differs from the
config now being trained ("#2 sgd, lr 0.1 @500": the pinned run used SGD at lr
0.1, the current one does not), so a ghost curve says why it differs; a pin
made on other data (another data set, CSV or toy parameters: ``data_changed``)
is not comparable at all, and is hidden until that data comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.train.config import SessionConfig, config_to_dict
from playground.session.edits import data_changed

MAX_NAMED = 4  # differences named in a label; more are summed up as "..."
# Fields that say nothing about the run (names, the length of a Play block).
IGNORED = {("schema_version",), ("title",), ("description",), ("training", "steps")}
# Short names of the fields, for legends; a field not listed goes by its last key.
NAMES = {("optimizer", "name"): "", ("network", "initializer"): "init ",
         ("network", "activation"): "", ("network", "batch_norm"): "BN",
         ("network", "hidden"): "hidden ", ("training", "batch_size"): "batch ",
         ("data", "preprocessing"): "prep. ", ("data", "val_ratio"): "val ",
         ("training", "seed"): "seed ", ("training", "shuffle"): "shuffle "}


@dataclass(frozen=True)
class Pin:
    number: int
    config: SessionConfig
    step: int


def label(pin: Pin, current: SessionConfig) -> str | None:
    """The legend text of ``pin`` beside a run of ``current``; None: other data (hide)."""
    if data_changed(pin.config, current):
        return None
    diffs = differences(pin.config, current)
    if len(diffs) > MAX_NAMED:
        diffs = diffs[:MAX_NAMED] + ["\u2026"]
    what = ", ".join(diffs) if diffs else "same settings"
    return f"#{pin.number} {what} @{pin.step}"


def differences(pinned: SessionConfig, current: SessionConfig) -> list[str]:
    """The pinned run's value of each field that differs, in config order, briefly."""
    a, b = _leaves(_normalized(pinned)), _leaves(_normalized(current))
    other_optimizer = pinned.optimizer.name != current.optimizer.name
    out = []
    for path, value in a.items():
        if path in IGNORED or b.get(path) == value:
            continue
        if other_optimizer and path[:2] == ("optimizer", "hyper") and path[-1] != "lr":
            continue  # another optimizer's own hyper-parameters: its name says enough
        out.append(_describe(path, value))
    return out


def _normalized(config: SessionConfig) -> dict:
    """Equivalent spellings compare equal (activation str or list, hyper-parameters
    given or defaulted)."""
    d = config_to_dict(config)
    acts = config.network.activations()
    d["network"]["activation"] = acts[0] if len(set(acts)) == 1 else acts
    d["optimizer"]["hyper"] = config.optimizer.resolved()
    return d


def _leaves(d: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    out: dict[tuple[str, ...], object] = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_leaves(v, prefix + (k,)))
        else:
            out[prefix + (k,)] = v
    return out


def _describe(path: tuple[str, ...], value) -> str:
    if path == ("network", "batch_norm"):
        return "BN on" if value else "BN off"
    if path[-1] == "enabled" and len(path) >= 2:
        return f"{path[-2].replace('_', ' ')} {'on' if value else 'off'}"
    name = NAMES.get(path, f"{path[-1].replace('_', ' ')} ")
    return name + _value(value)


def _value(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, dict) for v in value):
            return "+".join(str(v.get("name", "?")) for v in value)
        return "\u00d7".join(str(v) for v in value) if value else "none"
    return str(value)
