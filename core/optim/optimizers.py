"""First-order optimizers from the lecture (plus AdamW, Nadam, AMSGrad).

Every optimizer updates one flat float64 parameter vector **in place**: the
network's layer arrays are views into that vector, so rebinding it would
silently detach them. Usage::

    opt = create("adam", lr=1e-3)
    opt.step(params, grads)          # params -= ..., written into params
    opt.set_hyper(lr=1e-4)           # live change; moments and t are kept
    saved = opt.state_dict()         # plain scalars + numpy array copies
    create("adam").load_state_dict(saved)

Notation (as on the slides): w weights, g = ∂L/∂w the gradient at the current
w, μ = ``lr``, γ = ``momentum``, ρ = ``rho`` (the slides also call it γ),
β1/β2 = ``beta1``/``beta2`` (the slides' γ1/γ2), ε = ``eps``, t the step count
starting at 1. All operations are element-wise.

The numerics live in private numba kernels (explicit loops, ``nogil`` so the
GUI keeps the interpreter while a worker thread trains, no ``fastmath`` so a
divergence shows as it is). The Python classes validate arguments, allocate
the state lazily and keep the step counter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numba
import numpy as np

from core.common.registry import Registry

__all__ = [
    "OPTIMIZERS",
    "AMSGrad",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Momentum",
    "Nadam",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "SGD",
    "create",
]

OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")


# --------------------------------------------------------------------------- kernels
# Each kernel writes into ``w`` and its state arrays; scalars are Python floats.
# The expression order is part of the contract: the tests transcribe it in NumPy
# and expect the same bits.


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _sgd_kernel(w, g, lr):
    for i in range(w.shape[0]):
        w[i] -= lr * g[i]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _momentum_kernel(w, g, v, lr, gamma):
    for i in range(w.shape[0]):
        v[i] = gamma * v[i] + lr * g[i]
        w[i] -= v[i]


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _nesterov_kernel(w, g, v, lr, gamma):
    for i in range(w.shape[0]):
        step = lr * g[i]
        v[i] = gamma * v[i] + step
        w[i] -= gamma * v[i] + step


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adagrad_kernel(w, g, G, lr, eps):
    for i in range(w.shape[0]):
        gi = g[i]
        G[i] += gi * gi
        w[i] -= lr * gi / math.sqrt(G[i] + eps)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _rmsprop_kernel(w, g, E, lr, rho, eps):
    c = 1.0 - rho
    for i in range(w.shape[0]):
        gi = g[i]
        E[i] = rho * E[i] + c * (gi * gi)
        w[i] -= lr * gi / math.sqrt(E[i] + eps)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adadelta_kernel(w, g, Eg, Edx, lr, rho, eps):
    c = 1.0 - rho
    for i in range(w.shape[0]):
        gi = g[i]
        Eg[i] = rho * Eg[i] + c * (gi * gi)
        d = math.sqrt(Edx[i] + eps) / math.sqrt(Eg[i] + eps) * gi
        Edx[i] = rho * Edx[i] + c * (d * d)
        w[i] -= lr * d


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _adam_kernel(w, g, m, b, lr, beta1, beta2, eps, bc1, bc2, shrink):
    # shrink = 1 - lr*weight_decay (AdamW) or exactly 1.0 (Adam: w*1.0 == w).
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        mh = m[i] / bc1
        bh = b[i] / bc2
        w[i] = w[i] * shrink - lr * mh / (math.sqrt(bh) + eps)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _amsgrad_kernel(w, g, m, b, bmax, lr, beta1, beta2, eps, bc1, bc2):
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        if not b[i] <= bmax[i]:  # written so a NaN in b propagates, like np.maximum
            bmax[i] = b[i]
        mh = m[i] / bc1
        bh = bmax[i] / bc2
        w[i] -= lr * mh / (math.sqrt(bh) + eps)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _nadam_kernel(w, g, m, b, beta1, beta2, eps, bc2, cg, cm):
    # cg = μ·(1 − μ_t)/(1 − Π_t), cm = μ·μ_{t+1}/(1 − Π_t·μ_{t+1}), from ``Nadam._chain``;
    # two separate subtractions in PyTorch's order (its two addcdiv_ calls).
    c1 = 1.0 - beta1
    c2 = 1.0 - beta2
    for i in range(w.shape[0]):
        gi = g[i]
        m[i] = beta1 * m[i] + c1 * gi
        b[i] = beta2 * b[i] + c2 * (gi * gi)
        d = math.sqrt(b[i] / bc2) + eps
        w[i] -= cg * gi / d
        w[i] -= cm * m[i] / d


MAX_SCALARS = 8
_NO_STATE = np.zeros(1)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def apply_update(code, w, g, s0, s1, s2, sc):
    """One update of optimizer ``code`` (``Optimizer.kernel_code``) with its state
    arrays s0..s2 (see ``state_names``; unused ones are placeholders) and scalars
    ``sc`` (``Optimizer.kernel_scalars``). The one entry point for both
    ``Optimizer.step`` and the fused training kernel, so they cannot disagree."""
    if code == 0:
        _sgd_kernel(w, g, sc[0])
    elif code == 1:
        _momentum_kernel(w, g, s0, sc[0], sc[1])
    elif code == 2:
        _nesterov_kernel(w, g, s0, sc[0], sc[1])
    elif code == 3:
        _adagrad_kernel(w, g, s0, sc[0], sc[1])
    elif code == 4:
        _rmsprop_kernel(w, g, s0, sc[0], sc[1], sc[2])
    elif code == 5:
        _adadelta_kernel(w, g, s0, s1, sc[0], sc[1], sc[2])
    elif code == 6:
        _adam_kernel(w, g, s0, s1, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5], sc[6])
    elif code == 7:
        _nadam_kernel(w, g, s0, s1, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5])
    else:
        _amsgrad_kernel(w, g, s0, s1, s2, sc[0], sc[1], sc[2], sc[3], sc[4], sc[5])


# ------------------------------------------------------------- hyper-parameter checks


def _as_float(field: str, value: Any) -> float:
    # bool is an int subclass; True as a learning rate is a bug, not 1.0.
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{field} must be a real number, got {value!r}")
    return float(value)


def _check_lr(field: str, x: float) -> None:
    if not (math.isfinite(x) and x >= 0.0):
        raise ValueError(f"learning rate must be a finite number >= 0 ({field}), got {x!r}")


def _check_unit(field: str, x: float) -> None:
    # A decay factor of 1 never forgets (and 1 - β = 0 breaks Adam's bias correction).
    if not (math.isfinite(x) and 0.0 <= x < 1.0):
        raise ValueError(f"{field} must be in [0, 1), got {x!r}")


def _check_positive(field: str, x: float) -> None:
    if not (math.isfinite(x) and x > 0.0):
        raise ValueError(f"{field} must be a finite number > 0, got {x!r}")


def _check_nonnegative(field: str, x: float) -> None:
    if not (math.isfinite(x) and x >= 0.0):
        raise ValueError(f"{field} must be a finite number >= 0, got {x!r}")


_CHECKS = {
    "lr": _check_lr,
    "momentum": _check_unit,
    "rho": _check_unit,
    "beta1": _check_unit,
    "beta2": _check_unit,
    "eps": _check_positive,
    "weight_decay": _check_nonnegative,
    "momentum_decay": _check_nonnegative,
}


# ----------------------------------------------------------------------- base class


class Optimizer:
    """Base class: hyper-parameter validation, lazy state, step counter, state dicts.

    Subclasses declare ``name``, ``defaults`` (hyper-parameter → default value),
    ``hyper_help`` (hyper-parameter → one-line description with its formula,
    shown as GUI tooltips), ``state_names`` (the per-weight state arrays) and
    implement ``_update(params, grads, t)`` by calling their kernel.
    """

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, float]] = {}
    hyper_help: ClassVar[dict[str, str]] = {}
    state_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, size: int | None = None, **hyper: Any) -> None:
        self._hyper: dict[str, float] = dict(self.defaults)
        self.set_hyper(**hyper)
        self._t = 0
        self._state: dict[str, np.ndarray] | None = None
        if size is not None:
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
                raise ValueError(f"size must be a non-negative integer, got {size!r}")
            self._allocate(int(size))

    # -- hyper-parameters

    @property
    def hyper(self) -> dict[str, float]:
        """Current hyper-parameters (a copy)."""
        return dict(self._hyper)

    def set_hyper(self, **hyper: Any) -> None:
        """Change hyper-parameters live; the state and step count are kept.

        All values are validated before any is applied, so a bad call changes nothing.
        """
        new = self._validated_hyper(hyper)
        self._hyper.update(new)

    def _validated_hyper(self, hyper: Mapping[str, Any]) -> dict[str, float]:
        new: dict[str, float] = {}
        for field, value in hyper.items():
            if field not in self.defaults:
                raise ValueError(
                    f"unknown hyper-parameter {field!r} for optimizer {self.name!r}; "
                    f"it takes: {', '.join(self.defaults)}"
                )
            x = _as_float(field, value)
            _CHECKS[field](field, x)
            new[field] = x
        return new

    # -- state

    @property
    def step_count(self) -> int:
        """Number of steps taken so far (Adam's t after the last step)."""
        return self._t

    @property
    def size(self) -> int | None:
        """Length of the parameter vector the state is sized for (None: not yet known)."""
        if self._state is None or not self.state_names:
            return None
        return int(self._state[self.state_names[0]].shape[0])

    def _allocate(self, size: int) -> None:
        self._state = {k: np.zeros(size, dtype=np.float64) for k in self.state_names}

    def reset(self) -> None:
        """Forget the state and the step count (hyper-parameters are kept)."""
        self._t = 0
        self._state = None

    def state_dict(self) -> dict[str, Any]:
        """Name, hyper-parameters, step count and copies of the state arrays.

        Scalars are plain Python ``str``/``int``/``float``; arrays are fresh
        copies (absent while the state is not yet allocated).
        """
        d: dict[str, Any] = {"name": self.name, "step": self._t, **self._hyper}
        if self._state is not None:
            d.update({k: a.copy() for k, a in self._state.items()})
        return d

    def load_state_dict(self, d: Mapping[str, Any]) -> None:
        """Restore a ``state_dict()`` exactly; all-or-nothing on error."""
        if not isinstance(d, Mapping):
            raise ValueError(f"optimizer state must be a mapping, got {type(d).__name__}")
        if d.get("name") != self.name:
            raise ValueError(f"optimizer state is for {d.get('name')!r}, not {self.name!r}")
        expected = {"name", "step", *self.defaults, *self.state_names}
        extra = sorted(set(d) - expected)
        if extra:
            raise ValueError(f"unexpected keys in {self.name!r} optimizer state: {extra}")
        missing = sorted(k for k in self.defaults if k not in d)
        if missing:
            raise ValueError(f"{self.name!r} optimizer state lacks hyper-parameters {missing}")
        hyper = self._validated_hyper({k: d[k] for k in self.defaults})

        t = d.get("step")
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 0:
            raise ValueError(f"optimizer state 'step' must be an integer >= 0, got {t!r}")

        present = [k for k in self.state_names if k in d]
        state: dict[str, np.ndarray] | None = None
        if present:
            if len(present) != len(self.state_names):
                lacking = [k for k in self.state_names if k not in d]
                raise ValueError(f"{self.name!r} optimizer state lacks arrays {lacking}")
            state = {}
            for k in self.state_names:
                a = d[k]
                if not isinstance(a, np.ndarray) or a.dtype != np.float64 or a.ndim != 1:
                    raise ValueError(
                        f"optimizer state array {k!r} must be a 1-D float64 numpy array"
                    )
                state[k] = np.array(a, dtype=np.float64, order="C", copy=True)
            sizes = {a.shape[0] for a in state.values()}
            if len(sizes) != 1:
                raise ValueError(f"optimizer state arrays differ in size: {sorted(sizes)}")
            (n,) = sizes
            if self.size is not None and n != self.size:
                raise ValueError(
                    f"optimizer state has size {n}, but this optimizer is sized for {self.size}"
                )
        elif self.state_names and t > 0:
            raise ValueError(f"{self.name!r} optimizer state at step {t} lacks its arrays")

        if state is None and self._state is not None:
            # A state saved before its first step holds no arrays: its moments are zero.
            state = {k: np.zeros_like(a) for k, a in self._state.items()}
        self._hyper.update(hyper)
        self._t = int(t)
        self._state = state

    # -- the update

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Apply one update to ``params`` in place, using ``grads`` = ∂L/∂params."""
        if not isinstance(params, np.ndarray) or not isinstance(grads, np.ndarray):
            raise ValueError("params and grads must be numpy arrays")
        if params.dtype != np.float64 or grads.dtype != np.float64:
            raise ValueError(
                f"params and grads must be float64, got {params.dtype} and {grads.dtype}"
            )
        if params.ndim != 1 or grads.ndim != 1:
            raise ValueError(
                f"params and grads must be flat 1-D arrays, got shapes "
                f"{params.shape} and {grads.shape}"
            )
        if grads.shape[0] != params.shape[0]:
            raise ValueError(
                f"grads has size {grads.shape[0]} but params has size {params.shape[0]}"
            )
        if not params.flags.c_contiguous:
            raise ValueError("params must be C-contiguous (it is updated in place)")
        if not params.flags.writeable:
            raise ValueError("params must be writeable (it is updated in place)")
        n = params.shape[0]
        if self.state_names:
            if self._state is None:
                self._allocate(n)
            elif self.size != n:
                raise ValueError(
                    f"params has size {n}, but the {self.name!r} optimizer state "
                    f"is sized for {self.size}"
                )
        # One kernel specialization per optimizer: contiguous grads (no copy if already so).
        grads = np.ascontiguousarray(grads)
        t = self._t + 1
        self._update(params, grads, t)
        self._t = t

    kernel_code: ClassVar[int] = -1
    kernel_hyper: ClassVar[tuple[str, ...]] = ()  # hyper-parameters the kernel takes, in order

    def kernel_scalars(self, t: int) -> tuple[float, ...]:
        """The scalars ``apply_update`` needs for step ``t`` (at most ``MAX_SCALARS``)."""
        return tuple(self._hyper[k] for k in self.kernel_hyper)

    def kernel_states(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The state arrays in ``state_names`` order, padded with placeholders to three."""
        states = [self._state[k] for k in self.state_names] if self._state else []
        return tuple(states + [_NO_STATE] * (3 - len(states)))  # type: ignore[return-value]

    def _update(self, params: np.ndarray, grads: np.ndarray, t: int) -> None:
        apply_update(self.kernel_code, params, grads, *self.kernel_states(),
                     np.array(self.kernel_scalars(t), dtype=np.float64))

    def plan(self, size: int, n_steps: int) -> tuple[int, tuple, np.ndarray]:
        """What a fused kernel needs to run the next ``n_steps`` updates itself:
        (kernel code, state arrays, scalars per step (n_steps, MAX_SCALARS)).
        Call ``advance(k)`` after the kernel did k of them."""
        if self.state_names:
            if self._state is None:
                self._allocate(size)
            elif self.size != size:
                raise ValueError(f"params has size {size}, but the {self.name!r} optimizer "
                                 f"state is sized for {self.size}")
        rows = self._scalar_rows(n_steps)
        sc = np.zeros((n_steps, MAX_SCALARS))
        if rows:
            sc[:, :len(rows[0])] = rows
        return self.kernel_code, self.kernel_states(), sc

    def _scalar_rows(self, n_steps: int) -> list[tuple[float, ...]]:
        """``kernel_scalars`` of the next ``n_steps`` steps, one tuple per step."""
        return [self.kernel_scalars(t) for t in range(self._t + 1, self._t + 1 + n_steps)]

    def advance(self, n_steps: int) -> None:
        """Count ``n_steps`` updates done by a fused kernel from ``plan`` (its first
        ``n_steps`` rows; fewer than planned when the kernel stopped early)."""
        self._t += int(n_steps)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v!r}" for k, v in self._hyper.items())
        return f"{type(self).__name__}({hyper}; step={self._t})"


def _register(cls: type[Optimizer]) -> type[Optimizer]:
    OPTIMIZERS.register(cls.name, cls)
    return cls


def create(name: str, size: int | None = None, **hyper: Any) -> Optimizer:
    """Build the optimizer registered as ``name`` (see ``OPTIMIZERS.names()``).

    ``hyper`` overrides the class ``defaults``; ``size`` allocates the state now
    instead of at the first step.
    """
    return OPTIMIZERS.get(name)(size=size, **hyper)


_LR = "Learning rate μ: the step size"
_EPS_IN = "Smoothing ε inside the root, keeps the division finite: √(· + ε)"
_EPS_OUT = "Smoothing ε added after the root: √b̂ + ε"
_B1 = "β1: decay of the first moment m = β1·m + (1−β1)·g (slides: γ1)"
_B2 = "β2: decay of the second moment b = β2·b + (1−β2)·g² (slides: γ2)"


# ----------------------------------------------------------------------- optimizers


@_register
class SGD(Optimizer):
    """Stochastic gradient descent: w ← w − μ·g.

    Reference: Robbins & Monro (1951); lecture slide "Stochastic gradient descent".
    """

    name = "sgd"
    defaults = {"lr": 0.01}
    hyper_help = {"lr": f"{_LR}: w ← w − μ·g"}

    kernel_code = 0
    kernel_hyper = ("lr",)


@_register
class Momentum(Optimizer):
    """Classical momentum in the slides' form.

        v ← γ·v + μ·g
        w ← w − v

    PyTorch writes it as b ← γ·b + g, w ← w − μ·b; with a constant μ the two
    give the same path (v = μ·b). They differ when μ changes mid-run: here v
    keeps the old step sizes and adapts gradually; in PyTorch the new μ
    rescales the whole velocity at once.

    Reference: Polyak (1964); Rumelhart, Hinton & Williams (1986); lecture slide
    "Momentum".
    """

    name = "momentum"
    defaults = {"lr": 0.01, "momentum": 0.9}
    hyper_help = {
        "lr": f"{_LR}: v ← γ·v + μ·g, w ← w − v",
        "momentum": "Momentum γ: fraction of the last update kept, v ← γ·v + μ·g (usually 0.9)",
    }
    state_names = ("v",)

    kernel_code = 1
    kernel_hyper = ("lr", "momentum")


@_register
class Nesterov(Momentum):
    """Nesterov accelerated gradient (NAG), reformulated to take g at the current w.

    Textbook NAG evaluates the gradient at the look-ahead point:

        v ← γ·v + μ·∇L(w − γ·v),   w ← w − v

    (the slide writes ∇L(w − v): the look-ahead must be scaled by γ). Because
    ``step`` receives the gradient at the current parameters, we store the
    shifted variable w̃ = w − γ·v instead of w; in w̃ the same iteration reads

        v ← γ·v + μ·g,   w̃ ← w̃ − (γ·v + μ·g),    g = ∇L(w̃)

    which is what is implemented (as PyTorch's ``SGD(nesterov=True)``). The
    iterates are the look-ahead points of textbook NAG; both coincide at the
    start (v = 0) and share the same limit.

    Reference: Nesterov (1983); Sutskever, Martens, Dahl & Hinton (2013);
    lecture slide "Nesterov accelerated gradient".
    """

    name = "nesterov"  # same defaults, state and kernel scalars as Momentum
    hyper_help = {
        "lr": f"{_LR}: v ← γ·v + μ·g, w ← w − (γ·v + μ·g)",
        "momentum": "Momentum γ: look-ahead fraction, gradient taken at w − γ·v (usually 0.9)",
    }
    kernel_code = 2


@_register
class Adagrad(Optimizer):
    """Adagrad: per-weight step sizes from the sum of all past squared gradients.

        G ← G + g²
        w ← w − μ·g / √(G + ε)

    ε sits inside the square root as on the slides; PyTorch puts it outside,
    μ·g / (√G + ε), so the first steps differ slightly.

    Reference: Duchi, Hazan & Singer (2011), JMLR 12; lecture slide "Adagrad".
    """

    name = "adagrad"
    defaults = {"lr": 0.01, "eps": 1e-8}
    hyper_help = {
        "lr": f"{_LR}: w ← w − μ·g / √(G + ε), G = Σ g² (usually 0.01)",
        "eps": f"{_EPS_IN}",
    }
    state_names = ("G",)

    kernel_code = 3
    kernel_hyper = ("lr", "eps")


@_register
class RMSProp(Optimizer):
    """RMSProp: step sizes from a running mean of squared gradients.

        E ← ρ·E + (1 − ρ)·g²
        w ← w − μ·g / √(E + ε)

    ε sits inside the square root as on the slides; PyTorch's ``RMSprop`` puts
    it outside, μ·g / (√E + ε).

    Reference: Hinton, Srivastava & Swersky, Coursera "Neural Networks for
    Machine Learning", lecture 6e (2012); lecture slide "RMSProp".
    """

    name = "rmsprop"
    defaults = {"lr": 0.001, "rho": 0.9, "eps": 1e-8}
    hyper_help = {
        "lr": f"{_LR}: w ← w − μ·g / √(E + ε) (usually 0.001)",
        "rho": "Decay ρ of the running mean of squares: E ← ρ·E + (1−ρ)·g² (usually 0.9)",
        "eps": f"{_EPS_IN}",
    }
    state_names = ("E_g2",)

    kernel_code = 4
    kernel_hyper = ("lr", "rho", "eps")


@_register
class Adadelta(Optimizer):
    """Adadelta: the step's units come from a running mean of past updates.

        E[g²]  ← ρ·E[g²] + (1 − ρ)·g²
        Δ      = √(E[Δw²] + ε) / √(E[g²] + ε) · g
        E[Δw²] ← ρ·E[Δw²] + (1 − ρ)·Δ²
        w      ← w − μ·Δ

    Zeiler's method has no learning rate (μ = 1, the default); as the slides
    note, in practice one is still added. Like PyTorch, E[Δw²] accumulates the
    unscaled Δ, not μ·Δ, so μ only scales the move.

    Reference: Zeiler (2012), "ADADELTA: An adaptive learning rate method",
    arXiv:1212.5701 (Algorithm 1; the paper uses ρ = 0.95, PyTorch 0.9);
    lecture slides "Adadelta".
    """

    name = "adadelta"
    defaults = {"lr": 1.0, "rho": 0.9, "eps": 1e-6}
    hyper_help = {
        "lr": f"{_LR} scaling the Adadelta move: w ← w − μ·Δ (1 = Zeiler's method)",
        "rho": "Decay ρ of both running means: E[g²] and E[Δw²] (0.9; the paper uses 0.95)",
        "eps": "Smoothing ε in RMS[x] = √(E[x²] + ε); also sets the size of the first steps",
    }
    state_names = ("E_g2", "E_dx2")

    kernel_code = 5
    kernel_hyper = ("lr", "rho", "eps")


class _AdamBase(Optimizer):
    """Shared pieces of the Adam family (not registered)."""

    defaults = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    hyper_help = {
        "lr": f"{_LR}: w ← w − μ·m̂ / (√b̂ + ε); early steps move each weight by about μ",
        "beta1": _B1,
        "beta2": _B2,
        "eps": _EPS_OUT,
    }
    state_names = ("m", "b")

    def _scalars(self, t: int) -> tuple[float, float, float, float, float, float]:
        """(lr, beta1, beta2, eps, 1 − β1^t, 1 − β2^t) for the kernels."""
        h = self._hyper
        # The bias corrections use Python's ** so a NumPy transcription gets the same bits.
        bc1 = 1.0 - h["beta1"] ** t
        bc2 = 1.0 - h["beta2"] ** t
        return h["lr"], h["beta1"], h["beta2"], h["eps"], bc1, bc2


@_register
class Adam(_AdamBase):
    """Adam: momentum on the gradient, RMSProp-style scaling, bias-corrected.

        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        m̂ = m / (1 − β1^t)               b̂ = b / (1 − β2^t)
        w^(t+1) = w^(t) − μ·m̂ / (√b̂ + ε)

    The slide writes w^(k) = w^(k) − μ·m̂/√(b̂² + ε): b̂ already estimates E[g²],
    so it must not be squared again, ε is added after the root, and the left
    side is w^(k+1).

    Reference: Kingma & Ba (2015), "Adam: A method for stochastic
    optimization", ICLR, Algorithm 1; lecture slides "Adam".
    """

    name = "adam"

    kernel_code = 6

    def kernel_scalars(self, t):
        return (*self._scalars(t), 1.0)


@_register
class AdamW(_AdamBase):
    """Adam with decoupled weight decay λ.

        w ← w·(1 − μ·λ)                  (decay first, not through g)
        then the Adam step of ``Adam`` on the decayed w.

    The decay is written as a product like PyTorch's ``AdamW``.

    Reference: Loshchilov & Hutter (2019), "Decoupled weight decay
    regularization", ICLR.
    """

    name = "adamw"
    defaults = {**_AdamBase.defaults, "weight_decay": 0.01}
    hyper_help = {
        **_AdamBase.hyper_help,
        "weight_decay": "Decoupled weight decay λ: w ← w·(1 − μ·λ) before the Adam step",
    }

    kernel_code = 6

    def kernel_scalars(self, t):
        return (*self._scalars(t), 1.0 - self._hyper["lr"] * self._hyper["weight_decay"])


@_register
class Nadam(_AdamBase):
    """Nadam: Adam with a Nesterov look-ahead on the first moment, as PyTorch's ``NAdam``.

        μ_t = β1·(1 − ½·0.96^(t·ψ))      (ψ = ``momentum_decay``),  Π_t = μ_1·μ_2·…·μ_t
        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        b̂ = b / (1 − β2^t)
        w ← w − μ·(1 − μ_t)/(1 − Π_t)·g/(√b̂ + ε) − μ·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/(√b̂ + ε)

    This is Dozat's Algorithm 2 with his momentum schedule μ_t, exactly as
    ``torch.optim.NAdam`` (default ψ = 0.004): m and b decay with β1 and β2,
    only the look-ahead weights follow the schedule. Π_t is kept as optimizer
    state (``mu_product``), so a change of β1 or ψ mid-run affects only the
    later factors, as in PyTorch.

    Compared with the simple form Ruder (2016) writes, w ← w − μ·(β1·m̂ +
    (1 − β1)·g/(1 − β1^t))/(√b̂ + ε) with m̂ = m/(1 − β1^t), there are two
    differences: the schedule, and the look-ahead's bias correction, which
    divides the momentum term by 1 − Π_{t+1} (for a constant μ_t = β1:
    1 − β1^(t+1)), not by 1 − β1^t. A large ψ (say 1e3) makes μ_t = β1 for
    every t and gives that constant-momentum form; ψ = 0 gives μ_t = β1/2.

    Reference: Dozat (2016), "Incorporating Nesterov momentum into Adam",
    ICLR workshop, Algorithm 2; PyTorch ``torch.optim.NAdam``; for the simple
    form, Ruder (2016), "An overview of gradient descent optimization
    algorithms", arXiv:1609.04747.
    """

    name = "nadam"
    defaults = {**_AdamBase.defaults, "lr": 0.002, "momentum_decay": 0.004}
    hyper_help = {
        **_AdamBase.hyper_help,
        "lr": f"{_LR}: w ← w − μ·((1−μ_t)/(1−Π_t)·g + μ_{{t+1}}/(1−Π_{{t+1}})·m) / (√b̂ + ε)",
        "beta1": f"{_B1}; also the limit of the look-ahead momentum μ_t",
        "momentum_decay": "Momentum decay ψ of the look-ahead schedule "
                          "μ_t = β1·(1 − ½·0.96^(t·ψ)) (PyTorch's 0.004; 0 gives μ_t = β1/2)",
    }

    kernel_code = 7

    def __init__(self, size: int | None = None, **hyper: Any) -> None:
        self._mu_product = 1.0  # Π_t after the last step (Π_0 = 1)
        self._planned: tuple[int, list[float]] | None = None
        super().__init__(size, **hyper)

    def _mu(self, t: int) -> float:
        """The schedule μ_t = β1·(1 − ½·0.96^(t·ψ)), written as PyTorch computes it."""
        h = self._hyper
        return h["beta1"] * (1.0 - 0.5 * 0.96 ** (t * h["momentum_decay"]))

    def _chain(self, n_steps: int) -> tuple[list[tuple[float, ...]], list[float]]:
        """Kernel scalars of the next ``n_steps`` steps, and Π after 0, 1, …, n_steps
        of them; the one place the products are formed, for ``step`` and ``plan``."""
        h = self._hyper
        lr = h["lr"]
        prod = self._mu_product
        rows, products = [], [prod]
        mu_next = self._mu(self._t + 1)
        for t in range(self._t + 1, self._t + 1 + n_steps):
            mu = mu_next
            mu_next = self._mu(t + 1)
            prod = prod * mu
            cg = lr * (1.0 - mu) / (1.0 - prod)
            cm = lr * mu_next / (1.0 - prod * mu_next)
            rows.append((h["beta1"], h["beta2"], h["eps"], 1.0 - h["beta2"] ** t, cg, cm))
            products.append(prod)
        return rows, products

    def kernel_scalars(self, t):
        """(β1, β2, ε, 1 − β2^t, μ·(1 − μ_t)/(1 − Π_t), μ·μ_{t+1}/(1 − Π_{t+1})) for a
        step ``t`` after the current one, chaining Π from the current state."""
        if t <= self._t:
            raise ValueError(f"nadam's scalars for step {t} depend on Π_{t - 1}, "
                             f"already past (step {self._t})")
        return self._chain(t - self._t)[0][-1]

    def _scalar_rows(self, n_steps: int) -> list[tuple[float, ...]]:
        rows, products = self._chain(n_steps)
        self._planned = (self._t, products)
        return rows

    def _update(self, params: np.ndarray, grads: np.ndarray, t: int) -> None:
        (row,), (_, prod) = self._chain(1)
        apply_update(self.kernel_code, params, grads, *self.kernel_states(),
                     np.array(row, dtype=np.float64))
        self._mu_product = prod

    def advance(self, n_steps: int) -> None:
        # The fused kernel may stop early (divergence): take Π after the steps it did,
        # from the list ``plan`` made with the scalars the kernel used.
        k = int(n_steps)
        planned, self._planned = self._planned, None
        if planned is not None and planned[0] == self._t and 0 <= k < len(planned[1]):
            prod = planned[1][k]
        else:  # no matching plan: the same chain from the current state
            prod = self._chain(k)[1][-1]
        super().advance(k)
        self._mu_product = prod

    def reset(self) -> None:
        super().reset()
        self._mu_product = 1.0
        self._planned = None

    def _product_after(self, t: int) -> float:
        """Π_t = μ_1·…·μ_t with the current β1 and ψ, multiplied in stepping order.

        Stops early where the rest is known: once Π underflows to 0 it stays 0,
        and once 0.96^(i·ψ) is below rounding μ_i = β1 for all later i. So the
        loop is bounded (about 900/ψ iterations at most) whatever t is.
        """
        beta1 = self._hyper["beta1"]
        prod = 1.0
        for i in range(1, t + 1):
            mu = self._mu(i)
            if mu == beta1:
                return prod * beta1 ** (t - i + 1)
            prod = prod * mu
            if prod == 0.0:
                break
        return prod

    def state_dict(self) -> dict[str, Any]:
        """As ``Optimizer.state_dict`` plus ``mu_product`` (Π_t, a float)."""
        return {**super().state_dict(), "mu_product": self._mu_product}

    def load_state_dict(self, d: Mapping[str, Any]) -> None:
        if not isinstance(d, Mapping):
            super().load_state_dict(d)  # raises the common error
            return
        d = dict(d)
        # A state saved before Nadam followed PyTorch has neither ψ nor Π: it keeps
        # this optimizer's current ψ, and Π_t is rebuilt below from the step count
        # with the loaded β1 and that ψ (exact unless β1 or ψ changed during the run).
        if d.get("name") == self.name:
            d.setdefault("momentum_decay", self._hyper["momentum_decay"])
        prod = None
        if "mu_product" in d:  # checked before anything changes: all-or-nothing
            prod = _as_float("mu_product", d.pop("mu_product"))
            if not (math.isfinite(prod) and 0.0 <= prod <= 1.0):
                raise ValueError(f"optimizer state 'mu_product' must be in [0, 1], got {prod!r}")
        super().load_state_dict(d)
        self._mu_product = self._product_after(self._t) if prod is None else prod
        self._planned = None


@_register
class AMSGrad(_AdamBase):
    """AMSGrad: Adam whose denominator never shrinks.

        m ← β1·m + (1 − β1)·g            b ← β2·b + (1 − β2)·g²
        b_max ← max(b_max, b)
        w ← w − μ·(m / (1 − β1^t)) / (√(b_max / (1 − β2^t)) + ε)

    The maximum is kept over the raw b and then bias-corrected, as in
    PyTorch's ``Adam(amsgrad=True)``; Reddi et al.'s Algorithm 2 uses no bias
    correction at all.

    Reference: Reddi, Kale & Kumar (2018), "On the convergence of Adam and
    beyond", ICLR.
    """

    name = "amsgrad"
    hyper_help = {
        **_AdamBase.hyper_help,
        "beta2": f"{_B2}; the denominator uses max over time of b",
    }
    state_names = ("m", "b", "b_max")

    kernel_code = 8

    def kernel_scalars(self, t):
        return self._scalars(t)
