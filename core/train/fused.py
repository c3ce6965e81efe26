"""Fused training: a chunk of mini-batch steps in one compiled call.

Forward, loss, backward, per-layer gradient norms, gradient noise and the
optimizer update of K steps run inside one numba kernel, with every buffer
allocated once. It calls the very same kernels as the step-by-step path
(``Network.loss_and_grad`` + ``Optimizer.step``) in the same order, so the two
give identical bits — the tests check this — and the trainer can mix them.

Randomness stays in Python: the caller draws each step's batch, activation
noise and gradient noise from the session's generators, in the order the
step-by-step path would, and hands them over as arrays.
"""

from __future__ import annotations

import numba
import numpy as np

from core.nn import activations as act
from core.nn import layers, losses
from core.nn.network import Network
from core.optim.optimizers import apply_update

LOSS_CODES = {"mse": 0, "bce_logits": 1, "softmax_ce": 2}
OK, BAD_GRADIENT, BAD_WEIGHTS, BAD_LOSS = 0, 1, 2, 3

# Columns of the per-layer table handed to the kernel.
N_IN, N_OUT, ACT, BN, W, B, GAMMA, BETA, PRELU, RUN, START, STOP = range(12)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _view(buf, off, m, n):
    return buf[off:off + m * n].reshape((m, n))


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _batch_views(work, work_off, meta, m, col):
    """Per-layer (m, n_out) views of one work column (z, xhat, pre, a). Reshaping is
    costly in numba (~25 ns), so views are built once per batch size, not per step."""
    out = []
    for l in range(meta.shape[0]):
        out.append(_view(work, work_off[l, col], m, meta[l, N_OUT]))
    return out


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _train_chunk(X, Yf, Yi, idx, idx_start, meta, params, grad, buffers, bn_eps, bn_mom,
                 noise, noise_off, gnoise, use_gnoise, opt_code, s0, s1, s2, scalars,
                 loss_code, loss_limit, work, work_off, prev, out_loss, out_norms):
    n_steps = idx_start.shape[0] - 1
    n_layers = meta.shape[0]
    d = X.shape[1]
    k_out = Yf.shape[1]
    n_last = meta[n_layers - 1, N_OUT]
    dummy1 = np.zeros(1)
    sink1 = np.zeros(1)  # written by kernels whose output a layer does not have
    dummy2 = np.zeros((1, 1))
    norms = np.zeros(n_layers)
    starts = meta[:, START].copy()  # contiguous, once: not a strided view per step
    stops = meta[:, STOP].copy()
    max_m = 0
    max_w = d
    for l in range(n_layers):
        max_w = max(max_w, meta[l, N_OUT])
    for k in range(n_steps):
        max_m = max(max_m, idx_start[k + 1] - idx_start[k])
    xb_buf = np.empty(max_m * d)
    yf_buf = np.empty(max_m * k_out)
    yi = np.empty(max_m, dtype=np.int64)
    gbufs = np.empty((4, max_m * max_w))  # dL/da (two, swapped), dL/dpre, dL/dz
    Ws = []
    gWs = []
    for l in range(n_layers):
        Ws.append(_view(params, meta[l, W], meta[l, N_IN], meta[l, N_OUT]))
        gWs.append(_view(grad, meta[l, W], meta[l, N_IN], meta[l, N_OUT]))
    m = -1
    for k in range(n_steps):
        if idx_start[k + 1] - idx_start[k] != m:
            m = idx_start[k + 1] - idx_start[k]
            Z = _batch_views(work, work_off, meta, m, 0)
            XH = _batch_views(work, work_off, meta, m, 1)
            PRE = _batch_views(work, work_off, meta, m, 2)
            A = _batch_views(work, work_off, meta, m, 3)
            for l in range(n_layers):
                if not meta[l, BN]:
                    PRE[l] = Z[l]
            xb = _view(xb_buf, 0, m, d)
            yb = _view(yf_buf, 0, m, k_out)
            g_out = _view(gbufs[n_layers % 2], 0, m, n_last)  # never layer L-1's GA
            GA = []
            GP = []
            GZ = []
            for l in range(n_layers):
                GA.append(_view(gbufs[l % 2], 0, m, meta[l, N_IN]))  # dL/d(input of l)
                GP.append(_view(gbufs[2], 0, m, meta[l, N_OUT]))
                GZ.append(_view(gbufs[3], 0, m, meta[l, N_OUT]))
        for i in range(m):
            r = idx[idx_start[k] + i]
            for j in range(d):
                xb[i, j] = X[r, j]
            for j in range(k_out):
                yb[i, j] = Yf[r, j]
            yi[i] = Yi[r]
        # forward
        u = xb
        for l in range(n_layers):
            n_out = meta[l, N_OUT]
            has_b = meta[l, B] >= 0
            bl = params[meta[l, B]:meta[l, B] + n_out] if has_b else dummy1
            layers._dense_forward(u, Ws[l], bl, has_b, Z[l])
            if meta[l, BN]:
                g0 = meta[l, GAMMA]
                b0 = meta[l, BETA]
                r0 = meta[l, RUN]
                inv_std = work[work_off[l, 4]:work_off[l, 4] + n_out]
                layers._bn_forward_train(Z[l], params[g0:g0 + n_out], params[b0:b0 + n_out],
                                         bn_eps, bn_mom, XH[l], PRE[l], inv_std,
                                         buffers[r0:r0 + n_out],
                                         buffers[r0 + n_out:r0 + 2 * n_out])
            if meta[l, ACT] >= 0:
                beta = (params[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                        else dummy1)
                nz = (_view(noise, noise_off[k, l], m, n_out) if noise_off[k, l] >= 0
                      else dummy2)
                act._forward(meta[l, ACT], PRE[l], A[l], beta, nz)
                u = A[l]
            else:
                u = PRE[l]
        # loss on the output u
        if loss_code == 0:
            loss = losses._mse(u, yb, g_out)
        elif loss_code == 1:
            loss = losses._bce_logits(u, yb, g_out)
        else:
            loss = losses._softmax_ce(u, yi[:m], g_out)
        g = g_out
        # backward
        for l in range(n_layers - 1, -1, -1):
            n_out = meta[l, N_OUT]
            if meta[l, ACT] >= 0:
                beta = (params[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                        else dummy1)
                gbeta = (grad[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                         else sink1)
                nz = (_view(noise, noise_off[k, l], m, n_out) if noise_off[k, l] >= 0
                      else dummy2)
                act._backward(meta[l, ACT], PRE[l], A[l], beta, nz, g, GP[l], gbeta)
                g = GP[l]
            if meta[l, BN]:
                g0 = meta[l, GAMMA]
                b0 = meta[l, BETA]
                inv_std = work[work_off[l, 4]:work_off[l, 4] + n_out]
                layers._bn_backward(g, XH[l], params[g0:g0 + n_out], inv_std, True, GZ[l],
                                    grad[g0:g0 + n_out], grad[b0:b0 + n_out])
                g = GZ[l]
            u = xb if l == 0 else A[l - 1]
            has_b = meta[l, B] >= 0
            gb = grad[meta[l, B]:meta[l, B] + n_out] if has_b else sink1
            # dL/du goes to the buffer the activation above did not use (l % 2 alternates)
            gu = GA[l] if l > 0 else dummy2
            layers._dense_backward(u, Ws[l], g, has_b, gWs[l], gb, gu, l > 0)
            g = gu
        layers.layer_norms(grad, starts, stops, norms)
        finite = np.isfinite(loss)
        for l in range(n_layers):
            finite = finite and np.isfinite(norms[l])
        if not finite:
            return k, BAD_GRADIENT
        if not loss <= loss_limit:
            return k, BAD_LOSS
        if use_gnoise:
            for i in range(grad.shape[0]):
                grad[i] += gnoise[k, i]
        prev[:] = params
        apply_update(opt_code, params, grad, s0, s1, s2, scalars[k])
        for i in range(params.shape[0]):
            if not np.isfinite(params[i]):
                params[:] = prev
                return k, BAD_WEIGHTS
        out_loss[k] = loss
        for l in range(n_layers):
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
        self.loss_code = LOSS_CODES[spec.loss]
        meta = np.full((len(net.blocks), 12), -1, dtype=np.int64)
        run = 0
        for l, blk in enumerate(net.blocks):
            meta[l, N_IN], meta[l, N_OUT] = blk.n_in, blk.n_out
            meta[l, ACT] = act.ACTIVATIONS.get(blk.activation).code if blk.activation else -1
            meta[l, BN] = int(blk.batch_norm)
            meta[l, W] = blk.weight_slice.start
            offsets = [_offset(net.params, arr) for arr in (blk.b, blk.gamma, blk.beta,
                                                            blk.prelu)]
            meta[l, B], meta[l, GAMMA], meta[l, BETA], meta[l, PRELU] = offsets
            meta[l, RUN] = run if blk.batch_norm else -1
            run += 2 * blk.n_out if blk.batch_norm else 0
            meta[l, START], meta[l, STOP] = blk.param_slice.start, blk.param_slice.stop
        self.meta = meta
        self._work_m = 0
        self.prev = np.empty_like(net.params)

    def _work(self, max_m: int) -> None:
        """(Re)allocate the activation buffers for batches of up to ``max_m`` rows."""
        if max_m <= self._work_m:
            return
        offs = np.zeros((len(self.net.blocks), 5), dtype=np.int64)
        total = 0
        for l, blk in enumerate(self.net.blocks):
            for c in range(4):  # z, xhat, pre, a
                offs[l, c] = total
                total += max_m * blk.n_out
            offs[l, 4] = total  # inv_std
            total += blk.n_out
        self.work = np.zeros(total)
        self.work_off = offs
        self._work_m = max_m

    def hidden_activations(self, m: int) -> list[np.ndarray]:
        """Copies of each hidden layer's output (m, units) from the chunk's last step."""
        return [self.work[self.work_off[l, 3]:self.work_off[l, 3] + m * blk.n_out]
                .reshape(m, blk.n_out).copy()
                for l, blk in enumerate(self.net.blocks) if blk.activation is not None]

    def run(self, idx: np.ndarray, idx_start: np.ndarray,
            act_noise: list[list[np.ndarray | None]] | None, grad_noise: np.ndarray | None,
            optimizer, loss_limit: float = np.inf) -> tuple[int, int, np.ndarray, np.ndarray]:
        """Train one step per batch: step k uses rows ``idx[idx_start[k]:idx_start[k+1]]``.
        ``act_noise[k][l]`` is layer l's draw for step k (None for deterministic
        activations; ``act_noise`` None if no layer is stochastic), ``grad_noise``
        (K, P) or None. A step whose loss exceeds ``loss_limit`` stops the chunk before
        its update (BAD_LOSS). Returns (steps done, status, losses (done,), norms (done, L)).

        The kernel does no bounds checks, so the batch plan is checked here first.
        """
        net = self.net
        K = idx_start.size - 1
        L = len(net.blocks)
        _check_plan(idx, idx_start, self.X.shape[0])
        self._work(int(np.diff(idx_start).max()) if K else 1)
        noise_off = np.full((K, L), -1, dtype=np.int64)
        pieces, total = [], 0
        for k, row in enumerate(act_noise or ()):
            for l, draw in enumerate(row):
                if draw is not None:
                    noise_off[k, l] = total
                    pieces.append(draw.ravel())
                    total += draw.size
        noise = np.concatenate(pieces) if pieces else np.zeros(1)
        gnoise = grad_noise if grad_noise is not None else np.zeros((1, 1))
        code, (s0, s1, s2), scalars = optimizer.plan(net.params.size, K)
        out_loss = np.empty(K)
        out_norms = np.empty((K, L))
        done, status = _train_chunk(
            self.X, self.Yf, self.Yi, idx, idx_start, self.meta, net.params, net.grad,
            net.buffers, net.spec.bn_eps, net.spec.bn_momentum, noise, noise_off, gnoise,
            grad_noise is not None, code, s0, s1, s2, scalars, self.loss_code,
            float(loss_limit), self.work,
            self.work_off, self.prev, out_loss, out_norms)
        optimizer.advance(done)
        return done, status, out_loss[:done], out_norms[:done]


def _check_plan(idx: np.ndarray, idx_start: np.ndarray, n_rows: int) -> None:
    """Every index the kernel gathers lies inside the data (a bad one would read, or
    train on, memory past the end)."""
    if idx.dtype != np.int64 or idx_start.dtype != np.int64 or idx_start.size < 1:
        raise ValueError("batch plan must be int64 indices and start offsets")
    if idx_start[0] != 0 or idx_start[-1] != idx.size or np.any(np.diff(idx_start) < 1):
        raise ValueError("batch plan offsets must rise from 0 to the number of indices")
    if idx.size and (idx.min() < 0 or idx.max() >= n_rows):
        raise ValueError(f"batch plan holds a row index outside 0..{n_rows - 1}")


def _offset(base: np.ndarray, view: np.ndarray) -> int:
    """Start index of ``view`` inside the flat ``base`` (-1 for an empty view)."""
    if view.size == 0:
        return -1
    return (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // 8
