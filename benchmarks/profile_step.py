#!/usr/bin/env python
"""Where the time of one training step goes, per phase, on the benchmark workloads.

    .venv/bin/python benchmarks/profile_step.py [--workloads a,b,c] [--steps N]

Each phase of the fused kernel's step (gather the batch, forward pass, loss,
backward pass, per-layer gradient norms, the optimizer update) runs alone in a
compiled loop of N repetitions on the trainer's own buffers, through the very
functions the kernel calls; the whole fused chunk and ``Trainer.run`` are timed
too, so the difference is what lies between (Python per chunk, the history). With
``--eval``, one evaluation (``Trainer._evaluate`` as ``run`` calls it) is timed.
The process is pinned to one CPU, as bench.py does.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "benchmarks"):
    sys.path.insert(0, str(_p))

from workloads import WORKLOADS, core_config  # noqa: E402

from core import Trainer, parse_config  # noqa: E402
from core.nn import layers, losses, passes  # noqa: E402
from core.nn import plan as layer_plan  # noqa: E402
from core.optim import apply_update  # noqa: E402
from core.train import fused  # noqa: E402

_JIT = dict(nogil=True, error_model="numpy")


@numba.njit(**_JIT)
def loop_gather(n, X, Yf, Yi, rows, xb, yb, yi):
    for _ in range(n):
        fused._gather(X, Yf, Yi, rows, xb, yb, yi)


@numba.njit(**_JIT)
def loop_forward(n, plan, params, buffers, V, noise, noise_off, eps, mom):
    for _ in range(n):
        passes.forward_pass(plan, params, buffers, V, noise, noise_off, True, False, eps, mom)


@numba.njit(**_JIT)
def loop_loss(n, code, out, yb, yi, g):
    s = 0.0
    for _ in range(n):
        s += losses.loss_and_grad_kernel(code, out, yb, yi, g)
    return s


@numba.njit(**_JIT)
def loop_backward(n, plan, params, grad, V, noise, noise_off):
    for _ in range(n):
        passes.backward_pass(plan, params, grad, V, noise, noise_off, True)


@numba.njit(**_JIT)
def loop_norms(n, grad, starts, stops, out):
    for _ in range(n):
        layers.layer_norms(grad, starts, stops, out)


@numba.njit(**_JIT)
def loop_update(n, code, w, g, s0, s1, s2, sc):
    for _ in range(n):
        apply_update(code, w, g, s0, s1, s2, sc)


def per_call(fn, n: int, *args) -> float:
    fn(2, *args)  # compile
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        fn(n, *args)
        best = min(best, time.perf_counter() - t0)
    return best / n * 1e6


def profile(key: str, n: int, tmp: Path, with_eval: bool) -> dict:
    w = WORKLOADS[key]
    t = Trainer(parse_config(core_config(w, tmp)))
    t.run(300)
    st, net = t._stepper, t.network
    m = w.batch
    idx, starts, _, _, _ = t._plan_chunk(1)
    rows = idx[starts[0]:starts[1]]
    xb = np.empty((m, st.X.shape[1]))
    yb = np.empty((m, st.Yf.shape[1]))
    yi = np.empty(m, dtype=np.int64)
    g_out = passes.view2d(st.scratch[net.plan.shape[0] % 2], 0, m, net.plan[-1, layer_plan.N_OUT])
    V = passes.views(net.plan, net.params, net.grad, st.work, st.work_off, st.scratch, xb, g_out)
    noise, noise_off = np.zeros(1), np.full(net.plan.shape[0], -1, dtype=np.int64)
    fused._gather(st.X, st.Yf, st.Yi, rows, xb, yb, yi)
    out = passes.forward_pass(net.plan, net.params, net.buffers, V, noise, noise_off, True, False,
                              net.spec.bn_eps, net.spec.bn_momentum)
    code, (s0, s1, s2), sc = t.optimizer.plan(net.params.size, 1)
    norms = np.zeros(net.plan.shape[0])
    starts_p = net.plan[:, layer_plan.START].copy()
    stops_p = net.plan[:, layer_plan.STOP].copy()
    res = {
        "gather": per_call(loop_gather, n, st.X, st.Yf, st.Yi, rows, xb, yb, yi),
        "forward": per_call(loop_forward, n, net.plan, net.params, net.buffers, V, noise,
                            noise_off, net.spec.bn_eps, net.spec.bn_momentum),
        "loss": per_call(loop_loss, n, st.loss_code, out, yb, yi, g_out),
        "backward": per_call(loop_backward, n, net.plan, net.params, net.grad, V, noise,
                             noise_off),
        "norms": per_call(loop_norms, n, net.grad, starts_p, stops_p, norms),
        # on copies: repeating one update would move the weights far away
        "update": per_call(loop_update, n, code, net.params.copy(), net.grad.copy(),
                           s0.copy(), s1.copy(), s2.copy(), sc[0]),
    }
    res["sum of phases"] = sum(res.values())
    res["fused chunk (per step)"] = _fused_per_step(t, n)
    res["Trainer.run (per step)"] = _run_per_step(t, n)
    if with_eval:
        res["one evaluation"] = _eval_cost(t)
    return res


def _fused_per_step(t, n: int) -> float:
    best = np.inf
    for _ in range(5):
        idx, starts, _, _, _ = t._plan_chunk(256)
        t0 = time.perf_counter()
        for _ in range(max(1, n // 256)):
            t._stepper.run(idx, starts, None, None, t.optimizer, np.inf)
        best = min(best, (time.perf_counter() - t0) / (max(1, n // 256) * 256))
    return best * 1e6


def _run_per_step(t, n: int) -> float:
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        t.run(n)
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e6


def _eval_cost(t) -> float:
    best = np.inf
    t.run(1)
    for _ in range(20):
        t0 = time.perf_counter()
        t._evaluate(t._last_batch, t._stepper.prev,
                    t._stepper.hidden_activations(t._last_batch.size))
        best = min(best, time.perf_counter() - t0)
    return best * 1e6


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workloads", default="a,b,c")
    p.add_argument("--steps", type=int, default=20_000, help="repetitions per phase")
    p.add_argument("--eval", action="store_true", help="also time one evaluation")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for key in args.workloads.split(","):
            n = args.steps if key != "c" else max(50, args.steps // 100)
            res = profile(key, n, Path(tmp), args.eval)
            print(f"\n{WORKLOADS[key].label}: µs per step, by phase (best of 5 x {n})")
            total = res["Trainer.run (per step)"]
            for name, us in res.items():
                share = f"{100 * us / total:5.1f}%" if name != "one evaluation" else ""
                print(f"  {name:26s} {us:9.2f}  {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
