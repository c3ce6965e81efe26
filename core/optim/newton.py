"""Newton's method and a damped Newton: the second-order references of the lab's race.

Both update a flat float64 vector in place, as the first-order optimizers do,
but their step also takes the Hessian::

    opt = Newton(lr=1.0)
    opt.step(params, grads, hessian)     # p ← p − lr·M⁻¹g, M = H (Newton) or H + λI (damped)

The gradient and Hessian are plain arrays: this module knows nothing of
where they come from (a 2-D test surface in ``core.lab``, or anything else
small enough for a dense solve). ``SECOND_ORDER`` registers both by name, as
``core.optim``'s ``OPTIMIZERS`` registers the first-order ones.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from core.common.registry import Registry

__all__ = ["SECOND_ORDER", "DampedNewton", "Newton", "SecondOrderOptimizer"]


class SecondOrderOptimizer:
    """Shared pieces of the Newton methods: hyper-parameters, step count, state dict.

    Same surface as ``core.optim.Optimizer`` (``defaults``, ``hyper``,
    ``set_hyper``, ``step_count``, ``reset``, ``state_dict``), but ``step``
    also takes the Hessian: ``step(params, grads, hessian)``.
    """

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, float]] = {}
    hyper_help: ClassVar[dict[str, str]] = {}
    needs_hessian: ClassVar[bool] = True

    def __init__(self, **hyper: Any) -> None:
        self._hyper = dict(self.defaults)
        self.set_hyper(**hyper)
        self._t = 0

    @property
    def hyper(self) -> dict[str, float]:
        return dict(self._hyper)

    @property
    def step_count(self) -> int:
        return self._t

    def set_hyper(self, **hyper: Any) -> None:
        new = {}
        for k, v in hyper.items():
            if k not in self.defaults:
                raise ValueError(
                    f"unknown hyper-parameter {k!r} for optimizer {self.name!r}; "
                    f"it takes: {', '.join(self.defaults)}"
                )
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise ValueError(f"{k} must be a real number, got {v!r}")
            x = float(v)
            if not (math.isfinite(x) and x >= 0.0):
                raise ValueError(f"{k} must be a finite number >= 0, got {x!r}")
            new[k] = x
        self._hyper.update(new)

    def reset(self) -> None:
        self._t = 0

    def state_dict(self) -> dict[str, Any]:
        return {"name": self.name, "step": self._t, **self._hyper}

    def step(self, params: np.ndarray, grads: np.ndarray, hessian: np.ndarray) -> None:
        """p ← p − lr·d with d solving the (modified) Newton system M d = g; in place.

        A singular system gives d = NaN, so the caller sees a non-finite point
        (the lab's race reports it as a non-finite step).
        """
        if not isinstance(params, np.ndarray) or params.dtype != np.float64:
            raise ValueError("params must be a float64 numpy array")
        g = np.asarray(grads, dtype=np.float64)
        H = np.asarray(hessian, dtype=np.float64)
        n = params.shape[0]
        if params.shape != (n,) or g.shape != (n,) or H.shape != (n, n):
            raise ValueError(
                f"shapes must be params (n,), grads (n,), hessian (n, n); got "
                f"{params.shape}, {g.shape}, {H.shape}"
            )
        M = self._system(H)
        try:
            d = np.linalg.solve(M, g)
        except np.linalg.LinAlgError:
            d = np.full(n, np.nan)
        params -= self._hyper["lr"] * d
        self._t += 1

    def _system(self, H: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self._hyper.items())
        return f"{type(self).__name__}({hyper}; step={self._t})"


SECOND_ORDER: Registry[type[SecondOrderOptimizer]] = Registry("second-order optimizer")


@SECOND_ORDER.register("newton")
class Newton(SecondOrderOptimizer):
    """Newton's method: p ← p − lr·H⁻¹g (lr = 1 is the pure method).

    Lands on the minimum of a quadratic in one step whatever its conditioning;
    it seeks any stationary point, so on a saddle it jumps onto the saddle and
    where H is not positive definite it may climb. Reference: Nocedal & Wright
    (2006), Numerical Optimization, § 3.3; Goodfellow et al. (2016), § 8.6.1.
    """

    name = "newton"
    defaults = {"lr": 1.0}
    hyper_help = {"lr": "Fraction μ of the Newton step: p ← p − μ·H⁻¹g (1 = pure Newton)"}

    def _system(self, H):
        return H


@SECOND_ORDER.register("newton_damped")
class DampedNewton(SecondOrderOptimizer):
    """Damped (regularised) Newton: p ← p − lr·(H + λI)⁻¹g,  λ = max(0, −λ_min(H)) + δ.

    The shift λ makes H + λI positive definite (smallest eigenvalue ≥ δ, the
    ``damping``), so the step always points downhill; large δ turns it into
    gradient descent with rate lr/δ. Reference: Levenberg (1944), Marquardt
    (1963); Nocedal & Wright (2006), § 3.4 (Hessian modification).
    """

    name = "newton_damped"
    defaults = {"lr": 1.0, "damping": 1.0}
    hyper_help = {
        "lr": "Step fraction μ: p ← p − μ·(H + λI)⁻¹g",
        "damping": "δ in λ = max(0, −min eig H) + δ; the smallest eigenvalue of H + λI",
    }

    def _system(self, H):
        lam = max(0.0, -float(np.linalg.eigvalsh(H)[0])) + self._hyper["damping"]
        return H + lam * np.eye(H.shape[0])
