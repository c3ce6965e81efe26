"""Dense and batch-normalization kernels (forward and exact backward).

Kernels are private numba functions that write into preallocated outputs; the
network orchestrates them. Small layers are faster as explicit loops (no BLAS
call overhead); large ones go through BLAS (numba's ``np.dot`` uses scipy's).
"""

from __future__ import annotations

import numba
import numpy as np

# Multiply-adds per product above which BLAS beats explicit loops.
BLAS_THRESHOLD = 32 * 64 * 64


# The explicit loops below pick, per shape, the loop order whose innermost loop is
# long and contiguous (so that LLVM vectorizes it), while every output element still
# accumulates its products in one fixed order (ascending k for z and dX, ascending i
# for dW and db), starting from 0.0: the result is the same bits whichever order of
# loops serves it, and numba's strict (non-fastmath) floating point is kept.
SHORT = 4  # an output row narrower than this is summed as a scalar dot product


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _dense_forward(x, w, b, use_bias, z):
    """z = x W + b.   x (m, n_in), W (n_in, n_out), b (n_out,)."""
    m, n_in = x.shape
    n_out = w.shape[1]
    if m * n_in * n_out >= BLAS_THRESHOLD:
        np.dot(x, w, z)
        if use_bias:
            for i in range(m):
                for j in range(n_out):
                    z[i, j] += b[j]
        return
    if n_out < SHORT:  # a narrow output (e.g. the last layer): a dot product per entry
        for i in range(m):
            for j in range(n_out):
                s = 0.0
                for k in range(n_in):
                    s += x[i, k] * w[k, j]
                z[i, j] = s + b[j] if use_bias else s
        return
    for i in range(m):  # a row at a time, vectorized along the output units
        for j in range(n_out):
            z[i, j] = 0.0
        for k in range(n_in):
            xik = x[i, k]
            for j in range(n_out):
                z[i, j] += xik * w[k, j]
        if use_bias:
            for j in range(n_out):
                z[i, j] += b[j]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _dense_backward(x, w, grad_z, use_bias, grad_w, grad_b, grad_x, need_grad_x):
    """dL/dW = xᵀ g,  dL/db = Σ_i g_i,  dL/dx = g Wᵀ   (g = dL/dz)."""
    m, n_in = x.shape
    n_out = w.shape[1]
    big = m * n_in * n_out >= BLAS_THRESHOLD
    if big:
        np.dot(x.T, grad_z, grad_w)
    else:
        _weight_grad(x, grad_z, grad_w)
    if use_bias:
        for j in range(n_out):
            grad_b[j] = 0.0
        for i in range(m):
            for j in range(n_out):
                grad_b[j] += grad_z[i, j]
    if need_grad_x:
        if big:
            np.dot(grad_z, w.T, grad_x)
        else:
            _input_grad(w, grad_z, grad_x)


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def _weight_grad(x, g, gw):
    """gw = xᵀ g by explicit loops, each entry summed over ascending i."""
    m, n_in = x.shape
    n_out = g.shape[1]
    for k in range(n_in):
        for j in range(n_out):
            gw[k, j] = 0.0
    if n_out == 1:  # one output: vectorized along the inputs instead
        for i in range(m):
            gi = g[i, 0]
            for k in range(n_in):
                gw[k, 0] += x[i, k] * gi
        return
    for i in range(m):
        for k in range(n_in):
            xik = x[i, k]
            for j in range(n_out):
                gw[k, j] += xik * g[i, j]


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def _input_grad(w, g, gx):
    """gx = g Wᵀ by explicit loops, each entry summed over ascending j: through a
    transposed copy of W, so that the innermost loop runs along gx's contiguous row."""
    m, n_in = gx.shape
    n_out = w.shape[1]
    if n_in < SHORT:
        for i in range(m):
            for k in range(n_in):
                s = 0.0
                for j in range(n_out):
                    s += g[i, j] * w[k, j]
                gx[i, k] = s
        return
    wt = np.empty((n_out, n_in))
    for k in range(n_in):
        for j in range(n_out):
            wt[j, k] = w[k, j]
    for i in range(m):
        for k in range(n_in):
            gx[i, k] = 0.0
        for j in range(n_out):
            gij = g[i, j]
            for k in range(n_in):
                gx[i, k] += gij * wt[j, k]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _bn_forward_train(z, gamma, beta, eps, momentum, xhat, y, inv_std, run_mean, run_var):
    """Batch statistics (Ioffe & Szegedy 2015):
        mu = 1/m Σ z_i,  var = 1/m Σ (z_i - mu)^2,  xhat = (z - mu)/sqrt(var + eps),
        y = gamma xhat + beta.
    Running averages: r <- (1 - momentum) r + momentum * stat, with the unbiased
    variance m/(m-1) var for the running one (as PyTorch)."""
    m, n = z.shape
    for j in range(n):
        mu = 0.0
        for i in range(m):
            mu += z[i, j]
        mu /= m
        var = 0.0
        for i in range(m):
            d = z[i, j] - mu
            var += d * d
        var /= m
        s = 1.0 / np.sqrt(var + eps)
        inv_std[j] = s
        for i in range(m):
            xh = (z[i, j] - mu) * s
            xhat[i, j] = xh
            y[i, j] = gamma[j] * xh + beta[j]
        run_mean[j] = (1.0 - momentum) * run_mean[j] + momentum * mu
        run_var[j] = (1.0 - momentum) * run_var[j] + momentum * var * m / (m - 1)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _bn_forward_eval(z, gamma, beta, eps, run_mean, run_var, xhat, y, inv_std):
    """y = gamma (z - running_mean)/sqrt(running_var + eps) + beta."""
    m, n = z.shape
    for j in range(n):
        s = 1.0 / np.sqrt(run_var[j] + eps)
        inv_std[j] = s
        for i in range(m):
            xh = (z[i, j] - run_mean[j]) * s
            xhat[i, j] = xh
            y[i, j] = gamma[j] * xh + beta[j]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _bn_backward(grad_y, xhat, gamma, inv_std, training, grad_z, grad_gamma, grad_beta):
    """Exact backward pass of batch normalization.

    dgamma = Σ_i g_i xhat_i,  dbeta = Σ_i g_i,  dxhat = g gamma, and in training
        dz_i = inv_std / m * (m dxhat_i - Σ_k dxhat_k - xhat_i Σ_k dxhat_k xhat_k).
    The slide writes (m - 1) in dL/dmu and dL/dx_i; with the 1/m variance used in
    the forward pass the factor is m (Ioffe & Szegedy 2015, Alg. 1 and §3).
    At evaluation the statistics are constants: dz = dxhat * inv_std.
    """
    m, n = grad_y.shape
    for j in range(n):
        sg = 0.0
        sgx = 0.0
        for i in range(m):
            sg += grad_y[i, j]
            sgx += grad_y[i, j] * xhat[i, j]
        grad_gamma[j] = sgx
        grad_beta[j] = sg
        gj = gamma[j]
        s = inv_std[j]
        if training:
            for i in range(m):
                grad_z[i, j] = gj * s / m * (m * grad_y[i, j] - sg - xhat[i, j] * sgx)
        else:
            for i in range(m):
                grad_z[i, j] = gj * s * grad_y[i, j]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def layer_norms(grad, starts, stops, out):
    """out[l] = ||grad[starts[l]:stops[l]]||_2, summed in index order (one summation
    order for every caller, so the metric is the same bits on every path)."""
    for l in range(starts.shape[0]):
        s = 0.0
        for i in range(starts[l], stops[l]):
            s += grad[i] * grad[i]
        out[l] = np.sqrt(s)
