"""The step-by-step reference path: one training step in plain Python + NumPy.

This is what ``Trainer.train_step`` did before the core kept only the fused
path: the same random draws in the same order, the network's own
``loss_and_grad`` and the optimizer's own ``step``, the same divergence rule
and the same evaluation. The fused kernel must give the very same bits; the
tests compare the two.
"""

from __future__ import annotations

import numpy as np

from core.train.status import RunStatus, StopReason
from core.train.trainer import Trainer


def reference_step(t: Trainer) -> None:
    """One mini-batch step of ``t``: forward, backward, optional gradient noise,
    update; evaluation metrics when the step is an evaluation step."""
    if t.finished:
        return
    t.status = RunStatus.RUNNING
    limit = t._limit()  # before the forward pass: it uses the network's caches
    net = t.network
    idx, draws, noise = t._draw_step()
    loss, grad = net.loss_and_grad(t.data.train.X[idx], t.y_train[idx], noise=draws)
    norms = net.grad_norms()
    if not (np.isfinite(loss) and np.all(np.isfinite(norms))):
        t._diverge(StopReason.NON_FINITE_GRADIENT)
        return
    if not loss <= limit:
        t._diverge(StopReason.LOSS_EXPLODED)
        return
    if noise is not None:
        grad += noise
    before = net.params.copy()
    t.optimizer.step(net.params, grad)
    if not np.all(np.isfinite(net.params)):
        net.params[:] = before
        t._diverge(StopReason.NON_FINITE_WEIGHTS)
        return
    t.step += 1
    t.steps.append(step=t.step, epoch=t.epoch, loss=loss, grad_norm=norms)
    if t.step % t.config.training.eval_every == 0:
        t._evaluate(idx, before, [a.copy() for a in net.hidden_activations()])
    else:  # the histograms show the last step trained
        t._hist_values = ([a.copy() for a in net.hidden_activations()],
                          [net.grad[s].copy() for s in net.layer_slices])
        t._hists = None
