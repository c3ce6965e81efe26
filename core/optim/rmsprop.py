"""RMSProp: step sizes from a running mean of squared gradients."""

from __future__ import annotations

import math

import numba

from core.optim.base import EPS_IN_HELP, LR_HELP, Optimizer, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _rmsprop_kernel(w, g, E, lr, rho, eps):
    c = 1.0 - rho
    for i in range(w.shape[0]):
        gi = g[i]
        E[i] = rho * E[i] + c * (gi * gi)
        w[i] -= lr * gi / math.sqrt(E[i] + eps)


@register
class RMSProp(Optimizer):
    """RMSProp: step sizes from a running mean of squared gradients.

        E ← ρ·E + (1 − ρ)·g²
        w ← w − μ·g / √(E + ε)

    ε sits inside the square root as on the slides; PyTorch's ``RMSprop`` puts
    it outside, μ·g / (√E + ε).

    Reference: Hinton, Srivastava & Swersky, Coursera "Neural Networks for
    Machine Learning", lecture 6e (2012); lecture slide "RMSProp".
    """

    name = "rmsprop"
    defaults = {"lr": 0.001, "rho": 0.9, "eps": 1e-8}
    hyper_help = {
        "lr": f"{LR_HELP}: w ← w − μ·g / √(E + ε) (usually 0.001)",
        "rho": "Decay ρ of the running mean of squares: E ← ρ·E + (1−ρ)·g² (usually 0.9)",
        "eps": f"{EPS_IN_HELP}",
    }
    update_rule = "E ← ρ·E + (1 − ρ)·g²,  w ← w − μ·g / √(E + ε)"
    state_names = ("E_g2",)

    kernel = "rmsprop"
    kernel_hyper = ("lr", "rho", "eps")
