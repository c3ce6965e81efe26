"""A trainer's complete state for session files: out as (JSON scalars, arrays), back in
checked field by field.

Everything the next step depends on is saved, so a reloaded run continues bit
for bit. Loading trusts nothing: every index the fused kernel will gather with
(batch order, position, fixed permutation) is checked against the training
rows, every array against the network's sizes and for finiteness, every
counter against the bounds the program itself keeps (``core.common.limits``). A
problem raises ``checks.FieldError`` naming the field, and the trainer is only
changed once everything has been read.

The keys are those of the flat format sessions have always had: the batch
state (``order``, ``pos``, ``fixed_order``, ``epoch``) is the trainer's
``Batcher``'s, the best state (``best_loss``, ``best_step``, ``best_params``,
``best_buffers``, ``bad_evals``) its ``EarlyStopping``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.common import checks, limits
from core.common.checks import FieldError
from core.optim import optimizers
from core.train.early_stopping import BestState
from core.train.history import Series
from core.train.snapshot import HIST_BINS, Histogram
from core.train.status import RunStatus

F64 = np.float64


def state_dict(t) -> tuple[dict, dict[str, np.ndarray]]:
    """(JSON-able scalars, arrays) of trainer ``t``."""
    b, es = t.batcher, t.early_stopping
    best = es.best
    meta = {
        "step": int(t.step), "epoch": int(b.epoch), "status": RunStatus(t.status).value,
        "stop_step": None if t.stop_step is None else int(t.stop_step),
        "message": t.message, "pos": int(b.pos), "bad_evals": int(es.bad_evals),
        "best_loss": float(best.val_loss),
        "best_step": None if best.step is None else int(best.step),
        "loss_limit": None if t.loss_limit is None else float(t.loss_limit),
        "rng": t.rng.bit_generator.state,
        "noise_rng": t.network.noise_rng.bit_generator.state,
    }
    arrays = {"params": t.network.params.copy(), "buffers": t.network.buffers.copy(),
              "order": b.order.copy()}
    if b.fixed_order is not None:
        arrays["fixed_order"] = b.fixed_order.copy()
    if best.params is not None:
        arrays["best_params"] = best.params.copy()
        arrays["best_buffers"] = best.buffers.copy()
    opt = t.optimizer.state_dict()
    meta["optimizer"] = {k: v for k, v in opt.items() if not isinstance(v, np.ndarray)}
    arrays.update({f"opt.{k}": v for k, v in opt.items() if isinstance(v, np.ndarray)})
    for key, prefix, series in (("history_steps", "hist_steps", t.steps),
                                ("history_evals", "hist_evals", t.evals),
                                ("trajectory", "traj", t.traj)):
        meta[key], a = series.state_dict(prefix)
        arrays.update(a)
    for kind, hists in t.histograms().items():
        meta[f"{kind}_hists"] = len(hists)
        for i, h in enumerate(hists):
            arrays[f"{kind}_hist.{i}.counts"] = h.counts
            arrays[f"{kind}_hist.{i}.edges"] = h.edges
    return meta, arrays


@dataclass
class _Loaded:
    """Everything read from a state, checked, not yet applied."""

    params: np.ndarray
    buffers: np.ndarray
    counters: dict
    rng: np.random.Generator
    noise_rng: np.random.Generator
    optimizer: object
    order: np.ndarray
    pos: int
    fixed: np.ndarray | None
    best: BestState
    series: tuple[Series, Series, Series]
    hists: dict


def load_state_dict(t, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    """Restore trainer ``t`` from ``state_dict`` output; FieldError (and ``t`` unchanged)
    if anything is missing, malformed, out of range or non-finite."""
    if not isinstance(meta, dict):
        raise FieldError("state", "is not a JSON object")
    net = t.network
    n_params, n_buffers = net.params.size, net.buffers.size
    c = _counters(meta)
    order, pos, fixed = _batch_state(t, meta, arrays, c["epoch"])
    got = _Loaded(
        params=checks.array(arrays, "params", dtype=F64, shape=(n_params,), finite=True),
        buffers=checks.array(arrays, "buffers", dtype=F64, shape=(n_buffers,), finite=True),
        counters=c, rng=checks.rng_state(meta, "rng"),
        noise_rng=checks.rng_state(meta, "noise_rng"),
        optimizer=_optimizer(t, meta, arrays, n_params),
        order=order, pos=pos, fixed=fixed,
        best=_best(meta, arrays, c, n_params, n_buffers),
        series=_series(t, meta, arrays, c["step"]), hists=_histograms(t, meta, arrays))
    _apply(t, got)


def _counters(meta: dict) -> dict:
    step = checks.integer(meta, "step", 0, limits.MAX_STEPS)
    try:
        status = RunStatus(meta.get("status"))  # a str enum: old files' strings load
    except ValueError:
        raise FieldError("status", f"must be a run status, got "
                         f"{checks._show(meta.get('status'))}") from None
    limit = meta.get("loss_limit")
    if limit is not None:
        limit = checks.real(meta, "loss_limit", allow_inf=True, lo=0.0)
    return {
        "step": step, "status": status,
        "epoch": checks.integer(meta, "epoch", 0, step),
        "stop_step": checks.integer(meta, "stop_step", 0, step, optional=True),
        "best_step": checks.integer(meta, "best_step", 0, step, optional=True),
        "message": checks.text(meta, "message", default=""),
        "best_loss": checks.real(meta, "best_loss", allow_inf=True),
        "bad_evals": checks.integer(meta, "bad_evals", 0, limits.MAX_STEPS),
        "loss_limit": limit,
    }


def _batch_state(t, meta, arrays, epoch: int):
    """The epoch's batch order (a permutation of the rows usable in that epoch), the
    position in it and the fixed permutation: the indices the kernel will gather."""
    batcher = t.batcher
    n = batcher.n_rows
    order = checks.indices(arrays, "order", n)
    if order.size:
        usable = batcher.available(epoch)
        checks.same_set(order, usable, "order",
                        f"the {usable.size} training rows usable in epoch {epoch}")
    pos = checks.integer(meta, "pos", 0, order.size)
    fixed = None
    if "fixed_order" in arrays:
        fixed = checks.indices(arrays, "fixed_order", n)
        if fixed.size != n:
            raise FieldError("fixed_order", f"must be a permutation of all {n} training rows")
    elif batcher.shuffle == "fixed" and order.size:
        raise FieldError("fixed_order", "is missing (the run shuffles once, with 'fixed')")
    return order.copy(), pos, None if fixed is None else fixed.copy()


def _optimizer(t, meta, arrays, n_params: int):
    state = meta.get("optimizer")
    if not isinstance(state, dict):
        raise FieldError("optimizer", "is missing or not a JSON object")
    name = state.get("name")
    # The file's config names the optimizer the run used when it was saved (the app
    # saves its current config, the trainer never rewrites the one it was built from).
    if name != t.config.optimizer.name:
        raise FieldError("optimizer.name", f"is {checks._show(name)}, but the config uses "
                         f"{t.config.optimizer.name!r}")
    checks.integer(state, "step", 0, limits.MAX_STEPS, field="optimizer.step")
    opt = optimizers.create(name)
    state = dict(state)
    for key in [k for k in arrays if k.startswith("opt.")]:
        state[key[4:]] = checks.array(arrays, key, dtype=F64, shape=(n_params,), finite=True)
    try:
        opt.load_state_dict(state)
    except ValueError as err:
        raise FieldError("optimizer", f"is not a valid {name} state: {err}") from None
    return opt


def _best(meta, arrays, c: dict, n_params: int, n_buffers: int) -> BestState:
    if "best_params" not in arrays:
        if c["best_step"] is not None:
            raise FieldError("best_params", "is missing although best_step is set")
        return BestState(c["best_loss"])
    if c["best_step"] is None:
        raise FieldError("best_step", "is missing although best weights are stored")
    params = checks.array(arrays, "best_params", dtype=F64, shape=(n_params,), finite=True)
    buffers = checks.array(arrays, "best_buffers", dtype=F64, shape=(n_buffers,), finite=True)
    return BestState(c["best_loss"], c["best_step"], params.copy(), buffers.copy())


def _series(t, meta, arrays, step: int) -> tuple[Series, Series, Series]:
    out = []
    for key, prefix, mine in (("history_steps", "hist_steps", t.steps),
                              ("history_evals", "hist_evals", t.evals),
                              ("trajectory", "traj", t.traj)):
        s = Series(mine.columns, mine.capacity)
        try:
            s.load_state_dict(prefix, meta.get(key), arrays)
        except ValueError as err:
            raise FieldError(key, f"is damaged: {err}") from None
        out.append(s)
    if out[0].appended != step:
        raise FieldError("history_steps", f"counts {out[0].appended} steps, the run {step}")
    return tuple(out)


def _histograms(t, meta, arrays) -> dict:
    counts = {"act": sum(b.activation is not None for b in t.network.blocks),
              "grad": len(t.network.blocks)}
    hists = {}
    for kind, n in counts.items():
        k = checks.integer(meta, f"{kind}_hists", 0, n)
        if k not in (0, n):
            raise FieldError(f"{kind}_hists", f"must be 0 or {n}, got {k}")
        hists[kind] = tuple(
            Histogram(checks.array(arrays, f"{kind}_hist.{i}.counts", dtype=F64,
                                   shape=(HIST_BINS,), finite=True).copy(),
                      checks.array(arrays, f"{kind}_hist.{i}.edges", dtype=F64,
                                   shape=(HIST_BINS + 1,), finite=True).copy())
            for i in range(k))
    return hists


def _apply(t, got: _Loaded) -> None:
    """Commit a fully checked state (nothing here can fail)."""
    net = t.network
    c = got.counters
    net.params[:] = got.params
    net.buffers[:] = got.buffers
    net.noise_rng = got.noise_rng
    t.optimizer, t.rng = got.optimizer, got.rng
    t.steps, t.evals, t.traj = got.series
    t.step, t.status = c["step"], c["status"]
    t.stop_step, t.message = c["stop_step"], c["message"]
    t.batcher.restore(c["epoch"], got.order, got.pos, got.fixed)
    t.early_stopping.restore(got.best, c["bad_evals"])
    t._hists, t._hist_values = got.hists, ([], [])
    t.loss_limit = c["loss_limit"]
    if t.loss_limit is None and t.step > 0:
        # Saved before the divergence rule existed: its first recorded loss stands in
        # for the initial loss.
        t.loss_limit = t.divergence_limit(float(t.steps.column("loss")[0]))
