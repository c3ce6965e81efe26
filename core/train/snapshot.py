"""What a run publishes: immutable ``Snapshot``s (copies) and histograms.

The GUI and the command line only ever see these: a snapshot's arrays are
private copies, so the trainer can go on while someone draws.

A snapshot also carries a read-only copy of the weights and the batch-norm running
statistics (``params``, ``buffers``), so that a view can compute from exactly the
weights of that step in its own thread (the network view's neuron maps, dead units
and curvature) without asking the training thread. The copies are bounded: a
network of more than WEIGHT_COPY_FLOATS numbers gets none (None), so that
publishing ~30 snapshots a second never copies more than ~16 MB each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.train.status import RunStatus

HIST_BINS = 40
WEIGHT_COPY_FLOATS = 1 << 21  # params + buffers copied into a snapshot at most


@dataclass(frozen=True)
class Histogram:
    counts: np.ndarray  # (HIST_BINS,)
    edges: np.ndarray  # (HIST_BINS + 1,)


@dataclass(frozen=True)
class Snapshot:
    """Immutable copy of a run's state for drawing; arrays are private copies."""

    step: int
    epoch: int
    status: RunStatus
    stop_step: int | None  # early-stopped or diverged at this step
    best_step: int | None  # step of the best validation loss (early stopping)
    layer_names: tuple[str, ...]
    steps: np.ndarray  # (n,)
    epochs: np.ndarray  # (n,)
    train_loss: np.ndarray  # (n,)
    grad_norms: np.ndarray  # (n, layers)
    eval_steps: np.ndarray  # (k,)
    val_loss: np.ndarray  # (k,)
    val_acc: np.ndarray  # (k,)
    train_acc: np.ndarray  # (k,)
    update_ratio: np.ndarray  # (k, layers)
    act_hists: tuple[Histogram, ...] = ()
    grad_hists: tuple[Histogram, ...] = ()
    message: str = ""
    extras: dict = field(default_factory=dict)
    params: np.ndarray | None = None  # read-only copy of the weights at ``step``
    buffers: np.ndarray | None = None  # ... and of the BN running statistics

    @property
    def last_loss(self) -> float | None:
        return float(self.train_loss[-1]) if self.train_loss.size else None


def frozen_copies(params: np.ndarray, buffers: np.ndarray
                  ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Read-only copies of the weights and buffers for a snapshot, or (None, None)
    above WEIGHT_COPY_FLOATS."""
    if params.size + buffers.size > WEIGHT_COPY_FLOATS:
        return None, None
    out = (params.copy(), buffers.copy())
    for a in out:
        a.flags.writeable = False
    return out


def histogram(values: np.ndarray) -> Histogram:
    """HIST_BINS equal bins over the finite values' range; [-1, 1] and empty counts
    when nothing is finite.

    A range too narrow for HIST_BINS distinct bins (a constant, or values equal to
    within a few ulps) is widened around its centre to a relative width of 1e-6
    of its magnitude (1e-300 around 0): the bins keep the values' own scale. (A
    fixed unit range would draw gradients of 1e-19 as wide as activations of 1.)"""
    v = values.ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Histogram(np.zeros(HIST_BINS), np.linspace(-1, 1, HIST_BINS + 1))
    lo, hi = float(v.min()), float(v.max())
    size = max(abs(lo), abs(hi))
    if hi - lo <= 4 * HIST_BINS * np.spacing(size):
        mid, half = 0.5 * (lo + hi), max(0.5e-6 * size, 1e-300)
        lo, hi = mid - half, mid + half
    counts, edges = np.histogram(v, bins=HIST_BINS, range=(lo, hi))
    return Histogram(counts.astype(np.float64), edges)
