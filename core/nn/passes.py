"""The compiled layer loop: one forward and one backward pass over the layer plan.

These are the only loops over layers in the code base. ``Network.forward`` /
``Network.backward`` call them once per call (through ``forward_step`` /
``backward_step``), the fused training kernel (core.train.fused) once per step,
so the two paths run the very same compiled code in the same order and give the
same bits.

Per layer l (row-vector convention, batch of m rows, u_0 = x):

    z = u W + b,  [pre = BN(z)  else pre = z],  u_{l+1} = a = h(pre)  (hidden layers)
    output o = pre of the last layer (linear)

and backward, from g = dL/do:

    g_pre = g * h'(pre),  [g_z = BN backward(g_pre)],  dW = uᵀ g_z,  db = Σ_i g_z,
    g_u = g_z Wᵀ

The views a pass works on are built once (``weight_views``, ``forward_views``,
``backward_views``) and handed in: numba's reshape costs ~25 ns, which the fused
kernel would otherwise pay several times per layer and step. Where a layer lacks
an array (no bias, no PReLU slope, no noise), an empty slice or another view of
the right type stands in; the kernels never touch it, and no placeholder is
allocated per call.
"""

from __future__ import annotations

import numba

from core.nn import activations as act
from core.nn import layers
from core.nn.plan import (ACT, B, BETA, BN, GAMMA, INV_STD, N_IN, N_OUT, PRE, PRELU, RUN_MEAN,
                          RUN_VAR, W, XHAT, A, Z)

_JIT = dict(nogil=True, cache=True, error_model="numpy")


@numba.njit(**_JIT)
def view2d(buf, off, m, n):
    """The (m, n) row-major view of ``buf[off:off + m n]``."""
    return buf[off:off + m * n].reshape((m, n))


@numba.njit(**_JIT)
def weight_views(plan, vec):
    """Each layer's (n_in, n_out) weight matrix as a view into ``vec`` (params or grad)."""
    out = []
    for l in range(plan.shape[0]):
        out.append(view2d(vec, plan[l, W], plan[l, N_IN], plan[l, N_OUT]))
    return out


@numba.njit(**_JIT)
def forward_views(plan, work, work_off, m):
    """Per-layer views of the forward intermediates of a batch of ``m`` rows.

    Returns lists (Z, XH, PRE, A) of (m, n_out) arrays and INV of (n_out,) arrays
    (see ``core.nn.plan.work_layout``). Absent ones alias a present one: XH -> z and
    PRE -> z without BN, A -> PRE for the output layer, INV -> an empty slice.
    """
    zs = []
    xhs = []
    pres = []
    acts = []
    invs = []
    for l in range(plan.shape[0]):
        n = plan[l, N_OUT]
        z = view2d(work, work_off[l, Z], m, n)
        has_bn = plan[l, BN] != 0
        pre = view2d(work, work_off[l, PRE], m, n) if has_bn else z
        zs.append(z)
        xhs.append(view2d(work, work_off[l, XHAT], m, n) if has_bn else z)
        pres.append(pre)
        acts.append(view2d(work, work_off[l, A], m, n) if work_off[l, A] >= 0 else pre)
        o = work_off[l, INV_STD]
        invs.append(work[o:o + n] if has_bn else work[:0])
    return zs, xhs, pres, acts, invs


@numba.njit(**_JIT)
def backward_views(plan, scratch, m):
    """Views into the four rows of ``scratch`` (see ``core.nn.plan.grad_scratch``).

    Returns (GA, GP, GZ, g_out): GA[l] = dL/d(input of l) (m, n_in) in row l % 2,
    GP[l] = dL/d(pre) and GZ[l] = dL/dz (m, n_out) in rows 2 and 3, and g_out
    (m, n_out of the last layer) in row L % 2, which the last layer's GA never uses.
    """
    n_layers = plan.shape[0]
    ga = []
    gp = []
    gz = []
    for l in range(n_layers):
        ga.append(view2d(scratch[l % 2], 0, m, plan[l, N_IN]))
        gp.append(view2d(scratch[2], 0, m, plan[l, N_OUT]))
        gz.append(view2d(scratch[3], 0, m, plan[l, N_OUT]))
    g_out = view2d(scratch[n_layers % 2], 0, m, plan[n_layers - 1, N_OUT])
    return ga, gp, gz, g_out


@numba.njit(**_JIT)
def forward_pass(plan, params, buffers, Ws, x, fwd, noise, noise_off, training,
                 update_stats, bn_eps, bn_momentum):
    """Run the network on ``x``; returns the output (a view of ``fwd``'s PRE).

    Parameters
    ----------
    plan : numpy.ndarray
        The layer plan (layers, ``plan.N_COLUMNS``) int64 (``core.nn.plan``).
    params : numpy.ndarray
        The flat parameter vector the plan's offsets point into.
    buffers : numpy.ndarray
        The flat BN running statistics; updated in training when ``update_stats``.
    Ws : list of numpy.ndarray
        ``weight_views(plan, params)``.
    x : numpy.ndarray
        The input batch (m, n_in of layer 0), C-contiguous.
    fwd : tuple of lists of numpy.ndarray
        ``forward_views`` for m rows; filled with z, xhat, pre, a and 1/std.
    noise : numpy.ndarray
        The flat activation noise of this pass (``plan.pack_noise``).
    noise_off : numpy.ndarray
        Per layer, the offset of its (m, n_out) draw in ``noise``, or -1.
    training : bool
        Batch statistics for BN (else the running ones).
    update_stats : bool
        In training, update the running statistics (else they stay as they are).
    bn_eps, bn_momentum : float
        BN's ε in sqrt(var + ε) and the running averages' momentum.

    Returns
    -------
    out : numpy.ndarray
        The (m, n_out) output of the last layer (linear: logits for the losses).
    """
    zs, xhs, pres, acts, invs = fwd
    m = x.shape[0]
    u = x
    for l in range(plan.shape[0]):
        n = plan[l, N_OUT]
        b0 = plan[l, B]
        layers._dense_forward(u, Ws[l], params[b0:b0 + n] if b0 >= 0 else params[:0],
                              b0 >= 0, zs[l])
        if plan[l, BN]:
            g0, e0 = plan[l, GAMMA], plan[l, BETA]
            rm = buffers[plan[l, RUN_MEAN]:plan[l, RUN_MEAN] + n]
            rv = buffers[plan[l, RUN_VAR]:plan[l, RUN_VAR] + n]
            if not training:
                layers._bn_forward_eval(zs[l], params[g0:g0 + n], params[e0:e0 + n], bn_eps,
                                        rm, rv, xhs[l], pres[l], invs[l])
            else:
                if not update_stats:  # the kernel writes them: give it copies
                    rm = rm.copy()
                    rv = rv.copy()
                layers._bn_forward_train(zs[l], params[g0:g0 + n], params[e0:e0 + n],
                                         bn_eps, bn_momentum, xhs[l], pres[l], invs[l], rm, rv)
        if plan[l, ACT] >= 0:
            p0 = plan[l, PRELU]
            slope = params[p0:p0 + n] if p0 >= 0 else params[:0]
            # a layer without a draw gets its own PRE as a stand-in: never read
            nz = view2d(noise, noise_off[l], m, n) if noise_off[l] >= 0 else pres[l]
            act._forward(plan[l, ACT], pres[l], acts[l], slope, nz)
            u = acts[l]
        else:
            u = pres[l]
    return u


@numba.njit(**_JIT)
def backward_pass(plan, params, grad, Ws, gWs, x, fwd, bwd, noise, noise_off, training,
                  g_out):
    """Fill ``grad`` with dL/dparams from dL/d(output) ``g_out`` of the last forward.

    Parameters
    ----------
    plan, params : numpy.ndarray
        As for ``forward_pass``, which must have run on ``x`` with these parameters.
    grad : numpy.ndarray
        The flat gradient, same layout as ``params``; every entry is overwritten.
    Ws, gWs : list of numpy.ndarray
        ``weight_views`` of params and of grad.
    x : numpy.ndarray
        The input of that forward pass (m, n_in of layer 0).
    fwd : tuple of lists of numpy.ndarray
        The views the forward pass filled.
    bwd : tuple of lists of numpy.ndarray
        (GA, GP, GZ) of ``backward_views`` for m rows: the scratch of this pass.
    noise, noise_off : numpy.ndarray
        The activation noise the forward pass used.
    training : bool
        BN backward through the batch statistics (else they are constants).
    g_out : numpy.ndarray
        dL/d(output) (m, n_out of the last layer); must not alias the last layer's GA.
    """
    zs, xhs, pres, acts, invs = fwd
    ga, gp, gz = bwd
    m = x.shape[0]
    g = g_out
    for l in range(plan.shape[0] - 1, -1, -1):
        n = plan[l, N_OUT]
        if plan[l, ACT] >= 0:
            p0 = plan[l, PRELU]
            slope = params[p0:p0 + n] if p0 >= 0 else params[:0]
            gslope = grad[p0:p0 + n] if p0 >= 0 else grad[:0]
            nz = view2d(noise, noise_off[l], m, n) if noise_off[l] >= 0 else pres[l]
            act._backward(plan[l, ACT], pres[l], acts[l], slope, nz, g, gp[l], gslope)
            g = gp[l]
        if plan[l, BN]:
            g0, e0 = plan[l, GAMMA], plan[l, BETA]
            layers._bn_backward(g, xhs[l], params[g0:g0 + n], invs[l], training, gz[l],
                                grad[g0:g0 + n], grad[e0:e0 + n])
            g = gz[l]
        u = x if l == 0 else acts[l - 1]
        b0 = plan[l, B]
        # dL/du goes to the row the layer above did not use (l % 2 alternates); layer 0
        # needs none, and its GA only stands in
        layers._dense_backward(u, Ws[l], g, b0 >= 0, gWs[l],
                               grad[b0:b0 + n] if b0 >= 0 else grad[:0], ga[l], l > 0)
        g = ga[l]


@numba.njit(**_JIT)
def forward_step(plan, params, buffers, x, work, work_off, noise, noise_off, training,
                 update_stats, bn_eps, bn_momentum):
    """``forward_pass`` on ``x`` with fresh views of ``work`` (``work_layout`` for m
    rows): the step path's one call per forward."""
    fwd = forward_views(plan, work, work_off, x.shape[0])
    return forward_pass(plan, params, buffers, weight_views(plan, params), x, fwd, noise,
                        noise_off, training, update_stats, bn_eps, bn_momentum)


@numba.njit(**_JIT)
def backward_step(plan, params, grad, x, work, work_off, scratch, noise, noise_off,
                  training, g_out):
    """``backward_pass`` after ``forward_step`` on the same ``x`` and ``work``;
    ``scratch`` is ``grad_scratch`` for m rows."""
    m = x.shape[0]
    ga, gp, gz, _ = backward_views(plan, scratch, m)
    backward_pass(plan, params, grad, weight_views(plan, params), weight_views(plan, grad),
                  x, forward_views(plan, work, work_off, m), (ga, gp, gz), noise, noise_off,
                  training, g_out)
