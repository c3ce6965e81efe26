"""The optimizers "each at its lecture rate", as a sweep axis (``core.train.sweep``).

``optimizer_axis(config, names)`` compares the optimizers each at a sensible
step size: the session's own optimizer keeps the session's hyper-parameters,
the others take those of their lecture preset (``resources/presets/06_optimizer_*``)
when one exists, and their class defaults otherwise -- the axis sets the whole
``optimizer`` section.
"""

from __future__ import annotations

import json

from core.data import datasets
from core.optim import OPTIMIZERS
from core.train.config import SessionConfig
from core.train.sweep.spec import Axis

LECTURE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
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

