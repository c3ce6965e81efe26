"""Input preprocessing: mean cancellation, scaling and decorrelation (whitening).

Each step is *fitted on one array* (the training split) and then *applied* to any array
(training, validation, test, a grid of points for a decision-boundary plot) with the
statistics learned at fit time, so no information leaks from the held-out data. Rows are
samples, columns are features; everything is float64 and every method returns a new array.

The lecture's three steps (LeCun et al. 1998, "Efficient BackProp", section 4.3):

* mean cancellation: ``x - mu`` (:class:`MeanCancellation`);
* scaling: per-feature standardization ``(x - mu) / sigma`` (:class:`Standardize`) or
  min-max to ``[0, 1]`` / ``[-1, 1]`` (:class:`MinMax`);
* decorrelation: PCA whitening ``(L + eps I)^{-1/2} U^T (x - mu)`` (:class:`PCAWhitening`)
  and ZCA whitening ``U (L + eps I)^{-1/2} U^T (x - mu) = Cov^{-1/2} (x - mu)``
  (:class:`ZCAWhitening`), where ``Cov = U L U^T`` is the eigendecomposition of the
  training covariance.

Erratum (DESIGN.md): the slide writes ``Cov(X) = X X^T / N``. That is the covariance only
for *centred* data; here the mean is always cancelled first, ``Cov = (X - mu)^T (X - mu) / N``
(rows are samples, hence ``X^T X`` rather than the slide's column layout). The population
normalisation ``1/N`` is used, not ``1/(N-1)``, so the whitened *training* data has a 1/N
covariance of exactly ``I`` (up to ``eps``), matching the slide's ``Cov(X_hat) = I``.

A :class:`Pipeline` chains steps (each fitted on the output of the previous one) and is
built from the plain dicts a session config holds with :func:`make_pipeline`.
:func:`covariance_ellipse` gives the points of a covariance ellipse for the GUI's
before/after scatter plots.

References:
    LeCun, Bottou, Orr, Mueller (1998), "Efficient BackProp" (mean cancellation,
    decorrelation, covariance equalisation).
    Bell, Sejnowski (1997), "The 'independent components' of natural scenes are edge
    filters" (ZCA whitening).
    Kessy, Lewin, Strimmer (2018), "Optimal whitening and decorrelation", The American
    Statistician 72(4) (PCA vs ZCA: ZCA is the whitening closest to the original data).
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from core.common.registry import Registry

__all__ = [
    "DEFAULT_EPS",
    "PREPROCESSORS",
    "MeanCancellation",
    "MinMax",
    "PCAWhitening",
    "Pipeline",
    "Preprocessor",
    "Standardize",
    "ZCAWhitening",
    "covariance",
    "covariance_ellipse",
    "create",
    "make_pipeline",
]

DEFAULT_EPS = 1e-8
"""Default absolute regulariser added to the covariance eigenvalues before ``^{-1/2}``."""

_ORTHO_TOL = 1e-8  # how far a loaded eigenvector matrix may be from orthonormal


# --------------------------------------------------------------------------- validation


def _as_matrix(X: Any, what: str) -> np.ndarray:
    """``X`` as a finite 2-D float64 array (a view when it already is one) or ValueError."""
    if np.iscomplexobj(X):
        raise ValueError(f"{what}: complex input is not supported")
    try:
        A = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: input is not a numeric array ({exc})") from None
    if A.ndim != 2:
        raise ValueError(
            f"{what}: expected a 2-D array (samples x features), got {A.ndim}-D shape {A.shape}"
        )
    if not np.all(np.isfinite(A)):
        bad = int(np.count_nonzero(~np.isfinite(A)))
        raise ValueError(f"{what}: input contains {bad} non-finite value(s) (NaN or inf)")
    return A


def _check_eps(eps: Any) -> float:
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real):
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    eps = float(eps)
    if not math.isfinite(eps) or eps < 0.0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
    return eps


def _const_columns(X: np.ndarray) -> np.ndarray:
    """Boolean mask of the columns whose values are all equal."""
    return np.all(X == X[:1], axis=0)


def _column_mean(X: np.ndarray) -> np.ndarray:
    """Column means; a constant column's mean is its value exactly (no rounding residue)."""
    mu = X.mean(axis=0)
    const = _const_columns(X)
    mu[const] = X[0, const]
    return mu


def covariance(X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``mu`` and population covariance ``(X - mu)^T (X - mu) / N`` of the rows of ``X``.

    The mean is cancelled *before* the product (the slide's ``X X^T / N`` is only the
    covariance of centred data). The result is symmetrised exactly.
    """
    A = _as_matrix(X, "covariance")
    if A.shape[0] < 1:
        raise ValueError("covariance: need at least one sample")
    mu = _column_mean(A)
    Xc = A - mu
    C = (Xc.T @ Xc) / A.shape[0]
    return mu, 0.5 * (C + C.T)


def _eigh_descending(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending, numerically-zero and negative ones set to 0) and vectors.

    Eigenvalues below ``d * machine_eps * max_eigenvalue`` are rounding noise of a singular
    covariance and are set to exactly 0. Each eigenvector's sign is fixed so that its
    largest-magnitude component is positive (stable axes for plots).
    """
    lam, U = np.linalg.eigh(C)
    order = np.argsort(lam)[::-1]
    lam, U = lam[order], U[:, order]
    top = max(float(lam[0]), 0.0) if lam.size else 0.0
    tol = C.shape[0] * np.finfo(np.float64).eps * top
    lam = np.where(lam > tol, lam, 0.0)
    idx = np.argmax(np.abs(U), axis=0)
    signs = np.sign(U[idx, np.arange(U.shape[1])])
    signs[signs == 0] = 1.0
    return lam, U * signs


# --------------------------------------------------------------------------- base class


class Preprocessor:
    """A preprocessing step: ``fit`` on the training array, ``transform`` any array.

    Subclasses declare the fitted arrays in ``_ARRAYS`` (name -> "vector" for shape ``(d,)``
    or "matrix" for ``(d, d)``) and their numeric options in ``_SCALARS``, and implement
    ``_fit``, ``_transform`` and ``_inverse``; this class does the validation:

    * ``transform`` / ``inverse_transform`` before ``fit`` -> ``ValueError("... not fitted")``;
    * a wrong number of columns -> ``ValueError`` naming the expected and the given count;
    * non-finite, non-numeric or non-2-D input -> ``ValueError``.

    ``state_dict()`` returns the options (floats) and, once fitted, the fitted arrays;
    ``load_state_dict()`` validates a whole dict before changing anything.
    """

    name: ClassVar[str] = ""
    describe: ClassVar[str] = ""
    _ARRAYS: ClassVar[dict[str, str]] = {}
    _SCALARS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._state: dict[str, np.ndarray] | None = None

    # ---- subclass hooks
    def _fit(self, X: np.ndarray) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _transform(self, X: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _inverse(self, Y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _check_state(self, arrays: dict[str, np.ndarray], scalars: dict[str, float]) -> None:
        """Extra consistency checks of a loaded state (raise ValueError)."""

    def _set_scalars(self, scalars: dict[str, float]) -> None:
        """Adopt loaded options (already validated by ``_parse_scalars``)."""
        for key, value in scalars.items():
            setattr(self, key, value)

    def _parse_scalars(self, scalars: dict[str, float]) -> dict[str, float]:
        return scalars

    def _after_state(self) -> None:
        """Recompute derived quantities after the state changed."""

    def options(self) -> dict[str, Any]:
        """The constructor options (JSON-friendly)."""
        return {key: getattr(self, key) for key in self._SCALARS}

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
        A = _as_matrix(X, f"{self.name}.fit")
        if A.shape[0] < 1 or A.shape[1] < 1:
            raise ValueError(
                f"{self.name}.fit: need at least one sample and one feature, got shape {A.shape}"
            )
        state = self._fit(A)  # may raise: the previous state then stays in place
        self._state = {k: np.ascontiguousarray(v, dtype=np.float64) for k, v in state.items()}
        self._after_state()
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
        A = _as_matrix(X, what)
        expected = self.n_features
        if A.shape[1] != expected:
            raise ValueError(
                f"{what}: expected {expected} feature column(s) (as at fit time), got {A.shape[1]}"
            )
        return A

    def state_dict(self) -> dict[str, Any]:
        """Options as floats and, when fitted, copies of the fitted arrays."""
        out: dict[str, Any] = {key: float(getattr(self, key)) for key in self._SCALARS}
        if self._state is not None:
            out.update({key: value.copy() for key, value in self._state.items()})
        return out

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`; validated completely before anything changes.

        Arrays may come back as any array-like (e.g. from an ``.npz``), scalars as floats or
        0-d arrays. A dict with the options only gives an unfitted step. Raises
        ``ValueError`` naming the problem (missing/unknown key, shape, non-finite value,
        inconsistent statistics).
        """
        arrays, scalars = self._parse_state(state)
        self._set_scalars(scalars)
        self._state = arrays
        self._after_state()

    def _parse_state(
        self, state: Mapping[str, Any]
    ) -> tuple[dict[str, np.ndarray] | None, dict[str, float]]:
        what = f"{self.name}.load_state_dict"
        if not isinstance(state, Mapping):
            raise ValueError(f"{what}: expected a dict, got {type(state).__name__}")
        known = set(self._ARRAYS) | set(self._SCALARS)
        unknown = sorted(str(k) for k in state if k not in known)
        if unknown:
            raise ValueError(f"{what}: unknown key(s) {', '.join(unknown)}")
        missing = [k for k in self._SCALARS if k not in state]
        if missing:
            raise ValueError(f"{what}: missing key(s) {', '.join(missing)}")
        scalars: dict[str, float] = {}
        for key in self._SCALARS:
            value = np.asarray(state[key])
            if value.size != 1 or not np.issubdtype(value.dtype, np.number):
                raise ValueError(f"{what}: {key!r} must be a single number")
            scalars[key] = float(value.reshape(()))
        try:
            scalars = self._parse_scalars(scalars)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None

        present = [k for k in self._ARRAYS if k in state]
        if not present:
            return None, scalars
        if len(present) != len(self._ARRAYS):
            absent = [k for k in self._ARRAYS if k not in state]
            raise ValueError(f"{what}: missing array(s) {', '.join(absent)}")
        arrays: dict[str, np.ndarray] = {}
        d: int | None = None
        for key, kind in self._ARRAYS.items():
            try:
                arr = np.array(state[key], dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"{what}: {key!r} is not a numeric array") from None
            if d is None:
                d, first = (arr.shape[0] if arr.ndim >= 1 else 0), key
            shape = (d,) if kind == "vector" else (d, d)
            if arr.shape != shape or d < 1:
                hint = "" if key == first else f" (the feature count of {first!r})"
                raise ValueError(f"{what}: {key!r} has shape {arr.shape}, expected {shape}{hint}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{what}: {key!r} contains non-finite values")
            arrays[key] = np.ascontiguousarray(arr)
        try:
            self._check_state(arrays, scalars)
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
        return arrays, scalars

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        fitted = f"fitted, {self.n_features} features" if self.is_fitted else "not fitted"
        return f"{type(self).__name__}({opts}) <{fitted}>"


PREPROCESSORS: Registry[type[Preprocessor]] = Registry("preprocessor")


def _register(cls: type[Preprocessor]) -> type[Preprocessor]:
    PREPROCESSORS.register(cls.name, cls)
    return cls


def create(name: str, **options: Any) -> Preprocessor:
    """A new, unfitted preprocessor ``name`` with ``options``; ValueError for bad ones."""
    cls = PREPROCESSORS.get(name)
    try:
        return cls(**options)
    except TypeError as exc:
        raise ValueError(f"{name}: bad option(s): {exc}") from None


# --------------------------------------------------------------------------- steps


@_register
class MeanCancellation(Preprocessor):
    """Mean cancellation: ``y = x - mu``, ``mu`` the training mean; inverse ``x = y + mu``.

    Inputs with a non-zero mean bias every weight update of the first layer in the same
    direction (the updates of all weights into a unit share the sign of the error term),
    which slows descent down to zig-zags; centring removes this.
    Reference: LeCun et al. (1998), "Efficient BackProp", section 4.3.
    """

    name = "mean_cancellation"
    describe = "Mean cancellation: subtract the training mean of each feature."
    _ARRAYS = {"mean": "vector"}

    def _fit(self, X):
        return {"mean": _column_mean(X)}

    def _transform(self, X):
        return X - self._state["mean"]

    def _inverse(self, Y):
        return Y + self._state["mean"]


@_register
class Standardize(Preprocessor):
    """Per-feature standardization: ``y = (x - mu) / sigma``; inverse ``x = y sigma + mu``.

    ``mu`` and ``sigma`` are the training mean and population standard deviation (1/N) of
    each feature, so the transformed training data has mean 0 and standard deviation 1 per
    feature: all inputs on the same scale (LeCun's covariance equalisation).

    A constant feature (all training values equal) has ``sigma = 0``; ``sigma = 1`` is used
    for it instead, so it maps to exactly 0 rather than NaN (and the inverse still holds).
    Reference: LeCun et al. (1998), "Efficient BackProp", section 4.3.
    """

    name = "standardize"
    describe = "Standardize: per feature (x - mean) / std, fitted on the training data."
    _ARRAYS = {"mean": "vector", "scale": "vector"}

    def _fit(self, X):
        mu = _column_mean(X)
        sigma = np.sqrt(np.mean((X - mu) ** 2, axis=0))
        sigma[_const_columns(X) | (sigma == 0.0)] = 1.0
        return {"mean": mu, "scale": sigma}

    def _check_state(self, arrays, scalars):
        if np.any(arrays["scale"] <= 0.0):
            raise ValueError("'scale' must be > 0 everywhere")

    def _transform(self, X):
        return (X - self._state["mean"]) / self._state["scale"]

    def _inverse(self, Y):
        return Y * self._state["scale"] + self._state["mean"]


@_register
class MinMax(Preprocessor):
    """Min-max scaling of each feature to ``[low, high]`` (``[0, 1]`` or ``[-1, 1]``).

    ``y = low + (x - min) / (max - min) * (high - low)``, with ``min``/``max`` from the
    training data; inverse ``x = min + (y - low) / (high - low) * (max - min)``. Values
    outside the training range map outside ``[low, high]`` (no clipping: the map stays
    affine and invertible). A constant feature (``max == min``) uses a range of 1, so it
    maps to ``low`` rather than NaN.
    Option ``feature_range=(low, high)``, default ``(0, 1)``; any finite ``low < high``.
    """

    name = "min_max"
    describe = "Min-max: rescale each feature to [0, 1] (or [-1, 1]) using training min/max."
    _ARRAYS = {"data_min": "vector", "data_range": "vector"}
    _SCALARS = ("low", "high")

    def __init__(self, feature_range: Sequence[float] = (0.0, 1.0)) -> None:
        super().__init__()
        try:
            low, high = feature_range
        except (TypeError, ValueError):
            raise ValueError(
                f"feature_range must be a pair (low, high), got {feature_range!r}"
            ) from None
        self.low, self.high = self._parse_scalars({"low": low, "high": high}).values()

    def _parse_scalars(self, scalars):
        low, high = scalars["low"], scalars["high"]
        for v in (low, high):
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise ValueError(f"feature_range must hold finite numbers, got {(low, high)!r}")
        if not low < high:
            raise ValueError(f"feature_range needs low < high, got {(low, high)!r}")
        return {"low": float(low), "high": float(high)}

    def options(self):
        return {"feature_range": [self.low, self.high]}

    def _fit(self, X):
        lo = X.min(axis=0)
        rng = X.max(axis=0) - lo
        rng[rng == 0.0] = 1.0
        return {"data_min": lo, "data_range": rng}

    def _check_state(self, arrays, scalars):
        if np.any(arrays["data_range"] <= 0.0):
            raise ValueError("'data_range' must be > 0 everywhere")

    def _transform(self, X):
        s = self._state
        return (X - s["data_min"]) / s["data_range"] * (self.high - self.low) + self.low

    def _inverse(self, Y):
        s = self._state
        return (Y - self.low) / (self.high - self.low) * s["data_range"] + s["data_min"]


class _Whitening(Preprocessor):
    """Shared part of PCA and ZCA whitening (eigendecomposition of the training covariance).

    Fit: ``mu`` = training mean, ``Cov = (X - mu)^T (X - mu) / N = U L U^T`` by
    ``numpy.linalg.eigh``, eigenvalues sorted descending (numerically-zero ones set to 0).
    ``eps >= 0`` (absolute, default 1e-8) is added to the eigenvalues,
    ``(L + eps I)^{-1/2}``, to keep directions of (near-)zero variance from blowing up;
    ``eps = 0`` is allowed when the covariance has full rank and raises ``ValueError``
    otherwise. With ``eps > 0`` the whitened covariance is ``L / (L + eps)`` rather than
    exactly ``I``; the inverse is still the exact inverse of the linear map used.

    ``whitening_matrix`` is ``W`` in the column-vector convention ``z = W (x - mu)``;
    on row arrays the transform is ``(X - mu) @ W.T`` and the inverse ``Z @ W^{-T} + mu``.
    """

    _ARRAYS = {"mean": "vector", "eigenvalues": "vector", "eigenvectors": "matrix"}
    _SCALARS = ("eps",)

    def __init__(self, eps: float = DEFAULT_EPS) -> None:
        super().__init__()
        self.eps = _check_eps(eps)
        self._forward: np.ndarray | None = None  # Xc @ _forward = Z
        self._backward: np.ndarray | None = None  # Z @ _backward = Xc

    def _parse_scalars(self, scalars):
        return {"eps": _check_eps(scalars["eps"])}

    def _fit(self, X):
        mu, C = covariance(X)
        lam, U = _eigh_descending(C)
        self._check_positive(lam, self.eps)
        return {"mean": mu, "eigenvalues": lam, "eigenvectors": U}

    @staticmethod
    def _check_positive(lam: np.ndarray, eps: float) -> None:
        if np.any(lam + eps <= 0.0):
            rank = int(np.count_nonzero(lam > 0.0))
            raise ValueError(
                f"the covariance is singular (rank {rank} < {lam.size} features) and eps = "
                f"{eps:g}; use eps > 0 to whiten (directions of zero variance stay 0)"
            )

    def _check_state(self, arrays, scalars):
        lam, U = arrays["eigenvalues"], arrays["eigenvectors"]
        if np.any(lam < 0.0):
            raise ValueError("'eigenvalues' must be >= 0")
        d = lam.size
        if np.max(np.abs(U.T @ U - np.eye(d))) > _ORTHO_TOL:
            raise ValueError("'eigenvectors' is not an orthonormal matrix")
        self._check_positive(lam, scalars["eps"])

    @property
    def eigenvalues(self) -> np.ndarray | None:
        """Training covariance eigenvalues, descending (a copy), ``None`` before fitting."""
        return None if self._state is None else self._state["eigenvalues"].copy()

    @property
    def eigenvectors(self) -> np.ndarray | None:
        """Columns are the principal axes, matching :attr:`eigenvalues` (a copy)."""
        return None if self._state is None else self._state["eigenvectors"].copy()

    @property
    def mean(self) -> np.ndarray | None:
        return None if self._state is None else self._state["mean"].copy()

    @property
    def whitening_matrix(self) -> np.ndarray | None:
        """``W`` with ``z = W (x - mu)`` (``None`` before fitting)."""
        return None if self._forward is None else self._forward.T.copy()

    @property
    def inverse_matrix(self) -> np.ndarray | None:
        """``W^{-1}`` with ``x = W^{-1} z + mu`` (``None`` before fitting)."""
        return None if self._backward is None else self._backward.T.copy()

    def _after_state(self):
        if self._state is None:
            self._forward = self._backward = None
            return
        s = np.sqrt(self._state["eigenvalues"] + self.eps)
        self._forward, self._backward = self._matrices(self._state["eigenvectors"], 1.0 / s, s)

    def _matrices(self, U, inv_s, s) -> tuple[np.ndarray, np.ndarray]:
        """(forward, backward) matrices acting on row vectors, from Cov = U diag(s²) Uᵀ."""
        raise NotImplementedError

    def _transform(self, X):
        return (X - self._state["mean"]) @ self._forward

    def _inverse(self, Y):
        return Y @ self._backward + self._state["mean"]


@_register
class PCAWhitening(_Whitening):
    """PCA whitening: ``z = (L + eps I)^{-1/2} U^T (x - mu)``.

    Inverse: ``x = U (L + eps I)^{1/2} z + mu``.

    Rotates the centred data onto the principal axes of the training covariance (the
    Karhunen-Loeve expansion of the slide) and scales each axis to unit variance, so
    ``Cov(z) = I`` on the training data (for ``eps = 0``). The output axes are the principal
    components in decreasing order of variance; each axis's sign is fixed so the largest
    component of its eigenvector is positive.
    References: LeCun et al. (1998), "Efficient BackProp", section 4.3; Kessy, Lewin &
    Strimmer (2018), "Optimal whitening and decorrelation".
    """

    name = "pca_whitening"
    describe = "PCA whitening: rotate to the principal axes and scale each to unit variance."

    def _matrices(self, U, inv_s, s):
        # (x - mu) @ U diag(1/s) = rows of (diag(1/s) U^T (x - mu))
        return U * inv_s, s[:, None] * U.T


@_register
class ZCAWhitening(_Whitening):
    """ZCA whitening: ``z = U (L + eps I)^{-1/2} U^T (x - mu) = Cov^{-1/2} (x - mu)``.

    The slide's decorrelation ``X_hat = Cov^{-1/2} X`` (applied after mean cancellation).
    Like PCA whitening it gives ``Cov(z) = I`` on the training data, then rotates back to the
    original axes: among all whitening matrices ZCA (Mahalanobis whitening) is the one whose
    output is closest to the input in mean squared error, so whitened images still look
    like images. The matrix is symmetric (made exactly symmetric here).
    Inverse: ``x = U (L + eps I)^{1/2} U^T z + mu``.
    References: Bell & Sejnowski (1997); Kessy, Lewin & Strimmer (2018), "Optimal whitening
    and decorrelation".
    """

    name = "zca_whitening"
    describe = "ZCA whitening: Cov^-1/2 (x - mean); decorrelates while staying near the data."

    def _matrices(self, U, inv_s, s):
        fwd = (U * inv_s) @ U.T
        bwd = (U * s) @ U.T
        return 0.5 * (fwd + fwd.T), 0.5 * (bwd + bwd.T)  # exactly symmetric


# --------------------------------------------------------------------------- pipeline


StepSpec = Preprocessor | tuple[str, Mapping[str, Any]] | Mapping[str, Any] | str


def _make_step(spec: Any, index: int) -> Preprocessor:
    if isinstance(spec, Preprocessor):
        if isinstance(spec, Pipeline):
            raise ValueError(f"step {index}: nested pipelines are not supported")
        return spec
    if isinstance(spec, str):
        return create(spec)
    if isinstance(spec, tuple) and len(spec) == 2:
        name, options = spec
        if not isinstance(options, Mapping):
            raise ValueError(f"step {index}: options must be a dict, got {options!r}")
        return create(name, **options)
    if isinstance(spec, Mapping):
        options = dict(spec)
        name = options.pop("name", None)
        if not isinstance(name, str):
            raise ValueError(f"step {index}: a step dict needs a 'name' string, got {spec!r}")
        return create(name, **options)
    raise ValueError(
        f"step {index}: expected a Preprocessor, a name, a (name, options) pair or a dict "
        f"with 'name', got {spec!r}"
    )


class Pipeline(Preprocessor):
    """Steps applied in sequence: each fitted on the previous step's output of the training
    array; ``transform`` applies them in order, ``inverse_transform`` inverts in reverse.

    ``steps`` items may be :class:`Preprocessor` instances, names, ``(name, options)`` pairs or
    ``{"name": ..., **options}`` dicts. An empty pipeline is the identity.
    ``state_dict()`` keys are ``"<step index>.<key>"`` (flat, so the dict fits in an
    ``.npz``), plus ``"n_features"`` once fitted.
    """

    name = "pipeline"
    describe = "A sequence of preprocessing steps."

    def __init__(self, steps: Iterable[StepSpec] = ()) -> None:
        super().__init__()
        if isinstance(steps, (str, Mapping, Preprocessor)):
            raise ValueError("steps must be a list of steps")
        built = []
        for i, spec in enumerate(steps):
            try:
                built.append(_make_step(spec, i))
            except ValueError as exc:
                msg = str(exc)
                raise ValueError(msg if msg.startswith("step ") else f"step {i}: {msg}") from None
        self.steps: list[Preprocessor] = built
        self._n_features: int | None = None

    def options(self) -> dict[str, Any]:
        return {}

    def get_config(self) -> list[dict[str, Any]]:  # type: ignore[override]
        """The list of step dicts :func:`make_pipeline` rebuilds this pipeline from."""
        return [step.get_config() for step in self.steps]

    @property
    def is_fitted(self) -> bool:
        return self._n_features is not None and all(s.is_fitted for s in self.steps)

    @property
    def n_features(self) -> int | None:
        return self._n_features if self.is_fitted else None

    def fit(self, X: Any) -> Pipeline:
        A = _as_matrix(X, "pipeline.fit")
        if A.shape[0] < 1 or A.shape[1] < 1:
            raise ValueError(
                f"pipeline.fit: need at least one sample and one feature, got shape {A.shape}"
            )
        n_features = A.shape[1]
        # Fit copies first so that a failing step leaves the pipeline as it was.
        fitted: list[Preprocessor] = []
        for i, step in enumerate(self.steps):
            probe = copy.copy(step)  # fit() replaces the state objects, never mutates them
            try:
                probe.fit(A)
            except ValueError as exc:
                raise ValueError(f"pipeline step {i} ({step.name}): {exc}") from None
            A = probe.transform(A)
            fitted.append(probe)
        for step, probe in zip(self.steps, fitted, strict=True):
            step.__dict__.update(probe.__dict__)
        self._n_features = n_features
        return self

    def _check_input(self, X: Any, method: str) -> np.ndarray:
        if not self.is_fitted:
            raise ValueError(f"pipeline.{method}: pipeline is not fitted; call fit() first")
        A = _as_matrix(X, f"pipeline.{method}")
        if A.shape[1] != self._n_features:
            raise ValueError(
                f"pipeline.{method}: expected {self._n_features} feature column(s) "
                f"(as at fit time), got {A.shape[1]}"
            )
        return A

    def _transform(self, X):
        for step in self.steps:
            X = step.transform(X)
        return X

    def _inverse(self, Y):
        for step in reversed(self.steps):
            Y = step.inverse_transform(Y)
        return Y

    def state_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, step in enumerate(self.steps):
            out.update({f"{i}.{k}": v for k, v in step.state_dict().items()})
        if self.is_fitted:
            out["n_features"] = float(self._n_features)
        return out

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore every step; the whole dict is validated before any step changes."""
        if not isinstance(state, Mapping):
            raise ValueError(f"pipeline.load_state_dict: expected a dict, got {type(state)}")
        per_step: list[dict[str, Any]] = [{} for _ in self.steps]
        n_features = None
        for key, value in state.items():
            if key == "n_features":
                n_features = value
                continue
            head, sep, rest = str(key).partition(".")
            if not sep or not head.isdigit() or int(head) >= len(self.steps):
                raise ValueError(
                    f"pipeline.load_state_dict: unexpected key {key!r} "
                    f"(the pipeline has {len(self.steps)} step(s))"
                )
            per_step[int(head)][rest] = value
        parsed = []
        for i, (step, sub) in enumerate(zip(self.steps, per_step, strict=True)):
            try:
                parsed.append(step._parse_state(sub))
            except ValueError as exc:
                raise ValueError(f"pipeline step {i}: {exc}") from None
        n: int | None = None
        if n_features is not None:
            value = np.asarray(n_features)
            if (
                value.size != 1
                or not np.issubdtype(value.dtype, np.number)
                or not float(value.reshape(())).is_integer()
                or float(value.reshape(())) < 1
            ):
                raise ValueError("pipeline.load_state_dict: 'n_features' must be an integer >= 1")
            n = int(float(value.reshape(())))
        fitted = [arrays is not None for arrays, _ in parsed]
        if n is None and any(fitted):
            raise ValueError("pipeline.load_state_dict: fitted steps but no 'n_features'")
        if n is not None and not all(fitted):
            raise ValueError("pipeline.load_state_dict: 'n_features' given but a step is unfitted")
        if n is not None and self.steps:
            first = parsed[0][0]
            d0 = next(iter(first.values())).shape[0]
            if d0 != n:
                raise ValueError(
                    f"pipeline.load_state_dict: step 0 has {d0} features, 'n_features' is {n}"
                )
        for step, (arrays, scalars) in zip(self.steps, parsed, strict=True):
            step._set_scalars(scalars)
            step._state = arrays
            step._after_state()
        self._n_features = n

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        return f"Pipeline([{', '.join(repr(s) for s in self.steps)}])"


def make_pipeline(config: Iterable[Mapping[str, Any]]) -> Pipeline:
    """Build a :class:`Pipeline` from plain dicts, e.g.
    ``make_pipeline([{"name": "standardize"}, {"name": "zca_whitening", "eps": 1e-6}])``.

    Raises ``ValueError`` naming the step for an unknown name or a bad option.
    """
    if isinstance(config, (str, Mapping)):
        raise ValueError("make_pipeline expects a list of step dicts")
    steps = list(config)
    for i, spec in enumerate(steps):
        if not isinstance(spec, Mapping):
            raise ValueError(f"step {i}: expected a dict with 'name', got {spec!r}")
    return Pipeline(steps)


# --------------------------------------------------------------------------- plotting help


def covariance_ellipse(X2d: Any, n_std: float = 2.0, n_points: int = 100) -> np.ndarray:
    """Points ``(n_points, 2)`` of the ``n_std``-sigma covariance ellipse of 2-D data.

    The ellipse is ``{mu + n_std * U L^{1/2} (cos t, sin t)}`` with ``Cov = U L U^T`` the
    population covariance of the rows of ``X2d`` (mean cancelled first): every point ``p``
    satisfies ``(p - mu)^T Cov^{-1} (p - mu) = n_std^2``. ``t`` runs from 0 to 2 pi inclusive,
    so the first and last points coincide (a closed curve for plotting). For degenerate data
    the ellipse collapses onto a segment or the mean.
    """
    A = _as_matrix(X2d, "covariance_ellipse")
    if A.shape[1] != 2:
        raise ValueError(f"covariance_ellipse: expected 2 feature columns, got {A.shape[1]}")
    if A.shape[0] < 1:
        raise ValueError("covariance_ellipse: need at least one sample")
    if isinstance(n_std, bool) or not isinstance(n_std, numbers.Real):
        raise ValueError(f"n_std must be a positive finite number, got {n_std!r}")
    if not (math.isfinite(n_std) and n_std > 0):
        raise ValueError(f"n_std must be a positive finite number, got {n_std!r}")
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 3:
        raise ValueError(f"n_points must be an integer >= 3, got {n_points!r}")
    mu, C = covariance(A)
    lam, U = _eigh_descending(C)
    t = np.linspace(0.0, 2.0 * np.pi, int(n_points))
    circle = np.column_stack((np.cos(t), np.sin(t)))
    return mu + float(n_std) * (circle * np.sqrt(lam)) @ U.T
