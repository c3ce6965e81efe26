"""The training engine: mini-batch training from a session config, step by step.

One ``Trainer`` owns the data, the network, the optimizer and every random
stream of a run. It runs in chunks of steps, honours stop requests between
chunks, and hands out immutable ``Snapshot``s (copies) for the GUI or the
command line. Everything that influences the next step is in ``state_dict()``,
so a run saved and reloaded continues bit for bit as if it never stopped.

Per step: train loss, gradient norm per layer. Every ``eval_every`` steps:
validation loss and accuracy, training accuracy on the batch, the
update-to-weight ratio ||Δw||/||w|| per layer, and histograms of each hidden
layer's activations and each layer's gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.common import limits
from core.data import datasets
from core.nn import activations as act
from core.nn.network import Network
from core.optim import optimizers
from core.train import experiment, fused
from core.train import state as trainer_state
from core.train.config import OptimizerConfig, SessionConfig, check_memory
from core.train.fused import FusedStepper
from core.train.history import Series

HIST_BINS = 40
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
STATUSES = ("ready", "running", "early_stopped", "diverged")


@dataclass(frozen=True)
class Histogram:
    counts: np.ndarray
    edges: np.ndarray


@dataclass(frozen=True)
class Snapshot:
    """Immutable copy of a run's state for drawing; arrays are private copies."""

    step: int
    epoch: int
    status: str
    stop_step: int | None  # early-stopped or diverged at this step
    best_step: int | None  # step of the best validation loss (early stopping)
    layer_names: tuple[str, ...]
    steps: np.ndarray  # (n,)
    epochs: np.ndarray  # (n,)
    train_loss: np.ndarray  # (n,)
    grad_norms: np.ndarray  # (n, layers)
    eval_steps: np.ndarray  # (k,)
    val_loss: np.ndarray  # (k,)
    val_acc: np.ndarray  # (k,)
    train_acc: np.ndarray  # (k,)
    update_ratio: np.ndarray  # (k, layers)
    act_hists: tuple[Histogram, ...] = ()
    grad_hists: tuple[Histogram, ...] = ()
    message: str = ""
    extras: dict = field(default_factory=dict)

    @property
    def last_loss(self) -> float | None:
        return float(self.train_loss[-1]) if self.train_loss.size else None


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
        self.rng = np.random.default_rng([config.training.seed, experiment.STREAM_TRAIN])
        self.step = 0
        self.epoch = 0
        self.status = "ready"
        self.stop_step: int | None = None
        self.message = ""
        self._order = np.zeros(0, dtype=np.int64)  # batch order of the current epoch
        self._pos = 0
        self._fixed = None  # the one permutation of shuffle="fixed"
        self._best = (np.inf, None, None, None)  # (val loss, step, params, buffers)
        self._bad_evals = 0
        n_layers = len(self.network.blocks)
        self.steps = Series({"step": 1, "epoch": 1, "loss": 1, "grad_norm": n_layers},
                            history_capacity)
        self.evals = Series({"step": 1, "val_loss": 1, "val_acc": 1, "train_acc": 1,
                             "update_ratio": n_layers}, history_capacity)
        # Weights every evaluation, for the loss landscape's PCA plane; capped in bytes.
        rows = TRAJECTORY_FLOATS // max(self.network.params.size, 1)
        cap = max(2, min(limits.MAX_TRAJECTORY_ROWS, rows) // 2 * 2)
        self.traj = Series({"step": 1, "params": self.network.params.size}, cap)
        self.traj.append(step=0, params=self.network.params)
        self._stepper: FusedStepper | None = None
        self.loss_limit: float | None = None  # set at the first step (divergence rule)
        # Steps need per-step draws besides the batch (noise): plan them one by one.
        self._random_per_step = config.training.grad_noise.enabled or any(
            b.activation and act.ACTIVATIONS.get(b.activation).stochastic
            for b in self.network.blocks)
        self._planned = 0  # steps drawn ahead of self.step while planning a chunk
        # Histograms are binned only when someone looks (a snapshot, a save): binning
        # at every evaluation cost more than the training itself on small networks.
        self._hist_values: tuple[list, list] = ([], [])  # activations, gradients
        self._hists: dict[str, tuple[Histogram, ...]] | None = {"act": (), "grad": ()}

    # -- batches ------------------------------------------------------------------
    def available(self, epoch: int | None = None) -> np.ndarray:
        """Training indices usable in ``epoch`` (default: the current one): all, or the
        curriculum's easiest fraction."""
        n = self.data.train.X.shape[0]
        cur = self.config.training.curriculum
        if not cur.enabled:
            return np.arange(n)
        epoch = self.epoch if epoch is None else epoch
        frac = cur.start_fraction + (1.0 - cur.start_fraction) * epoch / cur.epochs_to_full
        k = max(2, int(np.ceil(min(1.0, frac) * n)))
        return np.argsort(self.data.difficulty, kind="stable")[:k]

    def _new_epoch_order(self) -> np.ndarray:
        idx = self.available()
        mode = self.config.training.shuffle
        if mode == "epoch":
            return self.rng.permutation(idx)
        if mode == "fixed":
            if self._fixed is None:
                self._fixed = self.rng.permutation(self.data.train.X.shape[0])
            keep = np.zeros(self.data.train.X.shape[0], dtype=bool)
            keep[idx] = True
            return self._fixed[keep[self._fixed]]
        # "sorted": by class (or target), so each batch holds one class — the
        # failure mode the lecture's shuffling slide warns about.
        y = np.asarray(self.data.train.y, dtype=np.float64)
        key = y.reshape(len(y), -1)[:, 0]
        return idx[np.argsort(key[idx], kind="stable")]

    def _next_batch(self) -> np.ndarray:
        bs = self.config.training.batch_size
        if self._pos + min(bs, self._order.size) > self._order.size or self._order.size == 0:
            if self._order.size:
                self.epoch += 1
            self._order = self._new_epoch_order()
            self._pos = 0
        size = min(bs, self._order.size)
        batch = self._order[self._pos:self._pos + size]
        self._pos += size
        return batch

    # -- training -----------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.status in ("early_stopped", "diverged")

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

    def _draw_step(self) -> tuple[np.ndarray, list, np.ndarray | None]:
        """The random inputs of the next step, drawn in the one fixed order:
        the batch (trainer stream), the activation noise of each layer (network
        stream), the gradient noise (trainer stream)."""
        idx = self._next_batch()
        net = self.network
        draws = [act.draw_noise(b.activation, (idx.size, b.n_out), net.noise_rng,
                                training=True, noise_sigma=net.spec.noise_sigma)
                 if b.activation and act.ACTIVATIONS.get(b.activation).stochastic else None
                 for b in net.blocks]
        gn = self.config.training.grad_noise
        noise = None
        if gn.enabled:
            # sigma_t^2 = eta / (1 + t)^gamma, t counting from 0
            var = gn.eta / (1.0 + self.step + self._planned) ** gn.gamma
            noise = self.rng.normal(0.0, np.sqrt(var), size=net.params.size)
        self._planned += 1
        return idx, draws, noise

    def _plan_batches(self, n_steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next ``n_steps`` batches exactly as ``_next_batch`` would give them, one
        slice per epoch instead of one per step: (indices, start of each batch, epochs)."""
        bs = self.config.training.batch_size
        segments, sizes = [], np.empty(n_steps, dtype=np.int64)
        epochs = np.empty(n_steps)
        k = 0
        while k < n_steps:
            if self._pos + min(bs, self._order.size) > self._order.size or not self._order.size:
                if self._order.size:
                    self.epoch += 1
                self._order = self._new_epoch_order()
                self._pos = 0
            size = min(bs, self._order.size)
            take = min((self._order.size - self._pos) // size, n_steps - k)
            segments.append(self._order[self._pos:self._pos + take * size])
            sizes[k:k + take] = size
            epochs[k:k + take] = self.epoch
            self._pos += take * size
            k += take
        starts = np.zeros(n_steps + 1, dtype=np.int64)
        np.cumsum(sizes, out=starts[1:])
        return np.concatenate(segments).astype(np.int64, copy=False), starts, epochs

    def train_chunk(self, n_steps: int) -> int:
        """Up to ``n_steps`` steps in one fused kernel call (no evaluation inside)."""
        if self.finished or n_steps <= 0:
            return 0
        self.status = "running"
        if self._stepper is None:
            self._stepper = FusedStepper(self.network, self.data.train.X, self.y_train)
        if self._random_per_step:
            batches, draws, noises, epochs = [], [], [], np.empty(n_steps)
            self._planned = 0
            for k in range(n_steps):
                idx, d, g = self._draw_step()
                batches.append(idx)
                draws.append(d)
                noises.append(g)
                epochs[k] = self.epoch
            self._planned = 0
            starts = np.zeros(n_steps + 1, dtype=np.int64)
            np.cumsum([b.size for b in batches], out=starts[1:])
            idx = np.concatenate(batches).astype(np.int64, copy=False)
            gnoise = np.stack(noises) if noises[0] is not None else None
        else:  # only the batch order is random: plan it in bulk
            idx, starts, epochs = self._plan_batches(n_steps)
            draws, gnoise = None, None
        self._last_batch = idx[starts[-2]:starts[-1]]
        done, status, loss, norms = self._stepper.run(idx, starts, draws, gnoise,
                                                      self.optimizer, self._limit())
        self.steps.extend(step=np.arange(self.step + 1, self.step + done + 1),
                          epoch=epochs[:done], loss=loss, grad_norm=norms)
        self.step += done
        if status == fused.BAD_GRADIENT:
            self._diverge("loss or gradient became non-finite")
        elif status == fused.BAD_WEIGHTS:
            self._diverge("weights became non-finite")
        elif status == fused.BAD_LOSS:
            self._diverge(self._explosion_message())
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
        net = self.network
        was = net.training
        net.eval()
        try:
            with np.errstate(all="ignore"):
                return float(net.loss(self.data.train.X[:LOSS_ROWS], self.y_train[:LOSS_ROWS]))
        finally:
            net.training = was

    def _explosion_message(self) -> str:
        return (f"the training loss exceeded {DIVERGENCE_FACTOR:g}\u00d7 the initial loss "
                f"(limit {self.loss_limit:.4g})")

    def train_step(self) -> None:
        """One mini-batch step: forward, backward, optional gradient noise, update;
        evaluation metrics when the step is an evaluation step."""
        if self.finished:
            return
        self.status = "running"
        limit = self._limit()  # before the forward pass: it uses the network's caches
        net = self.network
        self._planned = 0
        idx, draws, noise = self._draw_step()
        self._planned = 0
        loss, grad = net.loss_and_grad(self.data.train.X[idx], self.y_train[idx],
                                       noise=draws)
        norms = net.grad_norms()
        if not (np.isfinite(loss) and np.all(np.isfinite(norms))):
            self._diverge("loss or gradient became non-finite")
            return
        if not loss <= limit:
            self._diverge(self._explosion_message())
            return
        if noise is not None:
            grad += noise
        before = net.params.copy()
        self.optimizer.step(net.params, grad)
        if not np.all(np.isfinite(net.params)):
            net.params[:] = before
            self._diverge("weights became non-finite")
            return
        self.step += 1
        self.steps.append(step=self.step, epoch=self.epoch, loss=loss, grad_norm=norms)
        if self.step % self.config.training.eval_every == 0:
            self._evaluate(idx, before)

    def _diverge(self, why: str) -> None:
        self.status = "diverged"
        self.stop_step = self.step
        self.message = f"diverged at step {self.step}: {why}"

    def _evaluate(self, idx: np.ndarray, before: np.ndarray,
                  acts: list[np.ndarray] | None = None) -> None:
        """Metrics of the step just taken on batch ``idx`` from weights ``before``;
        ``acts``: that step's hidden activations (default: the network's cache)."""
        net = self.network
        if acts is None:
            acts = [a.copy() for a in net.hidden_activations()]
        grads = [net.grad[s].copy() for s in net.layer_slices]
        ratio = np.array([
            np.linalg.norm(net.params[s] - before[s]) / max(np.linalg.norm(before[s]), 1e-300)
            for s in net.layer_slices])
        train_out = self._outputs(self.data.train.X[idx])
        train_acc = experiment.accuracy(self.loss_name, train_out, self.data.train.take(idx))
        val_loss, val_acc = self.validation_metrics()
        self.evals.append(step=self.step, val_loss=val_loss, val_acc=val_acc,
                          train_acc=train_acc, update_ratio=ratio)
        self.traj.append(step=self.step, params=net.params)
        self._hist_values = (acts, grads)
        self._hists = None
        self._early_stopping(val_loss)

    def _outputs(self, X: np.ndarray) -> np.ndarray:
        net = self.network
        was = net.training
        net.eval()
        try:
            return net.forward(X, update_stats=False).copy()
        finally:
            net.training = was

    def validation_metrics(self) -> tuple[float, float]:
        """(loss, accuracy) on the validation split in evaluation mode; NaN if it is empty."""
        val = self.data.val
        if val.X.shape[0] == 0:
            return float("nan"), float("nan")
        net = self.network
        was = net.training
        net.eval()
        try:
            loss = net.loss(val.X, self.y_val)
            out = net.forward(val.X, update_stats=False)
        finally:
            net.training = was
        return loss, experiment.accuracy(self.loss_name, out, val)

    def _early_stopping(self, val_loss: float) -> None:
        es = self.config.training.early_stopping
        if not es.enabled or not np.isfinite(val_loss):
            return
        if val_loss < self._best[0] - es.min_delta:
            self._best = (val_loss, self.step, self.network.params.copy(),
                          self.network.buffers.copy())
            self._bad_evals = 0
            return
        self._bad_evals += 1
        if self._bad_evals >= es.patience:
            self.status = "early_stopped"
            self.stop_step = self.step
            best_loss, best_step, params, buffers = self._best
            if es.restore_best and params is not None:
                self.network.params[:] = params
                self.network.buffers[:] = buffers
            self.message = (f"early-stopped at step {self.step}; best validation loss "
                            f"{best_loss:.4g} at step {best_step}")

    def histograms(self) -> dict[str, tuple[Histogram, ...]]:
        """Histograms of each hidden layer's activations ("act") and each layer's
        gradient ("grad") at the last evaluation step."""
        if self._hists is None:
            acts, grads = self._hist_values
            self._hists = {"act": tuple(_histogram(a) for a in acts),
                           "grad": tuple(_histogram(g) for g in grads)}
        return self._hists

    def trajectory(self) -> np.ndarray:
        """Recorded weights (k, P), oldest first: the initial ones, then every evaluation."""
        return self.traj.column("params").reshape(self.traj.size, -1)

    @property
    def best_step(self) -> int | None:
        return self._best[1]

    # -- outputs ------------------------------------------------------------------
    def snapshot(self, extras: dict | None = None) -> Snapshot:
        s, e = self.steps, self.evals
        n_layers = len(self.network.blocks)
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
            extras=dict(extras or {}))

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

    def set_optimizer_hyper(self, **hyper) -> None:
        """Change hyper-parameters live (the GUI's learning-rate slider); state is kept."""
        self.optimizer.set_hyper(**hyper)
        self._set_optimizer_config(self.config.optimizer.name,
                                   {**self.config.optimizer.hyper, **hyper})

    def set_optimizer(self, name: str, **hyper) -> None:
        """Switch to another optimizer mid-run: same weights, fresh optimizer state."""
        self.optimizer = optimizers.create(name, **hyper)
        self._set_optimizer_config(name, hyper)

    def _set_optimizer_config(self, name: str, hyper: dict) -> None:
        opt = OptimizerConfig(name=name, hyper=hyper)
        self.config = self.config.model_copy(update={"optimizer": opt})


def _histogram(values: np.ndarray) -> Histogram:
    v = values.ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return Histogram(np.zeros(HIST_BINS), np.linspace(-1, 1, HIST_BINS + 1))
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=HIST_BINS, range=(lo, hi))
    return Histogram(counts.astype(np.float64), edges)
