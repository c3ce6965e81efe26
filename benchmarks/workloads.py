"""The benchmark's workloads, their data, configs and initial weights (shared by every
contender, so that all train the same network on the same data)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
N_TRAIN = 2048  # training examples every contender cycles through
N_ROWS = 2560  # rows generated for the core: val_ratio 0.2 leaves N_TRAIN to train on
VAL_RATIO = 0.2  # the core needs a non-empty validation split (see README); never evaluated
EVAL_EVERY = 1_000_000  # largest practical value: validation never runs during timing
CORE_CHUNK = 256  # steps per Trainer.run call, as the headless runner does
HISTORY = 20_000  # ring buffer the NumPy / torch contenders record metrics into
SEED = 0


# ---------------------------------------------------------------------------------------
# Workloads and data
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Workload:
    key: str
    n_in: int
    hidden: tuple[int, ...]
    n_out: int
    batch: int
    targets: dict  # target ratios: {"numpy": x, "torch": y}

    @property
    def sizes(self) -> list[int]:
        return [self.n_in, *self.hidden, self.n_out]

    @property
    def label(self) -> str:
        h = self.hidden
        arch = (f"{self.n_in}-[{h[0]}x{len(h)}]-{self.n_out}" if len(h) > 3 and len(set(h)) == 1
                else "-".join(map(str, self.sizes)))
        return f"({self.key}) {arch} b{self.batch}"


# Targets of DESIGN.md "Performance": core steps/s over each contender's (for "gemm",
# the core's time per step may be at most 1.3x that of its matrix products alone, i.e.
# core/gemm >= 1/1.3; for "core_eval10" a step with evaluation every 10 steps may cost
# at most 1.3x one without, i.e. core_eval10/core >= 1/1.3).
WORKLOADS = {
    "a": Workload("a", 2, (8, 8, 8), 1, 32,
                  {"numpy": 6.0, "torch": 60.0, "jax_scan": 1.5, "core_eval10": 1 / 1.3}),
    "b": Workload("b", 2, (16,) * 8, 1, 32,
                  {"numpy": 2.0, "torch": 15.0, "jax_scan": 1.2, "core_eval10": 1 / 1.3}),
    "c": Workload("c", 64, (256, 256), 10, 128,
                  {"numpy": 1.0, "torch": 2.0, "gemm": 1 / 1.3, "core_eval10": 1 / 1.3}),
}


def make_data(w: Workload, n: int = N_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """Float64 inputs and targets: regression_2d's surface for (a)/(b), a 10-class
    task on 64 Gaussian features (one-hot targets, as the core builds for MSE) for (c)."""
    rng = np.random.default_rng(SEED)
    if w.n_in == 2:
        X = rng.uniform(-2.0, 2.0, (n, 2))
        Y = np.sin(1.5 * X[:, :1]) * np.cos(1.5 * X[:, 1:]) + 0.1 * X[:, :1] * X[:, 1:]
        return X, Y + 0.1 * rng.standard_normal(Y.shape)
    X = rng.standard_normal((n, w.n_in))
    labels = np.argmax(X @ rng.standard_normal((w.n_in, w.n_out)), axis=1)
    return X, np.eye(w.n_out)[labels]


def core_config(w: Workload, tmp: Path) -> dict:
    """The session config of workload ``w`` (public config schema, version 2)."""
    if w.n_in == 2:
        data = {"name": "regression_2d", "n_samples": N_ROWS, "noise": 0.1,
                "val_ratio": VAL_RATIO}
    else:  # no registered data set has 64 features: a generated CSV
        X, Y = make_data(w)
        path = tmp / f"workload_{w.key}.csv"
        header = ",".join([f"x{i}" for i in range(w.n_in)] + ["label"])
        table = np.column_stack([X, Y.argmax(axis=1)])
        fmt = ["%.17g"] * w.n_in + ["%d"]
        np.savetxt(path, table, delimiter=",", header=header, comments="", fmt=fmt)
        data = {"name": "csv", "csv_path": str(path), "label_column": "label",
                "val_ratio": VAL_RATIO}
    return {
        "schema_version": 2,
        "title": f"benchmark workload {w.key}",
        "data": data,
        "network": {"hidden": list(w.hidden), "activation": "tanh", "loss": "mse",
                    "initializer": "xavier_uniform"},
        "optimizer": {"name": "adam",
                      "hyper": {"lr": LR, "beta1": BETA1, "beta2": BETA2, "eps": EPS}},
        "training": {"batch_size": w.batch, "eval_every": EVAL_EVERY, "seed": SEED},
    }


def xavier_params(sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Glorot-uniform weights (fan_in, fan_out) and zero biases, shared by NumPy and torch."""
    rng = np.random.default_rng(SEED + 1)
    out = []
    for fi, fo in zip(sizes[:-1], sizes[1:], strict=True):
        a = math.sqrt(6.0 / (fi + fo))
        out.append((rng.uniform(-a, a, (fi, fo)), np.zeros(fo)))
    return out


class EpochBatches:
    """Mini-batches by slicing an array re-shuffled at the start of every epoch."""

    def __init__(self, X: np.ndarray, Y: np.ndarray, batch: int, to_torch: bool = False):
        self.X, self.Y, self.batch, self.to_torch = X, Y, batch, to_torch
        self.rng = np.random.default_rng(SEED + 2)
        self.pos = len(X)  # forces a shuffle on the first call

    def next(self):
        if self.pos + self.batch > len(self.X):
            perm = self.rng.permutation(len(self.X))
            self.Xs, self.Ys = self.X[perm], self.Y[perm]
            if self.to_torch:
                import torch
                self.Xs, self.Ys = torch.from_numpy(self.Xs), torch.from_numpy(self.Ys)
            self.pos = 0
        s = slice(self.pos, self.pos + self.batch)
        self.pos += self.batch
        return self.Xs[s], self.Ys[s]


