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
# Whatever threads a library starts anyway (XLA's compiler and runtime, torch's
# inter-op pool), they all share one core: the process is pinned to a single CPU.
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
# XLA (JAX) on one CPU thread as well.
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false"
                           " intra_op_parallelism_threads=1").strip()
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "benchmarks"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

try:  # optional: a second guard on the BLAS thread pools
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

from contenders import CONTENDERS  # noqa: E402
from report import (  # noqa: E402
    ORDER,
    machine,
    print_machine,
    print_memory,
    print_startup,
    print_table,
)
from workloads import EVAL_EVERY, WORKLOADS, Workload, core_config  # noqa: E402

OPTIONAL = {"torch": ("torch",), "jax_scan": ("jax",), "jax_step": ("jax",),
            "sklearn": ("sklearn",)}


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




def missing(module: str) -> str | None:
    """None when ``module`` imports, else the reason it does not."""
    if module == "torch":
        return torch_available()
    try:
        __import__(module)
    except Exception as err:  # noqa: BLE001 - ImportError, or a broken install
        return f"{type(err).__name__}: {err}"
    return None


def contenders_for(w: Workload, skipped: dict[str, str]) -> list[str]:
    """Who races on ``w``: everyone available; the BLAS floor where it has a target."""
    names = [n for n in ORDER if n not in skipped]
    return [n for n in names if n != "gemm" or "gemm" in w.targets]


# ---------------------------------------------------------------------------------------
# Timing harness
# ---------------------------------------------------------------------------------------

def timed(run: Callable[[int], None], n: int) -> float:
    gc.collect()
    t0 = time.perf_counter()
    run(n)
    return time.perf_counter() - t0


def calibrate(run: Callable[[int], None], seconds: float) -> int:
    """Untimed warm-up (compiles, fills caches), then the block size that takes ``seconds``
    (a multiple of ``run.step_multiple`` for contenders that run compiled chunks)."""
    mult = getattr(run, "step_multiple", 1)
    run(2 * mult)
    n = 16 * mult
    while True:
        dt = timed(run, n)
        if dt >= seconds / 5 or n >= 10_000_000:
            return max(1, round(n * seconds / dt / mult)) * mult
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
    p.add_argument("--contenders", default=None,
                   help=f"comma-separated subset of {','.join(ORDER)} (default: all available)")
    p.add_argument("--json", default=None, help="write all results to this JSON file")
    args = p.parse_args(argv)

    keys = [k.strip() for k in args.workloads.split(",") if k.strip()]
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown or not keys:
        p.error(f"unknown workload(s) {unknown}; choose from a, b, c")
    reps = args.reps or (3 if args.quick else 5)
    seconds = args.block_seconds or (0.15 if args.quick else 0.75)

    limiter = threadpool_limits(1) if threadpool_limits is not None else None  # noqa: F841
    info = machine()
    print_machine(info)
    skipped = {}
    for name, modules in OPTIONAL.items():
        why = next((m for m in (missing(mod) for mod in modules) if m), None)
        if why:
            skipped[name] = why
            print(f"note: contender {name} skipped — not importable ({why}); "
                  "install the [bench] extra")
    if args.contenders:
        wanted = {c.strip() for c in args.contenders.split(",")}
        skipped.update({n: "not asked for" for n in ORDER if n not in wanted})
    if "torch" not in skipped:
        import torch
        print(f"torch: {torch.get_num_threads()} intra-op thread(s), "
              f"{torch.get_num_interop_threads()} inter-op thread(s)")
    print()
    print(f"Each contender: untimed warm-up, then {reps} alternating blocks of ~{seconds} s; "
          f"core with eval_every={EVAL_EVERY:,} (pure training steps), core_eval10 with 10\n")

    report: dict = {"machine": info, "reps": reps, "block_seconds": seconds, "workloads": []}
    with tempfile.TemporaryDirectory(prefix="opg_bench_") as tmp_name:
        tmp = Path(tmp_name)
        for key in keys:
            w = WORKLOADS[key]
            print(f"Workload {w.label}", flush=True)
            res = bench_workload(w, contenders_for(w, skipped), reps, seconds, tmp)
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
