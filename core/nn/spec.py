"""``NetworkSpec``: the plain description of a network, and its validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

import numpy as np

from core.nn import activations as act
from core.nn import initializers, losses


@dataclass(frozen=True)
class NetworkSpec:
    """Plain description of a network; ``Network(spec)`` builds it.

    ``activation`` is one name for every hidden layer or one name per layer.
    """

    input_size: int
    hidden: tuple[int, ...]
    output_size: int
    activation: str | tuple[str, ...] = "tanh"
    batch_norm: bool = False
    initializer: str = "xavier_uniform"
    init_sigma: float = 0.01  # for the small_random initializer
    loss: str = "mse"
    seed: int = 0
    bn_momentum: float = 0.1
    bn_eps: float = 1e-5
    noise_sigma: float = 0.1  # noisy ReLU's sigma
    prelu_init: float = 0.25
    l1: float = 0.0  # λ1 of the L1 penalty on the weights (core.nn.penalty)
    l2: float = 0.0  # λ2 of the L2 penalty on the weights

    @classmethod
    def from_dict(cls, data: Mapping) -> NetworkSpec:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown network setting(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        if "hidden" in values:
            values["hidden"] = tuple(values["hidden"])
        if isinstance(values.get("activation"), list):
            values["activation"] = tuple(values["activation"])
        return cls(**values)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        if isinstance(self.activation, tuple):
            d["activation"] = list(self.activation)
        return d

    def activations(self) -> tuple[str, ...]:
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return tuple(self.activation)


def _check_int(value, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_positive(value, what: str) -> float:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a finite number > 0, got {value!r}")
    return float(value)


def validate_spec(spec: NetworkSpec) -> None:
    """Raise ``ValueError`` naming the first problem in ``spec``."""
    _check_int(spec.input_size, "input size")
    _check_int(spec.output_size, "output size")
    for i, width in enumerate(spec.hidden):
        _check_int(width, f"width of hidden layer {i + 1}")
    names = spec.activations()
    if len(names) != len(spec.hidden):
        raise ValueError(
            f"{len(names)} activations given for {len(spec.hidden)} hidden layers")
    for name in names:
        act.ACTIVATIONS.get(name)
    initializers.INITIALIZERS.get(spec.initializer)
    losses.LOSSES.get(spec.loss)
    if spec.loss == "softmax_ce" and spec.output_size < 2:
        raise ValueError("softmax cross-entropy needs an output size of at least 2")
    _check_positive(spec.init_sigma, "init sigma")
    _check_positive(spec.bn_eps, "batch-norm epsilon")
    if not 0.0 < spec.bn_momentum <= 1.0:
        raise ValueError(f"batch-norm momentum must lie in (0, 1], got {spec.bn_momentum!r}")
    if not np.isfinite(spec.noise_sigma) or spec.noise_sigma < 0:
        raise ValueError(f"noise sigma must be >= 0, got {spec.noise_sigma!r}")
    if not np.isfinite(spec.prelu_init):
        raise ValueError("initial PReLU slope must be finite")
    for name in ("l1", "l2"):
        value = getattr(spec, name)
        if isinstance(value, bool) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name.upper()} penalty must be a finite number >= 0, "
                             f"got {value!r}")
