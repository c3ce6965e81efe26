"""A 2-D slice of a network's training loss around its current weights.

    L(α, β) = loss(θ* + α d₁ + β d₂)

Directions (Li et al. 2018, "Visualizing the loss landscape of neural nets"):
- ``random``: Gaussian directions, filter-normalized — each unit's incoming
  weights in d are rescaled to the norm of that unit's weights in θ*, so the
  picture does not depend on the scale of the weights; biases, BN and PReLU
  parameters get no component (as in the paper).
- ``pca``: the first two principal directions of the recorded weight
  trajectory θ_i − θ*, which show the plane the run actually moved in.

The training path is projected onto the plane (least squares for the possibly
non-orthogonal random pair) and ends at the origin, θ*. The loss is evaluated in
evaluation mode (running BN statistics, no activation noise) on up to
``max_examples`` training examples, on a copy of the network, so the run itself
is untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.nn.network import Network

MODES = ("random", "pca")


@dataclass(frozen=True)
class LandscapeSlice:
    alphas: np.ndarray  # (n,)
    betas: np.ndarray  # (n,)
    losses: np.ndarray  # (n, n): losses[j, i] at (alphas[i], betas[j])
    center_loss: float  # the loss at the current weights (the origin)
    path: np.ndarray  # (k, 2) training path in plane coordinates, last row (0, 0)
    mode: str
    directions: np.ndarray  # (2, P)


def filter_normalized_direction(net: Network, rng: np.random.Generator) -> np.ndarray:
    """A random direction with each unit's incoming weights scaled to that unit's norm."""
    d = np.zeros_like(net.params)
    for blk in net.blocks:
        s = blk.weight_slice
        W = net.params[s].reshape(blk.n_in, blk.n_out)
        D = rng.normal(size=W.shape)
        # a unit (column) is a "filter": ||d_col|| = ||w_col||
        D *= np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(D, axis=0), 1e-300)
        d[s] = D.ravel()
    return d


def pca_directions(trajectory: np.ndarray, center: np.ndarray) -> np.ndarray:
    """First two principal directions (unit vectors) of ``trajectory - center``."""
    M = trajectory - center
    if M.shape[0] < 2 or not np.any(M):
        raise ValueError("the weight trajectory holds fewer than two distinct points: "
                         "train a little longer before asking for its PCA plane")
    _, _, vt = np.linalg.svd(M, full_matrices=False)
    if vt.shape[0] < 2:
        raise ValueError("the weight trajectory spans a single direction")
    return vt[:2].copy()


def project(points: np.ndarray, center: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Least-squares plane coordinates of ``points`` (k, P) around ``center``."""
    A = directions.T  # (P, 2)
    coords, *_ = np.linalg.lstsq(A, (points - center).T, rcond=None)
    return coords.T


def compute_slice(trainer, *, mode: str = "random", resolution: int = 41, span: float = 1.0,
                  seed: int = 0, max_examples: int = 1024,
                  progress: Callable[[int, int], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> LandscapeSlice | None:
    """Loss on a ``resolution`` × ``resolution`` grid; ``None`` if ``should_stop()`` said so.

    ``span``: for ``random`` the grid covers α, β ∈ [−span, span] (in units of the
    filter-normalized directions, i.e. of the weights' own scale); for ``pca`` it
    covers the path's extent times (1 + span) — at least ±span if the path is short.
    """
    if mode not in MODES:
        raise ValueError(f"unknown landscape mode {mode!r}; choose one of: {', '.join(MODES)}")
    if not isinstance(resolution, (int, np.integer)) or not 3 <= resolution <= 401:
        raise ValueError(f"resolution must be an integer in 3..401, got {resolution!r}")
    if not np.isfinite(span) or span <= 0:
        raise ValueError(f"span must be a positive number, got {span!r}")
    src = trainer.network
    net = Network(src.spec)  # a private copy: the run is never touched
    net.params[:] = src.params
    net.buffers[:] = src.buffers
    net.eval()
    center = net.params.copy()
    X = trainer.data.train.X[:max_examples]
    y = trainer.y_train[:max_examples]
    trajectory = trainer.trajectory()
    if not np.array_equal(trajectory[-1], center):
        trajectory = np.vstack([trajectory, center])
    if mode == "random":
        rng = np.random.default_rng(seed)
        directions = np.stack([filter_normalized_direction(net, rng) for _ in range(2)])
        path = project(trajectory, center, directions)
        alphas = betas = np.linspace(-span, span, resolution)
    else:
        directions = pca_directions(trajectory, center)
        path = project(trajectory, center, directions)
        extent = np.abs(path).max(axis=0) * (1.0 + span)
        extent = np.maximum(extent, span)
        alphas = np.linspace(-extent[0], extent[0], resolution)
        betas = np.linspace(-extent[1], extent[1], resolution)
    path[-1] = 0.0  # exactly the origin, not a least-squares round-off
    if resolution % 2:  # the middle grid point is exactly the current weights
        alphas, betas = alphas.copy(), betas.copy()
        alphas[resolution // 2] = betas[resolution // 2] = 0.0
    center_loss = net.loss(X, y)
    losses = np.empty((resolution, resolution))
    total = resolution * resolution
    for j, b in enumerate(betas):
        if should_stop is not None and should_stop():
            return None
        for i, a in enumerate(alphas):
            net.params[:] = center + a * directions[0] + b * directions[1]
            with np.errstate(all="ignore"):
                losses[j, i] = net.loss(X, y)
        if progress is not None:
            progress((j + 1) * resolution, total)
    return LandscapeSlice(alphas, betas, losses, center_loss, path, mode, directions)
