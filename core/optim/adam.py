"""Adam and AdamW (decoupled weight decay), and the pieces the Adam family shares."""

from __future__ import annotations

import math

import numba

from core.optim.base import LR_HELP, Optimizer, register

# Tooltip pieces shared by the Adam family (Adam, AdamW, Nadam, AMSGrad).
EPS_OUT_HELP = "Smoothing ε added after the root: √b̂ + ε"
BETA1_HELP = "β1: decay of the first moment m = β1·m + (1−β1)·g (slides: γ1)"
BETA2_HELP = "β2: decay of the second moment b = β2·b + (1−β2)·g² (slides: γ2)"


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adam_kernel(w, g, m, b, lr, beta1, beta2, eps, bc1, bc2, shrink):
    # shrink = 1 - lr*weight_decay (AdamW) or exactly 1.0 (Adam: w*1.0 == w).
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        mh = m[i] / bc1
        bh = b[i] / bc2
        w[i] = w[i] * shrink - lr * mh / (math.sqrt(bh) + eps)


class AdamBase(Optimizer):
    """Shared pieces of the Adam family (not registered)."""

    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    hyper_help = {
        "lr": f"{LR_HELP}: w ← w − μ·m̂ / (√b̂ + ε); early steps move each weight by about μ",
        "beta1": BETA1_HELP,
        "beta2": BETA2_HELP,
        "eps": EPS_OUT_HELP,
    }
    state_names = ("m", "b")

    def _scalars(self, t: int) -> tuple[float, float, float, float, float, float]:
        """(lr, beta1, beta2, eps, 1 − β1^t, 1 − β2^t) for the kernels."""
        h = self._hyper
        # The bias corrections use Python's ** so a NumPy transcription gets the same bits.
        bc1 = 1.0 - h["beta1"] ** t
        bc2 = 1.0 - h["beta2"] ** t
        return h["lr"], h["beta1"], h["beta2"], h["eps"], bc1, bc2


@register
class Adam(AdamBase):
    """Adam: momentum on the gradient, RMSProp-style scaling, bias-corrected.

        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        m̂ = m / (1 − β1^t)               b̂ = b / (1 − β2^t)
        w^(t+1) = w^(t) − μ·m̂ / (√b̂ + ε)

    The slide writes w^(k) = w^(k) − μ·m̂/√(b̂² + ε): b̂ already estimates E[g²],
    so it must not be squared again, ε is added after the root, and the left
    side is w^(k+1).

    Reference: Kingma & Ba (2015), "Adam: A method for stochastic
    optimization", ICLR, Algorithm 1; lecture slides "Adam".
    """

    name = "adam"
    update_rule = "m ← β1·m + (1 − β1)·g,  b ← β2·b + (1 − β2)·g²,  w ← w − μ·m̂ / (√b̂ + ε)"

    kernel = "adam"

    def kernel_scalars(self, t):
        return (*self._scalars(t), 1.0)


@register
class AdamW(AdamBase):
    """Adam with decoupled weight decay λ.

        w ← w·(1 − μ·λ)                  (decay first, not through g)
        then the Adam step of ``Adam`` on the decayed w.

    The decay is written as a product like PyTorch's ``AdamW``.

    Reference: Loshchilov & Hutter (2019), "Decoupled weight decay
    regularization", ICLR.
    """

    name = "adamw"
    defaults = {**AdamBase.defaults, "weight_decay": 0.01}
    hyper_help = {
        **AdamBase.hyper_help,
        "weight_decay": "Decoupled weight decay λ: w ← w·(1 − μ·λ) before the Adam step",
    }
    update_rule = "w ← w·(1 − μ·λ) − μ·m̂ / (√b̂ + ε)   (Adam's m̂, b̂; decay not through g)"

    kernel = "adam"  # Adam's kernel with shrink = 1 − μ·λ

    def kernel_scalars(self, t):
        return (*self._scalars(t), 1.0 - self._hyper["lr"] * self._hyper["weight_decay"])
