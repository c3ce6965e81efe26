#!/usr/bin/env python
"""Training throughput of the core against NumPy and PyTorch (issue 6, DESIGN.md "Performance").

    .venv/bin/python benchmarks/bench.py                 full run (a few minutes)
    .venv/bin/python benchmarks/bench.py --quick         smoke test
    .venv/bin/python benchmarks/bench.py --workloads a --json out.json
    .venv/bin/python benchmarks/bench.py --memory        + peak memory of a 10^6-step run

Workloads (tanh MLP, MSE, Adam lr 1e-3 β 0.9/0.999 ε 1e-8, float64, one thread):
(a) 2-8-8-8-1 batch 32, (b) 2-[16x8]-1 batch 32, (c) 64-256-256-10 batch 128.

Contenders, each doing the same work per step (batch, forward, loss, backward,
per-layer gradient norm, finiteness check, Adam update, loss and norms recorded):
core (``Trainer.run`` in chunks, through the public API only), a straightforward
NumPy implementation kept in this file, and PyTorch eager on the CPU (skipped
with a note when torch is not importable). They run alternately in one process,
several repetitions after an untimed warm-up; medians and ratios are printed.
See benchmarks/README.md.
"""

from __future__ import annotations

import os

# Everyone single-threaded: must happen before numpy / numba / torch are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # optional: a second guard on the BLAS thread pools
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:
    threadpool_info = threadpool_limits = None

LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
N_TRAIN = 2048  # training examples every contender cycles through
N_ROWS = 2560  # rows generated for the core: val_ratio 0.2 leaves N_TRAIN to train on
VAL_RATIO = 0.2  # the core needs a non-empty validation split (see README); never evaluated
EVAL_EVERY = 1_000_000  # largest practical value: validation never runs during timing
CORE_CHUNK = 256  # steps per Trainer.run call, as the headless runner does
HISTORY = 20_000  # ring buffer the NumPy / torch contenders record metrics into
SEED = 0


# ---------------------------------------------------------------------------------------
# Workloads and data
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Workload:
    key: str
    n_in: int
    hidden: tuple[int, ...]
    n_out: int
    batch: int
    targets: dict  # target ratios: {"numpy": x, "torch": y}

    @property
    def sizes(self) -> list[int]:
        return [self.n_in, *self.hidden, self.n_out]

    @property
    def label(self) -> str:
        h = self.hidden
        arch = (f"{self.n_in}-[{h[0]}x{len(h)}]-{self.n_out}" if len(h) > 3 and len(set(h)) == 1
                else "-".join(map(str, self.sizes)))
        return f"({self.key}) {arch} b{self.batch}"


WORKLOADS = {
    "a": Workload("a", 2, (8, 8, 8), 1, 32, {"numpy": 6.0, "torch": 40.0}),
    "b": Workload("b", 2, (16,) * 8, 1, 32, {"numpy": 2.0, "torch": 8.0}),
    "c": Workload("c", 64, (256, 256), 10, 128, {"numpy": 1.0, "torch": 2.0}),
}


def make_data(w: Workload, n: int = N_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Float64 inputs and targets: regression_2d's surface for (a)/(b), a 10-class
    task on 64 Gaussian features (one-hot targets, as the core builds for MSE) for (c)."""
    rng = np.random.default_rng(SEED)
    if w.n_in == 2:
        X = rng.uniform(-2.0, 2.0, (n, 2))
        Y = np.sin(1.5 * X[:, :1]) * np.cos(1.5 * X[:, 1:]) + 0.1 * X[:, :1] * X[:, 1:]
        return X, Y + 0.1 * rng.standard_normal(Y.shape)
    X = rng.standard_normal((n, w.n_in))
    labels = np.argmax(X @ rng.standard_normal((w.n_in, w.n_out)), axis=1)
    return X, np.eye(w.n_out)[labels]


def core_config(w: Workload, tmp: Path) -> dict:
    """The session config of workload ``w`` (public config schema, version 2)."""
    if w.n_in == 2:
        data = {"name": "regression_2d", "n_samples": N_ROWS, "noise": 0.1,
                "val_ratio": VAL_RATIO}
    else:  # no registered data set has 64 features: a generated CSV
        X, Y = make_data(w)
        path = tmp / f"workload_{w.key}.csv"
        header = ",".join([f"x{i}" for i in range(w.n_in)] + ["label"])
        table = np.column_stack([X, Y.argmax(axis=1)])
        fmt = ["%.17g"] * w.n_in + ["%d"]
        np.savetxt(path, table, delimiter=",", header=header, comments="", fmt=fmt)
        data = {"name": "csv", "csv_path": str(path), "label_column": "label",
                "val_ratio": VAL_RATIO}
    return {
        "schema_version": 2,
        "title": f"benchmark workload {w.key}",
        "data": data,
        "network": {"hidden": list(w.hidden), "activation": "tanh", "loss": "mse",
                    "initializer": "xavier_uniform"},
        "optimizer": {"name": "adam",
                      "hyper": {"lr": LR, "beta1": BETA1, "beta2": BETA2, "eps": EPS}},
        "training": {"batch_size": w.batch, "eval_every": EVAL_EVERY, "seed": SEED},
    }


def xavier_params(sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Glorot-uniform weights (fan_in, fan_out) and zero biases, shared by NumPy and torch."""
    rng = np.random.default_rng(SEED + 1)
    out = []
    for fi, fo in zip(sizes[:-1], sizes[1:], strict=True):
        a = math.sqrt(6.0 / (fi + fo))
        out.append((rng.uniform(-a, a, (fi, fo)), np.zeros(fo)))
    return out


class EpochBatches:
    """Mini-batches by slicing an array re-shuffled at the start of every epoch."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, batch: int, to_torch: bool = False):
        self.X, self.Y, self.batch, self.to_torch = X, Y, batch, to_torch
        self.rng = np.random.default_rng(SEED + 2)
        self.pos = len(X)  # forces a shuffle on the first call

    def next(self):
        if self.pos + self.batch > len(self.X):
            perm = self.rng.permutation(len(self.X))
            self.Xs, self.Ys = self.X[perm], self.Y[perm]
            if self.to_torch:
                import torch
                self.Xs, self.Ys = torch.from_numpy(self.Xs), torch.from_numpy(self.Ys)
            self.pos = 0
        s = slice(self.pos, self.pos + self.batch)
        self.pos += self.batch
        return self.Xs[s], self.Ys[s]


# ---------------------------------------------------------------------------------------
# Contenders: each returns run(n) that trains n more steps
# ---------------------------------------------------------------------------------------

def contender_core(w: Workload, tmp: Path) -> Callable[[int], None]:
    """The project's core through its public API: Trainer(parse_config(...)).run(k)."""
    from core.train.config import parse_config
    from core.train.trainer import Trainer

    trainer = Trainer(parse_config(core_config(w, tmp)))
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


CONTENDERS = {"core": contender_core, "numpy": contender_numpy, "torch": contender_torch}


def torch_available() -> str | None:
    """None when torch imports (and is pinned to one thread), else the reason it does not."""
    try:
        import torch
    except Exception as err:  # ImportError, or a broken install
        return f"{type(err).__name__}: {err}"
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set (only allowed once, before any parallel work)
    return None


# ---------------------------------------------------------------------------------------
# Timing harness
# ---------------------------------------------------------------------------------------

def timed(run: Callable[[int], None], n: int) -> float:
    gc.collect()
    t0 = time.perf_counter()
    run(n)
    return time.perf_counter() - t0


def calibrate(run: Callable[[int], None], seconds: float) -> int:
    """Untimed warm-up (compiles, fills caches), then the block size that takes ``seconds``."""
    run(2)
    n = 16
    while True:
        dt = timed(run, n)
        if dt >= seconds / 5 or n >= 10_000_000:
            return max(1, round(n * seconds / dt))
        n *= 4


def bench_workload(w: Workload, names: list[str], reps: int, seconds: float,
                   tmp: Path) -> dict:
    """Median steps/s per contender from ``reps`` alternating blocks of ~``seconds``."""
    runs, blocks = {}, {}
    for name in names:
        t0 = time.perf_counter()
        runs[name] = CONTENDERS[name](w, tmp)
        blocks[name] = calibrate(runs[name], seconds)
        print(f"  {name:6s} ready in {time.perf_counter() - t0:5.1f} s "
              f"(setup + warm-up), {blocks[name]} steps per block", flush=True)
    rates: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        order = names[rep % len(names):] + names[:rep % len(names)]  # rotate who goes first
        for name in order:
            rates[name].append(blocks[name] / timed(runs[name], blocks[name]))
    return {"workload": w.label, "block_steps": blocks, "rates": rates,
            "median": {n: statistics.median(r) for n, r in rates.items()}}


# ---------------------------------------------------------------------------------------
# Start-up and memory, each in fresh subprocesses
# ---------------------------------------------------------------------------------------

IMPORT_CHILD = """
import time
t0 = time.perf_counter()
import core.train.trainer
print(time.perf_counter() - t0)
"""

FIRST_STEP_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from core.train.config import parse_config
from core.train.trainer import Trainer
t1 = time.perf_counter()
trainer = Trainer(parse_config(json.loads(sys.argv[1])))
t2 = time.perf_counter()
trainer.run(1)
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "construct": t2 - t1, "first_step": t3 - t2,
                  "trainer_and_first_step": t3 - t1}))
"""


def child(code: str, *args: str, env: dict | None = None) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, **(env or {})}, check=False)
    if out.returncode:
        raise RuntimeError(f"child failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
    return out.stdout.strip().splitlines()[-1]


def measure_startup(tmp: Path, repeats: int = 3) -> dict:
    """Import time of core.train.trainer, and Trainer() + run(1) with a cold and a warm
    numba cache (a fresh NUMBA_CACHE_DIR; then the same directory again)."""
    imports = [float(child(IMPORT_CHILD)) for _ in range(repeats)]
    cfg = json.dumps(core_config(WORKLOADS["a"], tmp))
    cache = Path(tempfile.mkdtemp(prefix="numba_cache_", dir=tmp))
    cold = json.loads(child(FIRST_STEP_CHILD, cfg, env={"NUMBA_CACHE_DIR": str(cache)}))
    cached_files = sum(1 for p in cache.rglob("*") if p.is_file())
    warm = json.loads(child(FIRST_STEP_CHILD, cfg, env={"NUMBA_CACHE_DIR": str(cache)}))
    return {"import_core_trainer_s": statistics.median(imports), "import_runs_s": imports,
            "cold": cold, "warm": warm, "cache_files_written": cached_files}


# ru_maxrss of a child is max(the child's own peak, the RSS of the process it was forked
# or vforked from): Linux keeps the old memory map's high-water mark across exec. Forked
# straight from this process (numpy, torch and numba loaded) it would report this
# process's size, so a tiny launcher without site packages starts the run and reports
# RUSAGE_CHILDREN; its own ~10 MB are far below the run's peak.
MEMORY_LAUNCHER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
with open(sys.argv[1], "w") as log:
    rc = subprocess.call(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
wall = time.perf_counter() - t0
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": rc, "wall_s": wall, "peak_kb": peak_kb}))
"""


def measure_memory(tmp: Path, steps: int) -> dict:
    """Peak RSS (ru_maxrss) and wall time of ``python main.py run CONFIG --steps N --quiet``
    on workload (a), in a fresh subprocess started by a minimal launcher."""
    cfg_path = tmp / "memory_workload_a.json"
    cfg_path.write_text(json.dumps(core_config(WORKLOADS["a"], tmp), indent=2))
    log_path = tmp / "memory_run.log"
    cmd = [sys.executable, "-I", "-S", "-c", MEMORY_LAUNCHER, str(log_path),
           sys.executable, "main.py", "run", str(cfg_path), "--steps", str(steps), "--quiet"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"memory launcher failed: {out.stderr.strip()[-2000:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    output = log_path.read_text().strip()
    if res["rc"]:
        raise RuntimeError(f"main.py run failed ({res['rc']}): {output[-2000:]}")
    return {"steps": steps, "peak_rss_mb": res["peak_kb"] / 1024.0, "wall_s": res["wall_s"],
            "steps_per_s": steps / res["wall_s"],
            "output": output.splitlines()[-1] if output else ""}


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------

def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:
        return "not installed"


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    import numba
    info = {
        "cpu": cpu, "logical_cpus": os.cpu_count(), "usable_cpus": usable,
        "os": platform.platform(), "python": platform.python_version(),
        "numpy": np.__version__, "numba": numba.__version__, "scipy": _version("scipy"),
        "torch": _version("torch"),
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")},
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    if threadpool_info is not None:
        info["blas"] = [{k: p.get(k) for k in ("internal_api", "version", "num_threads",
                                               "architecture")} for p in threadpool_info()]
    else:
        try:
            deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            info["blas"] = {"name": deps.get("name"), "version": deps.get("version"),
                            "config": deps.get("openblas configuration", "")}
        except Exception as err:
            info["blas"] = f"unknown ({err})"
        info["blas_note"] = "threadpoolctl not installed: BLAS pinned by environment only"
    return info


def print_machine(info: dict) -> None:
    print("Machine")
    print(f"  CPU        {info['cpu']} — {info['logical_cpus']} logical CPUs "
          f"({info['usable_cpus']} usable)")
    print(f"  OS         {info['os']}")
    print(f"  versions   python {info['python']}, numpy {info['numpy']}, numba {info['numba']}, "
          f"scipy {info['scipy']}, torch {info['torch']}")
    print(f"  threads    {', '.join(f'{k}={v}' for k, v in info['threads'].items())}; "
          f"OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}")
    print(f"  BLAS       {info['blas']}")
    if info["load_average_at_start"]:
        print(f"  load avg   {', '.join(f'{x:.2f}' for x in info['load_average_at_start'])} "
              "(1, 5, 15 min; other work on the machine skews the numbers)")
    if "blas_note" in info:
        print(f"             ({info['blas_note']})")
    print()


def ratio_cell(result: dict, other: str, target: float) -> tuple[str, bool | None]:
    med = result["median"]
    if other not in med:
        return f"{'skipped':>8s}   ≥{target:g}×  ----", None
    r = med["core"] / med[other]
    ok = r >= target
    return f"{r:7.2f}×   ≥{target:g}×  {'PASS' if ok else 'MISS'}", ok


def print_table(results: list[dict], reps: int) -> None:
    print(f"\nSteps per second (median of {reps} alternating blocks; min..max in brackets)")
    head = f"{'workload':22s} {'core':>22s} {'numpy':>22s} {'torch':>22s}"
    print(head)
    print("-" * len(head))
    for res in results:
        cells = []
        for name in ("core", "numpy", "torch"):
            if name in res["median"]:
                r = res["rates"][name]
                cells.append(f"{res['median'][name]:9,.0f} ({min(r):,.0f}..{max(r):,.0f})")
            else:
                cells.append("skipped")
        print(f"{res['workload']:22s} " + " ".join(f"{c:>22s}" for c in cells))
    print(f"\n{'workload':22s} {'core/numpy  target':>28s} {'core/torch  target':>28s}")
    print("-" * 80)
    for res in results:
        w = WORKLOADS[res["key"]]
        c_np, ok_np = ratio_cell(res, "numpy", w.targets["numpy"])
        c_t, ok_t = ratio_cell(res, "torch", w.targets["torch"])
        res["ratios"] = {"core/numpy": (res["median"]["core"] / res["median"]["numpy"]
                                        if "numpy" in res["median"] else None),
                         "core/torch": (res["median"]["core"] / res["median"]["torch"]
                                        if "torch" in res["median"] else None)}
        res["pass"] = {"numpy": ok_np, "torch": ok_t}
        print(f"{res['workload']:22s} {c_np:>28s} {c_t:>28s}")
    noisy = [f"{res['key']}/{name}" for res in results for name, r in res["rates"].items()
             if max(r) > 1.3 * min(r)]
    if noisy:
        print(f"\nnote: repetitions differ by more than 30% for {', '.join(noisy)}: the machine "
              "was probably busy; rerun, or raise --reps")


def print_startup(s: dict) -> None:
    print("\nStart-up (fresh subprocesses, workload (a))")
    runs = ", ".join(f"{x:.2f}" for x in s["import_runs_s"])
    print(f"  import core.train.trainer                      {s['import_core_trainer_s']:6.2f} s "
          f"(median of {runs})")
    for label, key in (("cold numba cache (new NUMBA_CACHE_DIR)", "cold"),
                       ("warm numba cache (same dir, 2nd run)", "warm")):
        d = s[key]
        print(f"  {label:40s} {d['trainer_and_first_step']:6.2f} s  Trainer() + run(1) "
              f"[construct {d['construct']:.2f} + first step {d['first_step']:.2f}; "
              f"import {d['import']:.2f}]")
    print(f"  files written to the cold cache dir: {s['cache_files_written']}")


def print_memory(m: dict) -> None:
    print(f"\nHeadless run, workload (a): main.py run --steps {m['steps']:,} --quiet")
    print(f"  peak RSS {m['peak_rss_mb']:.1f} MB, wall {m['wall_s']:.1f} s "
          f"({m['steps_per_s']:,.0f} steps/s incl. start-up); child said: {m['output']}")


# ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="3 short repetitions (smoke test)")
    p.add_argument("--workloads", default="a,b,c", help="comma-separated subset of a,b,c")
    p.add_argument("--reps", type=int, default=None, help="repetitions (default 5, quick 3)")
    p.add_argument("--block-seconds", type=float, default=None,
                   help="target duration of one timed block (default 0.75 s, quick 0.15 s)")
    p.add_argument("--skip-startup", action="store_true",
                   help="skip import time and cold/warm first-step measurements")
    p.add_argument("--memory", action="store_true",
                   help="also measure peak memory of a headless run on workload (a) (slow)")
    p.add_argument("--memory-steps", type=int, default=1_000_000,
                   help="steps of that run (default 10^6)")
    p.add_argument("--json", default=None, help="write all results to this JSON file")
    args = p.parse_args(argv)

    keys = [k.strip() for k in args.workloads.split(",") if k.strip()]
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown or not keys:
        p.error(f"unknown workload(s) {unknown}; choose from a, b, c")
    reps = args.reps or (3 if args.quick else 5)
    seconds = args.block_seconds or (0.15 if args.quick else 0.75)

    limiter = threadpool_limits(1) if threadpool_limits is not None else None  # noqa: F841
    torch_missing = torch_available()
    info = machine()
    print_machine(info)
    names = ["core", "numpy", "torch"]
    if torch_missing:
        names.remove("torch")
        print(f"note: PyTorch contender skipped — torch is not importable ({torch_missing})\n")
    else:
        import torch
        print(f"torch: {torch.get_num_threads()} intra-op thread(s), "
              f"{torch.get_num_interop_threads()} inter-op thread(s)\n")
    print(f"Each contender: untimed warm-up, then {reps} alternating blocks of ~{seconds} s; "
          f"core with eval_every={EVAL_EVERY:,} (pure training steps)\n")

    report: dict = {"machine": info, "reps": reps, "block_seconds": seconds, "workloads": []}
    with tempfile.TemporaryDirectory(prefix="opg_bench_") as tmp_name:
        tmp = Path(tmp_name)
        for key in keys:
            w = WORKLOADS[key]
            print(f"Workload {w.label}", flush=True)
            res = bench_workload(w, names, reps, seconds, tmp)
            res["key"] = key
            report["workloads"].append(res)
        print_table(report["workloads"], reps)
        if not args.skip_startup:
            report["startup"] = measure_startup(tmp)
            print_startup(report["startup"])
        if args.memory:
            print(f"\n(running {args.memory_steps:,} headless steps for the memory figure...)",
                  flush=True)
            report["memory"] = measure_memory(tmp, args.memory_steps)
            print_memory(report["memory"])
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
