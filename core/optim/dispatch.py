"""The one entry point of every update: ``apply_update(code, w, g, s0, s1, s2, sc)``.

Both ``Optimizer.step`` and the fused training kernel (``core.train.fused``)
call it, so the two paths cannot disagree. ``code`` names the kernel: each
optimizer class names its kernel (``kernel = "adam"``; AdamW shares Adam's),
and its ``kernel_code`` is that name's place in the table ``KERNELS`` below —
no hand-numbered codes to keep in step with the if-chain.

Numba caveats that shape this module:

- numba compiles module globals in as constants, and its cache is stamped with
  the defining file only. So the table and the named codes the if-chain uses
  live here, next to ``apply_update``: renumbering edits this file, which
  invalidates its cache.
- The cache does not notice edits in *other* files (numba issue #1833): after
  changing a family's kernel, clear the cache (``find . -name '*.nbi' -delete``),
  or the cached ``apply_update`` (and the fused kernel) may still run the old one.
"""

from __future__ import annotations

import numba

from core.optim.adadelta import _adadelta_kernel
from core.optim.adagrad import _adagrad_kernel
from core.optim.adam import _adam_kernel
from core.optim.amsgrad import _amsgrad_kernel
from core.optim.momentum import _momentum_kernel, _nesterov_kernel
from core.optim.nadam import _nadam_kernel
from core.optim.rmsprop import _rmsprop_kernel
from core.optim.sgd import _sgd_kernel

__all__ = ["CODES", "KERNELS", "apply_update"]

#: Every update kernel by name, in code order: the one table of kernel codes.
#: The order is the one hand-numbered before (sgd 0 … amsgrad 8); keeping it means
#: a fused kernel compiled and cached against the old numbering still agrees.
KERNELS = {
    "sgd": _sgd_kernel,
    "momentum": _momentum_kernel,
    "nesterov": _nesterov_kernel,
    "adagrad": _adagrad_kernel,
    "rmsprop": _rmsprop_kernel,
    "adadelta": _adadelta_kernel,
    "adam": _adam_kernel,
    "nadam": _nadam_kernel,
    "amsgrad": _amsgrad_kernel,
}
#: Kernel name → code, the value ``Optimizer.kernel_code`` returns.
CODES = {name: code for code, name in enumerate(KERNELS)}

# The codes by name, for the if-chain (numba reads them as compile-time constants).
SGD = CODES["sgd"]
MOMENTUM = CODES["momentum"]
NESTEROV = CODES["nesterov"]
ADAGRAD = CODES["adagrad"]
RMSPROP = CODES["rmsprop"]
ADADELTA = CODES["adadelta"]
ADAM = CODES["adam"]
NADAM = CODES["nadam"]
AMSGRAD = CODES["amsgrad"]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def apply_update(code, w, g, s0, s1, s2, sc):
    """One update of optimizer ``code`` (``Optimizer.kernel_code``) with its state
    arrays s0..s2 (see ``state_names``; unused ones are placeholders) and scalars
    ``sc`` (``Optimizer.kernel_scalars``). The one entry point for both
    ``Optimizer.step`` and the fused training kernel, so they cannot disagree.

    Each branch passes ``sc`` in the order of that class's ``kernel_scalars``.
    An unknown code raises rather than falling through to some kernel.
    """
    if code == SGD:
        _sgd_kernel(w, g, sc[0])
    elif code == MOMENTUM:
        _momentum_kernel(w, g, s0, sc[0], sc[1])
    elif code == NESTEROV:
        _nesterov_kernel(w, g, s0, sc[0], sc[1])
    elif code == ADAGRAD:
        _adagrad_kernel(w, g, s0, sc[0], sc[1])
    elif code == RMSPROP:
        _rmsprop_kernel(w, g, s0, sc[0], sc[1], sc[2])
    elif code == ADADELTA:
        _adadelta_kernel(w, g, s0, s1, sc[0], sc[1], sc[2])
    elif code == ADAM:
        _adam_kernel(w, g, s0, s1, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5], sc[6])
    elif code == NADAM:
        _nadam_kernel(w, g, s0, s1, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5])
    elif code == AMSGRAD:
        _amsgrad_kernel(w, g, s0, s1, s2, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5])
    else:
        raise ValueError("unknown optimizer kernel code")
