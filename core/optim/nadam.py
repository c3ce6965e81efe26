"""Nadam: Adam with a Nesterov look-ahead on the first moment, exactly as PyTorch's ``NAdam``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numba
import numpy as np

from core.optim.adam import BETA1_HELP, AdamBase
from core.optim.base import LR_HELP, as_float, register


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _nadam_kernel(w, g, m, b, beta1, beta2, eps, bc2, cg, cm):
    # cg = μ·(1 − μ_t)/(1 − Π_t), cm = μ·μ_{t+1}/(1 − Π_t·μ_{t+1}), from ``Nadam._chain``;
    # two separate subtractions in PyTorch's order (its two addcdiv_ calls).
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        d = math.sqrt(b[i] / bc2) + eps
        w[i] -= cg * gi / d
        w[i] -= cm * m[i] / d


@register
class Nadam(AdamBase):
    """Nadam: Adam with a Nesterov look-ahead on the first moment, as PyTorch's ``NAdam``.

        μ_t = β1·(1 − ½·0.96^(t·ψ))      (ψ = ``momentum_decay``),  Π_t = μ_1·μ_2·…·μ_t
        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        b̂ = b / (1 − β2^t)
        w ← w − μ·(1 − μ_t)/(1 − Π_t)·g/(√b̂ + ε) − μ·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/(√b̂ + ε)

    This is Dozat's Algorithm 2 with his momentum schedule μ_t, exactly as
    ``torch.optim.NAdam`` (default ψ = 0.004): m and b decay with β1 and β2,
    only the look-ahead weights follow the schedule. Π_t is kept as optimizer
    state (``mu_product``), so a change of β1 or ψ mid-run affects only the
    later factors, as in PyTorch.

    Compared with the simple form Ruder (2016) writes, w ← w − μ·(β1·m̂ +
    (1 − β1)·g/(1 − β1^t))/(√b̂ + ε) with m̂ = m/(1 − β1^t), there are two
    differences: the schedule, and the look-ahead's bias correction, which
    divides the momentum term by 1 − Π_{t+1} (for a constant μ_t = β1:
    1 − β1^(t+1)), not by 1 − β1^t. A large ψ (say 1e3) makes μ_t = β1 for
    every t and gives that constant-momentum form; ψ = 0 gives μ_t = β1/2.

    Reference: Dozat (2016), "Incorporating Nesterov momentum into Adam",
    ICLR workshop, Algorithm 2; PyTorch ``torch.optim.NAdam``; for the simple
    form, Ruder (2016), "An overview of gradient descent optimization
    algorithms", arXiv:1609.04747.
    """

    name = "nadam"
    defaults = {**AdamBase.defaults, "lr": 0.002, "momentum_decay": 0.004}
    hyper_help = {
        **AdamBase.hyper_help,
        "lr": f"{LR_HELP}: w ← w − μ·((1−μ_t)/(1−Π_t)·g + μ_{{t+1}}/(1−Π_{{t+1}})·m) / (√b̂ + ε)",
        "beta1": f"{BETA1_HELP}; also the limit of the look-ahead momentum μ_t",
        "momentum_decay": "Momentum decay ψ of the look-ahead schedule "
                          "μ_t = β1·(1 − ½·0.96^(t·ψ)) (PyTorch's 0.004; 0 gives μ_t = β1/2)",
    }
    update_rule = ("w ← w − μ·((1 − μ_t)/(1 − Π_t)·g + μ_{t+1}/(1 − Π_{t+1})·m) / (√b̂ + ε)"
                   "   (μ_t: look-ahead schedule)")

    kernel = "nadam"

    def __init__(self, size: int | None = None, **hyper: Any) -> None:
        self._mu_product = 1.0  # Π_t after the last step (Π_0 = 1)
        self._planned: tuple[int, list[float]] | None = None
        super().__init__(size, **hyper)

    def _mu(self, t: int) -> float:
        """The schedule μ_t = β1·(1 − ½·0.96^(t·ψ)), written as PyTorch computes it."""
        h = self._hyper
        return h["beta1"] * (1.0 - 0.5 * 0.96 ** (t * h["momentum_decay"]))

    def _chain(self, n_steps: int) -> tuple[list[tuple[float, ...]], list[float]]:
        """Kernel scalars of the next ``n_steps`` steps, and Π after 0, 1, …, n_steps
        of them; the one place the products are formed, for ``step`` and ``plan``."""
        h = self._hyper
        lr = h["lr"]
        prod = self._mu_product
        rows, products = [], [prod]
        mu_next = self._mu(self._t + 1)
        for t in range(self._t + 1, self._t + 1 + n_steps):
            mu = mu_next
            mu_next = self._mu(t + 1)
            prod = prod * mu
            cg = lr * (1.0 - mu) / (1.0 - prod)
            cm = lr * mu_next / (1.0 - prod * mu_next)
            rows.append((h["beta1"], h["beta2"], h["eps"], 1.0 - h["beta2"] ** t, cg, cm))
            products.append(prod)
        return rows, products

    def kernel_scalars(self, t):
        """(β1, β2, ε, 1 − β2^t, μ·(1 − μ_t)/(1 − Π_t), μ·μ_{t+1}/(1 − Π_{t+1})) for a
        step ``t`` after the current one, chaining Π from the current state."""
        if t <= self._t:
            raise ValueError(f"nadam's scalars for step {t} depend on Π_{t - 1}, "
                             f"already past (step {self._t})")
        return self._chain(t - self._t)[0][-1]

    def _scalar_rows(self, n_steps: int) -> list[tuple[float, ...]]:
        rows, products = self._chain(n_steps)
        self._planned = (self._t, products)
        return rows

    def _update(self, params: np.ndarray, grads: np.ndarray, t: int) -> None:
        (row,), (_, prod) = self._chain(1)
        self._apply(params, grads, row)
        self._mu_product = prod

    def advance(self, n_steps: int) -> None:
        # The fused kernel may stop early (divergence): take Π after the steps it did,
        # from the list ``plan`` made with the scalars the kernel used.
        k = int(n_steps)
        planned, self._planned = self._planned, None
        if planned is not None and planned[0] == self._t and 0 <= k < len(planned[1]):
            prod = planned[1][k]
        else:  # no matching plan: the same chain from the current state
            prod = self._chain(k)[1][-1]
        super().advance(k)
        self._mu_product = prod

    def reset(self) -> None:
        super().reset()
        self._mu_product = 1.0
        self._planned = None

    def _product_after(self, t: int) -> float:
        """Π_t = μ_1·…·μ_t with the current β1 and ψ, multiplied in stepping order.

        Stops early where the rest is known: once Π underflows to 0 it stays 0,
        and once 0.96^(i·ψ) is below rounding μ_i = β1 for all later i. So the
        loop is bounded (about 900/ψ iterations at most) whatever t is.
        """
        beta1 = self._hyper["beta1"]
        prod = 1.0
        for i in range(1, t + 1):
            mu = self._mu(i)
            if mu == beta1:
                return prod * beta1 ** (t - i + 1)
            prod = prod * mu
            if prod == 0.0:
                break
        return prod

    def state_dict(self) -> dict[str, Any]:
        """As ``Optimizer.state_dict`` plus ``mu_product`` (Π_t, a float)."""
        return {**super().state_dict(), "mu_product": self._mu_product}

    def load_state_dict(self, d: Mapping[str, Any]) -> None:
        if not isinstance(d, Mapping):
            super().load_state_dict(d)  # raises the common error
            return
        d = dict(d)
        # A state saved before Nadam followed PyTorch has neither ψ nor Π: it keeps
        # this optimizer's current ψ, and Π_t is rebuilt below from the step count
        # with the loaded β1 and that ψ (exact unless β1 or ψ changed during the run).
        if d.get("name") == self.name:
            d.setdefault("momentum_decay", self._hyper["momentum_decay"])
        prod = None
        if "mu_product" in d:  # checked before anything changes: all-or-nothing
            prod = as_float("mu_product", d.pop("mu_product"))
            if not (math.isfinite(prod) and 0.0 <= prod <= 1.0):
                raise ValueError(f"optimizer state 'mu_product' must be in [0, 1], got {prod!r}")
        super().load_state_dict(d)
        self._mu_product = self._product_after(self._t) if prod is None else prod
        self._planned = None

