"""The same spec gives the same numbers, bit for bit, in this process, in local worker
processes and on a Dask LocalCluster; stopping; runs that cannot start."""

from __future__ import annotations

import threading

import pytest

from core.train.sweep import tables
from core.train.sweep.driver import run_sweep
from core.train.sweep.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from core.train.sweep.spec import Axis, RunSpec, make_spec
from core.train.sweep.task import train_run

BASE = {"title": "exec", "data": {"name": "moons", "n_samples": 160, "noise": 0.2},
        "network": {"hidden": [8, 6], "activation": "tanh"},
        "optimizer": {"name": "sgd", "hyper": {"lr": 0.1}},
        "training": {"batch_size": 16, "seed": 3, "eval_every": 5}}


def small_spec():
    # Momentum at lr 1000 diverges within a few steps; gradient noise and the noisy
    # ReLU draw random numbers every step.
    noisy = {**BASE, "network": {"hidden": [8, 6], "activation": ["noisy_relu", "tanh"]},
             "training": {**BASE["training"], "grad_noise": {"enabled": True}}}
    return make_spec(noisy, [Axis("optimizer.name", ["sgd", "momentum"]),
                            Axis("optimizer.hyper.lr", [0.05, 1000.0])], seeds=2, steps=60)


@pytest.fixture(scope="module")
def serial():
    return run_sweep(small_spec(), SerialExecutor())


def assert_same(a, b):
    assert a.complete and b.complete
    assert sorted(a.results) == sorted(b.results)
    for k in a.results:
        assert a.results[k].same_numbers(b.results[k]), f"run {k} differs"
    for build in (tables.step_table, tables.run_summary, tables.cell_summary):
        assert build(a).to_csv() == build(b).to_csv()


def test_the_serial_sweep_holds_every_run_and_a_divergence(serial):
    assert len(serial.results) == 8
    assert any(r.diverged for r in serial.finished())
    assert all(r.status == "done" for r in serial.finished() if r.cell % 2 == 0)


def test_local_processes_give_the_serial_numbers_bit_for_bit(serial):
    with ProcessExecutor(2) as ex:
        assert ex.workers == 2
        got = run_sweep(small_spec(), ex)
    assert got.executor == "local processes, 2 workers"
    assert_same(serial, got)


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "processes"])
def test_a_dask_local_cluster_gives_the_serial_numbers_bit_for_bit(serial, processes):
    pytest.importorskip("dask.distributed")
    with DaskExecutor(local_cluster=2, processes=processes) as ex:
        assert ex.workers == 2
        got = run_sweep(small_spec(), ex)
    assert_same(serial, got)


def test_the_process_pool_is_reused_and_stops_between_chunks():
    spec = make_spec(BASE, [Axis("training.l2", [0.0, 1e-3, 1e-2])], seeds=2, steps=30)
    long = make_spec(BASE, [Axis("training.l2", [0.0, 1e-3])], seeds=3, steps=400_000)
    with ProcessExecutor(2) as ex:
        first = run_sweep(spec, ex)
        stop = threading.Event()
        timer = threading.Timer(1.0, stop.set)  # long runs: stopped in the middle
        timer.start()
        cut = run_sweep(long, ex, stop=stop)
        again = run_sweep(spec, ex)  # the pool works on after a stop
    assert first.complete and again.complete
    assert_same(first, again)
    assert cut.interrupted and len(cut.results) < long.n_runs
    assert cut.seconds < 30  # a run of 400,000 steps alone takes far longer


def test_a_serial_sweep_stops_when_asked_and_keeps_what_finished():
    spec = make_spec(BASE, [Axis("training.l2", [0.0, 1e-3, 1e-2])], seeds=2, steps=30)
    stop = threading.Event()
    seen = []

    def on_result(r):
        seen.append(r.run)
        if len(seen) == 2:
            stop.set()

    got = run_sweep(spec, SerialExecutor(), on_result=on_result, stop=stop)
    assert got.interrupted and not got.complete
    assert sorted(got.results) == [0, 1] == seen


def test_a_run_that_cannot_start_is_an_error_result_not_an_exception():
    task = RunSpec(0, 0, 1, {"network": {"hidden": [0]}}, 10, ("train_loss",))
    r = train_run(task)
    assert r.status == "error" and "width of hidden layer 1" in r.message
    assert r.steps.size == 0


def test_fork_is_refused_and_workers_are_checked():
    with pytest.raises(ValueError, match="'fork' copies a parent"):
        ProcessExecutor(2, context="fork")
    with pytest.raises(ValueError, match="at least 1"):
        ProcessExecutor(0)
    with pytest.raises(ValueError, match="scheduler address or a number"):
        DaskExecutor()
