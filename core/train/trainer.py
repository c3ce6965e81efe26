"""The training engine: mini-batch training from a session config, in chunks of steps.

One ``Trainer`` owns the data, the network, the optimizer and every random
stream of a run. It runs in fused chunks of steps (one compiled call each,
``core.train.fused``), honours stop requests between chunks, and hands out
immutable ``Snapshot``s (copies) for the GUI or the command line. Everything
that influences the next step is in ``state_dict()`` (``core.train.state``),
so a run saved and reloaded continues bit for bit as if it never stopped.

The parts: a ``Batcher`` (batch order, shuffling, curriculum), an
``EarlyStopping`` (best state, patience), the divergence rule below, and the
trainer itself for the orchestration: chunks, evaluation, histograms, the
weight trajectory and snapshots.

Per step: train loss, gradient norm per layer. Every ``eval_every`` steps:
validation loss and accuracy, training accuracy on the batch, the
update-to-weight ratio ||Δw||/||w|| per layer, and histograms of each hidden
layer's activations and each layer's gradient.

The trainer never changes its ``config`` (the config it was built from; the
app owns the current one): a live change is a command, ``set_optimizer_hyper``
or ``set_optimizer``, and the optimizer in use is ``trainer.optimizer``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from core.common import limits
from core.common.rng import stream
from core.data import datasets
from core.nn import activations as act
from core.nn import losses
from core.nn.network import Network
from core.optim import optimizers
from core.train import experiment, fused, histograms
from core.train import state as trainer_state
from core.train.batcher import Batcher
from core.train.config import SessionConfig, check_memory
from core.train.early_stopping import EarlyStopping
from core.train.fused import FusedStepper
from core.train.history import Series
from core.train.snapshot import HIST_BINS, Histogram, Snapshot, frozen_copies
from core.train.status import RunStatus, StopReason

__all__ = ["HIST_BINS", "Histogram", "Snapshot", "Trainer"]

TRAJECTORY_FLOATS = limits.TRAJECTORY_FLOATS
# The divergence rule: a run diverges when its loss, a gradient norm or a weight
# becomes non-finite, or when a step's training loss exceeds DIVERGENCE_FACTOR
# times the initial loss L0 (the loss on the whole training split, evaluation
# mode, before the first step; at least LOSS_FLOOR): e.g. SGD at lr 1e3 on the
# spiral goes 0.69 -> 4400 in three steps and never turns non-finite.
DIVERGENCE_FACTOR = 1000.0
LOSS_FLOOR = 1e-3
LOSS_ROWS = 4096
NOISE_FLOATS = 1 << 24  # 128 MB of random draws per kernel call at most
# What a fused kernel's stop status means.
KERNEL_STOPS = {fused.BAD_GRADIENT: StopReason.NON_FINITE_GRADIENT,
                fused.BAD_WEIGHTS: StopReason.NON_FINITE_WEIGHTS,
                fused.BAD_LOSS: StopReason.LOSS_EXPLODED}


class Trainer:
    """Mini-batch training of ``config`` (a validated ``SessionConfig``)."""

    def __init__(self, config: SessionConfig, *, raw: datasets.Dataset | None = None,
                 history_capacity: int = limits.HISTORY_CAPACITY) -> None:
        self.config = config
        self.data = experiment.prepare_data(config, raw)
        spec = experiment.network_spec(config, self.data.train)
        self.loss_name = spec.loss
        # Now the data's width is known: the exact estimate (the config could only guess).
        check_memory(config, spec.input_size, spec.output_size)
        self.network = Network(spec)
        self.optimizer = optimizers.create(config.optimizer.name, **config.optimizer.hyper)
        self.y_train = experiment.targets(spec.loss, spec.output_size, self.data.train)
        self.y_val = experiment.targets(spec.loss, spec.output_size, self.data.val)
        self.rng = stream(config.training.seed, "train")
        self.batcher = Batcher(config.training, self.data.difficulty, self.data.train.y)
        self.early_stopping = EarlyStopping(config.training.early_stopping)
        self.step = 0
        self.status = RunStatus.READY
        self.stop_step: int | None = None
        self.message = ""
        self._new_history(history_capacity)
        self._stepper: FusedStepper | None = None
        self.loss_limit: float | None = None  # set at the first step (divergence rule)
        # Steps need per-step draws besides the batch (noise): plan them one by one.
        self._random_per_step = config.training.grad_noise.enabled or any(
            b.activation and act.ACTIVATIONS.get(b.activation).stochastic
            for b in self.network.blocks)
        # Histograms are binned only when someone looks (a snapshot, a save): binning
        # at every evaluation cost more than the training itself on small networks.
        # Before the first evaluation they show the initial weights.
        self._hist_values: tuple[list, list] = histograms.initial_values(self)  # acts, grads
        self._hists: dict[str, tuple[Histogram, ...]] | None = None

    def _new_history(self, capacity: int) -> None:
        n_layers = len(self.network.blocks)
        self.steps = Series({"step": 1, "epoch": 1, "loss": 1, "grad_norm": n_layers},
                            capacity)
        self.evals = Series({"step": 1, "val_loss": 1, "val_acc": 1, "train_acc": 1,
                             "update_ratio": n_layers}, capacity)
        # Weights every evaluation, for the loss landscape's PCA plane; capped in bytes.
        rows = TRAJECTORY_FLOATS // max(self.network.params.size, 1)
        cap = max(2, min(limits.MAX_TRAJECTORY_ROWS, rows) // 2 * 2)
        self.traj = Series({"step": 1, "params": self.network.params.size}, cap)
        self.traj.append(step=0, params=self.network.params)

    # -- batches ------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return self.batcher.epoch

    @epoch.setter
    def epoch(self, value: int) -> None:
        self.batcher.epoch = value

    def available(self, epoch: int | None = None) -> np.ndarray:
        """Training indices usable in ``epoch`` (default: the current one): all, or the
        curriculum's easiest fraction."""
        return self.batcher.available(epoch)

    def _draw_step(self, ahead: int = 0) -> tuple[np.ndarray, list, np.ndarray | None]:
        """The random inputs of the step ``ahead`` steps after ``self.step``, drawn in
        the one fixed order: the batch (trainer stream), the activation noise of each
        layer (network stream), the gradient noise (trainer stream)."""
        idx = self.batcher.next_batch(self.rng)
        net = self.network
        draws = [act.draw_noise(b.activation, (idx.size, b.n_out), net.noise_rng,
                                training=True, noise_sigma=net.spec.noise_sigma)
                 if b.activation and act.ACTIVATIONS.get(b.activation).stochastic else None
                 for b in net.blocks]
        gn = self.config.training.grad_noise
        noise = None
        if gn.enabled:
            # sigma_t^2 = eta / (1 + t)^gamma, t counting from 0
            var = gn.eta / (1.0 + self.step + ahead) ** gn.gamma
            noise = self.rng.normal(0.0, np.sqrt(var), size=net.params.size)
        return idx, draws, noise

    def _plan_chunk(self, n_steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                 list | None, np.ndarray | None]:
        """The random inputs of the next ``n_steps`` steps, as the kernel takes them:
        (indices, start of each batch, epoch of each step, activation noise per step
        and layer or None, gradient noise (n, P) or None)."""
        if not self._random_per_step:  # only the batch order is random: plan it in bulk
            idx, starts, epochs = self.batcher.plan(n_steps, self.rng)
            return idx, starts, epochs, None, None
        batches, draws, noises, epochs = [], [], [], np.empty(n_steps)
        for k in range(n_steps):
            idx, d, g = self._draw_step(k)
            batches.append(idx)
            draws.append(d)
            noises.append(g)
            epochs[k] = self.epoch
        starts = np.zeros(n_steps + 1, dtype=np.int64)
        np.cumsum([b.size for b in batches], out=starts[1:])
        idx = np.concatenate(batches).astype(np.int64, copy=False)
        gnoise = np.stack(noises) if noises[0] is not None else None
        return idx, starts, epochs, draws, gnoise

    # -- training -----------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status.finished

    def run(self, n_steps: int, *, should_stop: Callable[[], bool] | None = None,
            chunk: int = 256) -> int:
        """Train up to ``n_steps`` steps; returns how many were done.

        Steps run in fused chunks of up to ``chunk`` steps (one compiled call
        each) that end at the next evaluation step, whose metrics are taken from
        the kernel's buffers. Stops early when the run early-stops or diverges,
        or when ``should_stop()`` says so (asked between chunks).
        """
        done = 0
        every = self.config.training.eval_every
        chunk = min(chunk, self._max_chunk())
        while done < n_steps and not self.finished:
            if should_stop is not None and done and should_stop():
                break
            k = min(every - self.step % every, n_steps - done, chunk)
            did = self.train_chunk(k)
            done += did
            if did == k and self.step % every == 0 and not self.finished:
                stepper = self._stepper
                self._evaluate(self._last_batch, stepper.prev,
                               stepper.hidden_activations(self._last_batch.size))
            elif did == k and not self.finished and done >= n_steps:
                self._record_last_step()  # the last step before a pause: its histograms
        return done

    def _max_chunk(self) -> int:
        """Steps per kernel call such that the per-step random draws handed over
        (gradient noise: one vector of the parameters' size per step; activation
        noise: one per hidden unit and example) stay within NOISE_FLOATS."""
        if not self._random_per_step:
            return 1 << 30
        units = sum(b.n_out for b in self.network.blocks)
        per_step = self.network.params.size + self.config.training.batch_size * units
        return max(1, NOISE_FLOATS // per_step)

    def train_chunk(self, n_steps: int) -> int:
        """Up to ``n_steps`` steps in one fused kernel call (no evaluation inside)."""
        if self.finished or n_steps <= 0:
            return 0
        self.status = RunStatus.RUNNING
        if self._stepper is None:
            self._stepper = FusedStepper(self.network, self.data.train.X, self.y_train)
        idx, starts, epochs, draws, gnoise = self._plan_chunk(n_steps)
        self._last_batch = idx[starts[-2]:starts[-1]]
        done, status, loss, norms = self._stepper.run(idx, starts, draws, gnoise,
                                                      self.optimizer, self._limit())
        self.steps.extend(step=np.arange(self.step + 1, self.step + done + 1),
                          epoch=epochs[:done], loss=loss, grad_norm=norms)
        self.step += done
        if status in KERNEL_STOPS:
            self._diverge(KERNEL_STOPS[status])
        return done

    def divergence_limit(self, initial_loss: float) -> float:
        """The training loss above which a step counts as diverged (see DIVERGENCE_FACTOR)."""
        if not np.isfinite(initial_loss):
            return np.inf  # the start is already broken; the non-finite checks apply
        return DIVERGENCE_FACTOR * max(initial_loss, LOSS_FLOOR)

    def _limit(self) -> float:
        """The divergence limit, measured before the run's first step (no random draws,
        so the run's numbers do not depend on it)."""
        if self.loss_limit is None:
            self.loss_limit = self.divergence_limit(self._full_train_loss())
        return self.loss_limit

    def _full_train_loss(self) -> float:
        """L0 on (at most) the first LOSS_ROWS training rows: memory stays bounded."""
        with self.network.evaluating() as net, np.errstate(all="ignore"):
            return float(net.loss(self.data.train.X[:LOSS_ROWS], self.y_train[:LOSS_ROWS]))

    def _diverge(self, reason: StopReason) -> None:
        why = reason.value
        if reason is StopReason.LOSS_EXPLODED:  # say by how much
            why = (f"the training loss exceeded {DIVERGENCE_FACTOR:g}\u00d7 the initial "
                   f"loss (limit {self.loss_limit:.4g})")
        self._stop(RunStatus.DIVERGED, f"diverged at step {self.step}: {why}")

    def _stop(self, status: RunStatus, message: str) -> None:
        self.status = status
        self.stop_step = self.step
        self.message = message

    # -- evaluation ---------------------------------------------------------------
    def _evaluate(self, idx: np.ndarray, before: np.ndarray, acts: list[np.ndarray]) -> None:
        """Metrics of the step just taken on batch ``idx`` from weights ``before``;
        ``acts``: that step's hidden activations (copies). Every step of it is paid
        every ``eval_every`` steps, so nothing is computed twice (benchmarks/
        profile_step.py --eval times it)."""
        net = self.network
        grads = [net.grad[s].copy() for s in net.layer_slices]
        ratio = self._update_ratios(before)
        train_out = self._outputs(self.data.train.X[idx])
        train_acc = experiment.accuracy(self.loss_name, train_out, self.data.train, idx)
        val_loss, val_acc = self.validation_metrics()
        self.evals.append(step=self.step, val_loss=val_loss, val_acc=val_acc,
                          train_acc=train_acc, update_ratio=ratio)
        self.traj.append(step=self.step, params=net.params)
        self._hist_values = (acts, grads)
        self._hists = None
        if self.early_stopping.update(val_loss, self.step, net):
            self.early_stopping.restore_best(net)
            self._stop(RunStatus.EARLY_STOPPED, self.early_stopping.message(self.step))

    def _update_ratios(self, before: np.ndarray) -> np.ndarray:
        """||Δw|| / ||w_before|| per layer (norms as np.linalg.norm computes them:
        sqrt(x·x))."""
        delta = self.network.params - before
        out = np.empty(len(self.network.blocks))
        for i, s in enumerate(self.network.layer_slices):
            d, b = delta[s], before[s]
            out[i] = np.sqrt(d.dot(d)) / max(np.sqrt(b.dot(b)), 1e-300)
        return out

    def _outputs(self, X: np.ndarray) -> np.ndarray:
        with self.network.evaluating() as net:
            return net.forward(X, update_stats=False).copy()

    def validation_metrics(self) -> tuple[float, float]:
        """(loss, accuracy) on the validation split in evaluation mode; NaN if it is empty.
        One forward pass gives both (the loss kernel on its outputs, as Network.loss)."""
        val = self.data.val
        if val.X.shape[0] == 0:
            return float("nan"), float("nan")
        with self.network.evaluating() as net:
            out = net.forward(val.X, update_stats=False)
            loss = losses.loss_and_grad(net.spec.loss, out, self._val_targets)[0]
        return loss, experiment.accuracy(self.loss_name, out, val)

    @functools.cached_property
    def _val_targets(self) -> np.ndarray:
        return losses.prepare_targets(self.network.spec.loss, self.y_val,
                                      self.network.spec.output_size)

    def histograms(self) -> dict[str, tuple[Histogram, ...]]:
        """Histograms of each hidden layer's activations ("act") and each layer's
        gradient ("grad") at the last step trained (an evaluation step or the end of a
        chunk; before the first step, of the initial weights: ``core.train.histograms``)."""
        if self._hists is None:
            self._hists = histograms.binned(self._hist_values)
        return self._hists

    def _record_last_step(self) -> None:
        """The histogram data of the chunk's last step (a single Step shows that step)."""
        st = self._stepper
        self._hist_values = (st.hidden_activations(self._last_batch.size),
                             [self.network.grad[s].copy() for s in self.network.layer_slices])
        self._hists = None

    def trajectory(self) -> np.ndarray:
        """Recorded weights (k, P), oldest first: the initial ones, then every evaluation."""
        return self.traj.column("params").reshape(self.traj.size, -1)

    @property
    def best_step(self) -> int | None:
        return self.early_stopping.best.step

    # -- outputs ------------------------------------------------------------------
    def snapshot(self, extras: dict | None = None) -> Snapshot:
        s, e = self.steps, self.evals
        n_layers = len(self.network.blocks)
        params, buffers = frozen_copies(self.network.params, self.network.buffers)
        return Snapshot(
            step=self.step, epoch=self.epoch, status=self.status, stop_step=self.stop_step,
            best_step=self.best_step, layer_names=tuple(self.network.layer_names),
            steps=s.column("step").astype(np.int64), epochs=s.column("epoch").astype(np.int64),
            train_loss=s.column("loss"),
            grad_norms=s.column("grad_norm").reshape(s.size, n_layers),
            eval_steps=e.column("step").astype(np.int64), val_loss=e.column("val_loss"),
            val_acc=e.column("val_acc"), train_acc=e.column("train_acc"),
            update_ratio=e.column("update_ratio").reshape(e.size, n_layers),
            act_hists=self.histograms()["act"], grad_hists=self.histograms()["grad"],
            message=self.message,
            extras=dict(extras or {}), params=params, buffers=buffers)

    def predict_raw(self, X_raw: np.ndarray) -> np.ndarray:
        """Network outputs (evaluation mode) for inputs in raw units, i.e. before the
        run's preprocessing: probabilities for classification losses (as
        ``Network.predict``), the regression outputs otherwise. Shape (n, outputs)."""
        X = np.ascontiguousarray(X_raw, dtype=np.float64)
        return self.network.predict(self.data.pipeline.transform(X))

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Network output over a grid in the raw 2-D input space (decision boundary):
        class-1 probability for binary tasks, the predicted class for multiclass,
        the output for regression. Shape (len(ys), len(xs))."""
        gx, gy = np.meshgrid(xs, ys)
        pts = np.column_stack([gx.ravel(), gy.ravel()])
        p = self.predict_raw(pts)
        if p.shape[1] == 1:
            out = p[:, 0]
        elif self.data.train.task == "regression":
            out = p[:, 0]
        else:
            out = p.argmax(axis=1).astype(np.float64)
        return out.reshape(gy.shape)

    # -- state for session files --------------------------------------------------
    def state_dict(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(JSON-able scalars, arrays) holding everything the next step depends on."""
        return trainer_state.state_dict(self)

    def load_state_dict(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore a state from ``state_dict``; ValueError naming the field (and nothing
        changed) if it is damaged or does not fit this trainer."""
        trainer_state.load_state_dict(self, meta, arrays)

    # -- live changes (commands; ``config`` stays the one the run was built from) -----
    def set_optimizer_hyper(self, **hyper) -> None:
        """Change the optimizer's hyper-parameters live (the GUI's learning-rate
        slider); its state is kept. ValueError (and nothing changed) on a bad value."""
        self.optimizer.set_hyper(**hyper)

    def set_optimizer(self, name: str, **hyper) -> None:
        """Switch to another optimizer mid-run: same weights, fresh optimizer state.
        ValueError (and the old optimizer kept) on an unknown name or a bad value."""
        self.optimizer = optimizers.create(name, **hyper)
