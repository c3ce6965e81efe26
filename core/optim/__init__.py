"""First-order optimizers (one module per family) and Newton's method.

``create(name, **hyper)`` builds one from the registry ``OPTIMIZERS``; every
optimizer updates a flat float64 vector in place with ``step(params, grads)``.

    base        the ``Optimizer`` base class, hyper-parameter checks, ``OPTIMIZERS``, ``create``
    sgd, momentum (+ Nesterov), adagrad, rmsprop, adadelta,
    adam (+ AdamW), nadam, amsgrad      one family each: its numba kernel and class
    dispatch    ``apply_update``, the one entry point of every update, and the
                table ``KERNELS`` that numbers the kernels
"""

# The families register themselves on import; the registry keeps that order, and the
# GUI lists the optimizers in it: the lecture's order, so keep these imports as they are.
# isort: off
from core.optim.base import MAX_SCALARS, OPTIMIZERS, Optimizer, create
from core.optim.sgd import SGD
from core.optim.momentum import Momentum, Nesterov
from core.optim.adagrad import Adagrad
from core.optim.rmsprop import RMSProp
from core.optim.adadelta import Adadelta
from core.optim.adam import Adam, AdamW
from core.optim.nadam import Nadam
from core.optim.amsgrad import AMSGrad
from core.optim.dispatch import apply_update
# isort: on

__all__ = [
    "MAX_SCALARS",
    "OPTIMIZERS",
    "SGD",
    "AMSGrad",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Momentum",
    "Nadam",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "apply_update",
    "create",
]
