"""Histograms exist at step 0 and show the last step trained, also a single step."""

from __future__ import annotations

import numpy as np

from core.train.trainer import Trainer
from tests.core.train.reference import reference_step
from tests.core.train.test_trainer import make_config


def test_step_0_has_histograms_of_the_initial_weights_and_draws_nothing():
    config = make_config(network={"hidden": [6, 5], "activation": ["noisy_relu", "tanh"]})
    t, untouched = Trainer(config), Trainer(config)
    snap = t.snapshot()
    assert len(snap.act_hists) == 2 and len(snap.grad_hists) == 3
    assert all(h.counts.sum() > 0 for h in snap.act_hists + snap.grad_hists)
    t.run(7)
    untouched.run(7)  # the step-0 histograms changed nothing of the run
    np.testing.assert_array_equal(t.network.params, untouched.network.params)


def test_a_single_step_shows_that_steps_gradients():
    t = Trainer(make_config(training={"eval_every": 1000}))
    t.run(3)
    ref = Trainer(make_config(training={"eval_every": 1000}))
    for _ in range(3):
        reference_step(ref)
    grads = [ref.network.grad[s] for s in ref.network.layer_slices]
    shown = t.histograms()["grad"]
    for h, g in zip(shown, grads, strict=True):
        expected, _ = np.histogram(g, bins=h.edges.size - 1, range=(h.edges[0], h.edges[-1]))
        np.testing.assert_array_equal(h.counts, expected)
    before = [h.counts.copy() for h in shown]
    t.run(1)
    assert any(not np.array_equal(a, h.counts) for a, h in
               zip(before, t.histograms()["grad"], strict=True))
