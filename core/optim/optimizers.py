"""Compatibility module: the optimizers now live one family per module (see
``core.optim``). This keeps ``from core.optim.optimizers import ...`` working;
new code imports from ``core.optim``."""

import core.optim as _optim
from core.optim import *  # noqa: F403 - the public names, re-exported

# The kernels too, for the tests that inspect them here (nogil, no fastmath).
from core.optim.adadelta import _adadelta_kernel
from core.optim.adagrad import _adagrad_kernel
from core.optim.adam import _adam_kernel
from core.optim.amsgrad import _amsgrad_kernel
from core.optim.momentum import _momentum_kernel, _nesterov_kernel
from core.optim.nadam import _nadam_kernel
from core.optim.rmsprop import _rmsprop_kernel
from core.optim.sgd import _sgd_kernel

_KERNELS = (_adadelta_kernel, _adagrad_kernel, _adam_kernel, _amsgrad_kernel, _momentum_kernel,
            _nadam_kernel, _nesterov_kernel, _rmsprop_kernel, _sgd_kernel)
__all__ = [*_optim.__all__, *(k.__name__ for k in _KERNELS)]
