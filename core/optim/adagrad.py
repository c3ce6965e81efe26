"""Adagrad: per-weight step sizes from the sum of all past squared gradients."""

from __future__ import annotations

import math

import numba

from core.optim.base import EPS_IN_HELP, LR_HELP, Optimizer, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adagrad_kernel(w, g, G, lr, eps):
    for i in range(w.shape[0]):
        gi = g[i]
        G[i] += gi * gi
        w[i] -= lr * gi / math.sqrt(G[i] + eps)


@register
class Adagrad(Optimizer):
    """Adagrad: per-weight step sizes from the sum of all past squared gradients.

        G ← G + g²
        w ← w − μ·g / √(G + ε)

    ε sits inside the square root as on the slides; PyTorch puts it outside,
    μ·g / (√G + ε), so the first steps differ slightly.

    Reference: Duchi, Hazan & Singer (2011), JMLR 12; lecture slide "Adagrad".
    """

    name = "adagrad"
    defaults = {"lr": 0.01, "eps": 1e-8}
    hyper_help = {
        "lr": f"{LR_HELP}: w ← w − μ·g / √(G + ε), G = Σ g² (usually 0.01)",
        "eps": f"{EPS_IN_HELP}",
    }
    update_rule = "G ← G + g²,  w ← w − μ·g / √(G + ε)"
    state_names = ("G",)

    kernel = "adagrad"
    kernel_hyper = ("lr", "eps")
