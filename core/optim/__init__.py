"""First-order optimizers (one module per family) and Newton's method.

``create(name, **hyper)`` builds one from the registry ``OPTIMIZERS``; every
optimizer updates a flat float64 vector in place with ``step(params, grads)``.
"""

from core.optim.optimizers import OPTIMIZERS, Optimizer, apply_update, create

__all__ = ["OPTIMIZERS", "Optimizer", "apply_update", "create"]
