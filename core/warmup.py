"""Compile (or load from numba's cache) every kernel before the user needs it.

The app calls ``warm_up`` in a background thread at start-up and shows a
"compiling kernels" status meanwhile; with a warm cache it takes well under a
second.
"""

from __future__ import annotations

import time

import numpy as np

from core.nn.losses import LOSSES
from core.nn.network import Network, NetworkSpec
from core.optim import OPTIMIZERS, create


def warm_up() -> float:
    """Run every kernel once on tiny inputs; returns the seconds it took."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 2))
    for loss in LOSSES.names():
        n_out = 2 if loss == "softmax_ce" else 1
        y = np.array([0, 1, 0, 1]) if loss == "softmax_ce" else np.array([0.0, 1.0, 0.0, 1.0])
        for bn in (False, True):
            net = Network(NetworkSpec(input_size=2, hidden=(3,), output_size=n_out,
                                      activation="prelu", batch_norm=bn, loss=loss))
            net.loss_and_grad(X, y)  # the compiled passes (core.nn.passes), training
            with net.evaluating():
                net.loss_and_grad(X, y)  # and evaluation
    big = Network(NetworkSpec(input_size=64, hidden=(64,), output_size=1))  # BLAS path
    big.loss_and_grad(rng.normal(size=(64, 64)), np.zeros(64))
    params = np.zeros(3)
    for name in OPTIMIZERS.names():
        create(name).step(params, np.ones(3))
    return time.perf_counter() - t0
