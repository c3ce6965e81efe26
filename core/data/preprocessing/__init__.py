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

The modules: ``stats`` (checked arrays, covariance, its eigendecomposition), ``base`` (the
:class:`Preprocessor` base class, the ``PREPROCESSORS`` registry, :func:`create`),
``scaling`` (mean cancellation, standardize, min-max), ``whitening`` (PCA, ZCA),
``pipeline`` and ``ellipse``. A session does not store a fitted state: it refits the
pipeline on the training split, which is deterministic.

References:
    LeCun, Bottou, Orr, Mueller (1998), "Efficient BackProp" (mean cancellation,
    decorrelation, covariance equalisation).
    Bell, Sejnowski (1997), "The 'independent components' of natural scenes are edge
    filters" (ZCA whitening).
    Kessy, Lewin, Strimmer (2018), "Optimal whitening and decorrelation", The American
    Statistician 72(4) (PCA vs ZCA: ZCA is the whitening closest to the original data).
"""

from __future__ import annotations

# The steps register on import; scaling before whitening is the order the GUI lists them.
from core.data.preprocessing.base import PREPROCESSORS, Preprocessor, create
from core.data.preprocessing.ellipse import covariance_ellipse
from core.data.preprocessing.pipeline import Pipeline, StepSpec, make_pipeline
from core.data.preprocessing.scaling import MeanCancellation, MinMax, Standardize
from core.data.preprocessing.stats import covariance
from core.data.preprocessing.whitening import DEFAULT_EPS, PCAWhitening, ZCAWhitening

__all__ = [
    "DEFAULT_EPS",
    "PREPROCESSORS",
    "MeanCancellation",
    "MinMax",
    "PCAWhitening",
    "Pipeline",
    "Preprocessor",
    "Standardize",
    "StepSpec",
    "ZCAWhitening",
    "covariance",
    "covariance_ellipse",
    "create",
    "make_pipeline",
]
