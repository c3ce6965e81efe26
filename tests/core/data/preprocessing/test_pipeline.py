"""Tests of core.data.preprocessing.pipeline: steps fitted in sequence, built from config dicts."""

from __future__ import annotations

import numpy as np
import pytest

from core.data.preprocessing import (
    Pipeline,
    Standardize,
    ZCAWhitening,
    make_pipeline,
)
from tests.core.data.preprocessing.helpers import D, pop_cov


def test_make_pipeline_from_dicts(X_train, X_other):
    config = [{"name": "standardize"}, {"name": "zca_whitening", "eps": 1e-6}]
    pipe = make_pipeline(config)
    assert [s.name for s in pipe.steps] == ["standardize", "zca_whitening"]
    assert pipe.steps[1].eps == 1e-6
    assert pipe.get_config() == config
    assert make_pipeline(pipe.get_config()).get_config() == config
    pipe.fit(X_train)
    # fitted in sequence: the second step sees the standardized training data
    s = Standardize().fit(X_train)
    z = ZCAWhitening(eps=1e-6).fit(s.transform(X_train))
    np.testing.assert_allclose(pipe.transform(X_other), z.transform(s.transform(X_other)))
    # eps = 1e-6 against correlation eigenvalues ~1e-2 shrinks variances by ~1e-4
    np.testing.assert_allclose(pop_cov(pipe.transform(X_train)), np.eye(D), atol=1e-3)
    np.testing.assert_allclose(pipe.inverse_transform(pipe.transform(X_other)), X_other, atol=1e-10)


def test_pipeline_step_forms(X_train):
    pipe = Pipeline(["mean_cancellation", ("min_max", {"feature_range": [-1, 1]}), Standardize()])
    Y = pipe.fit_transform(X_train)
    np.testing.assert_allclose(Y.std(axis=0), 1.0)
    assert len(pipe) == 3


def test_empty_pipeline_is_identity(X_train):
    pipe = make_pipeline([])
    Y = pipe.fit_transform(X_train)
    np.testing.assert_array_equal(Y, X_train)
    assert not np.shares_memory(Y, X_train)
    with pytest.raises(ValueError, match="expected 5"):
        pipe.transform(X_train[:, :2])


def test_pipeline_failed_fit_leaves_it_unchanged(X_train):
    pipe = make_pipeline([{"name": "mean_cancellation"}, {"name": "pca_whitening", "eps": 0}])
    pipe.fit(X_train)
    before = pipe.transform(X_train)
    X_sing = np.column_stack([X_train[:, :4], X_train[:, 0]])
    with pytest.raises(ValueError, match="pipeline step 1 \\(pca_whitening\\).*singular"):
        pipe.fit(X_sing)
    np.testing.assert_array_equal(pipe.transform(X_train), before)


@pytest.mark.parametrize(
    "config, match",
    [
        ([{"name": "nope"}], "unknown preprocessor 'nope'"),
        ([{"eps": 1}], "step 0: a step dict needs a 'name'"),
        ([{"name": "standardize"}, {"name": "zca_whitening", "epsilon": 1}], "step 1.*epsilon"),
        ([{"name": "zca_whitening", "eps": -1}], "step 0: eps must be"),
        (["standardize"], "step 0: expected a dict"),
        ({"name": "standardize"}, "list of step dicts"),
    ],
)
def test_make_pipeline_errors(config, match):
    with pytest.raises(ValueError, match=match):
        make_pipeline(config)


def test_pipeline_transform_before_fit():
    with pytest.raises(ValueError, match="not fitted"):
        make_pipeline([{"name": "standardize"}]).transform(np.zeros((2, 2)))


def test_pipeline_fit_leaves_a_given_step_instance_as_it_was(X_train, X_other):
    given = Standardize()
    pipe = Pipeline([given, ZCAWhitening(eps=1e-6)])
    pipe.fit(X_train)
    assert not given.is_fitted  # the pipeline fitted a copy and keeps that
    assert pipe.steps[0] is not given and all(s.is_fitted for s in pipe.steps)
    s = Standardize().fit(X_train)
    np.testing.assert_array_equal(pipe.steps[0].scale, s.scale)
    z = ZCAWhitening(eps=1e-6).fit(s.transform(X_train))
    np.testing.assert_array_equal(pipe.transform(X_other), z.transform(s.transform(X_other)))
