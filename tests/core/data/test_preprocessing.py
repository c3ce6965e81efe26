"""Tests for core.data.preprocessing: fit on train / apply to others, whitening, pipelines."""

from __future__ import annotations

import io

import numpy as np
import pytest

from core.data import preprocessing as pp
from core.data.preprocessing import (
    PREPROCESSORS,
    MinMax,
    PCAWhitening,
    Pipeline,
    Preprocessor,
    Standardize,
    ZCAWhitening,
    covariance_ellipse,
    make_pipeline,
)

ALL_NAMES = ["mean_cancellation", "standardize", "min_max", "pca_whitening", "zca_whitening"]
D = 5


def correlated_cloud(n: int = 4000, seed: int = 0, shift: float = 0.0) -> np.ndarray:
    """Correlated Gaussian cloud, features on very different scales (1e-2 ... 1e2)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    mix = np.diag([1e-2, 1e-1, 1.0, 10.0, 100.0]) @ Q @ np.diag([3.0, 1.0, 0.5, 0.2, 0.1])
    offset = np.array([5.0, -3.0, 100.0, 0.5, -40.0]) + shift
    return rng.normal(size=(n, D)) @ mix.T + offset


def pop_cov(X: np.ndarray) -> np.ndarray:
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


def reference_eig(X: np.ndarray):
    """Eigendecomposition of the centred 1/N covariance, written out in the test."""
    mu = X.mean(axis=0)
    lam, U = np.linalg.eigh(pop_cov(X))
    return mu, lam, U


@pytest.fixture
def X_train():
    return correlated_cloud(seed=1)


@pytest.fixture
def X_other():
    return correlated_cloud(n=500, seed=2, shift=3.0)


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_step():
    assert PREPROCESSORS.names() == ALL_NAMES
    for name in ALL_NAMES:
        cls = PREPROCESSORS.get(name)
        assert issubclass(cls, Preprocessor)
        assert cls.name == name
        assert cls.describe and "\n" not in cls.describe
        assert cls.__doc__


def test_unknown_name():
    with pytest.raises(ValueError, match="unknown preprocessor 'whiten'.*zca_whitening"):
        pp.create("whiten")


# --------------------------------------------------------------------------- whitening


@pytest.mark.parametrize("name", ["pca_whitening", "zca_whitening"])
@pytest.mark.parametrize("eps", [0.0, 1e-14])
def test_whitened_training_covariance_is_identity(name, eps, X_train):
    assert np.linalg.cond(pop_cov(X_train)) > 1e7  # really ill-conditioned input
    Z = pp.create(name, eps=eps).fit_transform(X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(pop_cov(Z), np.eye(D), rtol=0, atol=1e-8)


@pytest.mark.parametrize("name", ["pca_whitening", "zca_whitening"])
def test_eps_shrinks_the_whitened_variance_as_documented(name, X_train):
    eps = 1e-3
    p = pp.create(name, eps=eps).fit(X_train)
    _, lam, U = reference_eig(X_train)  # ascending eigenvalues
    shrink = lam / (lam + eps)
    if name == "pca_whitening":
        expected = np.diag(shrink[::-1])  # PCA output axes are in descending order
    else:
        expected = (U * shrink) @ U.T
    np.testing.assert_allclose(pop_cov(p.transform(X_train)), expected, atol=1e-8)


def test_zca_matrix_is_symmetric_and_matches_reference(X_train):
    eps = 1e-6
    z = ZCAWhitening(eps=eps).fit(X_train)
    W = z.whitening_matrix
    np.testing.assert_array_equal(W, W.T)
    mu, lam, U = reference_eig(X_train)
    W_ref = U @ np.diag(1.0 / np.sqrt(lam + eps)) @ U.T
    np.testing.assert_allclose(W, W_ref, rtol=1e-7, atol=1e-9 * np.abs(W_ref).max())
    np.testing.assert_allclose(z.transform(X_train), (X_train - mu) @ W_ref, rtol=1e-7, atol=1e-7)
    # ZCA with eps=0 is Cov^{-1/2}: W Cov W = I and W^2 = Cov^{-1}
    z0 = ZCAWhitening(eps=0.0).fit(X_train)
    C = pop_cov(X_train)
    W0 = z0.whitening_matrix
    np.testing.assert_allclose(W0 @ C @ W0, np.eye(D), atol=1e-8)
    np.testing.assert_allclose(W0 @ W0 @ C, np.eye(D), atol=1e-7)


def test_pca_matrix_matches_reference_and_is_sorted_descending(X_train):
    eps = 1e-6
    p = PCAWhitening(eps=eps).fit(X_train)
    mu, lam, U = reference_eig(X_train)
    lam, U = lam[::-1], U[:, ::-1]
    assert np.all(np.diff(p.eigenvalues) <= 0)
    np.testing.assert_allclose(p.eigenvalues, lam, rtol=1e-9, atol=1e-12 * lam[0])
    # eigenvectors are unique up to sign (the eigenvalues here are well separated)
    signs = np.sign(np.sum(p.eigenvectors * U, axis=0))
    U = U * signs
    np.testing.assert_allclose(p.eigenvectors, U, atol=1e-8)
    W_ref = np.diag(1.0 / np.sqrt(lam + eps)) @ U.T
    np.testing.assert_allclose(p.whitening_matrix, W_ref, rtol=1e-7, atol=1e-9 * abs(W_ref).max())
    # first output axis carries the largest-variance direction, sign convention fixed
    idx = np.argmax(np.abs(p.eigenvectors), axis=0)
    assert np.all(p.eigenvectors[idx, np.arange(D)] > 0)


def test_whitening_inverse_matrix_is_the_exact_inverse(X_train):
    for cls in (PCAWhitening, ZCAWhitening):
        p = cls(eps=1e-3).fit(X_train)
        np.testing.assert_allclose(p.inverse_matrix @ p.whitening_matrix, np.eye(D), atol=1e-10)


def test_singular_covariance_needs_eps():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 2))
    X = np.column_stack([a, a[:, 0] + 2 * a[:, 1]])  # rank 2 in 3 features
    with pytest.raises(ValueError, match="singular.*rank 2 < 3.*eps > 0"):
        PCAWhitening(eps=0.0).fit(X)
    with pytest.raises(ValueError, match="singular"):
        ZCAWhitening(eps=0.0).fit(X)
    Z = PCAWhitening(eps=1e-8).fit_transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, 2], 0.0, atol=1e-6)  # the zero-variance direction stays 0
    C = pop_cov(Z)
    np.testing.assert_allclose(C[:2, :2], np.eye(2), atol=1e-6)


def test_failed_fit_keeps_previous_state(X_train):
    p = PCAWhitening(eps=0.0).fit(X_train)
    before = p.transform(X_train)
    with pytest.raises(ValueError, match="singular"):
        p.fit(np.ones((10, D)))
    np.testing.assert_array_equal(p.transform(X_train), before)


@pytest.mark.parametrize("eps", [-1e-3, float("nan"), float("inf"), "1e-3", None])
def test_bad_eps(eps):
    for cls in (PCAWhitening, ZCAWhitening):
        with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
            cls(eps=eps)


def test_default_eps():
    assert PCAWhitening().eps == pp.DEFAULT_EPS == 1e-8
    assert ZCAWhitening().eps == pp.DEFAULT_EPS


# --------------------------------------------------------------------------- fit on A only


@pytest.mark.parametrize("name", ALL_NAMES)
def test_statistics_come_from_the_fitting_array_only(name, X_train, X_other):
    p = pp.create(name).fit(X_train)
    out = p.transform(X_other)
    # fitting on the other array gives a different map
    assert not np.allclose(out, pp.create(name).fit(X_other).transform(X_other))
    # and transforming X_other does not change the fitted statistics
    again = p.transform(X_train)
    np.testing.assert_array_equal(again, pp.create(name).fit(X_train).transform(X_train))


def test_fit_on_a_transform_b_uses_a_statistics(X_train, X_other):
    muA, sdA = X_train.mean(axis=0), X_train.std(axis=0)
    np.testing.assert_allclose(
        pp.create("mean_cancellation").fit(X_train).transform(X_other), X_other - muA, rtol=1e-12
    )
    np.testing.assert_allclose(
        Standardize().fit(X_train).transform(X_other), (X_other - muA) / sdA, rtol=1e-10
    )
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    np.testing.assert_allclose(
        MinMax().fit(X_train).transform(X_other), (X_other - lo) / (hi - lo), rtol=1e-10
    )
    mu, lam, U = reference_eig(X_train)
    W = U @ np.diag(1 / np.sqrt(lam + 1e-4)) @ U.T
    np.testing.assert_allclose(
        ZCAWhitening(eps=1e-4).fit(X_train).transform(X_other), (X_other - mu) @ W, rtol=1e-7
    )


# --------------------------------------------------------------------------- scaling


def test_mean_cancellation(X_train):
    Y = pp.create("mean_cancellation").fit_transform(X_train)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-11)
    np.testing.assert_allclose(Y.std(axis=0), X_train.std(axis=0), rtol=1e-12)


def test_standardize_mean_0_std_1(X_train):
    Y = Standardize().fit_transform(X_train)
    np.testing.assert_allclose(Y.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Y.std(axis=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize("feature_range", [(0.0, 1.0), (-1.0, 1.0), [-1, 1], (2, 5)])
def test_min_max_range(feature_range, X_train):
    low, high = feature_range
    Y = MinMax(feature_range=feature_range).fit_transform(X_train)
    np.testing.assert_allclose(Y.min(axis=0), low, atol=1e-12)
    np.testing.assert_allclose(Y.max(axis=0), high, atol=1e-12)
    assert MinMax(feature_range=feature_range).get_config() == {
        "name": "min_max",
        "feature_range": [float(low), float(high)],
    }


@pytest.mark.parametrize("bad", [(1, 0), (0, 0), (0, float("inf")), (0,), 3, ("a", "b")])
def test_min_max_bad_range(bad):
    with pytest.raises(ValueError, match="feature_range"):
        MinMax(feature_range=bad)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_constant_column_gives_no_nan(name):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    X[:, 1] = 0.1  # constant feature (0.1 is not exact in binary)
    kwargs = {"eps": 1e-8} if "whitening" in name else {}
    p = pp.create(name, **kwargs).fit(X)
    Y = p.transform(X)
    assert np.all(np.isfinite(Y))
    if name in ("mean_cancellation", "standardize"):
        assert np.all(Y[:, 1] == 0.0)
    if name == "min_max":
        assert np.all(Y[:, 1] == 0.0)  # maps to the low end of the range
    np.testing.assert_allclose(p.inverse_transform(Y), X, atol=1e-10)


def test_standardize_constant_column_scale_is_one():
    X = np.array([[1.0, 7.0], [3.0, 7.0], [5.0, 7.0]])
    s = Standardize().fit(X)
    np.testing.assert_array_equal(s.state_dict()["scale"][1], 1.0)
    np.testing.assert_array_equal(s.transform([[0.0, 9.0]])[0, 1], 2.0)


# --------------------------------------------------------------------------- inverse, state


@pytest.mark.parametrize("name", ALL_NAMES)
def test_inverse_round_trip(name, X_train, X_other):
    for kwargs in ({}, {"eps": 1e-3}) if "whitening" in name else ({},):
        p = pp.create(name, **kwargs).fit(X_train)
        for X in (X_train, X_other):
            np.testing.assert_allclose(p.inverse_transform(p.transform(X)), X, rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_returns_new_array_and_keeps_input(name, X_train):
    X = X_train.copy()
    p = pp.create(name).fit(X)
    Y = p.transform(X)
    assert Y is not X and not np.shares_memory(Y, X)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(X, X_train)


def test_integer_and_list_input_is_converted():
    X = [[1, 2], [3, 5], [4, 9]]
    Y = Standardize().fit_transform(X)
    assert Y.dtype == np.float64
    np.testing.assert_allclose(Y.std(axis=0), 1.0)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_state_dict_round_trip_gives_identical_transform(name, X_train, X_other):
    kwargs = {"eps": 1e-5} if "whitening" in name else {}
    if name == "min_max":
        kwargs = {"feature_range": (-1, 1)}
    p = pp.create(name, **kwargs).fit(X_train)
    state = p.state_dict()
    for value in state.values():
        assert isinstance(value, (float, np.ndarray))
    # through an .npz file, as the session files store them
    buf = io.BytesIO()
    np.savez(buf, **state)
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as npz:
        loaded = {k: npz[k] for k in npz.files}
    q = pp.create(name)  # default options: the state carries them
    q.load_state_dict(loaded)
    assert q.is_fitted and q.n_features == D
    assert q.options() == p.options()
    np.testing.assert_array_equal(q.transform(X_other), p.transform(X_other))
    np.testing.assert_array_equal(q.inverse_transform(X_other), p.inverse_transform(X_other))
    # the state is a copy: mutating it does not touch the fitted step
    for value in state.values():
        if isinstance(value, np.ndarray):
            value[...] = 0.0
    np.testing.assert_array_equal(q.transform(X_other), p.transform(X_other))


def test_unfitted_state_dict_holds_options_only():
    p = ZCAWhitening(eps=1e-3)
    assert p.state_dict() == {"eps": 1e-3}
    q = ZCAWhitening()
    q.load_state_dict({"eps": 1e-3})
    assert q.eps == 1e-3 and not q.is_fitted


def test_load_state_dict_validation(X_train):
    good = ZCAWhitening(eps=1e-5).fit(X_train).state_dict()
    target = ZCAWhitening(eps=1e-2).fit(X_train[:100])
    before = target.transform(X_train)

    def bad(change, match):
        state = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in good.items()}
        change(state)
        with pytest.raises(ValueError, match=match):
            target.load_state_dict(state)
        # nothing half-loaded
        np.testing.assert_array_equal(target.transform(X_train), before)
        assert target.eps == 1e-2

    bad(lambda s: s.pop("mean"), "missing array.*mean")
    bad(lambda s: s.pop("eps"), "missing key.*eps")
    bad(lambda s: s.update(extra=np.zeros(3)), "unknown key.*extra")
    bad(lambda s: s.update(mean=np.zeros(4)), r"'eigenvalues' has shape \(5,\), expected \(4,\)")
    bad(lambda s: s.update(mean=np.zeros((5, 1))), r"'mean' has shape \(5, 1\)")
    bad(lambda s: s.update(eigenvectors=np.eye(4)), "'eigenvectors' has shape")
    bad(lambda s: s["mean"].__setitem__(0, np.nan), "non-finite")
    bad(lambda s: s.update(eps=-1.0), "eps must be")
    bad(lambda s: s.update(eps=np.array([1.0, 2.0])), "single number")
    bad(lambda s: s["eigenvectors"].__setitem__((0, 0), 5.0), "orthonormal")
    bad(lambda s: s["eigenvalues"].__setitem__(0, -1.0), "eigenvalues.*>= 0")
    bad(lambda s: s.update(mean="abc"), "not a numeric array")
    with pytest.raises(ValueError, match="expected a dict"):
        target.load_state_dict([1, 2])

    s = Standardize().fit(X_train).state_dict()
    s["scale"][0] = 0.0
    with pytest.raises(ValueError, match="scale"):
        Standardize().load_state_dict(s)


def test_load_state_dict_rejects_a_singular_state_without_eps(X_train):
    state = PCAWhitening(eps=0.0).fit(X_train).state_dict()
    state["eigenvalues"][-1] = 0.0
    with pytest.raises(ValueError, match="singular"):
        PCAWhitening().load_state_dict(state)


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_before_fit(name):
    p = pp.create(name)
    assert not p.is_fitted and p.n_features is None
    with pytest.raises(ValueError, match="not fitted"):
        p.transform(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        p.inverse_transform(np.zeros((3, 2)))


@pytest.mark.parametrize("name", ALL_NAMES)
def test_wrong_column_count(name, X_train):
    p = pp.create(name).fit(X_train)
    with pytest.raises(ValueError, match="expected 5 feature column.*got 3"):
        p.transform(X_train[:, :3])
    with pytest.raises(ValueError, match="expected 5 feature column.*got 6"):
        p.inverse_transform(np.zeros((2, 6)))


@pytest.mark.parametrize("name", ALL_NAMES)
@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_non_finite_input(name, bad_value, X_train):
    X = X_train.copy()
    X[3, 2] = bad_value
    with pytest.raises(ValueError, match="non-finite"):
        pp.create(name).fit(X)
    p = pp.create(name).fit(X_train)
    with pytest.raises(ValueError, match="non-finite"):
        p.transform(X)
    with pytest.raises(ValueError, match="non-finite"):
        p.inverse_transform(X)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.zeros(5), "2-D"),
        (np.zeros((2, 2, 2)), "2-D"),
        (np.zeros((0, 3)), "at least one sample"),
        ([["a", "b"]], "not a numeric array"),
        (np.ones((2, 2), dtype=complex), "complex"),
    ],
)
def test_bad_fit_input(X, match):
    with pytest.raises(ValueError, match=match):
        Standardize().fit(X)


def test_transform_of_zero_rows_is_allowed(X_train):
    p = ZCAWhitening().fit(X_train)
    assert p.transform(np.zeros((0, D))).shape == (0, D)


# --------------------------------------------------------------------------- pipeline


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


def test_pipeline_state_round_trip(X_train, X_other):
    config = [
        {"name": "mean_cancellation"},
        {"name": "pca_whitening", "eps": 1e-6},
        {"name": "min_max", "feature_range": [-1.0, 1.0]},
    ]
    pipe = make_pipeline(config).fit(X_train)
    state = pipe.state_dict()
    assert state["n_features"] == 5.0
    assert all(isinstance(v, (float, np.ndarray)) for v in state.values())
    buf = io.BytesIO()
    np.savez(buf, **state)
    buf.seek(0)
    with np.load(buf) as npz:
        loaded = {k: npz[k] for k in npz.files}
    other = make_pipeline(config)
    other.load_state_dict(loaded)
    assert other.is_fitted
    np.testing.assert_array_equal(other.transform(X_other), pipe.transform(X_other))
    np.testing.assert_array_equal(other.inverse_transform(X_other), pipe.inverse_transform(X_other))


def test_pipeline_load_is_all_or_nothing(X_train):
    config = [{"name": "standardize"}, {"name": "zca_whitening"}]
    state = make_pipeline(config).fit(X_train).state_dict()
    target = make_pipeline(config)
    broken = dict(state)
    broken["1.mean"] = np.zeros(3)
    with pytest.raises(ValueError, match="pipeline step 1.*has shape"):
        target.load_state_dict(broken)
    assert not target.is_fitted and not target.steps[0].is_fitted
    with pytest.raises(ValueError, match="unexpected key '2.mean'"):
        target.load_state_dict({**state, "2.mean": np.zeros(5)})
    # a state from a different pipeline layout is refused
    with pytest.raises(ValueError, match="pipeline step 0.*unknown key"):
        make_pipeline([{"name": "min_max"}, {"name": "zca_whitening"}]).load_state_dict(state)
    # features mismatch
    with pytest.raises(ValueError, match="n_features"):
        target.load_state_dict({**state, "n_features": 4.0})


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


# --------------------------------------------------------------------------- ellipse


def test_covariance_ellipse_points_lie_on_the_mahalanobis_contour():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2000, 2)) @ np.array([[3.0, 0.0], [2.0, 0.5]]) + [4.0, -1.0]
    pts = covariance_ellipse(X, n_std=2.0, n_points=64)
    assert pts.shape == (64, 2)
    np.testing.assert_allclose(pts[0], pts[-1], atol=1e-12)  # closed curve
    mu = X.mean(axis=0)
    Cinv = np.linalg.inv(pop_cov(X))
    d = pts - mu
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", d, Cinv, d), 4.0, rtol=1e-10)
    # after whitening the ellipse of the training data is a circle of radius n_std
    Z = ZCAWhitening(eps=0.0).fit_transform(X)
    circle = covariance_ellipse(Z, n_std=1.5)
    np.testing.assert_allclose(np.linalg.norm(circle - Z.mean(axis=0), axis=1), 1.5, rtol=1e-8)


def test_covariance_ellipse_degenerate_and_bad_input():
    pts = covariance_ellipse(np.ones((5, 2)))
    np.testing.assert_array_equal(pts, np.ones((100, 2)))
    with pytest.raises(ValueError, match="expected 2 feature columns"):
        covariance_ellipse(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="n_std"):
        covariance_ellipse(np.zeros((4, 2)), n_std=0)
    with pytest.raises(ValueError, match="n_points"):
        covariance_ellipse(np.zeros((4, 2)), n_points=2)
    with pytest.raises(ValueError, match="non-finite"):
        covariance_ellipse(np.array([[0.0, np.nan], [1.0, 2.0]]))


def test_covariance_helper_centres_first():
    X = np.array([[10.0, 1.0], [12.0, 3.0], [14.0, 2.0]])
    mu, C = pp.covariance(X)
    np.testing.assert_allclose(mu, [12.0, 2.0])
    np.testing.assert_allclose(C, np.cov(X.T, bias=True))
    # the slide's X^T X / N (without centring) is not the covariance
    assert not np.allclose(C, X.T @ X / 3)
