"""Curve smoothing as TensorBoard does it: a debiased exponential moving average.

For the finite values y_1, y_2, ... of a series (in order) and a weight w in [0, 1]:

    m_0 = 0,    m_k = w * m_{k-1} + (1 - w) * y_k,    s_k = m_k / (1 - w^k)

The division by 1 - w^k removes the bias towards the initial 0: a constant
series c gives m_k = c (1 - w^k), so s_k = c exactly. As in TensorBoard, a
non-finite value (NaN, +-inf) is passed through unchanged and does not enter the
average, the count k runs over the finite values only, and a constant series is
returned as it is. w = 0 is no smoothing; w = 1 leaves m at 0 (TensorBoard
skips the debiasing then, so it shows 0); its slider stops at 0.999.

Reference: TensorBoard, ``vz_line_chart2/line-chart.ts`` (``resmoothDataset``).
"""

from __future__ import annotations

import numba
import numpy as np


def ema(values, weight: float) -> np.ndarray:
    """The TensorBoard-smoothed copy of ``values`` (1-D) with smoothing ``weight``.

    ValueError if ``weight`` is not a number in [0, 1]."""
    w = float(weight)
    if not 0.0 <= w <= 1.0:  # also refuses NaN
        raise ValueError(f"the smoothing weight must lie in [0, 1], got {weight!r}")
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"ema smooths a 1-D series, got shape {y.shape}")
    out = y.copy()
    if y.size == 0 or np.all(y == y[0]):
        return out
    finite = np.isfinite(y)
    yf = y[finite]
    if yf.size == 0:
        return out
    m = moving_average(yf, w, 0.0)
    if w != 1.0:
        m = m / (1.0 - w ** np.arange(1, yf.size + 1, dtype=np.float64))
    out[finite] = m
    return out


def moving_average(y: np.ndarray, weight: float, start: float) -> np.ndarray:
    """m_k = (1 - w) y_k + w m_{k-1} over ``y`` (finite values), from m_0 = ``start``;
    not debiased. (A compiled loop: scipy's lfilter computes the same, in the same
    order of operations, but importing scipy.signal costs the app 0.8 s at start.)"""
    out = np.empty(len(y))
    _moving_average(np.ascontiguousarray(y, dtype=np.float64), float(weight), float(start),
                    out)
    return out


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _moving_average(y, w, m, out):
    for k in range(y.shape[0]):
        m = (1.0 - w) * y[k] + w * m
        out[k] = m
