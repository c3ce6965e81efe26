"""Metric history with bounded memory.

A long run must not grow without limit: when a series is full it keeps every
other row and from then on records every second step (then every fourth, ...).
The rule depends only on the number of rows appended, so a run resumed from a
session file decimates exactly as one that never stopped.
"""

from __future__ import annotations

import numpy as np

from core.common import limits


class Series:
    """Fixed columns of float64, ``capacity`` rows at most, decimated by halving."""

    def __init__(self, columns: dict[str, int],
                 capacity: int = limits.HISTORY_CAPACITY) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number >= 2")
        self.columns = dict(columns)  # name -> width
        self.capacity = capacity
        self.stride = 1  # record one row per `stride` appends
        self.appended = 0  # appends seen, recorded or not
        self.size = 0
        self._data = {k: np.zeros((capacity, w)) for k, w in self.columns.items()}

    def append(self, **values) -> None:
        take = self.appended % self.stride == 0
        self.appended += 1
        if not take:
            return
        if self.size == self.capacity:
            for arr in self._data.values():
                half = arr[::2].copy()
                arr[: half.shape[0]] = half
            self.size = self.capacity // 2
            self.stride *= 2
            if (self.appended - 1) % self.stride:
                return
        for k, arr in self._data.items():
            arr[self.size] = values[k]
        self.size += 1

    def extend(self, **columns) -> None:
        """``append`` of many rows at once (arrays with one row per append)."""
        n = len(next(iter(columns.values())))
        if n == 0:  # a chunk whose first step diverged records nothing
            return
        cols = {k: np.asarray(v, dtype=np.float64).reshape(n, -1) for k, v in columns.items()}
        i = 0
        while i < n:
            first = i + (-self.appended) % self.stride  # next row this stride records
            take = np.arange(first, n, self.stride)
            room = self.capacity - self.size
            fits = take[:room]
            for k, arr in self._data.items():
                arr[self.size:self.size + fits.size] = cols[k][fits]
            self.size += fits.size
            if take.size <= room:
                self.appended += n - i
                return
            # full: thin out exactly as ``append`` does, then go on from the row
            # that did not fit (which the doubled stride records). Counters stay
            # Python ints: they go into session.json.
            nxt = int(take[room])
            self.appended += nxt - i
            i = nxt
            for arr in self._data.values():
                half = arr[::2].copy()
                arr[: half.shape[0]] = half
            self.size = self.capacity // 2
            self.stride *= 2

    def column(self, name: str) -> np.ndarray:
        """A copy of one column: (n,) for width-1 columns, (n, width) otherwise."""
        arr = self._data[name][: self.size]
        return (arr[:, 0] if self.columns[name] == 1 else arr).copy()

    def last(self, name: str):
        if self.size == 0:
            return None
        return self.column(name)[-1]

    def state_dict(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        meta = {"stride": int(self.stride), "appended": int(self.appended),
                "size": int(self.size), "capacity": int(self.capacity),
                "columns": {k: int(w) for k, w in self.columns.items()}}
        arrays = {f"{prefix}.{k}": v[: self.size].copy() for k, v in self._data.items()}
        return meta, arrays

    def load_state_dict(self, prefix: str, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore ``state_dict``; ValueError naming the field if the state is impossible
        or would lift this series' capacity (a file must not raise the memory bound)."""
        if not isinstance(meta, dict) or not isinstance(meta.get("columns"), dict):
            raise ValueError(f"history '{prefix}' is not a valid history record")
        if dict(meta["columns"]) != self.columns:
            raise ValueError(f"history '{prefix}' has columns {meta['columns']}, "
                             f"expected {self.columns}")
        capacity = _count(meta, "capacity", prefix, 2, self.capacity)
        size = _count(meta, "size", prefix, 0, capacity)
        stride = _count(meta, "stride", prefix, 1, 2**62)
        appended = _count(meta, "appended", prefix, 0, limits.MAX_STEPS)
        if capacity % 2 or stride & (stride - 1):
            raise ValueError(f"history '{prefix}': capacity must be even and stride a "
                             f"power of two, got {capacity} and {stride}")
        if size > appended or size < min(appended, 1):
            raise ValueError(f"history '{prefix}': {size} rows cannot come from "
                             f"{appended} appends")
        data = {}
        for k, w in self.columns.items():
            arr = arrays.get(f"{prefix}.{k}")
            if (not isinstance(arr, np.ndarray) or arr.dtype != np.float64
                    or arr.shape not in ((size, w), (size,) if w == 1 else ())):
                raise ValueError(f"history '{prefix}.{k}' must be float64 of {size} rows "
                                 f"and {w} column(s)")
            buf = np.zeros((capacity, w))
            buf[:size] = arr.reshape(size, w)
            data[k] = buf
        self.capacity, self.size = capacity, size
        self.stride, self.appended = stride, appended
        self._data = data


def _count(meta: dict, key: str, prefix: str, lo: int, hi: int) -> int:
    v = meta.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ValueError(f"history '{prefix}' field '{key}' must be an integer in "
                         f"{lo}..{hi}, got {v!r}"[:300])
    return v
