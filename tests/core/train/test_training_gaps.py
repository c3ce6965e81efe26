"""Behaviours that used to be untested: reshuffling per epoch, early stopping's
``min_delta``, restoring batch-norm statistics with the best weights, and the
bulk ``Series.extend`` thinning exactly like ``Series.append``."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.batcher import Batcher
from core.train.config import SessionConfig
from core.train.fused import FusedStepper
from core.train.history import Series
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config

# -- 1. batch order per epoch -----------------------------------------------------------

def _record_epochs(monkeypatch, config: SessionConfig, n_steps: int):
    """Run ``config`` for ``n_steps`` steps; return the trainer, the order each epoch
    got, the indices that were available when it was drawn, and the training indices
    the kernel was actually given, split by epoch."""
    orders, available = [], []
    new_epoch_order = Batcher.new_epoch_order

    def spy(self, rng):
        available.append(self.available().copy())
        order = new_epoch_order(self, rng)
        orders.append(order.copy())
        return order

    trained = []
    stepper_run = FusedStepper.run

    def run_spy(self, idx, starts, *args, **kwargs):
        trained.append(np.array(idx[starts[0]:starts[-1]]))
        return stepper_run(self, idx, starts, *args, **kwargs)

    monkeypatch.setattr(Batcher, "new_epoch_order", spy)
    monkeypatch.setattr(FusedStepper, "run", run_spy)
    t = Trainer(config)
    assert t.run(n_steps) == n_steps
    assert t.epoch == len(orders) - 1 >= 3
    stream = np.concatenate(trained)
    bs = config.training.batch_size
    epochs = t.steps.column("epoch").astype(np.int64)
    assert epochs.size == n_steps  # the history holds every step (no thinning here)
    per_epoch = [stream[np.repeat(epochs == e, bs)] for e in range(len(orders))]
    return t, orders, available, per_epoch


def _assert_epochs_use_their_orders(orders, per_epoch, bs):
    """Each epoch trains on its own order, front to back, in whole batches."""
    for e, (order, used) in enumerate(zip(orders, per_epoch, strict=True)):
        np.testing.assert_array_equal(used, order[:used.size], err_msg=f"epoch {e}")
        if e < len(orders) - 1:  # a finished epoch used every whole batch it had
            assert used.size == order.size // bs * bs


def _is_permutation_of(order: np.ndarray, idx: np.ndarray) -> bool:
    return order.size == idx.size and np.array_equal(np.sort(order), np.sort(idx))


@pytest.mark.parametrize("curriculum", [False, True], ids=["all-data", "curriculum"])
def test_epoch_shuffling_draws_a_new_permutation_every_epoch(monkeypatch, curriculum):
    training = {"shuffle": "epoch", "batch_size": 16}
    if curriculum:
        training["curriculum"] = {"enabled": True, "start_fraction": 0.5, "epochs_to_full": 3}
    t, orders, available, per_epoch = _record_epochs(monkeypatch, make_config(
        training=training), 80)
    _assert_epochs_use_their_orders(orders, per_epoch, 16)
    for e, (order, idx) in enumerate(zip(orders, available, strict=True)):
        assert _is_permutation_of(order, idx), f"epoch {e} is not a permutation"
    # Every epoch's order differs from every other's, also among equal index sets.
    for i in range(len(orders)):
        for j in range(i + 1, len(orders)):
            assert not np.array_equal(orders[i], orders[j]), f"epochs {i} and {j} equal"
            if _is_permutation_of(orders[i], orders[j]):
                assert not np.array_equal(per_epoch[i][:16], per_epoch[j][:16])
    if not curriculum:
        n = t.data.train.X.shape[0]
        assert all(_is_permutation_of(o, np.arange(n)) for o in orders)


@pytest.mark.parametrize("curriculum", [False, True], ids=["all-data", "curriculum"])
def test_fixed_shuffling_repeats_one_permutation(monkeypatch, curriculum):
    training = {"shuffle": "fixed", "batch_size": 16}
    if curriculum:
        training["curriculum"] = {"enabled": True, "start_fraction": 0.5, "epochs_to_full": 3}
    t, orders, available, per_epoch = _record_epochs(monkeypatch, make_config(
        training=training), 80)
    _assert_epochs_use_their_orders(orders, per_epoch, 16)
    n = t.data.train.X.shape[0]
    perm = t.batcher.fixed_order
    assert _is_permutation_of(perm, np.arange(n))
    assert not np.array_equal(perm, np.arange(n))  # shuffled, not the data's order
    for e, (order, idx) in enumerate(zip(orders, available, strict=True)):
        assert _is_permutation_of(order, idx), f"epoch {e} is not a permutation"
        # the one permutation, restricted to the indices usable in this epoch
        np.testing.assert_array_equal(order, perm[np.isin(perm, idx)], err_msg=f"epoch {e}")
    if not curriculum:
        for order in orders[1:]:
            np.testing.assert_array_equal(order, orders[0])


def test_sorted_shuffling_orders_every_epoch_by_class(monkeypatch):
    t, orders, available, per_epoch = _record_epochs(
        monkeypatch, make_config(training={"shuffle": "sorted", "batch_size": 16}), 50)
    _assert_epochs_use_their_orders(orders, per_epoch, 16)
    y = np.asarray(t.data.train.y)
    assert np.unique(y).size == 2
    for e, (order, idx) in enumerate(zip(orders, available, strict=True)):
        assert _is_permutation_of(order, idx), f"epoch {e} is not a permutation"
        assert np.all(np.diff(y[order]) >= 0), f"epoch {e} is not sorted by class"
        np.testing.assert_array_equal(order, orders[0])


# -- 2. early stopping with min_delta ---------------------------------------------------

def _replay_early_stopping(steps, val_losses, patience, min_delta):
    """(stop step or None, best step) of the rule 'improved iff val < best - min_delta',
    patience counted in evaluations."""
    best, best_step, bad = np.inf, None, 0
    for step, v in zip(steps, val_losses, strict=True):
        if v < best - min_delta:
            best, best_step, bad = v, int(step), 0
        else:
            bad += 1
            if bad >= patience:
                return int(step), best_step
    return None, best_step


def _slow_sgd(min_delta: float) -> SessionConfig:
    # Plain SGD with a small step: the validation loss falls at every evaluation, by
    # a few 1e-4 each time, i.e. by less than min_delta = 2e-3 per evaluation.
    return make_config(optimizer={"name": "sgd", "hyper": {"lr": 0.01}},
                       training={"eval_every": 5, "early_stopping": {
                           "enabled": True, "patience": 4, "min_delta": min_delta}})


def test_early_stopping_counts_improvements_below_min_delta_as_none():
    patience, d = 4, 2e-3
    t = Trainer(_slow_sgd(d))
    t.run(400)
    steps, val = t.evals.column("step"), t.evals.column("val_loss")
    assert t.status == "early_stopped"
    expected_stop, expected_best = _replay_early_stopping(steps, val, patience, d)
    assert t.stop_step == expected_stop == t.step == steps[-1]
    assert t.best_step == expected_best
    # The situation is the intended one: the loss improved at every evaluation up to
    # the stop, but the last `patience` improvements over the best were all < d.
    assert np.all(np.diff(val) < 0)
    best_val = val[steps == expected_best][0]
    last = val[-patience:]
    assert np.all(last < best_val) and np.all(best_val - last < d)
    # The best moved more than once: the threshold is `best - d`, after each reset.
    assert expected_best > steps[0]

    # Without min_delta, the same (identical) training never stops at that step.
    t0 = Trainer(_slow_sgd(0.0))
    t0.run(400)
    steps0, val0 = t0.evals.column("step"), t0.evals.column("val_loss")
    np.testing.assert_array_equal(val0[:val.size], val)  # the rule does not change training
    stop0, _ = _replay_early_stopping(steps0, val0, patience, 0.0)
    assert t0.stop_step == stop0
    assert t0.stop_step != t.stop_step and t0.step > t.step
    assert t0.status == ("early_stopped" if stop0 is not None else "running")


# -- 3. restore_best with batch norm ----------------------------------------------------

def _overfitting_bn(every: int, early_stopping: bool) -> SessionConfig:
    # Few, noisy examples and a wide batch-norm network: the validation loss has its
    # minimum after a few evaluations, then rises.
    return make_config(
        data={"name": "moons", "n_samples": 80, "noise": 0.4, "val_ratio": 0.5},
        network={"hidden": [32, 32], "activation": "relu", "initializer": "he_normal",
                 "batch_norm": True},
        optimizer={"name": "adam", "hyper": {"lr": 0.002}},
        training={"eval_every": every, "early_stopping": {
            "enabled": early_stopping, "patience": 5, "min_delta": 0.0,
            "restore_best": True}})


def test_restore_best_restores_batch_norm_statistics_with_the_weights():
    every = 5
    t = Trainer(_overfitting_bn(every, early_stopping=True))
    assert t.network.buffers.size > 0
    at_eval = {}  # step -> (params, buffers) right after that evaluation
    while not t.finished and t.step < 3000:
        assert t.run(every) == every  # one chunk, ending at an evaluation step
        if not t.finished:
            at_eval[t.step] = (t.network.params.copy(), t.network.buffers.copy())
    assert t.status == "early_stopped"
    best = t.best_step
    assert best in at_eval and every < best < t.stop_step
    params, buffers = at_eval[best]
    np.testing.assert_array_equal(t.network.params, params)
    np.testing.assert_array_equal(t.network.buffers, buffers)
    # The validation loss is the best one again (evaluation mode uses the statistics).
    steps, val = t.evals.column("step"), t.evals.column("val_loss")
    assert t.validation_metrics()[0] == pytest.approx(val[steps == best][0], rel=1e-12)

    # Meaningful only if training after the best step moved the statistics: the same
    # run without early stopping holds other buffers at the stop step.
    free = Trainer(_overfitting_bn(every, early_stopping=False))
    free.run(t.stop_step)
    assert not np.allclose(free.network.buffers, buffers)
    assert not np.allclose(free.network.params, params)


# -- 4. Series.extend thins exactly like Series.append ----------------------------------

COLUMNS = {"step": 1, "v": 3}


def _rows(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    return {"step": np.arange(1, n + 1, dtype=np.float64), "v": rng.normal(size=(n, 3))}


def _assert_same_series(a: Series, b: Series, where: str) -> None:
    assert (a.size, a.stride, a.appended) == (b.size, b.stride, b.appended), where
    for name in COLUMNS:
        np.testing.assert_array_equal(a.column(name), b.column(name), err_msg=where)


def _chunkings(capacity: int, total: int, seed: int) -> list[int]:
    """Chunk sizes summing to ``total``; -1 means 'append one row'. No empty chunks
    (see test_extend_with_empty_chunks_changes_nothing)."""
    return [k for k in _chunk_sizes(capacity, total, seed) if k]


def _chunk_sizes(capacity: int, total: int, seed: int) -> list[int]:
    if seed == 0:
        return [total]  # everything in one extend
    if seed == 1:
        return [capacity] * (total // capacity) + [total % capacity]
    if seed == 2:
        return [capacity + 1, capacity - 1] * (total // (2 * capacity)) + [
            total % (2 * capacity)]
    rng = np.random.default_rng([capacity, seed])
    sizes, left = [], total
    while left:
        kind = rng.integers(4)
        if kind == 0:
            k = -1  # a single append
        elif kind == 1:
            k = int(rng.integers(1, 4))
        elif kind == 2:
            k = int(rng.integers(1, 3 * capacity + 2))
        else:
            k = int(rng.integers(1, 40 * capacity))
        k = min(k, left) if k > 0 else k
        sizes.append(k)
        left -= abs(k)
    return sizes


def _check_chunking(capacity: int, total: int, sizes: list[int], seed: int) -> None:
    rows = _rows(total, np.random.default_rng(seed))
    ref, bulk = Series(COLUMNS, capacity), Series(COLUMNS, capacity)
    i = 0
    for c, k in enumerate(sizes):
        n = abs(k)
        for j in range(i, i + n):
            ref.append(**{name: col[j] for name, col in rows.items()})
        if k < 0:
            bulk.append(**{name: col[i] for name, col in rows.items()})
        else:
            bulk.extend(**{name: col[i:i + n] for name, col in rows.items()})
        i += n
        _assert_same_series(bulk, ref, f"capacity {capacity}, after chunk {c} ({k} rows)")
    assert i == total


@pytest.mark.parametrize("capacity", [2, 4, 6, 8, 10])
@pytest.mark.parametrize("seed", range(12))
def test_extend_thins_exactly_like_append(capacity, seed):
    total = 97 * capacity + 13 * seed + 1  # several thinnings (stride up to 64 or more)
    sizes = _chunkings(capacity, total, seed)
    _check_chunking(capacity, total, sizes, seed)


def test_extend_thinning_reaches_large_strides():
    s = Series(COLUMNS, 4)
    s.extend(**_rows(1000, np.random.default_rng(0)))
    assert s.stride >= 256 and s.appended == 1000 and 2 <= s.size <= 4
    assert s.column("step")[0] == 1 and np.all(np.diff(s.column("step")) == s.stride)


@pytest.mark.parametrize("capacity", [2, 6])
def test_extend_with_empty_chunks_changes_nothing(capacity):
    total = 40 * capacity + 3
    rows = _rows(total, np.random.default_rng(capacity))
    ref, bulk = Series(COLUMNS, capacity), Series(COLUMNS, capacity)
    for j in range(total):
        ref.append(**{name: col[j] for name, col in rows.items()})
    bounds = [0, 0, 5, 5, 5, total - 1, total, total]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        bulk.extend(**{name: col[a:b] for name, col in rows.items()})
    _assert_same_series(bulk, ref, f"capacity {capacity}")
