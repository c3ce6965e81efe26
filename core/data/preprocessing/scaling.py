"""Per-feature steps: mean cancellation, standardization and min-max scaling.

Reference: LeCun, Bottou, Orr, Mueller (1998), "Efficient BackProp", section 4.3 (mean
cancellation and covariance equalisation).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from core.data.preprocessing.base import Preprocessor, register
from core.data.preprocessing.stats import column_mean, const_columns

__all__ = ["MeanCancellation", "MinMax", "Standardize"]


@register
class MeanCancellation(Preprocessor):
    """Mean cancellation: ``y = x - mu``, ``mu`` the training mean; inverse ``x = y + mu``.

    Inputs with a non-zero mean bias every weight update of the first layer in the same
    direction (the updates of all weights into a unit share the sign of the error term),
    which slows descent down to zig-zags; centring removes this.
    Reference: LeCun et al. (1998), "Efficient BackProp", section 4.3.
    """

    name = "mean_cancellation"
    describe = "Mean cancellation: subtract the training mean of each feature."

    def _fit(self, X):
        return {"mean": column_mean(X)}

    def _transform(self, X):
        return X - self._state["mean"]

    def _inverse(self, Y):
        return Y + self._state["mean"]


@register
class Standardize(Preprocessor):
    """Per-feature standardization: ``y = (x - mu) / sigma``; inverse ``x = y sigma + mu``.

    ``mu`` and ``sigma`` are the training mean and population standard deviation (1/N) of
    each feature, so the transformed training data has mean 0 and standard deviation 1 per
    feature: all inputs on the same scale (LeCun's covariance equalisation).

    A constant feature (all training values equal) has ``sigma = 0``; ``sigma = 1`` is used
    for it instead, so it maps to exactly 0 rather than NaN (and the inverse still holds).
    Reference: LeCun et al. (1998), "Efficient BackProp", section 4.3.
    """

    name = "standardize"
    describe = "Standardize: per feature (x - mean) / std, fitted on the training data."

    def _fit(self, X):
        mu = column_mean(X)
        sigma = np.sqrt(np.mean((X - mu) ** 2, axis=0))
        sigma[const_columns(X) | (sigma == 0.0)] = 1.0
        return {"mean": mu, "scale": sigma}

    @property
    def mean(self) -> np.ndarray | None:
        """Training mean ``mu`` per feature (a copy), ``None`` before fitting."""
        return self._fitted("mean")

    @property
    def scale(self) -> np.ndarray | None:
        """``sigma`` per feature, 1 for a constant one (a copy), ``None`` before fitting."""
        return self._fitted("scale")

    def _transform(self, X):
        return (X - self._state["mean"]) / self._state["scale"]

    def _inverse(self, Y):
        return Y * self._state["scale"] + self._state["mean"]


def _check_range(low: Any, high: Any) -> tuple[float, float]:
    """``(low, high)`` as finite floats with ``low < high``, or ValueError."""
    for v in (low, high):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ValueError(f"feature_range must hold finite numbers, got {(low, high)!r}")
    if not low < high:
        raise ValueError(f"feature_range needs low < high, got {(low, high)!r}")
    return float(low), float(high)


@register
class MinMax(Preprocessor):
    """Min-max scaling of each feature to ``[low, high]`` (``[0, 1]`` or ``[-1, 1]``).

    ``y = low + (x - min) / (max - min) * (high - low)``, with ``min``/``max`` from the
    training data; inverse ``x = min + (y - low) / (high - low) * (max - min)``. Values
    outside the training range map outside ``[low, high]`` (no clipping: the map stays
    affine and invertible). A constant feature (``max == min``) uses a range of 1, so it
    maps to ``low`` rather than NaN.
    Option ``feature_range=(low, high)``, default ``(0, 1)``; any finite ``low < high``.
    """

    name = "min_max"
    describe = "Min-max: rescale each feature to [0, 1] (or [-1, 1]) using training min/max."

    def __init__(self, feature_range: Sequence[float] = (0.0, 1.0)) -> None:
        super().__init__()
        try:
            low, high = feature_range
        except (TypeError, ValueError):
            raise ValueError(
                f"feature_range must be a pair (low, high), got {feature_range!r}"
            ) from None
        self.low, self.high = _check_range(low, high)

    def options(self):
        return {"feature_range": [self.low, self.high]}

    def _fit(self, X):
        lo = X.min(axis=0)
        rng = X.max(axis=0) - lo
        rng[rng == 0.0] = 1.0
        return {"data_min": lo, "data_range": rng}

    def _transform(self, X):
        s = self._state
        return (X - s["data_min"]) / s["data_range"] * (self.high - self.low) + self.low

    def _inverse(self, Y):
        s = self._state
        return (Y - self.low) / (self.high - self.low) * s["data_range"] + s["data_min"]
