"""Adadelta: the step's units come from a running mean of past updates."""

from __future__ import annotations

import math

import numba

from core.optim.base import LR_HELP, Optimizer, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adadelta_kernel(w, g, Eg, Edx, lr, rho, eps):
    c = 1.0 - rho
    for i in range(w.shape[0]):
        gi = g[i]
        Eg[i] = rho * Eg[i] + c * (gi * gi)
        d = math.sqrt(Edx[i] + eps) / math.sqrt(Eg[i] + eps) * gi
        Edx[i] = rho * Edx[i] + c * (d * d)
        w[i] -= lr * d


@register
class Adadelta(Optimizer):
    """Adadelta: the step's units come from a running mean of past updates.

        E[g²]  ← ρ·E[g²] + (1 − ρ)·g²
        Δ      = √(E[Δw²] + ε) / √(E[g²] + ε) · g
        E[Δw²] ← ρ·E[Δw²] + (1 − ρ)·Δ²
        w      ← w − μ·Δ

    Zeiler's method has no learning rate (μ = 1, the default); as the slides
    note, in practice one is still added. Like PyTorch, E[Δw²] accumulates the
    unscaled Δ, not μ·Δ, so μ only scales the move.

    Reference: Zeiler (2012), "ADADELTA: An adaptive learning rate method",
    arXiv:1212.5701 (Algorithm 1; the paper uses ρ = 0.95, PyTorch 0.9);
    lecture slides "Adadelta".
    """

    name = "adadelta"
    defaults = {"lr": 1.0, "rho": 0.9, "eps": 1e-6}
    hyper_help = {
        "lr": f"{LR_HELP} scaling the Adadelta move: w ← w − μ·Δ (1 = Zeiler's method)",
        "rho": "Decay ρ of both running means: E[g²] and E[Δw²] (0.9; the paper uses 0.95)",
        "eps": "Smoothing ε in RMS[x] = √(E[x²] + ε); also sets the size of the first steps",
    }
    update_rule = "Δ = √(E[Δw²] + ε) / √(E[g²] + ε)·g,  w ← w − μ·Δ   (E: running means, ρ)"
    state_names = ("E_g2", "E_dx2")

    kernel = "adadelta"
    kernel_hyper = ("lr", "rho", "eps")
