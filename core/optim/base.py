"""The optimizer base class, its hyper-parameter checks and the registry.

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

The numerics live in private numba kernels, one family per module (explicit
loops, ``nogil`` so the GUI keeps the interpreter while a worker thread
trains, no ``fastmath`` so a divergence shows as it is). Every update, from
``Optimizer.step`` or from the fused training kernel, goes through
``core.optim.dispatch.apply_update``. The Python classes here validate
arguments, allocate the state lazily and keep the step counter.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from types import ModuleType
from typing import Any, ClassVar

import numpy as np

from core.common.registry import Registry

__all__ = ["MAX_SCALARS", "OPTIMIZERS", "Optimizer", "create", "register"]

OPTIMIZERS: Registry[type[Optimizer]] = Registry("optimizer")

#: Scalars per step that ``apply_update`` reads (the columns of ``plan``'s table).
MAX_SCALARS = 8
#: State arrays ``apply_update`` takes; kernels with fewer get placeholders.
N_STATES = 3
_NO_STATE = np.zeros(1)

# Tooltip pieces shared by several families.
LR_HELP = "Learning rate μ: the step size"
EPS_IN_HELP = "Smoothing ε inside the root, keeps the division finite: √(· + ε)"


@functools.cache
def _dispatch() -> ModuleType:
    """``core.optim.dispatch``, imported on first use rather than at the top: it
    imports every family module, and each of those imports this one. Cached, so
    a step pays ~20 ns for it instead of ~500 ns for an ``import`` statement."""
    from core.optim import dispatch

    return dispatch


# ------------------------------------------------------------- hyper-parameter checks


def as_float(field: str, value: Any) -> float:
    """``value`` as a float; anything but a real number (a bool, a string) raises."""
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


def _check_step_arguments(params: Any, grads: Any) -> None:
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


# ----------------------------------------------------------------------- base class


class Optimizer:
    """Base class: hyper-parameter validation, lazy state, step counter, state dicts.

    Subclasses declare ``name``, ``defaults`` (hyper-parameter → default value),
    ``hyper_help`` (hyper-parameter → one-line description with its formula,
    shown as GUI tooltips), ``update_rule`` (the whole update in one line, for
    the optimizer's own tooltip), ``state_names`` (the per-weight state arrays),
    ``kernel`` (the name of their kernel in ``core.optim.dispatch.KERNELS``) and
    ``kernel_hyper`` (the hyper-parameters that kernel takes, in order) or
    their own ``kernel_scalars``.
    """

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, float]] = {}
    hyper_help: ClassVar[dict[str, str]] = {}
    update_rule: ClassVar[str] = ""
    state_names: ClassVar[tuple[str, ...]] = ()
    kernel: ClassVar[str] = ""
    kernel_hyper: ClassVar[tuple[str, ...]] = ()

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
            x = as_float(field, value)
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

    def _ensure_state(self, size: int) -> None:
        """Allocate the state for ``size`` weights, or check it has that size."""
        if not self.state_names:
            return
        if self._state is None:
            self._allocate(size)
        elif self.size != size:
            raise ValueError(
                f"params has size {size}, but the {self.name!r} optimizer state "
                f"is sized for {self.size}"
            )

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
        state = self._loaded_arrays(d, int(t))

        if state is None and self._state is not None:
            # A state saved before its first step holds no arrays: its moments are zero.
            state = {k: np.zeros_like(a) for k, a in self._state.items()}
        self._hyper.update(hyper)
        self._t = int(t)
        self._state = state

    def _loaded_arrays(self, d: Mapping[str, Any], t: int) -> dict[str, np.ndarray] | None:
        """Checked copies of the state arrays in ``d`` (None when it holds none)."""
        present = [k for k in self.state_names if k in d]
        if not present:
            if self.state_names and t > 0:
                raise ValueError(f"{self.name!r} optimizer state at step {t} lacks its arrays")
            return None
        if len(present) != len(self.state_names):
            lacking = [k for k in self.state_names if k not in d]
            raise ValueError(f"{self.name!r} optimizer state lacks arrays {lacking}")
        state = {}
        for k in self.state_names:
            a = d[k]
            if not isinstance(a, np.ndarray) or a.dtype != np.float64 or a.ndim != 1:
                raise ValueError(f"optimizer state array {k!r} must be a 1-D float64 numpy array")
            state[k] = np.array(a, dtype=np.float64, order="C", copy=True)
        sizes = {a.shape[0] for a in state.values()}
        if len(sizes) != 1:
            raise ValueError(f"optimizer state arrays differ in size: {sorted(sizes)}")
        (n,) = sizes
        if self.size is not None and n != self.size:
            raise ValueError(
                f"optimizer state has size {n}, but this optimizer is sized for {self.size}"
            )
        return state

    # -- the update

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Apply one update to ``params`` in place, using ``grads`` = ∂L/∂params."""
        _check_step_arguments(params, grads)
        self._ensure_state(params.shape[0])
        # One kernel specialization per optimizer: contiguous grads (no copy if already so).
        grads = np.ascontiguousarray(grads)
        t = self._t + 1
        self._update(params, grads, t)
        self._t = t

    @property
    def kernel_code(self) -> int:
        """This optimizer's code for ``apply_update``: ``kernel``'s place in the table
        ``core.optim.dispatch.KERNELS``."""
        return _dispatch().CODES[self.kernel]

    def kernel_scalars(self, t: int) -> tuple[float, ...]:
        """The scalars ``apply_update`` needs for step ``t`` (at most ``MAX_SCALARS``)."""
        return tuple(self._hyper[k] for k in self.kernel_hyper)

    def kernel_states(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The state arrays in ``state_names`` order, padded with placeholders to three."""
        states = [self._state[k] for k in self.state_names] if self._state else []
        return tuple(states + [_NO_STATE] * (N_STATES - len(states)))  # type: ignore[return-value]

    def _update(self, params: np.ndarray, grads: np.ndarray, t: int) -> None:
        self._apply(params, grads, self.kernel_scalars(t))

    def _apply(self, params: np.ndarray, grads: np.ndarray, scalars: tuple[float, ...]) -> None:
        """One ``apply_update`` of this optimizer's kernel and state with ``scalars``."""
        dispatch = _dispatch()
        dispatch.apply_update(dispatch.CODES[self.kernel], params, grads, *self.kernel_states(),
                              np.array(scalars, dtype=np.float64))

    def plan(self, size: int, n_steps: int) -> tuple[int, tuple, np.ndarray]:
        """What a fused kernel needs to run the next ``n_steps`` updates itself:
        (kernel code, state arrays, scalars per step (n_steps, MAX_SCALARS)).
        Call ``advance(k)`` after the kernel did k of them."""
        self._ensure_state(size)
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


def register(cls: type[Optimizer]) -> type[Optimizer]:
    """Class decorator: list ``cls`` in ``OPTIMIZERS`` under its ``name``.

    The registry's order is the order of registration, which is the order the
    GUI lists the optimizers (``core.optim`` imports the families in the
    lecture's order).
    """
    for attr in ("name", "kernel", "update_rule"):
        if not getattr(cls, attr):
            raise TypeError(f"optimizer class {cls.__name__} must set {attr!r}")
    OPTIMIZERS.register(cls.name, cls)
    return cls


def create(name: str, size: int | None = None, **hyper: Any) -> Optimizer:
    """Build the optimizer registered as ``name`` (see ``OPTIMIZERS.names()``).

    ``hyper`` overrides the class ``defaults``; ``size`` allocates the state now
    instead of at the first step.
    """
    return OPTIMIZERS.get(name)(size=size, **hyper)
