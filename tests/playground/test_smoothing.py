"""Smoothing on the Training tab (issue 11, item 4): TensorBoard's debiased EMA of the
training loss and of every layer's gradient norm, the raw values faint behind,
validation points as measured; the history is never changed."""

from __future__ import annotations

import numpy as np

from core.train.smoothing import ema
from playground.plots.smoothing_slider import DEFAULT, TICKS
from tests.playground.helpers import curve_data, fresh_snapshot, train_to


def drawn(window):
    loss, grad = window.views.loss, window.views.grad
    return (curve_data(loss.smooth_curve)[1], curve_data(loss.train_curve)[1],
            [curve_data(c)[1] for c in grad.smooth_curves])


def test_smoothing_changes_the_drawn_curves_but_not_the_history(qtbot, window):
    train_to(qtbot, window, 120)
    snap = fresh_snapshot(qtbot, window)
    qtbot.waitUntil(lambda: window.session.step == snap.step, timeout=5_000)
    history = (snap.train_loss.copy(), snap.grad_norms.copy(), snap.val_loss.copy())
    loss, grad = window.views.loss, window.views.grad
    assert loss.smoothing.weight == DEFAULT and DEFAULT > 0

    smooth, raw, norms = drawn(window)
    np.testing.assert_allclose(smooth, ema(snap.train_loss, DEFAULT))
    np.testing.assert_array_equal(raw, snap.train_loss)  # faint behind, as measured
    assert loss.train_curve.isVisible() and loss.train_curve.opts["pen"].color().alpha() < 255
    for i, y in enumerate(norms):
        np.testing.assert_allclose(y, ema(snap.grad_norms[:, i], DEFAULT))
    assert np.isclose(smooth[0], snap.train_loss[0], rtol=1e-12)  # debiased: not pulled to 0
    assert np.std(np.diff(smooth)) < 0.5 * np.std(np.diff(raw))

    loss.smoothing.slider.setValue(round(0.9 * TICKS))  # as the user drags it
    smooth9, raw9, norms9 = drawn(window)
    np.testing.assert_allclose(smooth9, ema(snap.train_loss, 0.9))
    assert not np.allclose(smooth9, smooth)
    np.testing.assert_allclose(norms9[2], ema(snap.grad_norms[:, 2], 0.9))
    assert grad.weight == 0.9
    # Validation points stay as measured.
    finite = np.isfinite(snap.val_loss)
    np.testing.assert_array_equal(curve_data(loss.val_curve)[1], snap.val_loss[finite])
    # The history is unchanged: in the snapshot drawn, and in the run itself.
    again = fresh_snapshot(qtbot, window)
    for before, now, run in zip(history, (snap.train_loss, snap.grad_norms, snap.val_loss),
                                (again.train_loss, again.grad_norms, again.val_loss),
                                strict=True):
        np.testing.assert_array_equal(now, before)
        np.testing.assert_array_equal(run, before)


def test_no_smoothing_draws_the_raw_curve_alone(qtbot, window):
    train_to(qtbot, window, 60)
    loss = window.views.loss
    loss.smoothing.slider.setValue(0)
    snap = window.session.snapshot
    smooth, _, norms = drawn(window)
    np.testing.assert_array_equal(smooth, snap.train_loss)
    np.testing.assert_array_equal(norms[0], snap.grad_norms[:, 0])
    assert not loss.train_curve.isVisible()


def test_a_pin_is_smoothed_like_the_run(qtbot, window):
    train_to(qtbot, window, 50)
    window.controls.pin.trigger()
    ghost = window.views.loss.ghosts[0]
    raw = window.session.snapshot.train_loss
    np.testing.assert_allclose(curve_data(ghost.item)[1], ema(raw, DEFAULT))
    window.views.loss.smoothing.slider.setValue(round(0.3 * TICKS))
    np.testing.assert_allclose(curve_data(ghost.item)[1], ema(raw, 0.3))
