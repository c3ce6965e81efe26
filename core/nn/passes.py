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

The arrays a pass works on come as one *view table*, a list of 2-D views built
once per batch size by ``views``: slot s of layer l is ``V[s * L + l]`` (L
layers), plus the input x and dL/d(output) at the end.

Why so, measured on benchmarks/bench.py's small workload (a): numba increfs every
array or list argument when a compiled function is entered and decrefs it on
return (two atomic operations each), and the fused kernel calls these passes
every step. With one list per kind of view the passes cost 5% of the speed; one
table leaves 3%, and inlining the two passes into their callers
(``inline="always"``) half of that. Views at all, because numba's reshape costs
~25 ns, which the kernel would otherwise pay several times per layer and step.
Where a layer lacks an array (no bias, no PReLU slope, no noise draw), an empty
slice or another view of the right type stands in; the kernels never touch it,
and nothing is allocated per call.
"""

from __future__ import annotations

import numba

from core.nn import activations as act
from core.nn import layers
from core.nn.plan import (
    ACT,
    BETA,
    BN,
    GAMMA,
    INV_STD,
    N_IN,
    N_OUT,
    PRE,
    PRELU,
    RUN_MEAN,
    RUN_VAR,
    XHAT,
    A,
    B,
    W,
    Z,
)

_JIT = dict(nogil=True, cache=True, error_model="numpy")

# Slots of the view table, each holding one view per layer.
V_Z, V_XHAT, V_PRE, V_A, V_INV, V_GA, V_GPRE, V_GZ, V_W, V_GW = range(10)
N_SLOTS = 10  # then V[N_SLOTS * L] = x, V[N_SLOTS * L + 1] = dL/d(output)


@numba.njit(**_JIT)
def view2d(buf, off, m, n):
    """The (m, n) row-major view of ``buf[off:off + m n]``."""
    return buf[off:off + m * n].reshape((m, n))


@numba.njit(**_JIT)
def views(plan, params, grad, work, work_off, scratch, x, g_out):
    """The view table of a batch of m = x.shape[0] rows (see the module docstring).

    Per layer l (n = n_out): Z, XHAT, PRE, A (m, n) and INV (1, n) in ``work`` as
    laid out by ``plan.work_layout``; GA[l] = dL/d(input of l) (m, n_in) in row
    l % 2 of ``scratch`` (``plan.grad_scratch``; rows alternate so that a layer never
    writes the row it reads), GPRE and GZ (m, n) in rows 2 and 3; W and GW the
    (n_in, n) weights in params and grad. PRE is Z without BN, A is PRE for the
    output layer, and a view no pass reads (XHAT, INV, GZ without BN, GA of layer 0,
    the gradient views without scratch: ``scratch.shape[1] == 0``, a forward pass
    only) is Z again.
    ``g_out``: dL/d(output), (m, n of the last layer); for the fused kernel row
    L % 2 of scratch, which the last layer's GA does not use.
    """
    L = plan.shape[0]
    m = x.shape[0]
    grads = scratch.shape[1] > 0
    v = []
    for s in range(N_SLOTS):
        for l in range(L):
            n, n_in = plan[l, N_OUT], plan[l, N_IN]
            bn = plan[l, BN] != 0
            hidden = plan[l, ACT] >= 0
            # a view no pass reads is the layer's Z again: no reshape for it
            unused = ((s in (V_XHAT, V_PRE, V_INV, V_GZ) and not bn)
                      or (s in (V_A, V_GPRE) and not hidden) or (s == V_GA and l == 0)
                      or (s in (V_GA, V_GPRE, V_GZ, V_GW) and not grads))
            if s == V_Z:
                v.append(view2d(work, work_off[l, Z], m, n))
            elif s == V_PRE and not bn:
                v.append(v[l])  # PRE is Z itself
            elif s == V_A and not hidden:
                v.append(v[V_PRE * L + l])  # the output layer's output is its PRE
            elif unused:
                v.append(v[l])
            elif s == V_XHAT:
                v.append(view2d(work, work_off[l, XHAT], m, n))
            elif s == V_PRE:
                v.append(view2d(work, work_off[l, PRE], m, n))
            elif s == V_A:
                v.append(view2d(work, work_off[l, A], m, n))
            elif s == V_INV:
                v.append(view2d(work, work_off[l, INV_STD], 1, n))
            elif s == V_GA:
                v.append(view2d(scratch[l % 2], 0, m, n_in))
            elif s == V_GPRE:
                v.append(view2d(scratch[2], 0, m, n))
            elif s == V_GZ:
                v.append(view2d(scratch[3], 0, m, n))
            elif s == V_W:
                v.append(view2d(params, plan[l, W], n_in, n))
            else:
                v.append(view2d(grad, plan[l, W], n_in, n))
    v.append(x)
    v.append(g_out)
    return v


@numba.njit(inline="always", **_JIT)
def forward_pass(plan, params, buffers, V, noise, noise_off, training, update_stats,
                 bn_eps, bn_momentum):
    """Run the network on the table's input x; returns the output (a view in ``V``).

    Parameters
    ----------
    plan : numpy.ndarray
        The layer plan (layers, ``plan.N_COLUMNS``) int64 (``core.nn.plan``).
    params : numpy.ndarray
        The flat parameter vector the plan's offsets point into.
    buffers : numpy.ndarray
        The flat BN running statistics; updated in training when ``update_stats``.
    V : list of numpy.ndarray
        The view table of ``views`` for this batch; its Z, XHAT, PRE, A and INV
        views are filled.
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
    L = plan.shape[0]
    u = V[N_SLOTS * L]
    m = u.shape[0]
    for l in range(L):
        n = plan[l, N_OUT]
        b0 = plan[l, B]
        z = V[V_Z * L + l]
        pre = V[V_PRE * L + l]  # each table entry read once: a read costs a refcount
        layers._dense_forward(u, V[V_W * L + l], params[b0:b0 + n] if b0 >= 0 else params[:0],
                              b0 >= 0, z)
        if plan[l, BN]:
            gamma = params[plan[l, GAMMA]:plan[l, GAMMA] + n]
            beta = params[plan[l, BETA]:plan[l, BETA] + n]
            rm = buffers[plan[l, RUN_MEAN]:plan[l, RUN_MEAN] + n]
            rv = buffers[plan[l, RUN_VAR]:plan[l, RUN_VAR] + n]
            xhat = V[V_XHAT * L + l]
            inv_std = V[V_INV * L + l][0]
            if not training:
                layers._bn_forward_eval(z, gamma, beta, bn_eps, rm, rv, xhat, pre, inv_std)
            else:
                if not update_stats:  # the kernel writes them: give it copies
                    rm = rm.copy()
                    rv = rv.copy()
                layers._bn_forward_train(z, gamma, beta, bn_eps, bn_momentum, xhat, pre,
                                         inv_std, rm, rv)
        if plan[l, ACT] >= 0:
            p0 = plan[l, PRELU]
            slope = params[p0:p0 + n] if p0 >= 0 else params[:0]
            # a layer without a draw gets its own PRE as a stand-in: never read
            nz = view2d(noise, noise_off[l], m, n) if noise_off[l] >= 0 else pre
            u = V[V_A * L + l]
            act._forward(plan[l, ACT], pre, u, slope, nz)
        else:
            u = pre
    return u


@numba.njit(inline="always", **_JIT)
def backward_pass(plan, params, grad, V, noise, noise_off, training):
    """Fill ``grad`` with dL/dparams from the table's dL/d(output), after
    ``forward_pass`` on the same table with the same parameters.

    Parameters
    ----------
    plan, params : numpy.ndarray
        As for ``forward_pass``.
    grad : numpy.ndarray
        The flat gradient, same layout as ``params``; every entry is overwritten.
    V : list of numpy.ndarray
        The view table the forward pass filled, with scratch for its GA, GPRE and
        GZ views and dL/d(output) in its last entry (not aliasing the last GA).
    noise, noise_off : numpy.ndarray
        The activation noise the forward pass used.
    training : bool
        BN backward through the batch statistics (else they are constants).
    """
    L = plan.shape[0]
    x = V[N_SLOTS * L]
    g = V[N_SLOTS * L + 1]
    m = x.shape[0]
    for l in range(L - 1, -1, -1):
        n = plan[l, N_OUT]
        if plan[l, ACT] >= 0:
            p0 = plan[l, PRELU]
            slope = params[p0:p0 + n] if p0 >= 0 else params[:0]
            gslope = grad[p0:p0 + n] if p0 >= 0 else grad[:0]
            pre = V[V_PRE * L + l]
            nz = view2d(noise, noise_off[l], m, n) if noise_off[l] >= 0 else pre
            g_pre = V[V_GPRE * L + l]
            act._backward(plan[l, ACT], pre, V[V_A * L + l], slope, nz, g, g_pre, gslope)
            g = g_pre
        if plan[l, BN]:
            g0, e0 = plan[l, GAMMA], plan[l, BETA]
            g_z = V[V_GZ * L + l]
            layers._bn_backward(g, V[V_XHAT * L + l], params[g0:g0 + n], V[V_INV * L + l][0],
                                training, g_z, grad[g0:g0 + n], grad[e0:e0 + n])
            g = g_z
        u = x if l == 0 else V[V_A * L + l - 1]
        b0 = plan[l, B]
        # dL/du goes to the row the layer above did not read; layer 0 needs none, and
        # its GA only stands in
        g_u = V[V_GA * L + l]
        layers._dense_backward(u, V[V_W * L + l], g, b0 >= 0, V[V_GW * L + l],
                               grad[b0:b0 + n] if b0 >= 0 else grad[:0], g_u, l > 0)
        g = g_u


@numba.njit(**_JIT)
def forward_step(plan, params, buffers, x, work, work_off, noise, noise_off, training,
                 update_stats, bn_eps, bn_momentum):
    """``forward_pass`` on ``x`` with views of ``work`` (``work_layout`` for m rows):
    the step path's one call per forward."""
    V = views(plan, params, params, work, work_off, work[:0].reshape((1, 0)), x, x)
    return forward_pass(plan, params, buffers, V, noise, noise_off, training, update_stats,
                        bn_eps, bn_momentum)


@numba.njit(**_JIT)
def backward_step(plan, params, grad, x, work, work_off, scratch, noise, noise_off,
                  training, g_out):
    """``backward_pass`` after ``forward_step`` on the same ``x`` and ``work``;
    ``scratch`` is ``grad_scratch`` for m rows, ``g_out`` dL/d(output)."""
    V = views(plan, params, grad, work, work_off, scratch, x, g_out)
    backward_pass(plan, params, grad, V, noise, noise_off, training)
