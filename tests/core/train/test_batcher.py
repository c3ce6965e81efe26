"""The Batcher on its own: epoch rollover, curriculum growth, the three shuffle
modes, and the bulk plan giving exactly the per-step draws."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.train.batcher import Batcher
from core.train.config import TrainingConfig


def make(n: int = 10, batch_size: int = 4, shuffle: str = "epoch", curriculum=None,
         difficulty=None, labels=None) -> Batcher:
    training = TrainingConfig(batch_size=batch_size, shuffle=shuffle,
                              curriculum=curriculum or {"enabled": False})
    if difficulty is None:
        difficulty = np.arange(n, dtype=np.float64)[::-1].copy()  # row n-1 is the easiest
    if labels is None:
        labels = np.arange(n) % 2
    return Batcher(training, np.asarray(difficulty, dtype=np.float64), np.asarray(labels))


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def state(b: Batcher) -> tuple:
    fixed = None if b.fixed_order is None else b.fixed_order.tolist()
    return b.epoch, b.order.tolist(), b.pos, fixed


# -- epoch rollover -------------------------------------------------------------------

def test_an_epoch_ends_when_no_whole_batch_is_left_and_skips_the_remainder():
    b, g = make(n=10, batch_size=4), rng()
    assert b.epoch == 0 and b.order.size == 0  # nothing drawn before the first batch
    first = [b.next_batch(g).copy() for _ in range(2)]
    order0 = b.order.copy()
    assert b.epoch == 0 and b.pos == 8
    np.testing.assert_array_equal(np.concatenate(first), order0[:8])
    third = b.next_batch(g)  # 8 + 4 > 10: rows order0[8:] are skipped, a new epoch starts
    assert b.epoch == 1 and b.pos == 4
    np.testing.assert_array_equal(third, b.order[:4])
    assert not np.array_equal(b.order, order0)  # "epoch" draws a fresh permutation


def test_an_exact_fit_uses_every_row_before_rolling_over():
    b, g = make(n=12, batch_size=4), rng()
    seen = np.concatenate([b.next_batch(g) for _ in range(3)])
    assert b.epoch == 0 and b.pos == 12
    np.testing.assert_array_equal(np.sort(seen), np.arange(12))
    b.next_batch(g)
    assert b.epoch == 1 and b.pos == 4


def test_a_batch_larger_than_the_data_is_the_whole_epoch():
    b, g = make(n=5, batch_size=32), rng()
    for e in range(3):
        batch = b.next_batch(g)
        assert b.epoch == e and batch.size == 5 and b.pos == 5
        np.testing.assert_array_equal(np.sort(batch), np.arange(5))


# -- curriculum -----------------------------------------------------------------------

CURRICULUM = {"enabled": True, "start_fraction": 0.25, "epochs_to_full": 4}


def test_the_curriculum_grows_linearly_from_the_easiest_rows():
    n = 40
    difficulty = np.random.default_rng(1).permutation(n).astype(np.float64)
    b = make(n=n, curriculum=CURRICULUM, difficulty=difficulty)
    easiest = np.argsort(difficulty)
    for epoch, frac in [(0, 0.25), (1, 0.4375), (2, 0.625), (3, 0.8125), (4, 1.0), (9, 1.0)]:
        usable = b.available(epoch)
        k = int(np.ceil(frac * n))
        assert usable.size == k, epoch
        np.testing.assert_array_equal(np.sort(usable), np.sort(easiest[:k]))
    b.epoch = 2
    np.testing.assert_array_equal(b.available(), b.available(2))  # default: the current


def test_the_curriculum_keeps_at_least_two_rows_and_ranks_ties_stably():
    b = make(n=10, curriculum={"enabled": True, "start_fraction": 0.01, "epochs_to_full": 5},
             difficulty=np.zeros(10))
    np.testing.assert_array_equal(b.available(0), [0, 1])  # equal difficulty: data order


def test_the_usable_rows_are_the_callers_to_keep():
    b = make(n=20, curriculum=CURRICULUM)
    first = b.available(0)
    want = first.copy()
    first[:] = 0
    np.testing.assert_array_equal(b.available(0), want)


def test_without_a_curriculum_every_row_is_usable_in_every_epoch():
    b = make(n=7)
    for epoch in (0, 3, 10**6):
        np.testing.assert_array_equal(b.available(epoch), np.arange(7))


def test_each_epoch_draws_from_the_rows_usable_in_that_epoch():
    n = 40
    b, g = make(n=n, batch_size=3, curriculum=CURRICULUM), rng(2)
    used: dict[int, list] = {}
    for _ in range(60):
        batch = b.next_batch(g)
        used.setdefault(b.epoch, []).extend(batch.tolist())
    assert b.epoch >= 4
    for epoch, rows in used.items():
        assert set(rows) <= set(b.available(epoch).tolist()), epoch
        assert len(rows) == len(set(rows))  # within an epoch no row repeats
    assert len(used[0]) == int(np.ceil(0.25 * n)) // 3 * 3


# -- shuffle modes --------------------------------------------------------------------

def _orders(b: Batcher, g: np.random.Generator, epochs: int) -> list[np.ndarray]:
    out = []
    while len(out) < epochs:
        b.next_batch(g)
        if b.pos == min(b.batch_size, b.order.size):  # the first batch of an epoch
            out.append(b.order.copy())
    return out


def test_epoch_mode_draws_a_new_permutation_every_epoch():
    b = make(n=20, batch_size=5)
    orders = _orders(b, rng(3), 5)
    for o in orders:
        np.testing.assert_array_equal(np.sort(o), np.arange(20))
    assert len({tuple(o) for o in orders}) == 5


def test_fixed_mode_draws_one_permutation_and_restricts_it_to_the_usable_rows():
    b, g = make(n=40, batch_size=3, shuffle="fixed", curriculum=CURRICULUM), rng(4)
    orders = _orders(b, g, 6)
    perm = b.fixed_order
    np.testing.assert_array_equal(np.sort(perm), np.arange(40))
    assert not np.array_equal(perm, np.arange(40))
    for e, o in enumerate(orders):
        usable = b.available(e)
        np.testing.assert_array_equal(o, perm[np.isin(perm, usable)], err_msg=str(e))
    np.testing.assert_array_equal(orders[-1], perm)  # full data from epoch 4 on
    np.testing.assert_array_equal(orders[-2], orders[-1])
    assert b.fixed_order is perm  # drawn once, never again


def test_fixed_mode_draws_nothing_after_its_permutation():
    b, g = make(n=10, batch_size=4, shuffle="fixed"), rng(5)
    b.next_batch(g)
    after_first = g.bit_generator.state
    for _ in range(20):
        b.next_batch(g)
    assert g.bit_generator.state == after_first


def test_sorted_mode_orders_by_class_stably_and_draws_nothing():
    labels = np.array([1, 0, 2, 0, 1, 2, 0, 1])
    b, g = make(n=8, batch_size=2, shuffle="sorted", labels=labels), rng(6)
    before = g.bit_generator.state
    batches = [b.next_batch(g).tolist() for _ in range(8)]
    assert g.bit_generator.state == before
    assert batches[:4] == [[1, 3], [6, 0], [4, 7], [2, 5]]
    assert batches[4:] == batches[:4] and b.epoch == 1


def test_sorted_mode_sorts_regression_targets_by_their_first_column():
    y = np.array([[0.5, 9.0], [-1.0, 0.0], [2.0, -5.0], [0.0, 1.0]])
    b = make(n=4, batch_size=4, shuffle="sorted", labels=y)
    np.testing.assert_array_equal(b.next_batch(rng()), [1, 3, 0, 2])


# -- the bulk plan --------------------------------------------------------------------

def _per_step(b: Batcher, g: np.random.Generator, n: int):
    batches, epochs = [], []
    for _ in range(n):
        batches.append(b.next_batch(g).copy())
        epochs.append(b.epoch)
    starts = np.concatenate([[0], np.cumsum([x.size for x in batches])])
    return np.concatenate(batches), starts, np.array(epochs, dtype=np.float64)


@settings(max_examples=120, deadline=None)
@given(n=st.integers(2, 40), batch_size=st.integers(1, 50),
       shuffle=st.sampled_from(["epoch", "fixed", "sorted"]), curriculum=st.booleans(),
       chunks=st.lists(st.integers(1, 30), min_size=1, max_size=6), seed=st.integers(0, 99))
def test_the_plan_equals_the_per_step_draws(n, batch_size, shuffle, curriculum, chunks, seed):
    cur = {"enabled": True, "start_fraction": 0.3, "epochs_to_full": 3} if curriculum else None
    labels = np.random.default_rng(seed).integers(0, 3, n)
    planned = make(n, batch_size, shuffle, cur, labels=labels)
    stepped = make(n, batch_size, shuffle, cur, labels=labels)
    gp, gs = rng(seed), rng(seed)
    for k in chunks:
        idx, starts, epochs = planned.plan(k, gp)
        ref_idx, ref_starts, ref_epochs = _per_step(stepped, gs, k)
        assert idx.dtype == np.int64 and starts.dtype == np.int64 and starts.size == k + 1
        np.testing.assert_array_equal(idx, ref_idx)
        np.testing.assert_array_equal(starts, ref_starts)
        np.testing.assert_array_equal(epochs, ref_epochs)
        assert state(planned) == state(stepped)
        assert gp.bit_generator.state == gs.bit_generator.state


def test_restore_continues_exactly_where_the_saved_batcher_was():
    a, ga = make(n=30, batch_size=4, shuffle="fixed", curriculum=CURRICULUM), rng(7)
    for _ in range(9):
        a.next_batch(ga)
    b = make(n=30, batch_size=4, shuffle="fixed", curriculum=CURRICULUM)
    b.restore(a.epoch, a.order.copy(), a.pos, a.fixed_order.copy())
    gb = np.random.default_rng()
    gb.bit_generator.state = ga.bit_generator.state
    assert state(a) == state(b)
    for _ in range(25):
        np.testing.assert_array_equal(a.next_batch(ga), b.next_batch(gb))
    assert state(a) == state(b)


@pytest.mark.parametrize("shuffle", ["epoch", "fixed", "sorted"])
def test_a_plan_of_zero_steps_changes_nothing(shuffle):
    b, g = make(shuffle=shuffle), rng()
    b.next_batch(g)
    before, rng_before = state(b), g.bit_generator.state
    idx, starts, epochs = b.plan(0, g)
    assert idx.size == 0 and starts.tolist() == [0] and epochs.size == 0
    assert state(b) == before and g.bit_generator.state == rng_before
