"""The order in which a run visits its training rows, batch by batch.

A ``Batcher`` holds an epoch's batch order, the position in it, the epoch
counter and, for ``shuffle="fixed"``, the one permutation drawn at the start.
An epoch ends when its order has no whole batch left (the remainder is
skipped, as a ``DataLoader`` with ``drop_last=True`` does); the next epoch's
order is then drawn from the rows usable in that epoch:

- ``"epoch"``: a fresh permutation every epoch;
- ``"fixed"``: one permutation of all rows, drawn once, restricted to the usable rows;
- ``"sorted"``: sorted by class (or the first regression target), so each batch
  holds a single class — the failure mode of the lecture's shuffling slide.

With a curriculum only the easiest fraction of the rows is usable in epoch e,
``f(e) = min(1, f0 + (1 - f0) e / E)`` (a linear pacing function, Bengio et
al. 2009), at least 2 rows.

The batcher draws its permutations from the generator handed to it (the
trainer's stream), so the run has one place that owns the random state.
"""

from __future__ import annotations

import numpy as np

from core.train.config import TrainingConfig


class Batcher:
    """Batches of row indices for ``training`` over rows of the given ``difficulty``.

    ``difficulty``: per training row, lower = easier (the curriculum's ranking);
    ``labels``: the training targets, for ``shuffle="sorted"``.
    """

    def __init__(self, training: TrainingConfig, difficulty: np.ndarray,
                 labels: np.ndarray) -> None:
        self.n_rows = int(difficulty.shape[0])
        self.batch_size = training.batch_size
        self.shuffle = training.shuffle
        self.curriculum = training.curriculum
        self._easiest = np.argsort(difficulty, kind="stable")  # the curriculum's ranking
        y = np.asarray(labels, dtype=np.float64)
        self._sort_key = y.reshape(len(y), -1)[:, 0]
        self.order = np.zeros(0, dtype=np.int64)  # batch order of the current epoch
        self.pos = 0  # rows of ``order`` used so far
        self.fixed_order: np.ndarray | None = None  # the one permutation of "fixed"
        self.epoch = 0

    def available(self, epoch: int | None = None) -> np.ndarray:
        """Rows usable in ``epoch`` (default: the current one): all, or the
        curriculum's easiest fraction."""
        cur = self.curriculum
        if not cur.enabled:
            return np.arange(self.n_rows)
        epoch = self.epoch if epoch is None else epoch
        frac = cur.start_fraction + (1.0 - cur.start_fraction) * epoch / cur.epochs_to_full
        k = max(2, int(np.ceil(min(1.0, frac) * self.n_rows)))
        return self._easiest[:k].copy()  # the caller's to keep: the ranking stays intact

    def new_epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        """The batch order of the current epoch, drawn from ``rng`` as the mode says."""
        idx = self.available()
        if self.shuffle == "epoch":
            return rng.permutation(idx)
        if self.shuffle == "fixed":
            if self.fixed_order is None:
                self.fixed_order = rng.permutation(self.n_rows)
            keep = np.zeros(self.n_rows, dtype=bool)
            keep[idx] = True
            return self.fixed_order[keep[self.fixed_order]]
        return idx[np.argsort(self._sort_key[idx], kind="stable")]

    def _batch_size(self, rng: np.random.Generator) -> int:
        """The size of the next batch, starting a new epoch first when the current
        order has no whole batch left (or none was drawn yet). The one place an
        epoch ends: both ``next_batch`` and ``plan`` go through it."""
        if self.order.size == 0 or self.pos + min(self.batch_size, self.order.size) \
                > self.order.size:
            if self.order.size:
                self.epoch += 1
            self.order = self.new_epoch_order(rng)
            self.pos = 0
        return min(self.batch_size, self.order.size)

    def next_batch(self, rng: np.random.Generator) -> np.ndarray:
        """The next batch's row indices (a view into the epoch's order)."""
        size = self._batch_size(rng)
        batch = self.order[self.pos:self.pos + size]
        self.pos += size
        return batch

    def plan(self, n_steps: int, rng: np.random.Generator
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The next ``n_steps`` batches exactly as ``next_batch`` would give them, one
        slice per epoch instead of one per step: (indices, start of each batch (n+1,),
        epoch of each batch)."""
        segments, sizes = [], np.empty(n_steps, dtype=np.int64)
        epochs = np.empty(n_steps)
        k = 0
        while k < n_steps:
            size = self._batch_size(rng)
            take = min((self.order.size - self.pos) // size, n_steps - k)
            segments.append(self.order[self.pos:self.pos + take * size])
            sizes[k:k + take] = size
            epochs[k:k + take] = self.epoch
            self.pos += take * size
            k += take
        starts = np.zeros(n_steps + 1, dtype=np.int64)
        np.cumsum(sizes, out=starts[1:])
        idx = np.concatenate(segments) if segments else np.zeros(0, dtype=np.int64)
        return idx.astype(np.int64, copy=False), starts, epochs

    def restore(self, epoch: int, order: np.ndarray, pos: int,
                fixed_order: np.ndarray | None) -> None:
        """Take over a saved (and already checked) state."""
        self.epoch, self.order, self.pos, self.fixed_order = epoch, order, pos, fixed_order
