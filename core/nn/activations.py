"""Activation functions, each with its exact derivative.

All of them run in one numba kernel pair (forward, backward) switched on an
integer code, so a layer's activation can change without recompiling and the
fused training kernels of later work can call the same code.

Conventions: ``z`` is the pre-activation (batch, units), ``a = h(z)``.
Stochastic activations (noisy ReLU, randomized leaky ReLU) take their random
draw as an explicit array ``noise`` of the same shape, drawn by the caller from
the session's ``numpy.random.Generator``; with the draw fixed they are
deterministic, which is what gradient checks and bit-exact resume need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from core.common.registry import Registry
from core.nn.codes import kernel_codes

LEAKY_SLOPE = 0.01
RRELU_LOWER = 1.0 / 8.0
RRELU_UPPER = 1.0 / 3.0


@dataclass(frozen=True)
class ActivationInfo:
    """What the GUI and the network need to know about one activation."""

    name: str
    code: int  # the kernel code: registration order (core.nn.codes)
    label: str
    formula: str
    derivative: str
    trainable: bool = False  # has a per-unit parameter (parametric ReLU's beta)
    stochastic: bool = False  # draws noise in training mode
    reference: str = ""


ACTIVATIONS: Registry[ActivationInfo] = Registry("activation")


def _add(name: str, label: str, formula: str, derivative: str, **extra) -> None:
    """Register an activation; its kernel code is its registration order."""
    ACTIVATIONS.register(name, ActivationInfo(name, len(ACTIVATIONS), label, formula,
                                              derivative, **extra))


_add("linear", "Linear (identity)", "h(x) = x", "h'(x) = 1")
_add(
    "sigmoid", "Sigmoid", "h(x) = 1 / (1 + e^(-x))", "h'(x) = h(x) (1 - h(x)) <= 1/4",
    reference="Computed as e^x/(1+e^x) for x < 0 so that no exp overflows.",
)
_add("tanh", "Tanh", "h(x) = (e^x - e^-x) / (e^x + e^-x)", "h'(x) = 1 - h(x)^2")
_add(
    "relu", "ReLU", "h(x) = max(0, x)", "h'(x) = 1 if x > 0 else 0 (0 at x = 0)",
    reference="Nair & Hinton 2010; Glorot, Bordes & Bengio 2011.",
)
_add(
    "softplus", "Softplus", "h(x) = ln(1 + e^x)", "h'(x) = sigmoid(x)",
    reference="Computed as max(x, 0) + log1p(e^-|x|): no overflow at |x| = 1000.",
)
_add(
    "leaky_relu", "Leaky ReLU", "h(x) = x if x > 0 else 0.01 x", "h'(x) = 1 if x > 0 else 0.01",
    reference="Maas, Hannun & Ng 2013.",
)
_add(
    "prelu", "Parametric ReLU", "h(x) = x if x > 0 else beta x  (beta trainable, per unit)",
    "dh/dx = 1 if x > 0 else beta;  dh/dbeta = 0 if x > 0 else x", trainable=True,
    reference="He et al. 2015, 'Delving deep into rectifiers'. beta starts at 0.25.",
)
_add(
    "rrelu", "Randomized leaky ReLU",
    "h(x) = x if x > 0 else s x;  s ~ U[1/8, 1/3] per element in training, "
    "s = (1/8+1/3)/2 at evaluation",
    "h'(x) = 1 if x > 0 else s", stochastic=True,
    reference="Xu et al. 2015, 'Empirical evaluation of rectified activations'.",
)
_add(
    "noisy_relu", "Noisy ReLU",
    "h(x) = max(0, x + eps);  eps ~ N(0, sigma^2) in training only",
    "h'(x) = 1 if x + eps > 0 else 0", stochastic=True,
    reference="Nair & Hinton 2010. The slide writes N(0, sigma(x)); we use a fixed sigma.",
)


def code_of(name: str) -> int:
    """The kernel code of activation ``name`` (its registration order)."""
    return ACTIVATIONS.get(name).code


# The activations the kernels below have a branch for, as named codes (core.nn.codes).
KERNEL_NAMES = ("linear", "sigmoid", "tanh", "relu", "softplus", "leaky_relu", "prelu",
                "rrelu", "noisy_relu")
LINEAR, SIGMOID, TANH, RELU, SOFTPLUS, LEAKY_RELU, PRELU, RRELU, NOISY_RELU = kernel_codes(
    ACTIVATIONS, KERNEL_NAMES)
N_CODES = len(KERNEL_NAMES)


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def _sigmoid(x):
    if x >= 0.0:
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(x)
    return e / (1.0 + e)


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def _exp_0_40(x):
    """e^x for 0 <= x <= 40, Cephes' exp (Moshier): x = n ln2 + r, |r| <= ln2/2,
    e^r = 1 + 2 r P(r²) / (Q(r²) - r P(r²)), then times 2^n; relative error < 3e-16.
    Pure arithmetic (no libm call), so the loops around it vectorize."""
    n = math.floor(1.4426950408889634074 * x + 0.5)
    r = x - n * 6.93145751953125e-1
    r = r - n * 1.42860682030941723212e-6
    rr = r * r
    p = r * ((1.26177193074810590878e-4 * rr + 3.02994407707441961300e-2) * rr
             + 9.99999999999999999910e-1)
    q = (((3.00198505138664455042e-6 * rr + 2.52448340349684104192e-3) * rr
          + 2.27265548208155028766e-1) * rr + 2.00000000000000000009e0)
    return (1.0 + 2.0 * (p / (q - p))) * float(np.int64(1) << np.int64(n))


@numba.njit(nogil=True, cache=True, error_model="numpy", inline="always")
def _tanh(x):
    """tanh within 2 ulp of libm (tested), after Cephes' tanh: a rational
    x + x³ P(x²)/Q(x²) for |x| <= 0.625, 1 − 2/(e^{2|x|} + 1) above, ±1 past |x| = 20
    (where tanh rounds to 1). Both branches are computed and one is selected, so a
    layer's loop vectorizes; numba's np.tanh is a scalar libm call, 4x slower here."""
    ax = min(abs(x), 20.0)
    z = x * x
    small = x + x * z * (((-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z
                          - 1.61468768441708447952e3)
                         / (((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z
                            + 4.84406305325125486048e3))
    if x == 0.0:
        small = x  # keeps the sign of -0.0
    big = 1.0 - 2.0 / (_exp_0_40(2.0 * ax) + 1.0)
    if x < 0.0:
        big = -big
    return small if ax <= 0.625 else big


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _forward(code, z, a, beta, noise):
    """a = h(z) elementwise; ``beta`` (units,) for prelu, ``noise`` (batch, units) for
    rrelu (the slopes) and noisy_relu (the added eps). An unknown ``code`` raises."""
    if code < 0 or code >= N_CODES:
        raise ValueError("unknown activation kernel code")
    m, n = z.shape
    if code == TANH:  # the common case gets a loop of its own, which vectorizes
        for i in range(m):
            for j in range(n):
                a[i, j] = _tanh(z[i, j])
        return
    for i in range(m):
        for j in range(n):
            x = z[i, j]
            if code == LINEAR:
                y = x
            elif code == SIGMOID:
                y = _sigmoid(x)
            elif code == TANH:
                y = _tanh(x)
            elif code == RELU:
                y = x if x > 0.0 else 0.0
            elif code == SOFTPLUS:
                y = max(x, 0.0) + np.log1p(np.exp(-abs(x)))
            elif code == LEAKY_RELU:
                y = x if x > 0.0 else LEAKY_SLOPE * x
            elif code == PRELU:
                y = x if x > 0.0 else beta[j] * x
            elif code == RRELU:
                y = x if x > 0.0 else noise[i, j] * x
            else:  # NOISY_RELU: the one code left in range (checked above)
                u = x + noise[i, j]
                y = u if u > 0.0 else 0.0
            a[i, j] = y


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _backward(code, z, a, beta, noise, grad_a, grad_z, grad_beta):
    """grad_z = grad_a * h'(z); for prelu also grad_beta = sum_i grad_a * z (z <= 0).

    ``grad_beta`` is overwritten, not accumulated across calls. An unknown ``code``
    raises."""
    if code < 0 or code >= N_CODES:
        raise ValueError("unknown activation kernel code")
    m, n = z.shape
    if code == PRELU:
        for j in range(n):
            grad_beta[j] = 0.0
    for i in range(m):
        for j in range(n):
            x = z[i, j]
            g = grad_a[i, j]
            if code == LINEAR:
                d = 1.0
            elif code == SIGMOID:
                d = a[i, j] * (1.0 - a[i, j])
            elif code == TANH:
                d = 1.0 - a[i, j] * a[i, j]
            elif code == RELU:
                d = 1.0 if x > 0.0 else 0.0
            elif code == SOFTPLUS:
                d = _sigmoid(x)
            elif code == LEAKY_RELU:
                d = 1.0 if x > 0.0 else LEAKY_SLOPE
            elif code == PRELU:
                if x > 0.0:
                    d = 1.0
                else:
                    d = beta[j]
                    grad_beta[j] += g * x
            elif code == RRELU:
                d = 1.0 if x > 0.0 else noise[i, j]
            else:  # NOISY_RELU: the one code left in range (checked above)
                d = 1.0 if x + noise[i, j] > 0.0 else 0.0
            grad_z[i, j] = g * d


_EMPTY_1D = np.zeros(1)
_EMPTY_2D = np.zeros((1, 1))


def draw_noise(
    name: str, shape: tuple[int, int], rng: np.random.Generator | None, *,
    training: bool, noise_sigma: float = 0.1,
) -> np.ndarray:
    """The random draw a stochastic activation needs for one forward pass.

    Training: rrelu slopes ~ U[1/8, 1/3], noisy_relu eps ~ N(0, sigma^2).
    Evaluation: rrelu uses the mean slope, noisy_relu no noise (the expected
    behaviour the network was trained towards). Deterministic activations get a
    1x1 placeholder (the kernel never reads it).
    """
    if name == "rrelu":
        if training:
            if rng is None:
                raise ValueError("randomized leaky ReLU needs a random generator in training mode")
            return rng.uniform(RRELU_LOWER, RRELU_UPPER, size=shape)
        return np.full(shape, 0.5 * (RRELU_LOWER + RRELU_UPPER))
    if name == "noisy_relu":
        if training and noise_sigma > 0.0:
            if rng is None:
                raise ValueError("noisy ReLU needs a random generator in training mode")
            return rng.normal(0.0, noise_sigma, size=shape)
        return np.zeros(shape)
    return _EMPTY_2D


def forward(name: str, z: np.ndarray, *, beta: np.ndarray | None = None,
            noise: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """Apply activation ``name`` to a 2-D float64 array (checked wrapper of the kernel)."""
    info = ACTIVATIONS.get(name)
    z = _as_2d(z)
    beta, noise = _extras(info, z, beta, noise)
    a = np.empty_like(z) if out is None else out
    _forward(info.code, z, a, beta, noise)
    return a


def backward(name: str, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray, *,
             beta: np.ndarray | None = None, noise: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """Return (dL/dz, dL/dbeta or None) given dL/da (checked wrapper of the kernel)."""
    info = ACTIVATIONS.get(name)
    z = _as_2d(z)
    beta, noise = _extras(info, z, beta, noise)
    grad_z = np.empty_like(z)
    grad_beta = np.zeros(z.shape[1]) if info.trainable else _EMPTY_1D.copy()
    _backward(info.code, z, a, beta, noise, _as_2d(grad_a), grad_z, grad_beta)
    return grad_z, (grad_beta if info.trainable else None)


def evaluate(name: str, x: np.ndarray, *, beta: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """(h(x), h'(x)) on a 1-D grid at evaluation mode — for plots of the function."""
    x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    b = np.array([beta])
    noise = draw_noise(name, x.shape, None, training=False)
    a = forward(name, x, beta=b, noise=noise)
    d, _ = backward(name, x, a, np.ones_like(x), beta=b, noise=noise)
    return a.ravel(), d.ravel()


def _as_2d(x: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"activation input must be 2-D (batch, units), got shape {x.shape}")
    return x


def _extras(info: ActivationInfo, z: np.ndarray, beta, noise):
    if info.trainable:
        if beta is None or np.shape(beta) != (z.shape[1],):
            raise ValueError(f"{info.name} needs beta of shape ({z.shape[1]},)")
        beta = np.ascontiguousarray(beta, dtype=np.float64)
    else:
        beta = _EMPTY_1D
    if info.stochastic:
        if noise is None or np.shape(noise) != z.shape:
            raise ValueError(f"{info.name} needs a noise array of shape {z.shape}")
        noise = np.ascontiguousarray(noise, dtype=np.float64)
    else:
        noise = _EMPTY_2D
    return beta, noise
