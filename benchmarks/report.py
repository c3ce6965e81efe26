"""What bench.py prints: the machine, the steps/s table with its ratios and verdicts,
start-up and memory (see benchmarks/README.md)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np

try:  # optional: the BLAS thread pools, for the machine description
    from threadpoolctl import threadpool_info
except ImportError:
    threadpool_info = None

from workloads import WORKLOADS

# The contenders in the order of the table.
ORDER = ("core", "core_eval10", "numpy", "torch", "jax_step", "jax_scan", "sklearn", "gemm")


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


def ratio(result: dict, name: str) -> float | None:
    """The figure each target is about: core's steps/s over ``name``'s (for core_eval10,
    core_eval10's over core's: how much of the speed evaluation every 10 steps keeps)."""
    med = result["median"]
    if name not in med or "core" not in med:
        return None
    return med["core_eval10"] / med["core"] if name == "core_eval10" else med["core"] / med[name]


TARGET_TEXT = {"core_eval10": "eval-10 step ≤ 1.3× a plain step",
               "gemm": "core ≤ 1.3× its matrix products alone"}


def print_table(results: list[dict], reps: int) -> None:
    print(f"\nSteps per second (median of {reps} alternating blocks; min..max in brackets), "
          "and the ratio each target is about")
    for res in results:
        w = WORKLOADS[res["key"]]
        print(f"\n{res['workload']}")
        print(f"  {'contender':12s} {'steps/s':>26s}   {'µs/step':>9s}   {'ratio':>8s}  "
              f"{'target':>7s}  verdict")
        res["ratios"], res["pass"] = {}, {}
        for name in ORDER:
            if name not in res["median"]:
                continue
            r = res["rates"][name]
            med = res["median"][name]
            line = (f"  {name:12s} {med:12,.0f} ({min(r):,.0f}..{max(r):,.0f})".ljust(42)
                    + f"   {1e6 / med:9.1f}")
            q, target = ratio(res, name), w.targets.get(name)
            if name != "core" and q is not None:
                res["ratios"][name] = q
                line += f"   {q:7.2f}×"
                if target is not None:
                    ok = q >= target
                    res["pass"][name] = ok
                    line += f"  ≥{target:5.2f}  {'PASS' if ok else 'MISS'}"
                    if name in TARGET_TEXT:
                        line += f"  ({TARGET_TEXT[name]})"
            print(line)
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
