"""Metric history with bounded memory.

A long run must not grow without limit: when a series is full it keeps every
other row and from then on records every second step (then every fourth, ...).
The rule depends only on the number of rows appended, so a run resumed from a
session file decimates exactly as one that never stopped.
"""

from __future__ import annotations

import numpy as np


class Series:
    """Fixed columns of float64, ``capacity`` rows at most, decimated by halving."""

    def __init__(self, columns: dict[str, int], capacity: int = 20_000) -> None:
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
        cols = {k: np.asarray(v, dtype=np.float64).reshape(len(v), -1)
                for k, v in columns.items()}
        n = len(next(iter(cols.values())))
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
            # that did not fit (which the doubled stride records).
            self.appended += take[room] - i
            i = int(take[room])
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
        meta = {"stride": self.stride, "appended": self.appended, "size": self.size,
                "capacity": self.capacity, "columns": self.columns}
        arrays = {f"{prefix}.{k}": v[: self.size].copy() for k, v in self._data.items()}
        return meta, arrays

    def load_state_dict(self, prefix: str, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        if dict(meta["columns"]) != self.columns:
            raise ValueError(f"history '{prefix}' has columns {meta['columns']}, "
                             f"expected {self.columns}")
        size, capacity = int(meta["size"]), int(meta["capacity"])
        if not 0 <= size <= capacity or capacity < 2 or capacity % 2:
            raise ValueError(f"history '{prefix}' has an impossible size")
        data = {}
        for k, w in self.columns.items():
            arr = np.asarray(arrays[f"{prefix}.{k}"], dtype=np.float64).reshape(-1, w)
            if arr.shape[0] != size:
                raise ValueError(
                    f"history '{prefix}.{k}' holds {arr.shape[0]} rows, expected {size}")
            buf = np.zeros((capacity, w))
            buf[:size] = arr
            data[k] = buf
        self.capacity, self.size = capacity, size
        self.stride, self.appended = int(meta["stride"]), int(meta["appended"])
        self._data = data
