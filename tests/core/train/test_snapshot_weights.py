"""What a snapshot carries for the network view: a bounded, read-only copy of the
weights, and histograms from step 0 on."""

from __future__ import annotations

import numpy as np
import pytest

from core.train import snapshot as snapshot_module
from core.train.config import parse_config
from core.train.trainer import Trainer
from tests.core.train.reference import reference_step


def _config(**network):
    return parse_config({"schema_version": 2, "data": {"name": "spiral", "n_samples": 80},
                         "network": {"hidden": [5, 4], **network},
                         "training": {"batch_size": 8, "eval_every": 10}})


def test_a_snapshot_holds_a_read_only_copy_of_the_weights_of_its_step():
    t = Trainer(_config(batch_norm=True))
    t.run(3)
    snap = t.snapshot()
    np.testing.assert_array_equal(snap.params, t.network.params)
    np.testing.assert_array_equal(snap.buffers, t.network.buffers)
    assert not snap.params.flags.writeable and not snap.buffers.flags.writeable
    with pytest.raises(ValueError):
        snap.params[0] = 1.0
    t.run(2)  # training goes on: the snapshot keeps the weights of step 3
    assert not np.array_equal(snap.params, t.network.params)


def test_no_copy_beyond_the_cap(monkeypatch):
    t = Trainer(_config())
    monkeypatch.setattr(snapshot_module, "WEIGHT_COPY_FLOATS", t.network.params.size - 1)
    snap = t.snapshot()
    assert snap.params is None and snap.buffers is None


@pytest.mark.parametrize("network", [dict(), dict(batch_norm=True),
                                     dict(activation="noisy_relu")],
                         ids=["plain", "bn", "noisy"])
def test_histograms_exist_from_step_0_and_change_nothing_the_run_computes(network):
    t = Trainer(_config(**network))
    snap = t.snapshot()
    assert len(snap.act_hists) == 2 and len(snap.grad_hists) == 3
    assert all(h.counts.sum() > 0 for h in snap.act_hists + snap.grad_hists)
    # the step-0 histograms are the initial weights' on the first batch_size rows
    net = t.network
    noisy = bool(network.get("activation"))  # noisy ReLU at its expected behaviour: no noise
    net.forward(t.data.train.X[:8], update_stats=False, noise=[
        np.zeros((8, 5)) if noisy else None, np.zeros((8, 4)) if noisy else None, None])
    np.testing.assert_array_equal(
        snap.act_hists[0].counts,
        np.histogram(net.hidden_activations()[0], bins=40,
                     range=(snap.act_hists[0].edges[0], snap.act_hists[0].edges[-1]))[0])
    # ... and a run that was looked at trains the same bits as one that was not
    other = Trainer(_config(**network))
    for _ in range(12):
        reference_step(t)
        reference_step(other)
    np.testing.assert_array_equal(t.network.params, other.network.params)
    np.testing.assert_array_equal(t.network.buffers, other.network.buffers)
    assert t.snapshot().act_hists[0].edges.tolist() == \
        other.snapshot().act_hists[0].edges.tolist()
