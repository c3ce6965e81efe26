"""The metrics a claim can name, measured on headless training runs.

Series (recorded by the trainer, ``core.train.trainer``):

    train_loss    the mini-batch training loss of every step
    grad_norm     the Euclidean norm of a layer's gradient, every step
    val_loss, val_acc, train_acc   every ``eval_every`` steps
    update_ratio  ||Δw|| / ||w|| of a layer, every ``eval_every`` steps

Probes (the network as it is at one step, evaluation mode, on the whole
training split):

    act_std        the standard deviation of a hidden layer's outputs
    dead_fraction  the share of a hidden layer's units (or of all hidden units)
                   whose output is exactly 0 for every training example: a unit
                   that never fires passes no gradient back, so it cannot learn
    val_loss_now, val_acc_now   the validation loss / accuracy (after an early
                   stop: of the restored best weights)

A window of a series holds the recorded values at steps first..last. A run
that diverged before the window ends counts as +inf for the losses (it is as
bad as a run can be); for any other metric a window without values is an
error, not a silent pass.
"""

from __future__ import annotations

import numpy as np

from core.lessons.changes import apply, with_seed
from core.lessons.claims import PROBES, Measure
from core.train.config import SessionConfig, config_to_dict
from core.train.status import RunStatus
from core.train.trainer import Trainer

STATISTICS = {"mean": np.mean, "median": np.median, "min": np.min, "max": np.max,
              "last": lambda a: a[-1]}
LOSSES = ("train_loss", "val_loss")


class MeasureError(ValueError):
    """A claim asks for something its run cannot give (e.g. a window after an early stop)."""


class Runs:
    """Headless runs of configs, trained as far as the claims need and kept, so that
    two claims on the same run train it once. A probe at a step the run has passed
    trains a fresh run up to that step (the numbers are the same: a run is
    deterministic and does not depend on how its steps are chunked)."""

    def __init__(self) -> None:
        self._runs: dict[str, Trainer] = {}
        self.steps_trained = 0

    def config(self, base: SessionConfig, changes: dict, seed: int) -> SessionConfig:
        return with_seed(apply(base, changes), seed)

    def _run(self, config: SessionConfig, step: int, *, exact: bool = False) -> Trainer:
        """The run of ``config`` trained to ``step`` at least (``exact``: exactly, or to
        where it stopped before; a run that went further is trained again)."""
        key = repr(config_to_dict(config))
        t = self._runs.get(key)
        if t is None or (exact and t.step > step):
            t = self._runs[key] = Trainer(config)
        if t.step < step and not t.finished:
            before = t.step
            t.run(step - t.step)
            self.steps_trained += t.step - before
        return t

    def trainer(self, config: SessionConfig, step: int) -> Trainer:
        """A trainer of ``config`` at ``step`` (or where it stopped before)."""
        return self._run(config, step, exact=True)

    def measure(self, config: SessionConfig, m: Measure) -> float:
        first, last = m.steps[0], m.steps[-1]
        if m.metric in PROBES:
            return probe(self._run(config, last, exact=True), m.metric, m.layer)
        return _series_statistic(self._run(config, last), m, first, last)


def _layer_index(names: list[str], layer: str) -> int:
    if layer == "last hidden":
        hidden = [n for n in names if n.startswith("hidden")]
        if not hidden:
            raise MeasureError("the network has no hidden layer")
        layer = hidden[-1]
    try:
        return names.index(layer)
    except ValueError:
        raise MeasureError(f"no layer {layer!r} (layers: {', '.join(names)})") from None


def _series_statistic(t: Trainer, m: Measure, first: int, last: int) -> float:
    per_step = m.metric in ("train_loss", "grad_norm")
    series = t.steps if per_step else t.evals
    steps = series.column("step")
    column = {"train_loss": "loss"}.get(m.metric, m.metric)
    values = series.column(column)
    if m.layer is not None:
        n_layers = len(t.network.blocks)
        values = values.reshape(series.size, n_layers)[:, _layer_index(
            t.network.layer_names, m.layer)]
    inside = (steps >= first) & (steps <= last)
    picked = values[inside]
    if picked.size == 0 or (t.status is RunStatus.DIVERGED and t.step < last):
        if t.status is RunStatus.DIVERGED and m.metric in LOSSES:
            return float("inf")
        where = f"step {first}" if first == last else f"steps {first}\u2013{last}"
        why = f" (the run stopped at step {t.step}: {t.message})" if t.finished else ""
        raise MeasureError(f"no {m.metric} recorded at {where}{why}")
    return float(STATISTICS[m.statistic](picked))


def probe(t: Trainer, metric: str, layer: str | None) -> float:
    """A probe metric of the network as it is now (see the module's docstring)."""
    if metric in ("val_loss_now", "val_acc_now"):
        loss, acc = t.validation_metrics()
        return float(loss if metric == "val_loss_now" else acc)
    net = t.network
    names = net.layer_names
    with net.evaluating():
        net.forward(t.data.train.X, update_stats=False)
        acts = [a.copy() for a in net.hidden_activations()]
    if layer is None:
        picked = acts
    else:
        i = _layer_index(names, layer)
        if i >= len(acts):
            raise MeasureError(f"{metric} is measured on hidden layers, not {layer!r}")
        picked = [acts[i]]
    if metric == "act_std":
        return float(np.concatenate([a.ravel() for a in picked]).std())
    dead = sum(int(np.all(a == 0.0, axis=0).sum()) for a in picked)
    return dead / sum(a.shape[1] for a in picked)


def covariance_error(t: Trainer) -> tuple[float, float]:
    """(max |Cov − I| of the preprocessed training inputs, smallest |correlation|
    between two raw training inputs). The covariance is the 1/N one of the
    centred data, as ``core.data.preprocessing`` fits it."""
    X = t.data.train.X
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / X.shape[0]
    err = float(np.abs(cov - np.eye(X.shape[1])).max())
    corr = np.corrcoef(t.data.train_raw_X, rowvar=False)
    off = np.abs(corr[~np.eye(corr.shape[0], dtype=bool)])
    return err, float(off.min()) if off.size else 0.0
