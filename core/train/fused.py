"""Fused training: a chunk of mini-batch steps in one compiled call.

Per step, inside one numba kernel with every buffer allocated once per chunk:
gather the batch, the network's forward pass, the loss, the backward pass (plus
the weights' L1/L2 penalty gradient), per-layer gradient norms, then update or
stop (non-finite loss or gradient, a loss above the divergence limit, non-finite
weights after the update). The
forward and backward passes are those of ``Network.forward`` / ``backward``
(``core.nn.passes``, over the network's own layer plan) and the loss and update
kernels are the step path's too, called in the same order, so the two paths give
identical bits — the tests check this — and the trainer can mix them.

Randomness stays in Python: the caller draws each step's batch, activation
noise and gradient noise from the session's generators, in the order the
step-by-step path would, and hands them over as arrays.
"""

from __future__ import annotations

import numba
import numpy as np

from core.nn import layers, losses, passes, penalty
from core.nn import plan as layer_plan
from core.nn.network import Network
from core.optim import apply_update

OK, BAD_GRADIENT, BAD_WEIGHTS, BAD_LOSS = 0, 1, 2, 3

_JIT = dict(nogil=True, cache=True, error_model="numpy")
# The per-step helpers are inlined into the kernel: a compiled call increfs and
# decrefs each of its array arguments (see core.nn.passes), which per step adds up.


@numba.njit(inline="always", **_JIT)
def _gather(X, Yf, Yi, rows, xb, yb, yi):
    """Copy the batch's rows: xb[i] = X[rows[i]], yb[i] = Yf[rows[i]], yi[i] = Yi[rows[i]].

    Parameters
    ----------
    X, Yf, Yi : numpy.ndarray
        The training inputs (n, d), float targets (n, k) and class indices (n,).
    rows : numpy.ndarray
        The batch's m row indices (int64, checked by ``_check_plan``).
    xb, yb, yi : numpy.ndarray
        Outputs: (m, d), (m, k), (m,).
    """
    for i in range(rows.shape[0]):
        r = rows[i]
        for j in range(X.shape[1]):
            xb[i, j] = X[r, j]
        for j in range(Yf.shape[1]):
            yb[i, j] = Yf[r, j]
        yi[i] = Yi[r]


@numba.njit(inline="always", **_JIT)
def _update_or_stop(loss, norms, loss_limit, params, grad, prev, gnoise, use_gnoise, opt,
                    scalars):
    """Check the step, then add gradient noise and update the weights; returns a status.

    The step stops before its update with BAD_GRADIENT if the loss or a layer's
    gradient norm is non-finite, with BAD_LOSS if ``loss > loss_limit``; after the
    update with BAD_WEIGHTS (weights restored from ``prev``) if a weight is
    non-finite. Else g <- g + noise (if any), ``prev`` <- w, w <- update(w, g): OK.

    Parameters
    ----------
    loss : float
        The step's mean training loss.
    norms : numpy.ndarray
        Per-layer gradient norms (layers,).
    loss_limit : float
        The divergence limit on the loss.
    params, grad : numpy.ndarray
        The flat weights (updated in place) and gradient (noise added in place).
    prev : numpy.ndarray
        Output: the weights before the update.
    gnoise : numpy.ndarray
        This step's gradient noise (params.size,), read if ``use_gnoise``.
    use_gnoise : bool
        Whether gradient noise is added.
    opt : tuple
        (code, s0, s1, s2) of ``Optimizer.plan``: kernel code and state arrays.
    scalars : numpy.ndarray
        This step's optimizer scalars (row of ``Optimizer.plan``'s table).
    """
    finite = np.isfinite(loss)
    for l in range(norms.shape[0]):
        finite = finite and np.isfinite(norms[l])
    if not finite:
        return BAD_GRADIENT
    if not loss <= loss_limit:
        return BAD_LOSS
    if use_gnoise:
        for i in range(grad.shape[0]):
            grad[i] += gnoise[i]
    for i in range(params.shape[0]):  # a loop: numba's slice assignment costs ~0.1 µs
        prev[i] = params[i]
    code, s0, s1, s2 = opt
    apply_update(code, params, grad, s0, s1, s2, scalars)
    for i in range(params.shape[0]):
        if not np.isfinite(params[i]):
            params[:] = prev
            return BAD_WEIGHTS
    return OK


@numba.njit(**_JIT)
def _train_chunk(data, batches, net, noise, opt, loss_limit, work, out):
    """Train one step per batch until the batches run out or a step stops the chunk.

    Parameters
    ----------
    data : tuple of numpy.ndarray
        (X, Yf, Yi): training inputs (n, d), float targets (n, k) and int64 class
        indices (n,); the loss reads one of Yf, Yi, the other is a placeholder.
    batches : tuple of numpy.ndarray
        (idx, idx_start): step k trains on rows ``idx[idx_start[k]:idx_start[k + 1]]``.
    net : tuple
        (plan, params, grad, buffers, bn_eps, bn_momentum, loss_code, l1, l2): the
        network's layer plan and flat vectors, BN's ε and momentum, the loss kernel
        code, the weights' L1 and L2 penalties (``core.nn.penalty``).
    noise : tuple
        (act_noise, noise_off, grad_noise, use_grad_noise): the flat activation noise
        of all steps with offsets (K, layers) (``plan.pack_noise``), the gradient
        noise (K, params.size) and whether to add it.
    opt : tuple
        (code, s0, s1, s2, scalars) of ``Optimizer.plan(params.size, K)``.
    loss_limit : float
        A step whose loss exceeds it stops the chunk before its update.
    work : tuple of numpy.ndarray
        (work, work_off, scratch): the forward intermediates' buffer laid out by
        ``plan.work_layout`` and the backward scratch of ``plan.grad_scratch``, both
        for (at least) the largest batch.
    out : tuple of numpy.ndarray
        (prev, losses (K,), norms (K, layers)): the weights before the last update,
        each done step's loss and per-layer gradient norms.

    Returns
    -------
    done : int
        Steps done (their updates applied).
    status : int
        OK, or why step ``done`` stopped the chunk (BAD_GRADIENT, BAD_LOSS,
        BAD_WEIGHTS).
    """
    X, Yf, Yi = data
    idx, idx_start = batches
    plan, params, grad, buffers, bn_eps, bn_momentum, loss_code, l1, l2 = net
    act_noise, noise_off, gnoise, use_gnoise = noise
    code, s0, s1, s2, scalars = opt
    work_buf, work_off, scratch = work
    prev, out_loss, out_norms = out
    n_steps = idx_start.shape[0] - 1
    max_m = 1
    for k in range(n_steps):
        max_m = max(max_m, idx_start[k + 1] - idx_start[k])
    xb_buf = np.empty(max_m * X.shape[1])
    yb_buf = np.empty(max_m * Yf.shape[1])
    yi_buf = np.empty(max_m, dtype=np.int64)
    starts = plan[:, layer_plan.START].copy()  # contiguous, once: not a strided view per step
    stops = plan[:, layer_plan.STOP].copy()
    norms = np.zeros(plan.shape[0])
    m = -1
    for k in range(n_steps):
        if idx_start[k + 1] - idx_start[k] != m:  # views once per batch size, not per step
            m = idx_start[k + 1] - idx_start[k]
            xb = passes.view2d(xb_buf, 0, m, X.shape[1])
            yb = passes.view2d(yb_buf, 0, m, Yf.shape[1])
            yi = yi_buf[:m]
            g_out = passes.view2d(scratch[plan.shape[0] % 2], 0, m,
                                  plan[plan.shape[0] - 1, layer_plan.N_OUT])
            V = passes.views(plan, params, grad, work_buf, work_off, scratch, xb, g_out)
        _gather(X, Yf, Yi, idx[idx_start[k]:idx_start[k + 1]], xb, yb, yi)
        u = passes.forward_pass(plan, params, buffers, V, act_noise, noise_off[k], True, True,
                                bn_eps, bn_momentum)
        loss = losses.loss_and_grad_kernel(loss_code, u, yb, yi, g_out)
        passes.backward_pass(plan, params, grad, V, act_noise, noise_off[k], True)
        if l1 != 0.0 or l2 != 0.0:  # as Network.loss_and_grad, right after backward
            penalty.add_penalty_grad(plan, params, grad, l1, l2)
        layers.layer_norms(grad, starts, stops, norms)
        status = _update_or_stop(loss, norms, loss_limit, params, grad, prev,
                                 gnoise[k] if use_gnoise else gnoise[0], use_gnoise,
                                 (code, s0, s1, s2), scalars[k])
        if status != OK:
            return k, status
        out_loss[k] = loss
        for l in range(norms.shape[0]):  # a loop: numba's slice assignment costs ~0.1 µs
            out_norms[k, l] = norms[l]
    return n_steps, OK


class FusedStepper:
    """Runs chunks of training steps of one ``Network`` + optimizer in one call."""

    def __init__(self, net: Network, X: np.ndarray, targets: np.ndarray) -> None:
        self.net = net
        spec = net.spec
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        if spec.loss == "softmax_ce":
            self.Yi = np.ascontiguousarray(targets, dtype=np.int64)
            self.Yf = np.zeros((len(targets), 1))
        else:
            self.Yf = np.ascontiguousarray(targets, dtype=np.float64).reshape(len(targets), -1)
            self.Yi = np.zeros(len(targets), dtype=np.int64)
        self.loss_code = losses.code_of(spec.loss)
        self._work_m = 0
        self.prev = np.empty_like(net.params)

    def _work(self, max_m: int) -> None:
        """(Re)allocate the activation buffers for batches of up to ``max_m`` rows."""
        if max_m <= self._work_m:
            return
        self.work_off, size = layer_plan.work_layout(self.net.plan, max_m)
        self.work = layer_plan.aligned_empty(size)
        self.work[:] = 0.0
        self.scratch = layer_plan.grad_scratch(self.net.plan, max_m)
        self._work_m = max_m

    def hidden_activations(self, m: int) -> list[np.ndarray]:
        """Copies of each hidden layer's output (m, units) from the chunk's last step."""
        return [a.copy() for a in layer_plan.hidden_views(self.net.plan, self.work,
                                                          self.work_off, m)]

    def run(self, idx: np.ndarray, idx_start: np.ndarray,
            act_noise: list[list[np.ndarray | None]] | None, grad_noise: np.ndarray | None,
            optimizer, loss_limit: float = np.inf) -> tuple[int, int, np.ndarray, np.ndarray]:
        """Train one step per batch: step k uses rows ``idx[idx_start[k]:idx_start[k+1]]``.
        ``act_noise[k][l]`` is layer l's draw for step k (None for deterministic
        activations; ``act_noise`` None if no layer is stochastic), ``grad_noise``
        (K, P) or None. A step whose loss exceeds ``loss_limit`` stops the chunk before
        its update (BAD_LOSS). Returns (steps done, status, losses (done,), norms (done, L)).

        The kernel does no bounds checks, so the batch plan and the noise are checked
        here first.
        """
        net = self.net
        K = idx_start.size - 1
        _check_plan(idx, idx_start, self.X.shape[0])
        sizes = np.diff(idx_start)
        self._work(int(sizes.max()) if K else 1)
        noise, noise_off = layer_plan.pack_noise(net.plan, sizes, act_noise)
        if grad_noise is not None:
            grad_noise = np.ascontiguousarray(grad_noise, dtype=np.float64)
            if grad_noise.shape != (K, net.params.size):
                raise ValueError(f"gradient noise must have shape {(K, net.params.size)}, "
                                 f"got {grad_noise.shape}")
        gnoise = grad_noise if grad_noise is not None else np.zeros((1, 1))
        code, (s0, s1, s2), scalars = optimizer.plan(net.params.size, K)
        out_loss = np.empty(K)
        out_norms = np.empty((K, len(net.blocks)))
        done, status = _train_chunk(
            (self.X, self.Yf, self.Yi), (idx, idx_start),
            (net.plan, net.params, net.grad, net.buffers, net.spec.bn_eps,
             net.spec.bn_momentum, self.loss_code, float(net.spec.l1), float(net.spec.l2)),
            (noise, noise_off, gnoise, grad_noise is not None), (code, s0, s1, s2, scalars),
            float(loss_limit), (self.work, self.work_off, self.scratch),
            (self.prev, out_loss, out_norms))
        optimizer.advance(done)
        return done, status, out_loss[:done], out_norms[:done]


def _check_plan(idx: np.ndarray, idx_start: np.ndarray, n_rows: int) -> None:
    """Every index the kernel gathers lies inside the data (a bad one would read, or
    train on, memory past the end)."""
    if (not isinstance(idx, np.ndarray) or not isinstance(idx_start, np.ndarray)
            or idx.dtype != np.int64 or idx_start.dtype != np.int64 or idx.ndim != 1
            or idx_start.ndim != 1 or idx_start.size < 1):
        raise ValueError("batch plan must be 1-D int64 indices and start offsets")
    problem = _plan_problem(idx, idx_start, n_rows)
    if problem == 1:
        raise ValueError("batch plan offsets must rise from 0 to the number of indices")
    if problem == 2:
        raise ValueError(f"batch plan holds a row index outside 0..{n_rows - 1}")


@numba.njit(**_JIT)
def _plan_problem(idx, idx_start, n_rows):
    """0 if the plan is sound, 1 for bad offsets, 2 for an index outside the data (one
    compiled pass: the numpy checks cost ~5 µs per chunk, a chunk of 10 steps ~70 µs)."""
    if idx_start[0] != 0 or idx_start[idx_start.shape[0] - 1] != idx.shape[0]:
        return 1
    for k in range(idx_start.shape[0] - 1):
        if idx_start[k + 1] <= idx_start[k]:
            return 1
    for i in range(idx.shape[0]):
        if idx[i] < 0 or idx[i] >= n_rows:
            return 2
    return 0
