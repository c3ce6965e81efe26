"""Compatibility module: the optimizers now live one family per module (see
``core.optim``). This keeps ``from core.optim.optimizers import ...`` working;
new code imports from ``core.optim``."""

from core.optim import (
    MAX_SCALARS,
    OPTIMIZERS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    AMSGrad,
    Momentum,
    Nadam,
    Nesterov,
    Optimizer,
    RMSProp,
    apply_update,
    create,
)

# The kernels too, for the tests that inspect them here (nogil, no fastmath).
from core.optim.adadelta import _adadelta_kernel
from core.optim.adagrad import _adagrad_kernel
from core.optim.adam import _adam_kernel
from core.optim.amsgrad import _amsgrad_kernel
from core.optim.momentum import _momentum_kernel, _nesterov_kernel
from core.optim.nadam import _nadam_kernel
from core.optim.rmsprop import _rmsprop_kernel
from core.optim.sgd import _sgd_kernel

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
    "_adadelta_kernel",
    "_adagrad_kernel",
    "_adam_kernel",
    "_amsgrad_kernel",
    "_momentum_kernel",
    "_nadam_kernel",
    "_nesterov_kernel",
    "_rmsprop_kernel",
    "_sgd_kernel",
]
