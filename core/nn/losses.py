"""Loss functions on the network's raw outputs, each with its exact gradient.

Every loss is the mean over the batch (and, for MSE, over outputs), so the
learning rate does not depend on the batch size. Targets come in the form
``prepare_targets`` returns: float (m, k) for MSE and binary cross-entropy,
int64 class indices (m,) for softmax cross-entropy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from core.common.registry import Registry
from core.nn.codes import kernel_codes


@dataclass(frozen=True)
class LossInfo:
    name: str
    code: int  # the kernel code: registration order
    label: str
    formula: str
    gradient: str
    classification: bool


LOSSES: Registry[LossInfo] = Registry("loss")


def _add(name: str, label: str, formula: str, gradient: str, *, classification: bool) -> None:
    LOSSES.register(name, LossInfo(name, len(LOSSES), label, formula, gradient, classification))


_add("mse", "Mean squared error", "L = 1/(m k) sum_ij (o_ij - y_ij)^2",
     "dL/do_ij = 2 (o_ij - y_ij) / (m k)", classification=False)
_add("bce_logits", "Binary cross-entropy (on logits)",
     "L = 1/(m k) sum_ij [max(o,0) - o y + log(1 + e^-|o|)]  (= -y log s(o) - (1-y) log(1-s(o)))",
     "dL/do_ij = (sigmoid(o_ij) - y_ij) / (m k)", classification=True)
_add("softmax_ce", "Softmax cross-entropy",
     "L = 1/m sum_i [logsumexp(o_i) - o_i,y_i]", "dL/do_ij = (softmax(o_i)_j - [j = y_i]) / m",
     classification=True)


def code_of(name: str) -> int:
    """The kernel code of loss ``name`` (its registration order)."""
    return LOSSES.get(name).code


# The losses ``loss_and_grad_kernel`` has a branch for, as named codes (core.nn.codes).
KERNEL_NAMES = ("mse", "bce_logits", "softmax_ce")
MSE, BCE_LOGITS, SOFTMAX_CE = kernel_codes(LOSSES, KERNEL_NAMES)

# Placeholders for the target form a loss does not read.
_NO_FLOAT_TARGETS = np.zeros((1, 1))
_NO_LABELS = np.zeros(1, dtype=np.int64)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _mse(out, y, grad):
    m, k = out.shape
    scale = 1.0 / (m * k)
    total = 0.0
    for i in range(m):
        for j in range(k):
            d = out[i, j] - y[i, j]
            total += d * d
            grad[i, j] = 2.0 * d * scale
    return total * scale


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _bce_logits(out, y, grad):
    m, k = out.shape
    scale = 1.0 / (m * k)
    total = 0.0
    for i in range(m):
        for j in range(k):
            o = out[i, j]
            # log(1 + e^o) - o y written so neither exp overflows
            total += max(o, 0.0) - o * y[i, j] + np.log1p(np.exp(-abs(o)))
            if o >= 0.0:
                s = 1.0 / (1.0 + np.exp(-o))
            else:
                e = np.exp(o)
                s = e / (1.0 + e)
            grad[i, j] = (s - y[i, j]) * scale
    return total * scale


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _softmax_ce(out, labels, grad):
    m, k = out.shape
    scale = 1.0 / m
    total = 0.0
    for i in range(m):
        top = out[i, 0]
        for j in range(1, k):
            top = max(top, out[i, j])
        s = 0.0
        for j in range(k):
            e = np.exp(out[i, j] - top)  # shifted by the max: stable for large logits
            grad[i, j] = e
            s += e
        total += top + np.log(s) - out[i, labels[i]]
        for j in range(k):
            grad[i, j] = grad[i, j] / s * scale
        grad[i, labels[i]] -= scale
    return total * scale


def prepare_targets(name: str, y: np.ndarray, n_outputs: int) -> np.ndarray:
    """Validate ``y`` and bring it to the form the loss kernel reads."""
    LOSSES.get(name)
    y = np.asarray(y)
    if name == "softmax_ce":
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(
                f"softmax cross-entropy needs class indices of shape (m,), got {y.shape}")
        if not np.all(np.isfinite(y.astype(np.float64))) or np.any(y != np.round(y)):
            raise ValueError("softmax cross-entropy needs integer class indices")
        labels = y.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= n_outputs):
            raise ValueError(
                f"class indices must lie in 0..{n_outputs - 1} for {n_outputs} outputs")
        return np.ascontiguousarray(labels)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.ndim != 2 or y.shape[1] != n_outputs:
        raise ValueError(f"targets must have shape (m, {n_outputs}), got {y.shape}")
    if name == "bce_logits" and np.any((y < 0.0) | (y > 1.0)):
        raise ValueError("binary cross-entropy needs targets in [0, 1]")
    return np.ascontiguousarray(y)


# inlined: the fused kernel calls it every step (see core.nn.passes on call costs)
@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def loss_and_grad_kernel(code, out, yf, yi, grad):
    """Loss ``code`` of outputs ``out`` (m, k); writes dL/d(out) into ``grad``.

    ``yf`` (m, k) float targets (MSE, BCE) and ``yi`` (m,) int64 class indices
    (softmax CE): a loss reads one of them, the other may be a placeholder. The one
    loss dispatch of the code base: ``loss_and_grad`` and the fused kernel call it.
    An unknown ``code`` raises.
    """
    if code == MSE:
        return _mse(out, yf, grad)
    if code == BCE_LOGITS:
        return _bce_logits(out, yf, grad)
    if code == SOFTMAX_CE:
        return _softmax_ce(out, yi, grad)
    raise ValueError("unknown loss kernel code")


def loss_and_grad(name: str, out: np.ndarray, targets: np.ndarray,
                  grad: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Loss value and dL/d(out); ``targets`` as returned by ``prepare_targets``."""
    info = LOSSES.get(name)
    if grad is None:
        grad = np.empty_like(out)
    if info.code == SOFTMAX_CE:
        value = loss_and_grad_kernel(info.code, out, _NO_FLOAT_TARGETS, targets, grad)
    else:
        value = loss_and_grad_kernel(info.code, out, targets, _NO_LABELS, grad)
    return float(value), grad
