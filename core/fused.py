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

from core import activations as act
from core import layers, losses
from core.network import Network
from core.optimizers import apply_update

LOSS_CODES = {"mse": 0, "bce_logits": 1, "softmax_ce": 2}
OK, BAD_GRADIENT, BAD_WEIGHTS = 0, 1, 2

# Columns of the per-layer table handed to the kernel.
N_IN, N_OUT, ACT, BN, W, B, GAMMA, BETA, PRELU, RUN, START, STOP = range(12)


@numba.njit(nogil=True, cache=True)
def _view(buf, off, m, n):
    return buf[off:off + m * n].reshape((m, n))


@numba.njit(nogil=True, cache=True)
def _train_chunk(X, Yf, Yi, idx, idx_start, meta, params, grad, buffers, bn_eps, bn_mom,
                 noise, noise_off, gnoise, use_gnoise, opt_code, s0, s1, s2, scalars,
                 loss_code, work, work_off, prev, out_loss, out_norms):
    n_steps = idx_start.shape[0] - 1
    n_layers = meta.shape[0]
    d = X.shape[1]
    k_out = Yf.shape[1]
    dummy1 = np.zeros(1)
    dummy2 = np.zeros((1, 1))
    norms = np.zeros(n_layers)
    max_m = 0
    max_w = d
    for l in range(n_layers):
        max_w = max(max_w, meta[l, N_OUT])
    for k in range(n_steps):
        max_m = max(max_m, idx_start[k + 1] - idx_start[k])
    xb_buf = np.empty(max_m * d)
    yf_buf = np.empty(max_m * k_out)
    yi = np.empty(max_m, dtype=np.int64)
    ga_buf = np.empty(max_m * max_w)
    gp_buf = np.empty(max_m * max_w)
    gz_buf = np.empty(max_m * max_w)
    gu_buf = np.empty(max_m * max_w)
    for k in range(n_steps):
        m = idx_start[k + 1] - idx_start[k]
        xb = _view(xb_buf, 0, m, d)
        yb = _view(yf_buf, 0, m, k_out)
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
            n_in, n_out = meta[l, N_IN], meta[l, N_OUT]
            Wl = params[meta[l, W]:meta[l, W] + n_in * n_out].reshape((n_in, n_out))
            has_b = meta[l, B] >= 0
            bl = params[meta[l, B]:meta[l, B] + n_out] if has_b else dummy1
            z = _view(work, work_off[l, 0], m, n_out)
            layers._dense_forward(u, Wl, bl, has_b, z)
            pre = z
            if meta[l, BN]:
                g0 = meta[l, GAMMA]
                b0 = meta[l, BETA]
                r0 = meta[l, RUN]
                xhat = _view(work, work_off[l, 1], m, n_out)
                pre = _view(work, work_off[l, 2], m, n_out)
                inv_std = work[work_off[l, 4]:work_off[l, 4] + n_out]
                layers._bn_forward_train(z, params[g0:g0 + n_out], params[b0:b0 + n_out],
                                         bn_eps, bn_mom, xhat, pre, inv_std,
                                         buffers[r0:r0 + n_out],
                                         buffers[r0 + n_out:r0 + 2 * n_out])
            if meta[l, ACT] >= 0:
                a = _view(work, work_off[l, 3], m, n_out)
                beta = (params[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                        else dummy1)
                nz = (_view(noise, noise_off[k, l], m, n_out) if noise_off[k, l] >= 0
                      else dummy2)
                act._forward(meta[l, ACT], pre, a, beta, nz)
                u = a
            else:
                u = pre
        # loss on the output u
        g = _view(ga_buf, 0, m, meta[n_layers - 1, N_OUT])
        if loss_code == 0:
            loss = losses._mse(u, yb, g)
        elif loss_code == 1:
            loss = losses._bce_logits(u, yb, g)
        else:
            loss = losses._softmax_ce(u, yi[:m], g)
        # backward
        for l in range(n_layers - 1, -1, -1):
            n_in, n_out = meta[l, N_IN], meta[l, N_OUT]
            pre = (_view(work, work_off[l, 2], m, n_out) if meta[l, BN]
                   else _view(work, work_off[l, 0], m, n_out))
            if meta[l, ACT] >= 0:
                a = _view(work, work_off[l, 3], m, n_out)
                beta = (params[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                        else dummy1)
                gbeta = (grad[meta[l, PRELU]:meta[l, PRELU] + n_out] if meta[l, PRELU] >= 0
                         else np.zeros(1))
                nz = (_view(noise, noise_off[k, l], m, n_out) if noise_off[k, l] >= 0
                      else dummy2)
                gp = _view(gp_buf, 0, m, n_out)
                act._backward(meta[l, ACT], pre, a, beta, nz, g, gp, gbeta)
                g = gp
            if meta[l, BN]:
                g0 = meta[l, GAMMA]
                b0 = meta[l, BETA]
                xhat = _view(work, work_off[l, 1], m, n_out)
                inv_std = work[work_off[l, 4]:work_off[l, 4] + n_out]
                gz = _view(gz_buf, 0, m, n_out)
                layers._bn_backward(g, xhat, params[g0:g0 + n_out], inv_std, True, gz,
                                    grad[g0:g0 + n_out], grad[b0:b0 + n_out])
                g = gz
            u = xb if l == 0 else _view(work, work_off[l - 1, 3], m, n_in)
            Wl = params[meta[l, W]:meta[l, W] + n_in * n_out].reshape((n_in, n_out))
            gW = grad[meta[l, W]:meta[l, W] + n_in * n_out].reshape((n_in, n_out))
            has_b = meta[l, B] >= 0
            gb = grad[meta[l, B]:meta[l, B] + n_out] if has_b else np.zeros(1)
            need_x = l > 0
            gu = _view(gu_buf, 0, m, n_in) if need_x else dummy2
            layers._dense_backward(u, Wl, g, has_b, gW, gb, gu, need_x)
            if need_x:
                # the next layer down reads gu as its dL/da: swap the buffers
                ga_buf, gu_buf = gu_buf, ga_buf
                g = _view(ga_buf, 0, m, n_in)
        layers.layer_norms(grad, meta[:, START], meta[:, STOP], norms)
        finite = np.isfinite(loss)
        for l in range(n_layers):
            finite = finite and np.isfinite(norms[l])
        if not finite:
            return k, BAD_GRADIENT
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

    def run(self, batches: list[np.ndarray], act_noise: list[list[np.ndarray | None]],
            grad_noise: np.ndarray | None, optimizer) -> tuple[int, int, np.ndarray, np.ndarray]:
        """Train one step per batch. ``act_noise[k][l]`` is layer l's draw for step k
        (None for deterministic activations), ``grad_noise`` (K, P) or None.
        Returns (steps done, status, losses (done,), norms (done, layers))."""
        net = self.net
        K = len(batches)
        L = len(net.blocks)
        idx_start = np.zeros(K + 1, dtype=np.int64)
        np.cumsum([b.size for b in batches], out=idx_start[1:])
        idx = np.concatenate(batches).astype(np.int64, copy=False) if K else np.zeros(0, np.int64)
        self._work(int(max(b.size for b in batches)) if K else 1)
        noise_off = np.full((K, L), -1, dtype=np.int64)
        pieces, total = [], 0
        for k in range(K):
            for l, draw in enumerate(act_noise[k] if act_noise else ()):
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
            grad_noise is not None, code, s0, s1, s2, scalars, self.loss_code, self.work,
            self.work_off, self.prev, out_loss, out_norms)
        optimizer.advance(done)
        return done, status, out_loss[:done], out_norms[:done]


def _offset(base: np.ndarray, view: np.ndarray) -> int:
    """Start index of ``view`` inside the flat ``base`` (-1 for an empty view)."""
    if view.size == 0:
        return -1
    return (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // 8
