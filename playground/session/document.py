"""The session being edited: its config, where it lives on disk, whether it changed.

Panels never touch the trainer. They propose a new section of the config; this
module validates the proposal (errors keep the pydantic field path so a panel
can flag the widget) and says whether it can apply live or needs a fresh run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from core.data import datasets
from core.train.config import SessionConfig, config_to_dict

# Settings the running trainer can take without a rebuild. Everything else
# (architecture, data, initializer, seed, batching...) needs a fresh network.
LIVE_FIELDS = {("training", "steps"), ("title",), ("description",)}

SECTION_LABELS = {"network": "the network", "data": "the data",
                  "optimizer": "the optimizer", "training": "the training settings"}


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str, ...]  # e.g. ("network", "hidden") or () for the whole config
    message: str


@dataclass
class Proposal:
    """Outcome of validating an edited section."""

    config: SessionConfig | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None


def validate(base: SessionConfig, section: str, value: dict) -> Proposal:
    """``base`` with ``section`` replaced by ``value``, validated as a whole."""
    doc = config_to_dict(base)
    doc[section] = value
    try:
        return Proposal(SessionConfig.model_validate(doc))
    except ValidationError as err:
        errors = []
        for e in err.errors():
            loc = tuple(str(p) for p in e["loc"])
            errors.append(FieldError(loc, e["msg"].removeprefix("Value error, ")))
        return Proposal(None, errors)


def _normalized(config: SessionConfig) -> dict:
    """Config dict where equivalent spellings compare equal (activation str vs list,
    hyper-parameters given or defaulted)."""
    d = config_to_dict(config)
    d["network"]["activation"] = config.network.activations()
    d["optimizer"]["hyper"] = config.optimizer.resolved()
    return d


def needs_reset(old: SessionConfig, new: SessionConfig) -> bool:
    """True if the trainer must be rebuilt to honour ``new``."""
    a, b = _normalized(old), _normalized(new)
    a["optimizer"] = b["optimizer"] = None  # switched or tuned live, same weights
    for path in LIVE_FIELDS:
        for d in (a, b):
            node = d
            for key in path[:-1]:
                node = node[key]
            node.pop(path[-1], None)
    return a != b


def optimizer_switched(old: SessionConfig, new: SessionConfig) -> bool:
    """Another optimizer: the run goes on with the same weights and a fresh optimizer."""
    return old.optimizer.name != new.optimizer.name


def live_hyper_changes(old: SessionConfig, new: SessionConfig) -> dict[str, float]:
    """Optimizer hyper-parameters that differ (same optimizer)."""
    if old.optimizer.name != new.optimizer.name:
        return {}
    a, b = old.optimizer.resolved(), new.optimizer.resolved()
    return {k: v for k, v in b.items() if a.get(k) != v}


def data_changed(old: SessionConfig, new: SessionConfig) -> bool:
    """The raw data (and thus a CSV embedded in a session file) no longer applies: its
    source changed. The split and the preprocessing are applied to the raw data, so
    changing those keeps it."""
    a, b = old.data, new.data
    return (a.name, a.csv_path, a.label_column) != (b.name, b.csv_path, b.label_column) or (
        a.name != "csv" and config_to_dict(old)["data"] != config_to_dict(new)["data"])


class SessionDocument:
    """Config + file path + dirty flag + the data a session file carried."""

    def __init__(self, config: SessionConfig, path: Path | None = None,
                 raw: datasets.Dataset | None = None, *, data_outside: bool = False) -> None:
        self.config = config
        self.path = path
        self.raw = raw  # a CSV embedded in an .opg file; None means "regenerate"
        self.dirty = False
        # The embedded CSV's path lies outside the file's folder and was never read:
        # reading it takes the user's consent (see needs_consent).
        self.untrusted_csv = config.data.csv_path if data_outside else None

    def needs_consent(self, config: SessionConfig, raw) -> str | None:
        """The CSV path ``config`` would make the app read for the first time although
        it came from a file and lies outside that file's folder; else None."""
        d = config.data
        if raw is None and d.name == "csv" and d.csv_path == self.untrusted_csv:
            return d.csv_path
        return None

    @property
    def title(self) -> str:
        return self.path.name if self.path else self.config.title

    def replace(self, config: SessionConfig) -> None:
        if self.raw is not None and data_changed(self.config, config):
            self.raw = None
        self.config = config
        self.dirty = True
