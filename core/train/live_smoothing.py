"""``smoothing.ema`` of a growing history, computed on the new rows only.

A live plot smooths the whole history on every frame (20,000 rows times a
dozen layers: ~20 ms), though only the last few rows are new. ``LiveEma``
keeps the moving average's state where the last call ended,

    m_n (per column),   k_n = the number of finite values so far,

and goes on from there with the same recurrence, m_k = w m_{k-1} + (1 - w) y_k,
s_k = m_k / (1 - w^k), over the new rows: the result equals ``ema`` of the
whole series, column by column, up to rounding. A history whose rows are not
the old ones plus new ones (the halving of a full history: the step keys
differ), or another weight, starts over; a new run must ``reset`` it (its keys
may be the old run's).
"""

from __future__ import annotations

import numpy as np

from core.train.smoothing import ema, moving_average


class LiveEma:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the series (a new run)."""
        self._weight: float | None = None
        self._keys: tuple | None = None  # (rows, first key, last key) smoothed so far
        self._out: np.ndarray | None = None  # the smoothed rows, (n, columns)
        self._m: np.ndarray | None = None  # moving average after the last row, per column
        self._k: np.ndarray | None = None  # finite values so far, per column

    def smooth(self, keys: np.ndarray, values: np.ndarray, weight: float) -> np.ndarray:
        """``ema(values[:, j], weight)`` for every column j (``values`` 1-D or 2-D,
        one row per key; ``keys`` (e.g. the steps) identify the rows)."""
        y = np.asarray(values, dtype=np.float64)
        if len(y) == 0:
            return y.copy()  # (nothing to remember)
        flat = y.ndim == 1
        y2 = y.reshape(len(y), -1)
        n = len(y2)
        w = float(weight)
        start = self._resume(keys, n, w, y2.shape[1])
        if start == 0:
            self._restart(y2, w)
        elif start < n:
            self._extend(y2[start:], w)
        self._weight, self._keys = w, (n, keys[0], keys[-1])
        out = self._out  # a fresh array on every call that adds rows: callers may keep it
        return out[:, 0] if flat else out

    def _resume(self, keys, n: int, w: float, columns: int) -> int:
        """Rows already smoothed (0: start over)."""
        if (self._keys is None or self._weight != w or self._out is None
                or self._out.shape[1] != columns or not w < 1.0):
            return 0
        done, first, last = self._keys
        if n < done or keys[0] != first or keys[done - 1] != last:
            return 0
        return done

    def _restart(self, y: np.ndarray, w: float) -> None:
        self._out = np.column_stack([ema(y[:, j], w) for j in range(y.shape[1])])
        finite = np.isfinite(y)
        self._k = finite.sum(axis=0).astype(np.float64)
        # The moving average before debiasing, after the last finite value of each column.
        self._m = np.zeros(y.shape[1])
        for j in range(y.shape[1]):
            if self._k[j] and w > 0:
                last = np.flatnonzero(finite[:, j])[-1]
                self._m[j] = self._out[last, j] * (1.0 - w ** self._k[j])
            elif self._k[j]:
                self._m[j] = y[np.flatnonzero(finite[:, j])[-1], j]

    def _extend(self, tail: np.ndarray, w: float) -> None:
        out = tail.copy()
        for j in range(tail.shape[1]):
            finite = np.isfinite(tail[:, j])
            if not finite.any():
                continue
            m = moving_average(tail[finite, j], w, self._m[j])
            k = self._k[j] + np.arange(1, m.size + 1, dtype=np.float64)
            out[finite, j] = m / (1.0 - w ** k) if w > 0 else m
            self._m[j], self._k[j] = m[-1], k[-1]
        self._out = np.concatenate([self._out, out])
