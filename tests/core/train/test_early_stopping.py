"""EarlyStopping on its own: the improvement rule with min_delta, patience, the
best state kept as copies, and restoring it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.train.config import EarlyStoppingConfig
from core.train.early_stopping import BestState, EarlyStopping


def net(value: float = 0.0) -> SimpleNamespace:
    """What EarlyStopping reads of a network: its flat parameters and buffers."""
    return SimpleNamespace(params=np.full(5, value), buffers=np.full(3, -value))


def stopper(patience: int = 3, min_delta: float = 0.0, restore_best: bool = True,
            enabled: bool = True) -> EarlyStopping:
    return EarlyStopping(EarlyStoppingConfig(enabled=enabled, patience=patience,
                                             min_delta=min_delta, restore_best=restore_best))


def feed(es: EarlyStopping, losses, network=None) -> int | None:
    """Evaluations at steps 10, 20, ...; the step at which ``update`` said stop."""
    for i, v in enumerate(losses):
        network = network or net()
        network.params[:] = i  # the weights at that evaluation
        network.buffers[:] = -i
        if es.update(v, 10 * (i + 1), network):
            return 10 * (i + 1)
    return None


def test_it_stops_after_patience_evaluations_without_improvement():
    es = stopper(patience=3)
    assert feed(es, [1.0, 0.8, 0.9, 0.85, 0.81, 0.5]) == 50
    assert es.best.val_loss == 0.8 and es.best.step == 20 and es.bad_evals == 3


def test_an_improvement_resets_the_count():
    es = stopper(patience=3)
    assert feed(es, [1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 0.95]) == 70
    assert es.best.step == 40


def test_improvements_smaller_than_min_delta_count_as_none():
    es = stopper(patience=2, min_delta=0.1)
    # 1.0 -> 0.95 -> 0.91: each below the last, but never below best - 0.1 = 0.9
    assert feed(es, [1.0, 0.95, 0.91]) == 30
    assert es.best.val_loss == 1.0 and es.best.step == 10


def test_the_min_delta_threshold_is_taken_from_the_best_not_the_last():
    es = stopper(patience=3, min_delta=0.1)
    # 0.95, 0.92 are bad (above 0.9); 0.89 improves on the best 1.0 by more than 0.1
    assert feed(es, [1.0, 0.95, 0.92, 0.89]) is None
    assert es.best.val_loss == 0.89 and es.bad_evals == 0


def test_non_finite_validation_losses_are_ignored():
    es = stopper(patience=1)
    assert feed(es, [np.nan, np.inf, 1.0, np.nan, -np.inf]) is None
    assert es.best.val_loss == 1.0 and es.bad_evals == 0


def test_disabled_it_never_stops_and_keeps_nothing():
    es = stopper(patience=1, enabled=False)
    assert feed(es, [1.0, 2.0, 3.0, 4.0]) is None
    assert es.best == BestState() and es.bad_evals == 0


def test_the_best_state_is_a_copy_of_the_weights_then():
    es, network = stopper(patience=5), net()
    feed(es, [1.0, 0.5, 0.7], network)
    assert es.best.step == 20
    np.testing.assert_array_equal(es.best.params, np.full(5, 1.0))
    np.testing.assert_array_equal(es.best.buffers, np.full(3, -1.0))
    assert not np.shares_memory(es.best.params, network.params)
    np.testing.assert_array_equal(network.params, np.full(5, 2.0))  # the last evaluation


@pytest.mark.parametrize("restore_best", [True, False])
def test_restore_best_puts_weights_and_statistics_back_only_when_asked(restore_best):
    es, network = stopper(patience=2, restore_best=restore_best), net()
    assert feed(es, [1.0, 0.5, 0.7, 0.8], network) == 40
    es.restore_best(network)
    want = 1.0 if restore_best else 3.0
    np.testing.assert_array_equal(network.params, np.full(5, want))
    np.testing.assert_array_equal(network.buffers, np.full(3, -want))


def test_without_any_improvement_there_is_nothing_to_restore():
    es, network = stopper(patience=1), net(7.0)
    es.restore_best(network)
    np.testing.assert_array_equal(network.params, np.full(5, 7.0))


def test_the_message_names_the_stop_and_the_best():
    es = stopper(patience=1)
    feed(es, [0.123456, 0.2])
    assert es.message(20) == "early-stopped at step 20; best validation loss 0.1235 at step 10"


def test_restore_takes_over_a_saved_state():
    a = stopper(patience=4)
    feed(a, [1.0, 0.6, 0.7, 0.8])
    b = stopper(patience=4)
    b.restore(a.best, a.bad_evals)
    rest = [0.9, 0.65, 0.5, 0.6]
    assert [a.update(v, 100 + i, net()) for i, v in enumerate(rest)] == \
           [b.update(v, 100 + i, net()) for i, v in enumerate(rest)]
    assert (a.best.val_loss, a.best.step, a.bad_evals) == (b.best.val_loss, b.best.step,
                                                           b.bad_evals)


def _replay(losses, patience, min_delta):
    best, best_i, bad = np.inf, None, 0
    for i, v in enumerate(losses):
        if not np.isfinite(v):
            continue
        if v < best - min_delta:
            best, best_i, bad = v, i, 0
        else:
            bad += 1
            if bad >= patience:
                return i, best_i
    return None, best_i


@settings(max_examples=200, deadline=None)
@given(losses=st.lists(st.one_of(st.floats(0, 2), st.just(float("nan"))), max_size=30),
       patience=st.integers(1, 6), min_delta=st.sampled_from([0.0, 0.01, 0.3]))
def test_it_follows_the_rule_on_any_sequence(losses, patience, min_delta):
    es = stopper(patience=patience, min_delta=min_delta)
    stop = feed(es, losses)
    want_stop, want_best = _replay(losses, patience, min_delta)
    assert stop == (None if want_stop is None else 10 * (want_stop + 1))
    assert es.best.step == (None if want_best is None else 10 * (want_best + 1))
