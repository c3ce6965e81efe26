"""Sweep specs: axes from text, expansion into runs, validation before anything runs."""

from __future__ import annotations

import numpy as np
import pytest

from core.train.config import config_to_dict, parse_config
from core.train.sweep import paths
from core.train.sweep.spec import Axis, make_spec, parse_axis
from core.train.sweep.task import train_run
from core.train.trainer import Trainer

BASE = {"title": "base", "data": {"name": "moons", "n_samples": 120, "noise": 0.2},
        "network": {"hidden": [6, 4], "activation": "tanh"},
        "optimizer": {"name": "adam", "hyper": {"lr": 0.01, "beta1": 0.8}},
        "training": {"batch_size": 16, "seed": 7, "steps": 40}}


def test_values_are_read_by_the_type_of_their_setting():
    assert parse_axis("optimizer.hyper.lr=0.1, 1e-3").values == (0.1, 0.001)
    assert parse_axis("network.batch_norm=off,on").values == (False, True)
    assert parse_axis("training.batch_size=8,32").values == (8, 32)
    assert parse_axis("network.activation=relu,tanh").values == ("relu", "tanh")
    assert parse_axis("training.shuffle=epoch,sorted").values == ("epoch", "sorted")
    assert parse_axis("data.preprocessing=none,standardize,mean_cancellation+zca_whitening"
                      ).values == ([], [{"name": "standardize"}],
                                   [{"name": "mean_cancellation"}, {"name": "zca_whitening"}])
    assert parse_axis("network.hidden=[8,8],[16]").values == ([8, 8], [16])
    assert parse_axis("data.options.turns=1.5,2").values == (1.5, 2)


def test_ranges_are_spaced_in_log_or_linear_scale():
    lr = parse_axis("optimizer.hyper.lr=log:1e-4:1:9").values
    assert len(lr) == 9 and lr[0] == 1e-4 and lr[-1] == 1.0 and lr[4] == 0.01
    np.testing.assert_allclose(np.diff(np.log10(lr)), 0.5, rtol=1e-9)
    assert parse_axis("training.l2=lin:0:0.01:3").values == (0.0, 0.005, 0.01)
    assert parse_axis("training.batch_size=log:8:256:6").values == (8, 16, 32, 64, 128, 256)


def test_formatted_values_read_back():
    for path, value in [("network.batch_norm", True), ("optimizer.hyper.lr", 0.1 + 0.2),
                        ("data.preprocessing", [{"name": "standardize"}]),
                        ("data.preprocessing", []), ("network.hidden", [3, 4]),
                        ("training.shuffle", "fixed")]:
        field = paths.parse_path(path)
        assert paths.parse_value(field, paths.format_value(value)) == value


@pytest.mark.parametrize("text,message", [
    ("network.nope=1", "network has no setting 'nope'"),
    ("optimizer.hyper.lr.x=1", "holds plain values"),
    ("training.seed=1,2", "the seeds are the sweep's own axis"),
    ("training.steps=10", "cannot be varied"),
    ("network.batch_norm=maybe", "expected on/off, got 'maybe'"),
    ("training.batch_size=8.5", "expected a whole number"),
    ("optimizer.hyper.lr=fast", "expected a number"),
    ("optimizer.hyper.lr=log:0:1:3", "positive ends"),
    ("optimizer.hyper.lr", "write PATH=VALUES"),
    ("network.hidden=[8,", "not valid JSON"),
])
def test_a_bad_axis_is_one_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        parse_axis(text)


@pytest.mark.parametrize("axes,message", [
    ([Axis("network.activation", ["relu", "swish"])],
     r"axis network.activation=swish: network.activation: unknown activation 'swish'"),
    ([Axis("optimizer.hyper.lr", [0.1, -1.0])], r"axis optimizer.hyper.lr=-1.0: .*lr"),
    ([Axis("optimizer.hyper.momentum", [0.9])],
     r"axis optimizer.hyper.momentum=0.9: .*unknown hyper-parameter 'momentum'"),
    ([Axis("training.batch_size", [1, 8]), Axis("network.batch_norm", [False, True])],
     r"training.batch_size=1 with network.batch_norm=on: batch normalization needs"),
    ([Axis("network.activation", ["relu", "relu"])], "lists the value relu twice"),
    ([Axis("network.activation", [])], "has no values"),
    ([Axis("training.l1", [0.0])] * 2, "varied twice"),
    ([Axis("training.l1", [0.0]), Axis("training.l2", [0.0]), Axis("network.batch_norm", [True])],
     "at most 2"),
])
def test_invalid_values_are_refused_naming_the_axis_and_value(axes, message):
    with pytest.raises(ValueError, match=message):
        make_spec(BASE, axes, seeds=2)


def test_bad_seeds_steps_and_metrics_are_refused():
    ax = [Axis("training.l2", [0.0])]
    for kw, message in [({"seeds": 0}, "number of seeds"), ({"seeds": [1, 1]}, "distinct"),
                        ({"seeds": [-1]}, "a seed must be"), ({"steps": 0}, "steps must"),
                        ({"metrics": ["loss"]}, "unknown metric 'loss'")]:
        with pytest.raises(ValueError, match=message):
            make_spec(BASE, ax, **kw)


def test_a_spec_expands_cell_by_cell_with_the_seeds_innermost():
    spec = make_spec(BASE, [Axis("optimizer.name", ["sgd", "adam"]),
                            Axis("optimizer.hyper.lr", [0.1, 0.01, 0.001])], seeds=3)
    runs = spec.runs()
    assert spec.n_runs == len(runs) == 18
    assert [c.label for c in spec.cells][:4] == ["sgd, lr 0.1", "sgd, lr 0.01", "sgd, lr 0.001",
                                                 "adam, lr 0.1"]
    assert [r.seed for r in runs[:4]] == [7, 8, 9, 7]  # the base's seed and the next ones
    assert [r.run for r in runs] == list(range(18))
    assert spec.steps == 40  # the base's training.steps
    sgd = runs[1].config
    # Switching the optimizer keeps the hyper-parameters it has (lr, set by the axis
    # anyway) and drops those it has not (Adam's beta1).
    assert sgd["optimizer"] == {"name": "sgd", "hyper": {"lr": 0.1}}
    assert sgd["training"]["seed"] == 8
    adam = runs[13].config  # cell 4: adam, lr 0.01
    assert adam["optimizer"] == {"name": "adam", "hyper": {"lr": 0.01, "beta1": 0.8}}
    # Everything else is the base.
    base = config_to_dict(parse_config(BASE))
    for r in runs:
        for section in ("data", "network"):
            assert r.config[section] == base[section]


def test_a_run_is_the_trainer_of_the_base_with_its_values_and_seed():
    spec = make_spec(BASE, [Axis("network.activation", ["relu", "sigmoid"])], seeds=2,
                     steps=30)
    task = spec.runs()[3]  # sigmoid, seed 8
    by_hand = dict(BASE, network={**BASE["network"], "activation": "sigmoid"},
                   training={**BASE["training"], "seed": 8})
    trainer = Trainer(parse_config(by_hand))
    trainer.run(30)
    snap = trainer.snapshot()
    result = train_run(task)
    assert result.status == "done" and result.seed == 8
    assert np.array_equal(result.steps, snap.steps)
    assert np.array_equal(result.series["train_loss"], snap.train_loss)
    assert np.array_equal(result.series["grad_norm"], snap.grad_norms)
    assert np.array_equal(result.evals["val_loss"], snap.val_loss, equal_nan=True)


def test_a_seed_changes_the_numbers_and_the_same_seed_repeats_them():
    spec = make_spec(BASE, [Axis("training.l2", [0.0])], seeds=2, steps=20)
    a, b = (train_run(t) for t in spec.runs())
    again = train_run(spec.runs()[0])
    assert a.same_numbers(again)
    assert not np.array_equal(a.series["train_loss"], b.series["train_loss"])


def test_a_whole_section_can_be_an_axis_with_labels():
    ax = Axis("optimizer", [{"name": "sgd", "hyper": {"lr": 0.5}}, {"name": "adam"}],
              ["sgd fast", "adam default"])
    spec = make_spec(BASE, [ax])
    assert [c.label for c in spec.cells] == ["sgd fast", "adam default"]
    assert spec.runs()[0].config["optimizer"] == {"name": "sgd", "hyper": {"lr": 0.5}}
    with pytest.raises(ValueError, match="2 labels for 1 values"):
        Axis("training.l1", [0.0], ["a", "b"])


def test_numpy_values_become_plain_python():
    ax = Axis("training.batch_size", np.array([8, 16]))
    assert all(type(v) is int for v in ax.values)
    make_spec(BASE, [ax])  # the strict config takes them
