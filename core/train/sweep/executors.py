"""Where a sweep's runs train: in this process, in local worker processes, or on Dask.

Every executor runs the same ``train_run`` on the same inputs, so a spec gives
bit-identical results on all of them. The protocol: ``run(tasks, raw, stop,
on_result)`` trains ``tasks`` and calls ``on_result(RunResult)`` as each one
finishes (in any order), until all are done or ``stop`` (a ``threading.Event``)
is set; then no new run starts, and runs in progress stop at their next chunk
of steps where the executor can tell them (serial, local processes) or are
abandoned (Dask). Cancelled runs are never reported. ``close()`` frees the
workers; executors are context managers.

- ``SerialExecutor``: one run after the other, here.
- ``ProcessExecutor``: the default; ``workers`` processes (the CPU count), each
  training one run at a time, so numba's kernels run truly in parallel. Started
  with 'spawn' (or 'forkserver'), never 'fork': the parent may hold threads.
- ``DaskExecutor``: a ``dask.distributed.Client`` for a scheduler address, or
  a ``LocalCluster`` it starts (``pip install 'optimizer-playground[cluster]'``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager

from core.train.sweep import boot
from core.train.sweep.spec import RunSpec
from core.train.sweep.task import CANCELLED, RunResult, train_run

POLL_SECONDS = 0.1
OnResult = Callable[[RunResult], None]


class Executor:
    name = "executor"
    workers = 1

    def run(self, tasks: Sequence[RunSpec], raw, stop: threading.Event,
            on_result: OnResult) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def describe(self) -> str:
        return f"{self.name}, {self.workers} worker{'s' if self.workers != 1 else ''}"


class SerialExecutor(Executor):
    name = "serial"

    def run(self, tasks, raw, stop, on_result) -> None:
        for task in tasks:
            if stop.is_set():
                return
            result = train_run(task, raw if task.with_data else None, stop.is_set)
            if result.status != CANCELLED:
                on_result(result)


@contextmanager
def _sigint_ignored():
    """Children started in here inherit SIGINT ignored (across exec, too), so a Ctrl-C
    in the short time before their initializer runs cannot break the pool."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


class ProcessExecutor(Executor):
    name = "local processes"

    def __init__(self, workers: int | None = None, context: str = "spawn") -> None:
        if context not in ("spawn", "forkserver"):
            raise ValueError(f"start worker processes with 'spawn' or 'forkserver', not "
                             f"{context!r}: 'fork' copies a parent that may hold threads")
        n = (os.cpu_count() or 1) if workers is None else workers
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"the number of workers must be at least 1, got {workers!r}")
        self.workers = n
        self._ctx = multiprocessing.get_context(context)
        self._stop = self._ctx.Event()
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes now (else at the first run) and let each import
        the trainer; waits until they are up."""
        if self._pool is not None:
            return
        with _sigint_ignored():
            self._pool = ProcessPoolExecutor(self.workers, mp_context=self._ctx,
                                             initializer=boot.init_worker,
                                             initargs=(self._stop,))
            ready = [self._pool.submit(boot.warm_up) for _ in range(self.workers)]
        for f in ready:
            f.result()

    def run(self, tasks, raw, stop, on_result) -> None:
        self.start()
        self._stop.clear()
        pending = {self._pool.submit(boot.run_task, t, raw if t.with_data else None)
                   for t in tasks}
        try:
            while pending:
                done, pending = wait(pending, POLL_SECONDS, return_when=FIRST_COMPLETED)
                for f in done:
                    if not f.cancelled():
                        result = f.result()
                        if result.status != CANCELLED:
                            on_result(result)
                if stop.is_set() and not self._stop.is_set():
                    self._stop.set()  # runs in progress end at their next chunk
                    for f in pending:
                        f.cancel()
        except BaseException:
            self._stop.set()
            for f in pending:
                f.cancel()
            raise

    def close(self) -> None:
        """Stop the workers: runs in progress end at their next chunk, queued ones are
        dropped; does not wait for the processes to exit."""
        pool, self._pool = self._pool, None
        if pool is not None:
            self._stop.set()
            pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor(Executor):
    """Runs on a Dask cluster: ``address`` of a running scheduler, or a LocalCluster of
    ``local_cluster`` workers (one thread each; ``processes=False`` keeps them in
    this process, as threads)."""

    name = "dask"

    def __init__(self, address: str | None = None, local_cluster: int | None = None, *,
                 processes: bool = True, timeout: float = 30.0) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ValueError("Dask is not installed: pip install "
                             "'optimizer-playground[cluster]'") from None
        if (address is None) == (local_cluster is None):
            raise ValueError("give a scheduler address or a number of local workers")
        self.cluster = None
        try:
            if address is not None:
                self.client = Client(address, timeout=timeout)
            else:
                if local_cluster < 1:
                    raise ValueError(f"a local cluster needs at least 1 worker, got "
                                     f"{local_cluster}")
                self.cluster = LocalCluster(n_workers=local_cluster, threads_per_worker=1,
                                            processes=processes, dashboard_address=None,
                                            silence_logs=40)
                self.client = Client(self.cluster)
        except OSError as err:
            raise ValueError(f"cannot reach the Dask scheduler {address}: {err}") from None
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
        self.name = "dask " + ("local cluster" if self.cluster is not None else address)

    def run(self, tasks, raw, stop, on_result) -> None:
        from dask.distributed import wait as dask_wait

        token = uuid.uuid4().hex[:8]
        shared = self.client.scatter(raw, broadcast=True) if raw is not None else None
        pending = {self.client.submit(boot.run_dask, t, shared if t.with_data else None,
                                      key=f"sweep-{token}-{t.run}", pure=False)
                   for t in tasks}
        try:
            while pending:
                try:
                    done, pending = dask_wait(pending, timeout=POLL_SECONDS,
                                              return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
                for f in done:
                    if f.status == "finished":
                        on_result(f.result())
                    elif f.status == "error":
                        raise RuntimeError(f"a Dask worker failed: {f.exception()}")
                if stop.is_set():
                    self.client.cancel(list(pending))  # running ones are abandoned
                    return
        except BaseException:
            self.client.cancel(list(pending))
            raise

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  local_cluster: int | None = None, serial: bool = False) -> Executor:
    """The executor the command line's options name (local processes by default)."""
    if serial:
        return SerialExecutor()
    if scheduler is not None or local_cluster is not None:
        return DaskExecutor(scheduler, local_cluster)
    return ProcessExecutor(workers)
