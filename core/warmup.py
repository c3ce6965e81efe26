"""Compile (or load from numba's cache) every kernel before the user needs it.

The app calls ``warm_up`` and then ``warm_up_training`` in a background thread at
start-up and shows a "compiling kernels" status meanwhile; with a warm cache both
take well under a second. ``python -m core.warmup`` runs both with a progress
line: the Makefile's install step does, so the first start after an install finds
every kernel compiled (the cache folder follows the sources, see
core.common.numba_cache).
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
    _warm_up_units(rng)
    return time.perf_counter() - t0


def _warm_up_units(rng: np.random.Generator) -> None:
    """The network view's kernels (unit statistics, maps, histograms, curvature):
    compiled in the view's thread they would hold the interpreter for a while."""
    from core.nn import curvature, units

    net = Network(NetworkSpec(input_size=2, hidden=(3,), output_size=1, activation="tanh"))
    X = rng.normal(size=(8, 2))
    units.unit_stats(net, X)
    units.unit_outputs(net, X)
    units.unit_histograms(net, X, [np.full(3, -1.0), np.full(1, -1.0)],
                          [np.full(3, 1.0), np.full(1, 1.0)])
    units.column_histograms(rng.normal(size=(8, 3)))
    curvature.layer_curvature(net, X, np.zeros((8, 1)), probes=2, rng=rng)


def warm_up_training() -> float:
    """Smooth a curve and train two tiny runs a few steps, evaluation included:
    compiles (or loads) the smoothing, the fused training kernel and the evaluation
    for float targets (MSE, binary cross-entropy) and for class labels (softmax);
    returns the seconds it took."""
    from core.train.config import parse_config
    from core.train.smoothing import ema
    from core.train.trainer import Trainer

    t0 = time.perf_counter()
    ema(np.array([1.0, 2.0, 4.0]), 0.6)  # the curves' smoothing
    for data in ({"name": "spiral", "n_samples": 40},
                 {"name": "blobs", "n_samples": 40}):  # 2 classes -> BCE; blobs -> softmax
        cfg = {"data": data, "network": {"hidden": [3]},
               "training": {"batch_size": 4, "eval_every": 2}}
        Trainer(parse_config(cfg)).run(3)
    return time.perf_counter() - t0


def main() -> int:
    """``python -m core.warmup``: compile every kernel, saying so on one line."""

    from core.common import numba_cache

    where = numba_cache.cache_root()
    print(f"compiling the numba kernels into {where} (once per version of the sources)"
          "\u2026", flush=True)
    stages = (("layers, losses, optimizers", warm_up), ("training", warm_up_training))
    for i, (what, fn) in enumerate(stages, 1):
        print(f"  [{i}/{len(stages)}] {what} \u2026", end=" ", flush=True)
        print(f"{fn():.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
