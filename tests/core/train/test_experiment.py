"""Loss resolution, targets and accuracy for every task x loss combination."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.datasets import Dataset
from core.train import experiment
from core.train.config import parse_config
from core.train.trainer import Trainer

LOSSES = ("auto", "mse", "bce_logits", "softmax_ce")


def binary() -> Dataset:
    return Dataset(X=np.zeros((4, 2)), y=np.array([0, 1, 1, 0]), task="binary", n_classes=2,
                   feature_names=("a", "b"), name="bin")


def multiclass() -> Dataset:
    return Dataset(X=np.zeros((5, 2)), y=np.array([0, 3, 1, 2, 3]), task="multiclass",
                   n_classes=4, feature_names=("a", "b"), name="multi")


def regression(k: int = 1) -> Dataset:
    y = np.arange(3.0) if k == 1 else np.arange(3.0 * k).reshape(3, k)
    return Dataset(X=np.zeros((3, 1)), y=y, task="regression", n_classes=0,
                   feature_names=("x",), name="reg")


def config(loss: str):
    return parse_config({"schema_version": 2, "network": {"loss": loss}})


# (data, loss) -> (resolved loss, outputs)
RESOLVED = {
    ("binary", "auto"): ("bce_logits", 1),
    ("binary", "mse"): ("mse", 1),
    ("binary", "bce_logits"): ("bce_logits", 1),
    ("binary", "softmax_ce"): ("softmax_ce", 2),
    ("multiclass", "auto"): ("softmax_ce", 4),
    ("multiclass", "mse"): ("mse", 4),
    ("multiclass", "bce_logits"): ("bce_logits", 4),
    ("multiclass", "softmax_ce"): ("softmax_ce", 4),
    ("regression", "auto"): ("mse", 1),
    ("regression", "mse"): ("mse", 1),
    ("regression2", "auto"): ("mse", 2),
    ("regression2", "mse"): ("mse", 2),
}
DATA = {"binary": binary, "multiclass": multiclass, "regression": regression,
        "regression2": lambda: regression(2)}


@pytest.mark.parametrize("case", list(RESOLVED), ids=[f"{d}-{lo}" for d, lo in RESOLVED])
def test_resolve_loss_picks_the_loss_and_the_output_size(case):
    data, loss = case
    assert experiment.resolve_loss(config(loss), DATA[data]()) == RESOLVED[case]


@pytest.mark.parametrize("data", ["regression", "regression2"])
@pytest.mark.parametrize("loss", ["bce_logits", "softmax_ce"])
def test_a_classification_loss_on_regression_data_is_a_clear_error(data, loss):
    with pytest.raises(ValueError) as err:
        experiment.resolve_loss(config(loss), DATA[data]())
    assert str(err.value) == (f"loss '{loss}' needs class labels, but data set 'reg' is a "
                              "regression task; use 'mse'")


@pytest.mark.parametrize("case", list(RESOLVED), ids=[f"{d}-{lo}" for d, lo in RESOLVED])
def test_targets_have_the_form_the_loss_reads(case):
    ds = DATA[case[0]]()
    loss, k = RESOLVED[case]
    y = experiment.targets(loss, k, ds)
    if ds.task == "regression":
        assert y.dtype == np.float64 and y.shape == (3, k)
        np.testing.assert_array_equal(y, np.asarray(ds.y).reshape(3, k))
    elif loss == "softmax_ce":
        assert y.dtype == np.int64 and y.shape == (ds.n_samples,)
        np.testing.assert_array_equal(y, ds.y)
    elif k == 1:  # a 0/1 column
        assert y.dtype == np.float64 and y.shape == (ds.n_samples, 1)
        np.testing.assert_array_equal(y[:, 0], ds.y)
    else:  # one-hot rows
        assert y.dtype == np.float64 and y.shape == (ds.n_samples, k)
        np.testing.assert_array_equal(y.argmax(axis=1), ds.y)
        np.testing.assert_array_equal(y.sum(axis=1), 1.0)


def test_targets_of_an_empty_split_keep_their_columns():
    empty = Dataset(X=np.zeros((0, 1)), y=np.zeros((0, 2)), task="regression", n_classes=0,
                    feature_names=("x",), name="reg")
    assert experiment.targets("mse", 2, empty).shape == (0, 2)
    none = Dataset(X=np.zeros((0, 2)), y=np.zeros(0, dtype=np.int64), task="multiclass",
                   n_classes=4, feature_names=("a", "b"), name="m")
    assert experiment.targets("bce_logits", 4, none).shape == (0, 4)


def test_accuracy_of_one_logit_thresholds_at_zero_and_of_one_probability_at_a_half():
    ds = binary()  # labels 0 1 1 0
    out = np.array([[-0.1], [0.2], [0.4], [0.6]])
    assert experiment.accuracy("bce_logits", out, ds) == 0.75  # logits > 0: 0 1 1 1
    assert experiment.accuracy("mse", out, ds) == 0.25  # outputs > 0.5: 0 0 0 1


@pytest.mark.parametrize("loss", ["softmax_ce", "mse", "bce_logits"])
def test_accuracy_of_several_outputs_is_the_argmax(loss):
    ds = multiclass()  # labels 0 3 1 2 3
    out = np.eye(4)[[0, 3, 1, 1, 0]] * 2.0 - 1.0
    assert experiment.accuracy(loss, out, ds) == 0.6


def test_accuracy_is_nan_for_regression_and_for_no_outputs():
    assert np.isnan(experiment.accuracy("mse", np.zeros((3, 1)), regression()))
    assert np.isnan(experiment.accuracy("bce_logits", np.zeros((0, 1)), binary()))


TOYS = {"binary": {"name": "circle", "n_samples": 60},
        "multiclass": {"name": "blobs", "n_samples": 60, "options": {"n_classes": 4}},
        "regression": {"name": "regression_1d", "n_samples": 60}}


@pytest.mark.parametrize("case", [c for c in RESOLVED if c[0] in TOYS],
                         ids=[f"{d}-{lo}" for d, lo in RESOLVED if d in TOYS])
def test_every_combination_trains(case):
    data, loss = case
    t = Trainer(parse_config({"schema_version": 2, "data": TOYS[data],
                              "network": {"hidden": [4], "loss": loss},
                              "training": {"batch_size": 8, "eval_every": 2}}))
    want_loss, k = RESOLVED[case]
    assert t.loss_name == want_loss and t.network.spec.output_size == k
    assert t.run(4) == 4 and np.all(np.isfinite(t.steps.column("loss")))
    assert t.evals.size == 2
