"""Momentum methods: classical (heavy-ball) momentum and Nesterov's accelerated gradient."""

from __future__ import annotations

import numba

from core.optim.base import LR_HELP, Optimizer, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _momentum_kernel(w, g, v, lr, gamma):
    for i in range(w.shape[0]):
        v[i] = gamma * v[i] + lr * g[i]
        w[i] -= v[i]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _nesterov_kernel(w, g, v, lr, gamma):
    for i in range(w.shape[0]):
        step = lr * g[i]
        v[i] = gamma * v[i] + step
        w[i] -= gamma * v[i] + step


@register
class Momentum(Optimizer):
    """Classical momentum in the slides' form.

        v ← γ·v + μ·g
        w ← w − v

    PyTorch writes it as b ← γ·b + g, w ← w − μ·b; with a constant μ the two
    give the same path (v = μ·b). They differ when μ changes mid-run: here v
    keeps the old step sizes and adapts gradually; in PyTorch the new μ
    rescales the whole velocity at once.

    Reference: Polyak (1964); Rumelhart, Hinton & Williams (1986); lecture slide
    "Momentum".
    """

    name = "momentum"
    defaults = {"lr": 0.01, "momentum": 0.9}
    hyper_help = {
        "lr": f"{LR_HELP}: v ← γ·v + μ·g, w ← w − v",
        "momentum": "Momentum γ: fraction of the last update kept, v ← γ·v + μ·g (usually 0.9)",
    }
    update_rule = "v ← γ·v + μ·g,  w ← w − v"
    state_names = ("v",)

    kernel = "momentum"
    kernel_hyper = ("lr", "momentum")


@register
class Nesterov(Momentum):
    """Nesterov accelerated gradient (NAG), reformulated to take g at the current w.

    Textbook NAG evaluates the gradient at the look-ahead point:

        v ← γ·v + μ·∇L(w − γ·v),   w ← w − v

    (the slide writes ∇L(w − v): the look-ahead must be scaled by γ). Because
    ``step`` receives the gradient at the current parameters, we store the
    shifted variable w̃ = w − γ·v instead of w; in w̃ the same iteration reads

        v ← γ·v + μ·g,   w̃ ← w̃ − (γ·v + μ·g),    g = ∇L(w̃)

    which is what is implemented (as PyTorch's ``SGD(nesterov=True)``). The
    iterates are the look-ahead points of textbook NAG; both coincide at the
    start (v = 0) and share the same limit.

    Reference: Nesterov (1983); Sutskever, Martens, Dahl & Hinton (2013);
    lecture slide "Nesterov accelerated gradient".
    """

    name = "nesterov"  # same defaults, state and kernel scalars as Momentum
    hyper_help = {
        "lr": f"{LR_HELP}: v ← γ·v + μ·g, w ← w − (γ·v + μ·g)",
        "momentum": "Momentum γ: look-ahead fraction, gradient taken at w − γ·v (usually 0.9)",
    }
    update_rule = "v ← γ·v + μ·g,  w ← w − (γ·v + μ·g)   (g taken at the look-ahead point)"
    kernel = "nesterov"
