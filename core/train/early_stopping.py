"""Early stopping on the validation loss, with the best weights kept aside.

The rule (patience counted in evaluations): an evaluation improves when
``val_loss < best - min_delta``; it then becomes the best (weights and batch-norm
running statistics copied) and the count of bad evaluations restarts. After
``patience`` bad evaluations in a row the run stops, and with ``restore_best``
the network gets the best weights and statistics back. Non-finite validation
losses (no validation split, a broken network) are ignored: divergence is the
divergence rule's business.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.nn.network import Network
from core.train.config import EarlyStoppingConfig


@dataclass(frozen=True)
class BestState:
    """The best evaluation so far: its validation loss and step, and copies of the
    network's parameters and buffers then (None before the first improvement)."""

    val_loss: float = np.inf
    step: int | None = None
    params: np.ndarray | None = None
    buffers: np.ndarray | None = None


class EarlyStopping:
    """Tracks the best validation loss of a run under ``config``."""

    def __init__(self, config: EarlyStoppingConfig) -> None:
        self.config = config
        self.best = BestState()
        self.bad_evals = 0  # evaluations in a row without an improvement

    def update(self, val_loss: float, step: int, network: Network) -> bool:
        """Record evaluation ``val_loss`` at ``step``; True when the run must stop."""
        es = self.config
        if not es.enabled or not np.isfinite(val_loss):
            return False
        if val_loss < self.best.val_loss - es.min_delta:
            self.best = BestState(val_loss, step, network.params.copy(),
                                  network.buffers.copy())
            self.bad_evals = 0
            return False
        self.bad_evals += 1
        return self.bad_evals >= es.patience

    def restore_best(self, network: Network) -> None:
        """Put the best weights and statistics back, if the config asks for it and
        there was an improvement at all."""
        if self.config.restore_best and self.best.params is not None:
            network.params[:] = self.best.params
            network.buffers[:] = self.best.buffers

    def message(self, step: int) -> str:
        return (f"early-stopped at step {step}; best validation loss "
                f"{self.best.val_loss:.4g} at step {self.best.step}")

    def restore(self, best: BestState, bad_evals: int) -> None:
        """Take over a saved (and already checked) state."""
        self.best, self.bad_evals = best, bad_evals
