"""The histogram data of a run: each hidden layer's activations and each layer's
gradient, binned only when someone looks (binning at every evaluation cost more
than the training itself on small networks).

Before the first step the data comes from the initial weights (``initial_values``),
so the initializer's lesson has its picture at step 0.
"""

from __future__ import annotations

import numpy as np

from core.nn import activations as act
from core.train.snapshot import Histogram, histogram


def binned(values: tuple[list, list]) -> dict[str, tuple[Histogram, ...]]:
    acts, grads = values
    return {"act": tuple(histogram(a) for a in acts),
            "grad": tuple(histogram(g) for g in grads)}


def initial_values(trainer) -> tuple[list, list]:
    """Activations and gradients of the weights as they are, on the first
    ``batch_size`` training rows (at least 2, for batch norm), in training mode
    with the running statistics left alone and stochastic activations at their
    expected behaviour: no random stream is touched and the gradient buffer is
    restored, so the run's numbers stay as they are."""
    net = trainer.network
    grad = net.grad.copy()
    m = min(max(trainer.config.training.batch_size, 2), trainer.data.train.X.shape[0])
    X, y = trainer.data.train.X[:m], trainer.y_train[:m]
    noise = [act.draw_noise(b.activation, (m, b.n_out), None, training=False)
             if b.activation and act.ACTIVATIONS.get(b.activation).stochastic else None
             for b in net.blocks]
    was = net.training
    net.train()
    try:
        with np.errstate(all="ignore"):
            net.loss_and_grad(X, y, update_stats=False, noise=noise)
        return ([a.copy() for a in net.hidden_activations()],
                [net.grad[s].copy() for s in net.layer_slices])
    finally:
        net.training = was
        net.grad[:] = grad
