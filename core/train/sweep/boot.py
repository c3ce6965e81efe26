"""The entry points a worker process imports first: kept free of NumPy at import.

A worker runs one training at a time on one core, so the BLAS libraries must not
start threads of their own (N workers x N BLAS threads would fight over the
cores). Their thread counts are read when the libraries load, hence set here,
before this process imports NumPy or SciPy (``setdefault``: a user's explicit
setting wins). Dask's nanny sets the same variables for its worker processes.

``init_worker`` also makes the worker ignore Ctrl-C: a terminal sends SIGINT to
the whole process group, and the parent alone decides what stops (it tells the
workers through the shared ``stop`` event, asked between chunks of steps).
"""

from __future__ import annotations

import os
import signal

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")

_stop = None  # the executor's multiprocessing Event, in a worker process


def limit_threads() -> None:
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def init_worker(stop) -> None:
    """ProcessPoolExecutor initializer: one BLAS thread, no Ctrl-C, the stop event."""
    global _stop
    limit_threads()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop = stop


def warm_up() -> int:
    """Import the trainer and train a tiny run, so the compiled kernels are loaded
    (from numba's cache) before the first real run; the worker's pid."""
    from core.train.config import parse_config
    from core.train.trainer import Trainer

    Trainer(parse_config({"data": {"name": "moons", "n_samples": 40},
                          "network": {"hidden": [2]}})).run(2)
    return os.getpid()


def run_task(task, raw=None):
    """A sweep run in a worker process, stopping early when the stop event is set."""
    from core.train.sweep.task import train_run

    stop = _stop
    return train_run(task, raw, None if stop is None else stop.is_set)


def run_dask(task, raw=None):
    """A sweep run on a Dask worker (cancelled from the client; no stop event)."""
    from core.train.sweep.task import train_run

    return train_run(task, raw)
