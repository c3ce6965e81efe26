"""The claims the network view (and the presets' descriptions) make, checked
headless on the very presets, through the view's own computations
(playground.network.picture, no Qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.train.session import load_session
from playground.network.picture import Analyst
from playground.session.run_info import describe_run

PRESETS = Path(__file__).resolve().parents[3] / "resources/presets"


def _run(name: str):
    loaded = load_session(PRESETS / f"{name}.json")
    trainer = loaded.trainer()
    return trainer, Analyst(describe_run(trainer, 1, loaded.config))


def _analyse(trainer, analyst, curvature: bool = False):
    snap = trainer.snapshot()
    assert analyst.load(snap)
    if curvature:
        analyst.curvature(snap)
    return analyst.picture(snap)


def test_vanishing_preset_first_layer_curvature_is_orders_of_magnitude_below_the_last():
    trainer, analyst = _run("01_vanishing_gradients")
    for steps in (0, 100):  # at the start and after training a while
        trainer.run(steps)
        pic = _analyse(trainer, analyst, curvature=True)
        mean, se = pic.curvature.values[-1], pic.curvature.errors[-1]
        assert pic.curvature.steps[-1] == trainer.step
        # the first hidden layer vs the output layer: more than 10 orders of magnitude,
        # far beyond the first one's error bar
        assert mean[0] + 3 * se[0] < 1e-10 * mean[-1]
        # ... and smaller on every lower layer
        assert np.all(np.diff(np.log10(mean)) > 0)


def test_exploding_preset_gradients_grow_from_output_to_input_for_many_steps():
    loaded = load_session(PRESETS / "02_exploding_gradients.json")
    t = loaded.trainer()
    start = t.snapshot()
    # the histograms exist from step 0: saturated tanh activations (|h| > 0.9 mostly)
    assert len(start.act_hists) == 10 and len(start.grad_hists) == 11
    first = start.act_hists[-1]
    centres = (first.edges[:-1] + first.edges[1:]) / 2
    assert first.counts[np.abs(centres) > 0.9].sum() > 0.5 * first.counts.sum()
    t.run(30)
    snap = t.snapshot()
    assert snap.status != "diverged" and snap.step == 30
    g = snap.grad_norms  # (steps, layers): hidden 1 .. hidden 10, output
    assert np.all(np.isfinite(g))
    # from the output to the first layer by more than two orders of magnitude, every step
    assert np.all(g[:, 0] > 100 * g[:, -1])
    # ... layer by layer: going down a layer, the norm grows in 95% of the (step, layer)
    # pairs and never shrinks by more than 40%; the median profile rises at every layer
    down = g[:, :-1] / g[:, 1:]
    assert np.mean(down > 1) >= 0.95 and down.min() > 0.4
    assert np.all(np.diff(np.median(np.log10(g), axis=0)) < 0)


@pytest.mark.parametrize("name,steps", [("03_relu_family_dying_relu", 200),
                                        ("03_relu_family_relu", 3000)])
def test_relu_presets_have_dead_units(name, steps):
    trainer, analyst = _run(name)
    before = _analyse(trainer, analyst)
    trainer.run(steps)
    pic = _analyse(trainer, analyst)
    hidden = [c for c in pic.columns if c.kind == "hidden"]
    assert pic.count_kinds == ("dead",) * len(hidden)
    dead = sum(c.n_dead for c in hidden)
    assert dead > 0
    assert pic.counts.steps.tolist() == [0, trainer.step]
    np.testing.assert_array_equal(pic.counts.values[-1], [c.n_dead for c in hidden])
    if name.endswith("dying_relu"):  # a learning rate too large kills many, and fast
        assert dead >= 3 * sum(c.n_dead for c in before.columns) and dead > 30
    # the units marked dead are never positive on the training split: checked by hand
    net = analyst.net
    with net.evaluating():
        net.forward(trainer.data.train.X, update_stats=False)
        for l, col in enumerate(hidden):
            pre = net.intermediates(l)["pre"]
            never = pre.max(axis=0) <= 0
            assert col.n_dead == int(never.sum())
            np.testing.assert_array_equal(col.dead, never[col.units])
