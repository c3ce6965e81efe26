"""The contenders of bench.py. Each ``contender_X(w, tmp)`` builds its model for
workload ``w`` and returns ``run(n)`` that trains n more steps; ``run.step_multiple``
(when set) says that blocks must be a multiple of that many steps (a compiled chunk).

Every contender does the same work per step: the next mini-batch, forward, MSE,
backward, the gradient norm of every layer, a finiteness check, an Adam update,
and the loss and norms recorded (scikit-learn records the loss of its epoch only).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from workloads import (
    BETA1,
    BETA2,
    CORE_CHUNK,
    EPS,
    HISTORY,
    LR,
    N_TRAIN,
    EpochBatches,
    Workload,
    core_config,
    make_data,
    xavier_params,
)

# ---------------------------------------------------------------------------------------
# Contenders: each returns run(n) that trains n more steps
# ---------------------------------------------------------------------------------------

def contender_core(w: Workload, tmp: Path, eval_every: int | None = None
                   ) -> Callable[[int], None]:
    """The project's core through its public API: Trainer(parse_config(...)).run(k)."""
    from core import Trainer, parse_config

    cfg = core_config(w, tmp)
    if eval_every is not None:
        cfg["training"]["eval_every"] = eval_every
    trainer = Trainer(parse_config(cfg))
    n_train = trainer.data.train.X.shape[0]
    if n_train != N_TRAIN or trainer.y_train.shape[1] != w.n_out:
        print(f"  note: core trains on {n_train} examples with {trainer.y_train.shape[1]} "
              f"outputs (expected {N_TRAIN} and {w.n_out})")

    def run(n: int) -> None:
        done = 0
        while done < n:
            k = trainer.run(min(CORE_CHUNK, n - done))
            if k == 0:
                raise RuntimeError(f"core stopped training: {trainer.status} {trainer.message}")
            done += k

    return run


def contender_numpy(w: Workload, tmp: Path) -> Callable[[int], None]:
    """A straightforward NumPy MLP: per-layer arrays, X @ W + b, tanh, MSE, Adam."""
    X, Y = make_data(w)
    batches = EpochBatches(X[:N_TRAIN], Y[:N_TRAIN], w.batch)
    params = [p.copy() for layer in xavier_params(w.sizes) for p in layer]  # W0, b0, W1, ...
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    n_layers = len(w.sizes) - 1
    loss_hist, norm_hist = np.empty(HISTORY), np.empty((HISTORY, n_layers))
    t = 0

    def step() -> None:
        nonlocal t
        xb, yb = batches.next()
        Ws, bs = params[0::2], params[1::2]
        acts = [xb]  # input of each layer
        for W, b in zip(Ws[:-1], bs[:-1], strict=True):
            acts.append(np.tanh(acts[-1] @ W + b))
        diff = acts[-1] @ Ws[-1] + bs[-1] - yb
        loss = np.mean(diff * diff)  # mean over batch and outputs
        g = diff * (2.0 / diff.size)  # dL/d(output)
        grads = [None] * len(params)
        for i in range(n_layers - 1, -1, -1):
            grads[2 * i] = acts[i].T @ g
            grads[2 * i + 1] = g.sum(axis=0)
            if i:
                g = (g @ Ws[i].T) * (1.0 - acts[i] * acts[i])  # tanh' = 1 - tanh^2
        norms = np.array([math.sqrt(np.sum(gw * gw) + np.sum(gb * gb))
                          for gw, gb in zip(grads[0::2], grads[1::2], strict=True)])
        if not (np.isfinite(loss) and np.all(np.isfinite(norms))):
            raise FloatingPointError("numpy contender diverged")
        t += 1
        bc1, bc2 = 1.0 - BETA1 ** t, 1.0 - BETA2 ** t
        for p, gr, mi, vi in zip(params, grads, m, v, strict=True):
            mi *= BETA1
            mi += (1.0 - BETA1) * gr
            vi *= BETA2
            vi += (1.0 - BETA2) * gr * gr
            p -= LR * (mi / bc1) / (np.sqrt(vi / bc2) + EPS)
        loss_hist[t % HISTORY] = loss
        norm_hist[t % HISTORY] = norms

    def run(n: int) -> None:
        for _ in range(n):
            step()

    return run


def contender_torch(w: Workload, tmp: Path) -> Callable[[int], None]:
    """PyTorch eager, CPU, float64, one thread: Sequential(Linear, Tanh, ...), MSELoss, Adam."""
    import torch
    from torch import nn

    X, Y = make_data(w)
    batches = EpochBatches(X[:N_TRAIN], Y[:N_TRAIN], w.batch, to_torch=True)
    modules: list[nn.Module] = []
    linears: list[nn.Linear] = []
    for W, b in xavier_params(w.sizes):
        lin = nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T))
            lin.bias.copy_(torch.from_numpy(b))
        linears.append(lin)
        modules += [lin, nn.Tanh()]
    model = nn.Sequential(*modules[:-1])  # no activation after the output layer
    loss_fn = nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    loss_hist, norm_hist = np.empty(HISTORY), np.empty((HISTORY, len(linears)))
    t = 0

    def step() -> None:
        nonlocal t
        xb, yb = batches.next()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        norms = torch.stack([torch.sqrt(lin.weight.grad.square().sum()
                                        + lin.bias.grad.square().sum()) for lin in linears])
        opt.step()
        loss_value, norm_values = loss.item(), norms.numpy()
        if not (math.isfinite(loss_value) and np.all(np.isfinite(norm_values))):
            raise FloatingPointError("torch contender diverged")
        t += 1
        loss_hist[t % HISTORY] = loss_value
        norm_hist[t % HISTORY] = norm_values

    def run(n: int) -> None:
        for _ in range(n):
            step()

    return run




def contender_core_eval10(w: Workload, tmp: Path) -> Callable[[int], None]:
    """The core as the app runs it: validation metrics, update ratios, histogram data
    and the weight trajectory every 10 steps."""
    return contender_core(w, tmp, eval_every=10)


# -- JAX --------------------------------------------------------------------------------
def _jax_step_fn(w: Workload, X, Y):
    """One training step as a pure function of (params, m, v, t, ok) and the batch's row
    indices: gather, forward, MSE, jax.value_and_grad, per-layer norms, finiteness,
    Adam (the same formulas and constants as the other contenders)."""
    import jax
    import jax.numpy as jnp

    def loss_fn(params, xb, yb):
        h = xb
        for W, b in params[:-1]:
            h = jnp.tanh(h @ W + b)
        W, b = params[-1]
        d = h @ W + b - yb
        return jnp.mean(d * d)

    value_and_grad = jax.value_and_grad(loss_fn)

    def step(carry, idx):
        params, m, v, t, ok = carry
        loss, grads = value_and_grad(params, X[idx], Y[idx])
        norms = jnp.stack([jnp.sqrt(jnp.sum(gw * gw) + jnp.sum(gb * gb)) for gw, gb in grads])
        ok = ok & jnp.isfinite(loss) & jnp.all(jnp.isfinite(norms))
        t = t + 1
        bc1, bc2 = 1.0 - BETA1 ** t, 1.0 - BETA2 ** t
        m = jax.tree_util.tree_map(lambda mi, g: BETA1 * mi + (1.0 - BETA1) * g, m, grads)
        v = jax.tree_util.tree_map(lambda vi, g: BETA2 * vi + (1.0 - BETA2) * g * g, v, grads)
        params = jax.tree_util.tree_map(
            lambda p, mi, vi: p - LR * (mi / bc1) / (jnp.sqrt(vi / bc2) + EPS), params, m, v)
        return (params, m, v, t, ok), (loss, norms)

    return step


def _jax_setup(w: Workload):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    X, Y = make_data(w)
    Xd, Yd = jnp.asarray(X[:N_TRAIN]), jnp.asarray(Y[:N_TRAIN])
    params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in xavier_params(w.sizes)]
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    carry = (params, zeros, zeros, jnp.asarray(0, dtype=jnp.int64), jnp.asarray(True))
    return _jax_step_fn(w, Xd, Yd), carry, _IndexBatches(w.batch)


class _IndexBatches:
    """Row indices of the next batches, re-shuffled every epoch (as EpochBatches)."""

    def __init__(self, batch: int) -> None:
        self.batch, self.rng = batch, np.random.default_rng(0 + 2)
        self.perm, self.pos = None, N_TRAIN

    def take(self, n: int) -> np.ndarray:
        out = np.empty((n, self.batch), dtype=np.int32)
        for k in range(n):
            if self.pos + self.batch > N_TRAIN:
                self.perm, self.pos = self.rng.permutation(N_TRAIN).astype(np.int32), 0
            out[k] = self.perm[self.pos:self.pos + self.batch]
            self.pos += self.batch
        return out


def contender_jax_scan(w: Workload, tmp: Path) -> Callable[[int], None]:
    """JAX with the whole chunk compiled: jax.jit of lax.scan over CORE_CHUNK steps (the
    chunk length the trainer uses), float64, XLA on one CPU thread."""
    import jax

    step, carry, batches = _jax_setup(w)
    chunk = jax.jit(lambda c, idx: jax.lax.scan(step, c, idx))
    state = {"carry": carry}
    losses, norms = np.empty(HISTORY), np.empty((HISTORY, len(w.sizes) - 1))

    def run(n: int) -> None:
        for _ in range(n // CORE_CHUNK):
            state["carry"], (loss, norm) = chunk(state["carry"], batches.take(CORE_CHUNK))
            losses[:CORE_CHUNK], norms[:CORE_CHUNK] = np.asarray(loss), np.asarray(norm)
            if not bool(state["carry"][4]):
                raise FloatingPointError("jax contender diverged")

    run.step_multiple = CORE_CHUNK
    return run


def contender_jax_step(w: Workload, tmp: Path) -> Callable[[int], None]:
    """JAX with one jax.jit call per step (no scan)."""
    import jax

    step, carry, batches = _jax_setup(w)
    jitted = jax.jit(step)
    state = {"carry": carry}
    losses, norms = np.empty(HISTORY), np.empty((HISTORY, len(w.sizes) - 1))
    t = 0

    def run(n: int) -> None:
        nonlocal t
        idx = batches.take(n)
        for k in range(n):
            state["carry"], (loss, norm) = jitted(state["carry"], idx[k])
            t += 1
            losses[t % HISTORY], norms[t % HISTORY] = float(loss), np.asarray(norm)
            if not bool(state["carry"][4]):
                raise FloatingPointError("jax contender diverged")

    return run


# -- scikit-learn -------------------------------------------------------------------------
def contender_sklearn(w: Workload, tmp: Path) -> Callable[[int], None]:
    """scikit-learn's MLPRegressor (tanh, Adam, batch size, no L2), fed our epoch-shuffled
    batches through partial_fit (shuffle=False: exactly one Adam step per batch). Its loss
    is ½·mean squared error (the others' mean squared error; Adam's step is the same up
    to ε). It computes no per-layer gradient norms, so it does a little less work."""
    import warnings

    from sklearn.neural_network import MLPRegressor

    X, Y = make_data(w)
    batches = EpochBatches(X[:N_TRAIN], Y[:N_TRAIN], w.batch)
    model = MLPRegressor(hidden_layer_sizes=w.hidden, activation="tanh", solver="adam",
                         alpha=0.0, batch_size=w.batch, learning_rate_init=LR, beta_1=BETA1,
                         beta_2=BETA2, epsilon=EPS, shuffle=False)
    xb, yb = batches.next()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.partial_fit(xb, yb)  # builds the layers; then the shared initial weights
    init = xavier_params(w.sizes)
    model.coefs_ = [W.copy() for W, _ in init]
    model.intercepts_ = [b.copy() for _, b in init]
    del model._optimizer  # a fresh Adam (t = 0) for the weights set above

    def run(n: int) -> None:
        parts = [batches.next() for _ in range(n)]
        Xc = np.concatenate([p[0] for p in parts])
        Yc = np.concatenate([p[1] for p in parts])
        model.partial_fit(Xc, Yc if w.n_out > 1 else Yc[:, 0])
        if not np.isfinite(model.loss_):
            raise FloatingPointError("sklearn contender diverged")

    return run


# -- the BLAS floor of workload (c) --------------------------------------------------------
def contender_gemm(w: Workload, tmp: Path) -> Callable[[int], None]:
    """The matrix products of one training step alone, back to back, through the same
    numba np.dot (scipy's BLAS) the core uses: forward u·W per layer, backward uᵀ·g per
    layer and g·Wᵀ for every layer but the first (no activation, loss or update)."""
    import numba

    sizes, m = w.sizes, w.batch
    Ws = [np.ascontiguousarray(W) for W, _ in xavier_params(sizes)]
    acts = [np.random.default_rng(0).standard_normal((m, s)) for s in sizes]
    grads = [np.zeros((m, s)) for s in sizes]
    gWs = [np.zeros_like(W) for W in Ws]

    @numba.njit(nogil=True)
    def products(n, Ws, acts, grads, gWs):
        L = len(Ws)
        for _ in range(n):
            for i in range(L):
                np.dot(acts[i], Ws[i], acts[i + 1])
            for i in range(L - 1, -1, -1):
                np.dot(acts[i].T, grads[i + 1], gWs[i])
                if i > 0:
                    np.dot(grads[i + 1], Ws[i].T, grads[i])

    args = tuple(numba.typed.List(x) for x in (Ws, acts, grads, gWs))

    def run(n: int) -> None:
        products(n, *args)

    return run


CONTENDERS = {"core": contender_core, "core_eval10": contender_core_eval10,
              "numpy": contender_numpy, "torch": contender_torch,
              "jax_scan": contender_jax_scan, "jax_step": contender_jax_step,
              "sklearn": contender_sklearn, "gemm": contender_gemm}
