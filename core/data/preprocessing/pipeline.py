"""The :class:`Pipeline` of preprocessing steps and :func:`make_pipeline` from config dicts."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from core.data.preprocessing.base import Preprocessor, create
from core.data.preprocessing.stats import as_matrix

__all__ = ["Pipeline", "StepSpec", "make_pipeline"]

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
    ``{"name": ..., **options}`` dicts. An empty pipeline is the identity. ``fit`` fits
    copies of the steps and, once all succeeded, makes them the pipeline's ``steps``: a
    failing fit leaves the pipeline as it was, and a step instance passed in is never
    changed.
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
        A = as_matrix(X, "pipeline.fit")
        if A.shape[0] < 1 or A.shape[1] < 1:
            raise ValueError(
                f"pipeline.fit: need at least one sample and one feature, got shape {A.shape}"
            )
        n_features = A.shape[1]
        fitted: list[Preprocessor] = []
        for i, step in enumerate(self.steps):
            probe = copy.copy(step)  # fit() replaces the state objects, never mutates them
            try:
                probe.fit(A)
            except ValueError as exc:
                raise ValueError(f"pipeline step {i} ({step.name}): {exc}") from None
            A = probe.transform(A)
            fitted.append(probe)
        self.steps = fitted
        self._n_features = n_features
        return self

    def _check_input(self, X: Any, method: str) -> np.ndarray:
        if not self.is_fitted:
            raise ValueError(f"pipeline.{method}: pipeline is not fitted; call fit() first")
        A = as_matrix(X, f"pipeline.{method}")
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
