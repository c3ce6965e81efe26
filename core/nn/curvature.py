"""Per-layer curvature: the mean |diagonal of the Hessian| of the loss per layer,
estimated with Hutchinson's method.

For the weights w_l of layer l (its n_l weight-matrix entries) and the Hessian H of
the mean loss L on a fixed set of rows,

    T_l = (1/n_l) Σ_{i in l} |H_ii|.

Hutchinson (1989; Bekas, Kokiopoulou & Saad 2007 for the diagonal): for a Rademacher
probe v (entries ±1 with probability 1/2), E[v ⊙ Hv] = diag H, since
(v ⊙ Hv)_i = H_ii + Σ_{j≠i} H_ij v_i v_j. With K probes per layer,

    d_i = (1/K) Σ_k x_ki,   x_ki = v_ki (H v_k)_i,   T̂_l = (1/n_l) Σ_i |d_i|.

Probes are drawn per layer (v is zero outside layer l), so the estimate of layer l
has no noise from its cross terms with other layers: in a network whose lower
layers see vanishing gradients those cross terms would otherwise swamp the small
diagonal of the lower layers.

Hessian-vector products come from central differences of the analytic gradient
(Pearlmutter 1994 gives the exact R-operator; the difference costs two gradients):

    H v ≈ (g(w + ε v) − g(w − ε v)) / (2 ε),   ε = EPS_REL · max(rms(w_l), EPS_FLOOR),

whose error, O(ε²) relative plus rounding of order 1e-16 |g| / ε, stays far below
the estimator's noise (tested against the exact diagonal).

Standard error: since |d_i| = s_i d_i with s_i = sign(d_i), T̂_l is the mean over the
probes of y_k = (1/n_l) Σ_i s_i x_ki, and the reported standard error is
std(y_k) / sqrt(K). It counts the correlations between coordinates of one probe
and treats the signs as known; where |H_ii| is below the noise of d_i (about
sqrt(Σ_{j≠i} H_ij² / K)) the absolute value biases T̂ upward by up to that noise.
Both shrink as 1/sqrt(K).

Everything runs in evaluation mode (no batch-norm statistics move, no noise is
drawn); randomness only from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS_REL = 1e-4  # the difference step relative to the layer's weights' rms
EPS_FLOOR = 1e-2  # ... or to this, for layers of zeros or tiny weights
MAX_PROBES = 4096
MAX_FLOATS = 1 << 24  # probes x layer size held at once (128 MB)


@dataclass(frozen=True)
class Curvature:
    """Per-layer estimates: ``mean_abs_diag[l]`` ± ``stderr[l]`` from ``probes`` probes
    per layer on ``rows`` rows."""

    layer_names: tuple[str, ...]
    mean_abs_diag: np.ndarray  # (layers,)
    stderr: np.ndarray  # (layers,)
    probes: int
    rows: int


def rademacher(rng: np.random.Generator, n: int) -> np.ndarray:
    """n entries ±1.0, each with probability 1/2."""
    return rng.integers(0, 2, size=n).astype(np.float64) * 2.0 - 1.0


class _Gradient:
    """g(w) of the network's mean loss on (X, y) in evaluation mode; restores the
    network's weights when done (use as a context manager)."""

    def __init__(self, network, X: np.ndarray, y: np.ndarray) -> None:
        self.net, self.X, self.y = network, X, y
        self.saved = network.params.copy()

    def __call__(self, w: np.ndarray) -> np.ndarray:
        self.net.params[:] = w
        with self.net.evaluating(), np.errstate(all="ignore"):
            _, g = self.net.loss_and_grad(self.X, self.y)
        return g.copy()

    def __enter__(self) -> _Gradient:
        return self

    def __exit__(self, *exc) -> None:
        self.net.params[:] = self.saved


def hessian_vector(grad, w: np.ndarray, v: np.ndarray, eps: float) -> np.ndarray:
    """H v ≈ (g(w + ε v) − g(w − ε v)) / (2 ε) for a gradient function ``grad``."""
    return (grad(w + eps * v) - grad(w - eps * v)) / (2.0 * eps)


def _step(w: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(w * w))) if w.size else 0.0
    return EPS_REL * max(rms if np.isfinite(rms) else 0.0, EPS_FLOOR)


def hutchinson_block(grad, w: np.ndarray, block: slice, probes: int,
                     rng: np.random.Generator) -> tuple[float, float, np.ndarray]:
    """(T̂, its standard error, d) for the parameters ``w[block]``: see the module
    docstring. ``d`` is the per-coordinate estimate of the diagonal."""
    n = block.stop - block.start
    eps = _step(w[block])
    x = np.empty((probes, n))
    v = np.zeros_like(w)
    for k in range(probes):
        v[block] = rademacher(rng, n)
        x[k] = v[block] * hessian_vector(grad, w, v, eps)[block]
    d = x.mean(axis=0)
    y = x @ np.sign(d) / n
    se = float(y.std(ddof=1) / np.sqrt(probes)) if probes > 1 else float("inf")
    return float(np.abs(d).mean()), se, d


def layer_curvature(network, X: np.ndarray, y: np.ndarray, *, probes: int,
                    rng: np.random.Generator) -> Curvature:
    """Mean |diag H| of each layer's weight matrix (``network.weight_slices``) for the
    mean loss on (X, y) (preprocessed inputs, targets as ``loss_and_grad`` takes
    them), K = ``probes`` Rademacher probes per layer drawn from ``rng``. Costs
    2 K gradients per layer. The network's weights are restored afterwards."""
    if isinstance(probes, bool) or not isinstance(probes, (int, np.integer)) \
            or not 2 <= probes <= MAX_PROBES:
        raise ValueError(f"probes must be an integer in 2..{MAX_PROBES}, got {probes!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    X = np.ascontiguousarray(X, dtype=np.float64)
    blocks = network.weight_slices
    widest = max(b.stop - b.start for b in blocks)
    if probes * widest > MAX_FLOATS:
        raise ValueError(f"{probes} probes of a layer of {widest} weights need more than "
                         f"{MAX_FLOATS * 8 >> 20} MB; use fewer probes")
    means, ses = np.empty(len(blocks)), np.empty(len(blocks))
    with _Gradient(network, X, y) as grad:
        w = grad.saved.copy()
        for l, block in enumerate(blocks):
            means[l], ses[l], _ = hutchinson_block(grad, w, block, int(probes), rng)
    return Curvature(tuple(network.layer_names), means, ses, int(probes), int(X.shape[0]))
