"""From a session config to the arrays and network a run trains on.

Data is generated from the session seed, split, and preprocessed with
statistics fitted on the training split only, then applied to the validation
split (and to the points of a decision-boundary grid). The data and the split
draw from their own streams of the session seed (``core.common.rng``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.common.rng import stream
from core.data import datasets
from core.data.preprocessing import Pipeline, make_pipeline
from core.nn.network import NetworkSpec
from core.train.config import SessionConfig


@dataclass(frozen=True)
class PreparedData:
    raw: datasets.Dataset  # before the split and preprocessing
    train: datasets.Dataset  # preprocessed
    val: datasets.Dataset  # preprocessed with the training statistics
    train_raw_X: np.ndarray
    val_raw_X: np.ndarray
    pipeline: Pipeline
    difficulty: np.ndarray  # per training example, lower = easier


def load_raw(config: SessionConfig, raw: datasets.Dataset | None = None) -> datasets.Dataset:
    d = config.data
    if raw is not None:
        return raw
    if d.name == "csv":
        return datasets.load_csv(d.csv_path, label_column=d.label_column)
    rng = stream(config.training.seed, "data")
    return datasets.load_dataset(d.name, n_samples=d.n_samples, noise=d.noise, rng=rng,
                                 **d.options)


def prepare_data(config: SessionConfig, raw: datasets.Dataset | None = None) -> PreparedData:
    """Generate (or take) the data, split it and fit the preprocessing on the training part.

    ``raw`` lets a session file supply the data it was trained on (a user's CSV
    travels inside the session so it reopens anywhere).
    """
    raw = load_raw(config, raw)
    split_rng = stream(config.training.seed, "split")
    train, val = datasets.train_val_split(raw, config.data.val_ratio, split_rng)
    if train.X.shape[0] < 2:
        raise ValueError("the training split holds fewer than 2 examples; "
                         "use more samples or a smaller validation ratio")
    pipeline = make_pipeline([s.options() for s in config.data.preprocessing])
    Xtr = pipeline.fit_transform(train.X)
    Xval = pipeline.transform(val.X) if val.X.shape[0] else val.X.copy()
    train_p = _replace_X(train, Xtr)
    val_p = _replace_X(val, Xval)
    return PreparedData(raw, train_p, val_p, train.X, val.X, pipeline,
                        np.asarray(datasets.difficulty(train_p), dtype=np.float64))


def _replace_X(ds: datasets.Dataset, X: np.ndarray) -> datasets.Dataset:
    return replace(ds, X=np.asarray(X, dtype=np.float64))


def resolve_loss(config: SessionConfig, data: datasets.Dataset) -> tuple[str, int]:
    """(loss name, output size) for the data's task; 'auto' picks the natural loss."""
    loss = config.network.loss
    task = data.task
    if task == "regression":
        if loss in ("auto", "mse"):
            return "mse", _as_columns(data.y).shape[1]
        raise ValueError(f"loss '{loss}' needs class labels, but data set '{data.name}' "
                         "is a regression task; use 'mse'")
    k = data.n_classes
    if loss == "auto":
        loss = "bce_logits" if k == 2 else "softmax_ce"
    if loss == "softmax_ce":
        return loss, k
    return loss, (1 if k == 2 else k)


def targets(loss: str, n_outputs: int, data: datasets.Dataset) -> np.ndarray:
    """Labels in the form the loss reads: indices, a 0/1 column, or one-hot rows."""
    if data.task == "regression":
        return _as_columns(data.y)
    y = np.asarray(data.y, dtype=np.int64)
    if loss == "softmax_ce":
        return y
    if n_outputs == 1:
        return y.astype(np.float64).reshape(-1, 1)
    return np.eye(n_outputs)[y]


def network_spec(config: SessionConfig, data: datasets.Dataset) -> NetworkSpec:
    loss, n_out = resolve_loss(config, data)
    n = config.network
    return NetworkSpec(
        input_size=data.X.shape[1], hidden=tuple(n.hidden), output_size=n_out,
        activation=tuple(n.activations()), batch_norm=n.batch_norm, initializer=n.initializer,
        init_sigma=n.init_sigma, loss=loss, seed=config.training.seed,
        bn_momentum=n.bn_momentum, bn_eps=n.bn_eps, noise_sigma=n.noise_sigma,
        prelu_init=n.prelu_init, l1=config.training.l1, l2=config.training.l2)


def accuracy(loss: str, outputs: np.ndarray, data: datasets.Dataset,
             rows: np.ndarray | None = None) -> float:
    """Fraction of correct class predictions from raw outputs; NaN for regression.
    ``rows``: the outputs are for these rows of ``data`` (default: all of them)."""
    if data.task == "regression" or len(outputs) == 0:
        return float("nan")
    y = np.asarray(data.y if rows is None else data.y[rows], dtype=np.int64)
    if outputs.shape[1] == 1:
        threshold = 0.0 if loss == "bce_logits" else 0.5  # logit 0 is probability 1/2
        pred = (outputs[:, 0] > threshold).astype(np.int64)
    else:
        pred = outputs.argmax(axis=1)
    return float(np.mean(pred == y))


def _as_columns(y: np.ndarray) -> np.ndarray:
    """Regression targets as (n, k) float64, also when n is 0."""
    y = np.asarray(y, dtype=np.float64)
    return y if y.ndim == 2 else y.reshape(-1, 1)
