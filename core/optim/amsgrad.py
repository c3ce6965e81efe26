"""AMSGrad: Adam whose denominator never shrinks."""

from __future__ import annotations

import math

import numba

from core.optim.adam import BETA2_HELP, AdamBase
from core.optim.base import register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _amsgrad_kernel(w, g, m, b, bmax, lr, beta1, beta2, eps, bc1, bc2):
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        if not b[i] <= bmax[i]:  # written so a NaN in b propagates, like np.maximum
            bmax[i] = b[i]
        mh = m[i] / bc1
        bh = bmax[i] / bc2
        w[i] -= lr * mh / (math.sqrt(bh) + eps)


@register
class AMSGrad(AdamBase):
    """AMSGrad: Adam whose denominator never shrinks.

        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        b_max ← max(b_max, b)
        w ← w − μ·(m / (1 − β1^t)) / (√(b_max / (1 − β2^t)) + ε)

    The maximum is kept over the raw b and then bias-corrected, as in
    PyTorch's ``Adam(amsgrad=True)``; Reddi et al.'s Algorithm 2 uses no bias
    correction at all.

    Reference: Reddi, Kale & Kumar (2018), "On the convergence of Adam and
    beyond", ICLR.
    """

    name = "amsgrad"
    hyper_help = {
        **AdamBase.hyper_help,
        "beta2": f"{BETA2_HELP}; the denominator uses max over time of b",
    }
    update_rule = ("b_max ← max(b_max, b),  w ← w − μ·m̂ / (√(b_max / (1 − β2^t)) + ε)"
                   "   (m, b: Adam's)")
    state_names = ("m", "b", "b_max")

    kernel = "amsgrad"

    def kernel_scalars(self, t):
        return self._scalars(t)
