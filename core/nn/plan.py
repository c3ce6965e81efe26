"""The layer plan: one int64 table that says where every layer's numbers live.

``build_plan`` lays the network out once, at construction: row ``l`` of the table
holds layer l's widths, activation and batch-norm flag and the offsets of its
parameters in the flat ``params`` / ``grad`` vectors and of its running
statistics in ``buffers`` (-1 where the layer has none). The layer arrays of
``Network`` are views made from these offsets, and the compiled layer loop of
``core.nn.passes`` (used by the step path and the fused training kernel alike)
reads the same table, so the two can never disagree about the layout.

Per layer, in ``params`` (and at the same offsets in ``grad``)::

    W (n_in x n_out, row-major) | b (n_out; absent with BN) | gamma, beta (n_out each;
    BN only) | PReLU beta (n_out; trainable activations only)

and in ``buffers``: running mean, running variance (n_out each; BN only).

The forward pass keeps its intermediates in one flat work buffer laid out by
``work_layout``; the backward pass uses four scratch rows of ``grad_scratch``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.nn import activations as act
from core.nn.spec import NetworkSpec

# Columns of the layer plan.
N_IN, N_OUT, ACT, BN, W, B, GAMMA, BETA, PRELU, RUN_MEAN, RUN_VAR, START, STOP = range(13)
N_COLUMNS = 13
NO_ACTIVATION = -1  # ACT of the output layer: linear, and nothing is stored for it

# Columns of the work-offset table (per layer, into the work buffer).
Z, XHAT, PRE, A, INV_STD = range(5)
N_WORK_COLUMNS = 5


def build_plan(spec: NetworkSpec) -> tuple[np.ndarray, int, int]:
    """(plan (layers, N_COLUMNS) int64, read-only; parameter count; buffer count)."""
    sizes = [spec.input_size, *spec.hidden, spec.output_size]
    acts = spec.activations()
    plan = np.full((len(sizes) - 1, N_COLUMNS), -1, dtype=np.int64)
    p = q = 0

    def take(n: int) -> int:
        nonlocal p
        p += n
        return p - n

    for l in range(len(sizes) - 1):
        n_in, n_out = sizes[l], sizes[l + 1]
        hidden = l < len(spec.hidden)
        bn = spec.batch_norm and hidden
        row = plan[l]
        row[N_IN], row[N_OUT], row[BN] = n_in, n_out, int(bn)
        row[ACT] = act.code_of(acts[l]) if hidden else NO_ACTIVATION
        row[START] = row[W] = take(n_in * n_out)
        if not bn:
            row[B] = take(n_out)  # BN's beta does the bias's job
        else:
            row[GAMMA], row[BETA] = take(n_out), take(n_out)
            row[RUN_MEAN], row[RUN_VAR] = q, q + n_out
            q += 2 * n_out
        if hidden and act.ACTIVATIONS.get(acts[l]).trainable:
            row[PRELU] = take(n_out)
        row[STOP] = p
    plan.flags.writeable = False  # numba reads it unchecked: nobody may change it
    return plan, p, q


def work_layout(plan: np.ndarray, m: int) -> tuple[np.ndarray, int]:
    """Offsets (layers, N_WORK_COLUMNS) of each layer's forward intermediates for
    batches of up to ``m`` rows, and the buffer size they need.

    z = u W + b (m, n_out) always; xhat, the BN output and 1/sqrt(var + eps) with BN
    only (else PRE is z itself and XHAT, INV_STD are -1); a = h(PRE) for hidden
    layers only (A is -1 for the output layer, whose output is PRE). Every array
    starts on a cache line of an ``aligned_empty`` buffer.
    """
    off = np.full((plan.shape[0], N_WORK_COLUMNS), -1, dtype=np.int64)
    total = 0
    for l in range(plan.shape[0]):
        n = int(plan[l, N_OUT])
        cols = [Z, XHAT, PRE] if plan[l, BN] else [Z]
        if plan[l, ACT] != NO_ACTIVATION:
            cols.append(A)
        for c in cols:
            off[l, c] = total
            total += _padded(m * n)
        if plan[l, BN]:
            off[l, INV_STD] = total
            total += _padded(n)
        else:
            off[l, PRE] = off[l, Z]
    return off, total


def max_width(plan: np.ndarray) -> int:
    """The widest layer input or output: the row length of the backward scratch."""
    return int(max(plan[:, N_IN].max(), plan[:, N_OUT].max()))


def grad_scratch(plan: np.ndarray, m: int) -> np.ndarray:
    """Four rows for the backward pass of a batch of ``m``: dL/du (two, alternating
    between layers), dL/d(pre-activation), dL/dz; each row starts on a cache line."""
    n = _padded(m * max_width(plan))
    return aligned_empty(4 * n).reshape(4, n)


# Buffers the kernels stream through start on a cache line: with numpy's 16-byte
# alignment, a 32-byte (AVX) load straddled two lines in half of the processes, and
# the small workloads trained 10-15% slower in those.
ALIGN_BYTES = 64
_ALIGN = ALIGN_BYTES // 8


def _padded(n: int) -> int:
    """``n`` float64s rounded up to whole cache lines."""
    return -(-n // _ALIGN) * _ALIGN


def aligned_empty(n: int) -> np.ndarray:
    """An uninitialized float64 vector of ``n`` whose data starts on a cache line."""
    raw = np.empty(n + _ALIGN)
    start = (-raw.__array_interface__["data"][0] % ALIGN_BYTES) // 8
    return raw[start:start + n]


def work_buffer(size: int) -> np.ndarray:
    """A fresh work buffer: cache-line aligned once it is big enough for that to pay
    (finding the address costs ~1 µs; on a 10,000-row forward pass it saves 8%)."""
    return aligned_empty(size) if size >= ALIGN_FROM else np.empty(size)


ALIGN_FROM = 1 << 13  # float64s


def layer_views(plan: np.ndarray, work: np.ndarray, work_off: np.ndarray, m: int,
                column: int) -> list[np.ndarray | None]:
    """Per layer, the (m, n_out) view of ``column`` in ``work`` (None where absent)."""
    out: list[np.ndarray | None] = []
    for l in range(plan.shape[0]):
        o, n = int(work_off[l, column]), int(plan[l, N_OUT])
        out.append(None if o < 0 else work[o:o + m * n].reshape(m, n))
    return out


def hidden_views(plan: np.ndarray, work: np.ndarray, work_off: np.ndarray,
                 m: int) -> list[np.ndarray]:
    """Each hidden layer's output a (m, n_out), as views into ``work``."""
    return [v for v in layer_views(plan, work, work_off, m, A) if v is not None]


def pack_noise(plan: np.ndarray, sizes, draws) -> tuple[np.ndarray, np.ndarray]:
    """The activation noise of K steps as one flat array and offsets (K, layers).

    ``draws[k][l]`` is layer l's draw for a batch of ``sizes[k]`` rows, or None;
    only stochastic activations read theirs (offset -1 for every other layer). The
    kernels do no bounds checks, so every draw's shape is checked here.
    """
    if not draws:  # no stochastic layer: the same placeholders every time
        return _NO_DRAWS, np.full((len(sizes), plan.shape[0]), -1, dtype=np.int64)
    offsets = np.full((len(sizes), plan.shape[0]), -1, dtype=np.int64)
    pieces, total = [], 0
    for k, row in enumerate(draws or ()):
        for l, draw in enumerate(row):
            if draw is None or plan[l, ACT] == NO_ACTIVATION or not _stochastic(plan[l, ACT]):
                continue
            shape = (int(sizes[k]), int(plan[l, N_OUT]))
            if np.shape(draw) != shape:
                raise ValueError(f"activation noise of layer {l + 1} must have shape "
                                 f"{shape}, got {np.shape(draw)}")
            offsets[k, l] = total
            pieces.append(np.ascontiguousarray(draw, dtype=np.float64).ravel())
            total += pieces[-1].size
    return (np.concatenate(pieces) if pieces else np.zeros(1)), offsets


_NO_DRAWS = np.zeros(1)  # never read (every offset -1); writable: one kernel specialization
_STOCHASTIC = frozenset(act.ACTIVATIONS.get(n).code for n in act.ACTIVATIONS
                        if act.ACTIVATIONS.get(n).stochastic)


def _stochastic(code) -> bool:
    return int(code) in _STOCHASTIC


@dataclass(frozen=True, eq=False)
class Layer:
    """Read-only description of one layer; its arrays are views into the flat vectors
    (writing into them writes the network's numbers)."""

    index: int
    name: str
    n_in: int
    n_out: int
    activation: str | None  # None for the output layer
    batch_norm: bool
    W: np.ndarray
    b: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    prelu: np.ndarray
    gW: np.ndarray
    gb: np.ndarray
    ggamma: np.ndarray
    gbeta: np.ndarray
    gprelu: np.ndarray
    run_mean: np.ndarray
    run_var: np.ndarray
    param_slice: slice
    weight_slice: slice


def layers_of(plan: np.ndarray, spec: NetworkSpec, params: np.ndarray, grad: np.ndarray,
              buffers: np.ndarray) -> list[Layer]:
    """The ``Layer`` descriptors of ``plan``, with views made from its offsets."""
    acts = spec.activations()
    out = []
    for l, row in enumerate(plan):
        n_in, n_out = int(row[N_IN]), int(row[N_OUT])

        def vec(base, col, row=row, n_out=n_out):
            o = int(row[col])
            return base[:0] if o < 0 else base[o:o + n_out]

        w = slice(int(row[W]), int(row[W]) + n_in * n_out)
        hidden = row[ACT] != NO_ACTIVATION
        out.append(Layer(
            l, f"hidden {l + 1}" if hidden else "output", n_in, n_out,
            acts[l] if hidden else None, bool(row[BN]),
            params[w].reshape(n_in, n_out), vec(params, B), vec(params, GAMMA),
            vec(params, BETA), vec(params, PRELU),
            grad[w].reshape(n_in, n_out), vec(grad, B), vec(grad, GAMMA), vec(grad, BETA),
            vec(grad, PRELU), vec(buffers, RUN_MEAN), vec(buffers, RUN_VAR),
            slice(int(row[START]), int(row[STOP])), w))
    return out
