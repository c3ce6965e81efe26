"""The lecture's ready-made comparisons, as sweep axes (``core.train.sweep``).

``axis_for(config, kind)`` gives the axis of comparison ``kind`` (one of
``KINDS``): every chosen optimizer, Xavier vs He, or batch norm off/on.
The optimizers race each at a sensible step size: the session's own optimizer
keeps the session's hyper-parameters, the others take those of their lecture
preset (``resources/presets/06_optimizer_*``) when one exists, and their class
defaults otherwise -- the axis sets the whole ``optimizer`` section.
``variants(config, kind)`` expands the axis into (label, config) pairs.
"""

from __future__ import annotations

import json

from core.data import datasets
from core.optim import OPTIMIZERS
from core.train.config import SessionConfig, parse_config
from core.train.sweep.spec import Axis, make_spec

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


def optimizer_axis(config: SessionConfig, names: list[str] | None = None) -> Axis:
    """Axis ``optimizer`` (the whole section): each optimizer at its lecture rate."""
    values, labels = [], []
    for name in names or LECTURE_OPTIMIZERS:
        if name == config.optimizer.name:
            hyper = dict(config.optimizer.hyper)
        else:
            hyper = preset_hyper(name) or {}
        lr = {**dict(OPTIMIZERS.get(name).defaults), **hyper}["lr"]  # ValueError: unknown
        values.append({"name": name, "hyper": hyper})
        labels.append(f"{name} (lr {lr:g})")
    return Axis("optimizer", values, labels)


def axis_for(config: SessionConfig, kind: str, optimizers: list[str] | None = None) -> Axis:
    """The axis of comparison ``kind``; ValueError for an unknown kind or optimizer."""
    if kind == "optimizers":
        return optimizer_axis(config, optimizers)
    if kind == "init":
        return Axis("network.initializer", [init for _, init in INITS],
                    [f"{label} ({init})" for label, init in INITS])
    if kind == "batch_norm":
        return Axis("network.batch_norm", [False, True], ["batch norm off", "batch norm on"])
    raise ValueError(f"unknown comparison {kind!r}")


def variants(config: SessionConfig, kind: str,
             optimizers: list[str] | None = None) -> list[tuple[str, SessionConfig]]:
    """(label, config) per variant of ``config`` for comparison ``kind``; everything
    else stays as in the session. ValueError naming the setting when a variant is
    impossible (e.g. batch norm with a batch of one)."""
    spec = make_spec(config, [axis_for(config, kind, optimizers)],
                     seeds=[config.training.seed])
    return [(cell.label, parse_config(spec.cell_config(cell.values))) for cell in spec.cells]
