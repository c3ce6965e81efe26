"""The session config: everything a user can choose, validated and versioned.

pydantic models with ``extra="forbid"`` so a typo in a preset is an error that
names the field, not a silently ignored setting. Names (data set, activation,
initializer, optimizer, preprocessing step) are checked against the core's
registries, so the config accepts exactly what the core can run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.common import limits

SCHEMA_VERSION = 3


class _Model(BaseModel):
    # strict: a boolean is never a number (``"lr": true`` is not 1.0), a string
    # never a number, a float never a count.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False,
                              strict=True)


class PreprocessStep(_Model):
    """One preprocessing step: ``name`` from core.data.preprocessing.PREPROCESSORS."""

    name: str
    eps: float | None = Field(default=None, ge=0.0)

    @field_validator("name")
    @classmethod
    def _known(cls, v: str) -> str:
        from core.data.preprocessing import PREPROCESSORS

        PREPROCESSORS.get(v)
        return v

    def options(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name}
        if self.eps is not None:
            d["eps"] = self.eps
        return d


class DataConfig(_Model):
    """Which data, how much, how noisy, how split and how preprocessed."""

    name: str = Field(default="spiral", description="data set name, or 'csv' for a user file")
    n_samples: int = Field(default=400, ge=limits.MIN_SAMPLES, le=limits.MAX_SAMPLES)
    noise: float = Field(default=0.1, ge=0.0, le=10.0)
    options: dict[str, float | int | str] = Field(default_factory=dict)
    csv_path: str | None = Field(default=None, max_length=4096)
    label_column: str | None = Field(default=None, max_length=limits.MAX_TEXT)
    val_ratio: float = Field(default=0.2, ge=0.0, le=limits.MAX_VAL_RATIO)
    preprocessing: list[PreprocessStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> DataConfig:
        if self.name == "csv":
            if not self.csv_path:
                raise ValueError("data set 'csv' needs csv_path")
        else:
            from core.data.datasets import DATASETS

            DATASETS.get(self.name)
        return self


class NetworkConfig(_Model):
    """Hidden layers and their settings; input and output sizes come from the data."""

    hidden: list[int] = Field(default_factory=lambda: [8, 8])
    activation: str | list[str] = "tanh"
    batch_norm: bool = False
    initializer: str = "xavier_uniform"
    init_sigma: float = Field(default=0.01, gt=0.0, le=10.0)
    loss: Literal["auto", "mse", "bce_logits", "softmax_ce"] = "auto"
    bn_momentum: float = Field(default=0.1, gt=0.0, le=1.0)
    bn_eps: float = Field(default=1e-5, gt=0.0)
    noise_sigma: float = Field(default=0.1, ge=0.0)
    prelu_init: float = 0.25

    @field_validator("hidden")
    @classmethod
    def _widths(cls, v: list[int]) -> list[int]:
        for i, w in enumerate(v):
            if w < 1:
                raise ValueError(f"width of hidden layer {i + 1} must be at least 1, got {w}")
            if w > limits.MAX_WIDTH:
                raise ValueError(f"width of hidden layer {i + 1} must be at most "
                                 f"{limits.MAX_WIDTH}, got {w}")
        if len(v) > limits.MAX_HIDDEN_LAYERS:
            raise ValueError(f"at most {limits.MAX_HIDDEN_LAYERS} hidden layers, got {len(v)}")
        return v

    @field_validator("activation")
    @classmethod
    def _activation(cls, v: str | list[str]) -> str | list[str]:
        from core.nn.activations import ACTIVATIONS

        for name in [v] if isinstance(v, str) else v:
            ACTIVATIONS.get(name)
        return v

    @field_validator("initializer")
    @classmethod
    def _initializer(cls, v: str) -> str:
        from core.nn.initializers import INITIALIZERS

        INITIALIZERS.get(v)
        return v

    @model_validator(mode="after")
    def _per_layer(self) -> NetworkConfig:
        if isinstance(self.activation, list) and len(self.activation) != len(self.hidden):
            raise ValueError(
                f"{len(self.activation)} activations given for {len(self.hidden)} hidden layers")
        return self

    def activations(self) -> list[str]:
        if isinstance(self.activation, str):
            return [self.activation] * len(self.hidden)
        return list(self.activation)


class OptimizerConfig(_Model):
    """Optimizer name and the hyper-parameters that differ from its defaults."""

    name: str = "adam"
    hyper: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> OptimizerConfig:
        from core.optim import create

        create(self.name, **self.hyper)  # raises ValueError naming a bad name or value
        return self

    def resolved(self) -> dict[str, float]:
        """Every hyper-parameter of the optimizer, defaults filled in."""
        from core.optim import OPTIMIZERS

        return {**OPTIMIZERS.get(self.name).defaults, **self.hyper}


class CurriculumConfig(_Model):
    """Easy examples first: the usable fraction grows linearly from ``start_fraction``
    to 1 over ``epochs_to_full`` epochs (Bengio et al. 2009, a linear pacing function)."""

    enabled: bool = False
    start_fraction: float = Field(default=0.3, gt=0.0, le=1.0)
    epochs_to_full: int = Field(default=10, ge=1, le=limits.MAX_STEPS)


class EarlyStoppingConfig(_Model):
    """Stop when the validation loss has not improved by ``min_delta`` for
    ``patience`` evaluations in a row; optionally restore the best weights."""

    enabled: bool = False
    patience: int = Field(default=10, ge=1, le=limits.MAX_STEPS)
    min_delta: float = Field(default=0.0, ge=0.0)
    restore_best: bool = True


class GradNoiseConfig(_Model):
    """Annealed Gaussian gradient noise, sigma_t^2 = eta / (1 + t)^gamma
    (Neelakantan et al. 2015, gamma = 0.55)."""

    enabled: bool = False
    eta: float = Field(default=0.01, gt=0.0)
    gamma: float = Field(default=0.55, ge=0.0)


class TrainingConfig(_Model):
    batch_size: int = Field(default=32, ge=1, le=limits.MAX_BATCH)
    steps: int = Field(default=2000, ge=1, le=limits.MAX_STEPS,
                       description="default length of a headless run")
    shuffle: Literal["epoch", "fixed", "sorted"] = "epoch"
    curriculum: CurriculumConfig = Field(default_factory=CurriculumConfig)
    early_stopping: EarlyStoppingConfig = Field(default_factory=EarlyStoppingConfig)
    grad_noise: GradNoiseConfig = Field(default_factory=GradNoiseConfig)
    eval_every: int = Field(default=10, ge=1, le=limits.MAX_STEPS,
                            description="steps between validation metrics")
    seed: int = Field(default=0, ge=0, le=limits.MAX_SEED)
    l1: float = Field(default=0.0, ge=0.0, le=10.0,
                      description="L1 penalty λ1·Σ|W| on the weights (core.nn.penalty)")
    l2: float = Field(default=0.0, ge=0.0, le=10.0,
                      description="L2 penalty λ2/2·ΣW² on the weights (core.nn.penalty)")


class SessionConfig(_Model):
    schema_version: int = SCHEMA_VERSION
    title: str = "Untitled session"
    description: str = ""
    data: DataConfig = Field(default_factory=DataConfig)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    optimizer: OptimizerConfig = Field(default_factory=OptimizerConfig)
    training: TrainingConfig = Field(default_factory=TrainingConfig)

    @field_validator("schema_version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(f"schema_version must be {SCHEMA_VERSION} after migration, got {v}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> SessionConfig:
        if self.training.early_stopping.enabled and self.data.val_ratio <= 0.0:
            raise ValueError("early stopping needs a validation split: set data.val_ratio > 0")
        if self.network.batch_norm and self.training.batch_size < 2:
            raise ValueError("batch normalization needs a batch size of at least 2")
        check_memory(self)
        return self


def memory_estimate(config: SessionConfig, n_features: int | None = None,
                    n_outputs: int = 1) -> dict[str, int]:
    """Bytes a run of ``config`` needs, by part (a slight over-estimate).

    parameters: the weights and the vectors of their size (gradient, the copy
    before each update, up to three optimizer states, the best weights, the
    trajectory's rows are capped separately); activations: four arrays per
    hidden unit for a training batch and for the validation forward pass;
    data: the raw, split and preprocessed copies of the inputs. ``n_features``
    defaults to the data set's documented input size (1 for a CSV, whose width
    is only known once it is read)."""
    from core.data.datasets import DATASETS

    d = config.data
    if n_features is None:
        n_features = 1 if d.name == "csv" else DATASETS.get(d.name).info.n_features
        n_features = int(d.options.get("dim", n_features))
    widths = [n_features, *config.network.hidden, n_outputs]
    n_params = sum(a * b + 3 * b for a, b in zip(widths[:-1], widths[1:], strict=True))
    units = sum(widths[1:])
    n_val = int(d.n_samples * d.val_ratio) + 1
    return {
        "parameters": 8 * 8 * n_params,
        "activations": 8 * 4 * units * (config.training.batch_size + n_val),
        "data": 8 * 4 * d.n_samples * n_features,
    }


def check_memory(config: SessionConfig, n_features: int | None = None,
                 n_outputs: int = 1) -> None:
    """ValueError when ``memory_estimate`` exceeds ``limits.MAX_CONFIG_BYTES``."""
    parts = memory_estimate(config, n_features, n_outputs)
    total = sum(parts.values())
    if total > limits.MAX_CONFIG_BYTES:
        detail = ", ".join(f"{k} {v / 2**20:,.0f} MiB" for k, v in parts.items())
        raise ValueError(f"this config needs about {total / 2**30:,.1f} GiB ({detail}), more "
                         f"than the {limits.MAX_CONFIG_BYTES / 2**30:g} GiB limit; use fewer "
                         "or narrower layers, a smaller batch or fewer samples")


def format_validation_error(err: ValidationError) -> str:
    """One line per problem, each naming the field, e.g. 'optimizer.hyper: lr must ...'."""
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "config"
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"].endswith("_type") and "input" in e:
            shown = json.dumps(e["input"]) if isinstance(e["input"], (bool, str)) else None
            if shown is not None and len(shown) <= 40:
                msg += f", got {shown}"
        lines.append(f"{where}: {msg}")
    return "; ".join(lines)


def parse_config(data: Any) -> SessionConfig:
    """Validate a plain dict (or JSON text) into a SessionConfig; ValueError on problems.

    A config of an older ``schema_version`` is migrated first, so a user's script
    written against an older version keeps working."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as err:
            raise ValueError(f"a session config must be JSON: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"a session config must be a JSON object, got {type(data).__name__}")
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version < SCHEMA_VERSION:
        from core.train.migrations import migrate  # migrations import this module

        data = migrate(data)
    try:
        return SessionConfig.model_validate(data)
    except ValidationError as err:
        raise ValueError(f"invalid session config: {format_validation_error(err)}") from None


def config_to_dict(config: SessionConfig) -> dict:
    return config.model_dump(mode="json")


def json_schema() -> dict:
    return SessionConfig.model_json_schema()


def write_json_schema(path: str | Path) -> None:
    Path(path).write_text(json.dumps(json_schema(), indent=2) + "\n")
