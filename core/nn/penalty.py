"""L1 and L2 penalties on the weight matrices (not on biases, BN's γ and β, or
PReLU slopes), added to the data loss:

    Ω(w) = λ1 Σ |W|  +  (λ2 / 2) Σ W²          (summed over every layer's W)
    ∂Ω/∂W = λ1 sign(W)  +  λ2 W                 (sign(0) = 0: a subgradient)

The gradient is added to ``grad`` right after the backward pass, by the same
kernel on the step path and in the fused training kernel. For AdamW the
optimizer's decoupled weight decay (w ← w·(1 − μλ)) stays a separate setting.

Reference: Tikhonov regularization / weight decay (Krogh & Hertz 1992); the
lasso (Tibshirani 1996); Goodfellow, Bengio & Courville, "Deep Learning", §7.1.
"""

from __future__ import annotations

import numba
import numpy as np

from core.nn import plan as layer_plan


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def add_penalty_grad(plan, params, grad, l1, l2):
    """grad[W] += l1·sign(W) + l2·W for every layer's weight matrix (in place)."""
    for l in range(plan.shape[0]):
        start = plan[l, layer_plan.W]
        stop = start + plan[l, layer_plan.N_IN] * plan[l, layer_plan.N_OUT]
        for i in range(start, stop):
            w = params[i]
            s = 1.0 if w > 0.0 else (-1.0 if w < 0.0 else 0.0)
            grad[i] += l1 * s + l2 * w


def penalty(plan: np.ndarray, params: np.ndarray, l1: float, l2: float) -> float:
    """Ω(w) = λ1 Σ|W| + λ2/2 Σ W² over the weight matrices."""
    total = 0.0
    for row in plan:
        w = params[row[layer_plan.W]:row[layer_plan.W] + row[layer_plan.N_IN] * row[
            layer_plan.N_OUT]]
        total += l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(w @ w)
    return total
