"""The :class:`Preprocessor` base class, the registry of steps and :func:`create`.

A step is fitted on one array (the training split) and then applied to any array with the
statistics learned at fit time. A fitted step is refitted from the data when a session is
reopened (the split and the data are deterministic), so its state is never stored.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from core.common.registry import Registry
from core.data.preprocessing.stats import as_matrix

__all__ = ["PREPROCESSORS", "Preprocessor", "create", "register"]


class Preprocessor:
    """A preprocessing step: ``fit`` on the training array, ``transform`` any array.

    Subclasses list their constructor options in ``_OPTIONS`` (attribute names) and
    implement ``_fit`` (returning the fitted arrays by name, the first of shape ``(d,)``),
    ``_transform`` and ``_inverse``; this class does the validation:

    * ``transform`` / ``inverse_transform`` before ``fit`` -> ``ValueError("... not fitted")``;
    * a wrong number of columns -> ``ValueError`` naming the expected and the given count;
    * non-finite, non-numeric or non-2-D input -> ``ValueError``.

    A failing ``fit`` leaves the previous state in place.
    """

    name: ClassVar[str] = ""
    describe: ClassVar[str] = ""
    _OPTIONS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._state: dict[str, np.ndarray] | None = None

    # ---- subclass hooks
    def _fit(self, X: np.ndarray) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _transform(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _inverse(self, Y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _after_fit(self) -> None:
        """Compute derived quantities (e.g. matrices) from the new fitted state."""

    def options(self) -> dict[str, Any]:
        """The constructor options (JSON-friendly)."""
        return {key: getattr(self, key) for key in self._OPTIONS}

    # ---- public API
    @property
    def is_fitted(self) -> bool:
        return self._state is not None

    @property
    def n_features(self) -> int | None:
        """Number of columns seen at fit time (``None`` before fitting)."""
        if self._state is None:
            return None
        return int(next(iter(self._state.values())).shape[0])

    def get_config(self) -> dict[str, Any]:
        """``{"name": ..., **options}``: the dict :func:`make_pipeline` accepts."""
        return {"name": self.name, **self.options()}

    def fit(self, X: Any) -> Preprocessor:
        """Learn the statistics from ``X`` (the training split); returns ``self``."""
        A = as_matrix(X, f"{self.name}.fit")
        if A.shape[0] < 1 or A.shape[1] < 1:
            raise ValueError(
                f"{self.name}.fit: need at least one sample and one feature, got shape {A.shape}"
            )
        state = self._fit(A)  # may raise: the previous state then stays in place
        self._state = {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in state.items()}
        self._after_fit()
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Apply the fitted map to ``X``; returns a new float64 array."""
        return np.array(self._transform(self._check_input(X, "transform")), dtype=np.float64)

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, Y: Any) -> np.ndarray:
        """Undo :meth:`transform` (the exact inverse of the fitted affine map)."""
        return np.array(self._inverse(self._check_input(Y, "inverse_transform")), dtype=np.float64)

    def _check_input(self, X: Any, method: str) -> np.ndarray:
        what = f"{self.name}.{method}"
        if self._state is None:
            raise ValueError(f"{what}: {self.name} is not fitted; call fit() first")
        A = as_matrix(X, what)
        expected = self.n_features
        if A.shape[1] != expected:
            raise ValueError(
                f"{what}: expected {expected} feature column(s) (as at fit time), got {A.shape[1]}"
            )
        return A

    def _fitted(self, key: str) -> np.ndarray | None:
        """A copy of the fitted array ``key`` (``None`` before fitting)."""
        return None if self._state is None else self._state[key].copy()

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        fitted = f"fitted, {self.n_features} features" if self.is_fitted else "not fitted"
        return f"{type(self).__name__}({opts}) <{fitted}>"


PREPROCESSORS: Registry[type[Preprocessor]] = Registry("preprocessor")


def register(cls: type[Preprocessor]) -> type[Preprocessor]:
    """Class decorator: register the step under its ``name`` (the GUI lists them in order)."""
    PREPROCESSORS.register(cls.name, cls)
    return cls


def create(name: str, **options: Any) -> Preprocessor:
    """A new, unfitted preprocessor ``name`` with ``options``; ValueError for bad ones."""
    cls = PREPROCESSORS.get(name)
    try:
        return cls(**options)
    except TypeError as exc:
        raise ValueError(f"{name}: bad option(s): {exc}") from None
