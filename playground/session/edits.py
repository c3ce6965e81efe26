"""The rules for an edit of the config: is it valid, does it change anything, can it
apply to the running network or does it need a fresh one.

A panel proposes the fields of one section that its widgets show; the fields it
does not show (e.g. the batch-norm momentum) are kept from the document's
config. The proposal is validated as a whole config; errors keep the pydantic
field path so that a panel can flag the widget.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from core.train.config import SessionConfig, config_to_dict

SECTIONS = ("network", "data", "optimizer", "training")
SECTION_LABELS = {"network": "the network", "data": "the data",
                  "optimizer": "the optimizer", "training": "the training settings"}
# Settings the running trainer can take without a rebuild. Everything else
# (architecture, data, initializer, seed, batching...) needs a fresh network;
# the optimizer is switched or tuned live (same weights).
LIVE_FIELDS = {("training", "steps"), ("title",), ("description",)}
MAX_SEED = 2**31 - 1  # the seeds the app draws and shows (QSpinBox is 32-bit; files may hold more)


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str, ...]  # e.g. ("network", "hidden") or () for the whole config
    message: str


@dataclass(frozen=True)
class Edit:
    """A proposed change of one section, judged against the config it would replace."""

    section: str
    old: SessionConfig
    new: SessionConfig | None  # None: invalid, see errors
    errors: tuple[FieldError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.new is not None

    @property
    def unchanged(self) -> bool:
        return self.ok and self.new == self.old

    @property
    def needs_reset(self) -> bool:
        """The trainer must be rebuilt to honour the edit."""
        return self.ok and needs_reset(self.old, self.new)

    @property
    def optimizer_switch(self) -> tuple[str, dict[str, float]] | None:
        """(name, hyper) of another optimizer the run goes on with; None if the same."""
        if not self.ok or not optimizer_switched(self.old, self.new):
            return None
        return self.new.optimizer.name, dict(self.new.optimizer.hyper)

    @property
    def hyper(self) -> dict[str, float]:
        """Hyper-parameters of the same optimizer that change live."""
        return live_hyper_changes(self.old, self.new) if self.ok else {}


def validate(base: SessionConfig, section: str, value: dict) -> Edit:
    """``base`` with the fields in ``value`` replacing those of ``section``."""
    if section not in SECTIONS:
        raise ValueError(f"no config section {section!r}")
    doc = config_to_dict(base)
    doc[section] = {**doc[section], **value}
    try:
        return Edit(section, base, SessionConfig.model_validate(doc))
    except ValidationError as err:
        errors = tuple(FieldError(tuple(str(p) for p in e["loc"]),
                                  e["msg"].removeprefix("Value error, "))
                       for e in err.errors())
        return Edit(section, base, None, errors)


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


def changed_sections(old: SessionConfig, new: SessionConfig) -> frozenset[str]:
    """The sections whose fields differ."""
    a, b = config_to_dict(old), config_to_dict(new)
    return frozenset(s for s in SECTIONS if a[s] != b[s])
