"""Single units of a network: dead and saturated counts, per-unit statistics, and
each unit's output over a set of inputs (the neuron maps of the network view).

Everything runs the network in evaluation mode (batch norm on its running
statistics, stochastic activations at their expected behaviour) through its own
compiled forward pass (``core.nn.passes``, the one layer loop), in chunks of rows
so that memory stays bounded, and the private kernels below reduce each chunk's
arrays into preallocated outputs.

Definitions (for unit j of a hidden layer, z its pre-activation, i.e. after batch
norm when the layer has it, over the m samples of a data set):

- **dead** (ReLU family: ReLU, leaky, parametric, randomized and noisy ReLU): z_j <= 0
  on every sample, so the unit is never positive. A dead ReLU outputs 0 and gets a
  zero gradient everywhere: it never comes back (Lu et al. 2019, "Dying ReLU and
  initialization"). The leaky variants still pass the slope's small gradient: a
  never-positive leaky unit can recover, which is their point.
- **saturated** (sigmoid, tanh, softplus): h'(z_j) < SATURATION_THRESHOLD * sup h' on
  more than SATURATED_FRACTION of the samples, i.e. the unit passes less than 5 %
  of its largest possible gradient almost always. With sup h' = 1/4 (sigmoid),
  1 (tanh, softplus) that is |z| > 4.36 for the sigmoid, |z| > 2.18 for tanh, and
  z < -2.94 for softplus.
- linear units are neither.

Per unit also: the mean, standard deviation, mean |h|, minimum and maximum of its
output h over the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from core.nn import activations as act
from core.nn.layers import BLAS_THRESHOLD

DEAD_FAMILY = ("relu", "leaky_relu", "prelu", "rrelu", "noisy_relu")
SATURATING = ("sigmoid", "tanh", "softplus")
NEITHER = ("linear",)
SATURATION_THRESHOLD = 0.05  # h'(z) below this fraction of sup h' is saturated ...
SATURATED_FRACTION = 0.95  # ... and a unit saturated on more than this share of samples
ROW_FLOATS = 1 << 22  # activations held per forward chunk (32 MB)
MIN_ROWS = 32  # rows per chunk at least (each chunk costs a few Python calls)

_JIT = dict(nogil=True, cache=True, error_model="numpy")
_SIGMOID, _TANH, _SOFTPLUS = act.SIGMOID, act.TANH, act.SOFTPLUS


@numba.njit(**_JIT)
def _count_units(code, pre, a, threshold, first, positive, saturated, s1, s2, sabs, lo, hi):
    """Add a chunk of m rows to the per-unit sums (n units, all outputs (n,)).

    positive[j] += #{i: pre[i, j] > 0};  saturated[j] += #{i: h'(pre[i, j]) < threshold}
    (h' / sup h': 4 a (1 - a) for the sigmoid, 1 - a² for tanh, sigmoid(pre) for
    softplus; nothing for other codes);  s1 += Σ a, s2 += Σ a², sabs += Σ |a|;
    lo, hi: running minimum and maximum of a (set from this chunk when ``first``).
    """
    m, n = pre.shape
    for j in range(n):
        p = 0
        s = 0
        t1 = 0.0
        t2 = 0.0
        ta = 0.0
        mn = a[0, j] if first else lo[j]
        mx = a[0, j] if first else hi[j]
        for i in range(m):
            z = pre[i, j]
            h = a[i, j]
            if z > 0.0:
                p += 1
            if code == _SIGMOID:
                d = 4.0 * h * (1.0 - h)
            elif code == _TANH:
                d = 1.0 - h * h
            elif code == _SOFTPLUS:
                d = 1.0 / (1.0 + np.exp(-z)) if z >= 0.0 else np.exp(z) / (1.0 + np.exp(z))
            else:
                d = 1.0
            if d < threshold:
                s += 1
            t1 += h
            t2 += h * h
            ta += abs(h)
            mn = min(mn, h)
            mx = max(mx, h)
        positive[j] += p
        saturated[j] += s
        s1[j] += t1
        s2[j] += t2
        sabs[j] += ta
        lo[j] = mn
        hi[j] = mx


@numba.njit(**_JIT)
def _gather_columns(a, columns, row0, out):
    """out[k, row0 + i] = a[i, columns[k]]: the chunk's outputs of the chosen units."""
    m = a.shape[0]
    for k in range(columns.shape[0]):
        c = columns[k]
        for i in range(m):
            out[k, row0 + i] = a[i, c]


@numba.njit(**_JIT)
def _column_histograms(a, lo, hi, counts):
    """counts[j, b] += #{i: a[i, j] in bin b of [lo[j], hi[j]]} (equal bins, the last
    one closed; values outside the range are not counted)."""
    m, n = a.shape
    bins = counts.shape[1]
    for j in range(n):
        width = (hi[j] - lo[j]) / bins
        for i in range(m):
            v = a[i, j]
            if not (v >= lo[j] and v <= hi[j]):
                continue
            b = int((v - lo[j]) / width) if width > 0.0 else 0
            counts[j, min(b, bins - 1)] += 1


@dataclass(frozen=True)
class LayerUnits:
    """Per-unit statistics of one layer over ``samples`` rows (arrays (n,))."""

    name: str
    activation: str
    samples: int
    positive: np.ndarray  # rows with z > 0
    saturated: np.ndarray  # rows with h'(z) < SATURATION_THRESHOLD sup h'
    mean: np.ndarray
    std: np.ndarray
    mean_abs: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @property
    def dead(self) -> np.ndarray:
        """Never positive on the data (ReLU family only; False elsewhere)."""
        if self.activation not in DEAD_FAMILY:
            return np.zeros(self.positive.shape, dtype=bool)
        return self.positive == 0

    @property
    def saturated_units(self) -> np.ndarray:
        """Saturated on more than SATURATED_FRACTION of the rows (sigmoid/tanh/softplus)."""
        if self.activation not in SATURATING:
            return np.zeros(self.saturated.shape, dtype=bool)
        return self.saturated > SATURATED_FRACTION * self.samples

    @property
    def n_dead(self) -> int:
        return int(self.dead.sum())

    @property
    def n_saturated(self) -> int:
        return int(self.saturated_units.sum())


def _checked_rows(network, X) -> np.ndarray:
    X = np.ascontiguousarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != network.spec.input_size or X.shape[0] == 0:
        raise ValueError(f"inputs must have shape (m >= 1, {network.spec.input_size}), "
                         f"got {X.shape}")
    return X


def chunk_rows(network) -> int:
    """Rows per forward pass: few enough that every layer's product stays below
    ``layers.BLAS_THRESHOLD`` (so its compiled loops run, not BLAS), at least MIN_ROWS,
    and at most ROW_FLOATS activations. Why not BLAS: these passes run in a thread
    beside the training, and BLAS's shared thread pool then serializes the two (and
    on a busy machine a multi-threaded product of 1600 x 32 x 32 took 15x longer
    than one thread's); the loops need no pool."""
    units = sum(b.n_out for b in network.blocks) + network.spec.input_size
    widest = max(b.n_in * b.n_out for b in network.blocks)
    below_blas = (BLAS_THRESHOLD - 1) // widest
    return int(max(1, min(ROW_FLOATS // (4 * units), max(MIN_ROWS, below_blas))))


def _chunks(network, X: np.ndarray, need_pre: bool = True):
    """Evaluation-mode forward passes over row chunks of X (``chunk_rows``): yields
    (row0, per layer (pre, h)) with h the output of the layer (for the output layer
    its raw output); pre is None unless ``need_pre`` (which costs a view per layer and
    column: fine for a data set, noticeable on the many chunks of a grid)."""
    rows = chunk_rows(network)
    with network.evaluating(), np.errstate(all="ignore"):
        for r0 in range(0, X.shape[0], rows):
            out = network.forward(X[r0:r0 + rows], update_stats=False)
            if need_pre:
                layers = []
                for l in range(len(network.blocks)):
                    arrays = network.intermediates(l)
                    layers.append((arrays["pre"], arrays.get("a", arrays["pre"])))
            else:
                layers = [(None, a) for a in network.hidden_activations()] + [(None, out)]
            yield r0, layers


def unit_stats(network, X: np.ndarray) -> tuple[LayerUnits, ...]:
    """``LayerUnits`` of every layer of ``network`` (the output layer's as "linear")
    over the rows of ``X`` (preprocessed inputs, e.g. the training split)."""
    X = _checked_rows(network, X)
    blocks = network.blocks
    acc = [tuple(np.zeros(b.n_out, dtype=np.int64) for _ in range(2))
           + tuple(np.zeros(b.n_out) for _ in range(5)) for b in blocks]
    codes = [act.code_of(_activation(b)) for b in blocks]
    for r0, layers in _chunks(network, X):
        for l, (pre, h) in enumerate(layers):
            _count_units(codes[l], pre, h, SATURATION_THRESHOLD, r0 == 0, *acc[l])
    m = X.shape[0]
    out = []
    for b, (pos, sat, s1, s2, sa, lo, hi) in zip(blocks, acc, strict=True):
        mean = s1 / m
        std = np.sqrt(np.maximum(s2 / m - mean * mean, 0.0))
        out.append(LayerUnits(b.name, _activation(b), m, pos, sat, mean, std, sa / m, lo, hi))
    return tuple(out)


def _activation(block) -> str:
    return block.activation if block.activation is not None else "linear"


def _columns(network, columns) -> list[np.ndarray]:
    if columns is None:
        return [np.arange(b.n_out, dtype=np.int64) for b in network.blocks]
    if len(columns) != len(network.blocks):
        raise ValueError(f"columns must name units of each of the {len(network.blocks)} layers")
    out = []
    for b, c in zip(network.blocks, columns, strict=True):
        c = np.ascontiguousarray(c, dtype=np.int64)
        if c.ndim != 1 or (c.size and (c.min() < 0 or c.max() >= b.n_out)):
            raise ValueError(f"units of {b.name} must lie in 0..{b.n_out - 1}")
        out.append(c)
    return out


def unit_outputs(network, X: np.ndarray, columns=None) -> tuple[np.ndarray, ...]:
    """Each layer's output h of the units ``columns[l]`` (default: all) at every row of
    ``X``: per layer an array (units, rows). With X the points of a G x G grid over
    the input plane (row-major, y outer), ``out[l][k].reshape(G, G)`` is the map of
    unit k: the neuron maps of the network view. The output layer's are its raw
    outputs (logits for the cross-entropies)."""
    X = _checked_rows(network, X)
    cols = _columns(network, columns)
    out = [np.empty((c.size, X.shape[0])) for c in cols]
    for r0, layers in _chunks(network, X, need_pre=False):
        for l, c in enumerate(cols):
            _gather_columns(layers[l][1], c, r0, out[l])
    return tuple(out)


def unit_histograms(network, X: np.ndarray, lo: list, hi: list,
                    bins: int = 16) -> tuple[np.ndarray, ...]:
    """Histograms (units, bins) of each layer's outputs over the rows of ``X``, unit
    j of layer l binned over [lo[l][j], hi[l][j]] (e.g. ``LayerUnits.lo/hi`` of the same
    rows; a constant unit gets one full bin)."""
    X = _checked_rows(network, X)
    _check_bins(bins)
    blocks = network.blocks
    if len(lo) != len(blocks) or len(hi) != len(blocks):
        raise ValueError(f"need a range per layer ({len(blocks)})")
    ranges = [_range(b.n_out, lo[l], hi[l], b.name) for l, b in enumerate(blocks)]
    counts = [np.zeros((b.n_out, bins)) for b in blocks]
    for _r0, layers in _chunks(network, X, need_pre=False):
        for l, (_pre, h) in enumerate(layers):
            _column_histograms(h, ranges[l][0], ranges[l][1], counts[l])
    return tuple(counts)


def column_histograms(values: np.ndarray, bins: int = 16
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts (n, bins), lo (n,), hi (n,)): each column of ``values`` (m, n) binned
    over its own finite range (e.g. the input features)."""
    v = np.ascontiguousarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] == 0:
        raise ValueError(f"values must be a non-empty 2-D array, got shape {v.shape}")
    _check_bins(bins)
    with np.errstate(all="ignore"):
        finite = np.where(np.isfinite(v), v, np.nan)
        lo, hi = np.nanmin(finite, axis=0), np.nanmax(finite, axis=0)
    lo, hi = np.nan_to_num(lo), np.nan_to_num(hi)
    counts = np.zeros((v.shape[1], bins))
    _column_histograms(v, lo, hi, counts)
    return counts, lo, hi


def _check_bins(bins: int) -> None:
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) \
            or not 1 <= bins <= 1024:
        raise ValueError(f"bins must be an integer in 1..1024, got {bins!r}")


def _range(n: int, lo, hi, name: str) -> tuple[np.ndarray, np.ndarray]:
    a, b = (np.ascontiguousarray(v, dtype=np.float64) for v in (lo, hi))
    if a.shape != (n,) or b.shape != (n,):
        raise ValueError(f"the range of {name} needs one value per unit ({n})")
    return a, b


def unit_parameters(network) -> tuple[dict[str, np.ndarray], ...]:
    """Per layer, each unit's parameters: "in_norm" ||W[:, j]|| (its incoming weights),
    and the ones it has of "bias", "gamma", "beta" (batch norm) and "prelu" (β)."""
    out = []
    for b in network.blocks:
        d = {"in_norm": np.sqrt(np.einsum("ij,ij->j", b.W, b.W))}
        for key, arr in (("bias", b.b), ("gamma", b.gamma), ("beta", b.beta),
                         ("prelu", b.prelu)):
            if arr.size:
                d[key] = arr.copy()
        out.append(d)
    return tuple(out)


def most_active(mean_abs: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` units with the largest mean |h| (ties: the lower index),
    in increasing index order, so that a layer keeps its order on screen."""
    mean_abs = np.asarray(mean_abs, dtype=np.float64)
    if mean_abs.size <= k:
        return np.arange(mean_abs.size, dtype=np.int64)
    order = np.argsort(-np.nan_to_num(mean_abs, nan=-np.inf), kind="stable")[:k]
    return np.sort(order).astype(np.int64)
