"""Plain stochastic gradient descent."""

from __future__ import annotations

import numba

from core.optim.base import LR_HELP, Optimizer, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _sgd_kernel(w, g, lr):
    for i in range(w.shape[0]):
        w[i] -= lr * g[i]


@register
class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − μ·g.

    Reference: Robbins & Monro (1951); lecture slide "Stochastic gradient descent".
    """

    name = "sgd"
    defaults = {"lr": 0.01}
    hyper_help = {"lr": f"{LR_HELP}: w ← w − μ·g"}
    update_rule = "w ← w − μ·g"

    kernel = "sgd"
    kernel_hyper = ("lr",)
