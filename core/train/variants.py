"""Variants of a session for side-by-side comparison.

``variants`` turns a session config into a list of (label, config): every chosen
optimizer, Xavier vs He, or batch norm off/on; everything else stays as in the
session. The optimizers other than the session's own use the learning rate of
their lecture preset (``resources/presets/06_optimizer_*``) when one exists, so
each races with a sensible step size, and their class defaults otherwise.
"""

from __future__ import annotations

import json

from core.data import datasets
from core.optim import OPTIMIZERS
from core.train.config import SessionConfig, config_to_dict, parse_config

LECTURE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
KINDS = {"optimizers": "Optimizers", "init": "Xavier vs He", "batch_norm": "Batch norm off / on"}
INITS = (("Xavier", "xavier_uniform"), ("He", "he_normal"))
PRESETS_DIR = datasets.RESOURCES_DIR / "presets"


def preset_hyper(name: str) -> dict[str, float] | None:
    """Hyper-parameters of the lecture preset for optimizer ``name``, if shipped."""
    for path in sorted(PRESETS_DIR.glob(f"06_optimizer_*_{name}.json")):
        try:
            doc = json.loads(path.read_text())
            return dict(doc["optimizer"].get("hyper", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return None
    return None


def _with(config: SessionConfig, section: str, **changes) -> SessionConfig:
    d = config_to_dict(config)
    d[section].update(changes)
    return parse_config(d)  # ValueError names the field if the variant is impossible


def variants(config: SessionConfig, kind: str,
             optimizers: list[str] | None = None) -> list[tuple[str, SessionConfig]]:
    """(label, config) per variant of ``config`` for comparison ``kind`` (one of
    ``KINDS``); ``optimizers`` picks the optimizers (default: the lecture's seven).
    ValueError for an unknown kind or optimizer, or naming the field when a
    variant is impossible (e.g. batch norm with a batch of one)."""
    if kind == "optimizers":
        out = []
        for name in optimizers or LECTURE_OPTIMIZERS:
            if name == config.optimizer.name:
                hyper = dict(config.optimizer.hyper)
            else:
                hyper = preset_hyper(name) or {}
            lr = {**_defaults(name), **hyper}["lr"]
            out.append((f"{name} (lr {lr:g})",
                        _with(config, "optimizer", name=name, hyper=hyper)))
        return out
    if kind == "init":
        return [(f"{label} ({init})", _with(config, "network", initializer=init))
                for label, init in INITS]
    if kind == "batch_norm":
        return [("batch norm off", _with(config, "network", batch_norm=False)),
                ("batch norm on", _with(config, "network", batch_norm=True))]
    raise ValueError(f"unknown comparison {kind!r}")


def _defaults(name: str) -> dict[str, float]:
    return dict(OPTIMIZERS.get(name).defaults)
