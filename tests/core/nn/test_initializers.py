"""Tests for core.nn.initializers: variances, bounds, determinism, validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.nn import initializers as init
from core.nn.initializers import INITIALIZERS, describe, initialize, uniform_bound, variance

EXPECTED_NAMES = {
    "small_random",
    "xavier_uniform",
    "xavier_normal",
    "he_normal",
    "he_normal_fan_out",
    "he_uniform",
    "lecun_normal",
    "zeros",
}
RANDOM_NAMES = sorted(EXPECTED_NAMES - {"zeros"})
SHAPES = [(1000, 1000), (300, 50), (20, 700)]


def formula(name: str, n_in: int, n_out: int, sigma: float = 0.01) -> float:
    """The variances written out independently of the module."""
    return {
        "small_random": sigma**2,
        "xavier_uniform": 2.0 / (n_in + n_out),
        "xavier_normal": 2.0 / (n_in + n_out),
        "he_normal": 2.0 / n_in,
        "he_normal_fan_out": 2.0 / n_out,
        "he_uniform": 2.0 / n_in,
        "lecun_normal": 1.0 / n_in,
        "zeros": 0.0,
    }[name]


def pooled_draws(name: str, n_in: int, n_out: int, total: int = 1_000_000, **options):
    """Enough independent draws of one layer's weights to hold at least ``total`` values."""
    rng = np.random.default_rng(12345)
    reps = math.ceil(total / (n_in * n_out))
    return np.concatenate(
        [initialize(name, rng, n_in, n_out, **options).ravel() for _ in range(reps)]
    )


def test_registry_has_every_initializer_of_the_design():
    assert set(INITIALIZERS.names()) == EXPECTED_NAMES
    assert set(init.names()) == EXPECTED_NAMES


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_shape_dtype_and_fresh_array(name):
    rng = np.random.default_rng(0)
    w = initialize(name, rng, 7, 3)
    assert w.shape == (7, 3)
    assert w.dtype == np.float64
    assert w.flags.writeable
    assert np.all(np.isfinite(w))
    # the registry entry is callable directly with the common signature
    w2 = INITIALIZERS.get(name)(np.random.default_rng(0), 7, 3)
    np.testing.assert_array_equal(w, w2)


@pytest.mark.parametrize("name", RANDOM_NAMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_measured_variance_matches_formula_within_3_percent(name, shape):
    n_in, n_out = shape
    w = pooled_draws(name, n_in, n_out)
    expected = formula(name, n_in, n_out)
    assert variance(name, n_in, n_out) == pytest.approx(expected, rel=1e-12)
    measured = np.mean(w**2)  # the mean is 0 by construction: E[w^2] = Var(w)
    assert measured == pytest.approx(expected, rel=0.03)
    assert np.var(w) == pytest.approx(expected, rel=0.03)


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_mean_is_zero(name):
    n_in, n_out = 400, 300
    w = pooled_draws(name, n_in, n_out)
    std_of_mean = math.sqrt(formula(name, n_in, n_out) / w.size)
    assert abs(w.mean()) < 5.0 * std_of_mean


@pytest.mark.parametrize("sigma", [0.01, 0.5, 3.0])
def test_small_random_sigma_option(sigma):
    w = pooled_draws("small_random", 100, 100, sigma=sigma)
    assert np.var(w) == pytest.approx(sigma**2, rel=0.03)
    assert variance("small_random", 5, 5, sigma=sigma) == pytest.approx(sigma**2)


def test_small_random_default_sigma_is_0_01():
    assert init.DEFAULT_SIGMA == 0.01
    assert variance("small_random", 10, 10) == pytest.approx(1e-4)


@pytest.mark.parametrize("name", ["xavier_uniform", "xavier_normal", "he_normal", "he_uniform"])
def test_sigma_is_ignored_by_width_based_initializers(name):
    a = initialize(name, np.random.default_rng(3), 40, 30)
    b = initialize(name, np.random.default_rng(3), 40, 30, sigma=7.0)
    np.testing.assert_array_equal(a, b)


def test_unknown_extra_options_are_ignored():
    a = initialize("he_normal", np.random.default_rng(3), 4, 5)
    b = initialize("he_normal", np.random.default_rng(3), 4, 5, gain=2.0)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "name, bound_formula",
    [
        ("xavier_uniform", lambda n_in, n_out: math.sqrt(6.0) / math.sqrt(n_in + n_out)),
        ("he_uniform", lambda n_in, n_out: math.sqrt(6.0 / n_in)),
    ],
)
@pytest.mark.parametrize("shape", [(1000, 1000), (64, 10)])
def test_uniform_bounds(name, bound_formula, shape):
    n_in, n_out = shape
    bound = bound_formula(n_in, n_out)
    assert uniform_bound(name, n_in, n_out) == pytest.approx(bound, rel=1e-14)
    w = pooled_draws(name, n_in, n_out)
    top = np.max(np.abs(w))
    assert top <= bound
    assert top > 0.999 * bound
    # and the variance of U[-a, a] is a^2 / 3
    assert variance(name, n_in, n_out) == pytest.approx(bound**2 / 3.0, rel=1e-12)


def test_xavier_uniform_uses_the_square_root_not_the_slide_bound():
    n_in, n_out = 50, 30
    slide_bound = math.sqrt(6.0) / (n_in + n_out)  # the slide's (wrong) formula
    w = initialize("xavier_uniform", np.random.default_rng(0), n_in, n_out)
    assert np.max(np.abs(w)) > 5 * slide_bound
    assert "sqrt" in init.xavier_uniform.__doc__ and "slide" in init.xavier_uniform.__doc__


def test_uniform_bound_is_none_for_non_uniform():
    assert uniform_bound("he_normal", 3, 4) is None
    assert uniform_bound("zeros", 3, 4) is None


def test_zeros_are_all_zero_and_use_no_randomness():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    w = initialize("zeros", rng, 13, 17)
    assert np.all(w == 0.0)
    assert variance("zeros", 13, 17) == 0.0
    assert rng.bit_generator.state == before


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_same_seed_same_array(name):
    a = initialize(name, np.random.default_rng(2024), 30, 20)
    b = initialize(name, np.random.default_rng(2024), 30, 20)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_different_seed_or_next_draw_differs(name):
    rng = np.random.default_rng(1)
    a = initialize(name, rng, 30, 20)
    b = initialize(name, rng, 30, 20)
    c = initialize(name, np.random.default_rng(2), 30, 20)
    assert not np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_randomness_only_through_the_rng_passed_in():
    np.random.seed(0)
    legacy_before = np.random.get_state()[1].copy()
    initialize("he_normal", np.random.default_rng(5), 10, 10)
    np.testing.assert_array_equal(np.random.get_state()[1], legacy_before)


def test_numpy_integer_widths_accepted():
    w = initialize("xavier_normal", np.random.default_rng(0), np.int64(4), np.int32(6))
    assert w.shape == (4, 6)


@pytest.mark.parametrize(
    "fan_in, fan_out, match",
    [
        (0, 5, "fan_in must be >= 1"),
        (5, 0, "fan_out must be >= 1"),
        (-3, 5, "fan_in must be >= 1"),
        (5, -1, "fan_out must be >= 1"),
        (2.0, 5, "fan_in must be an integer"),
        (5, "7", "fan_out must be an integer"),
        (True, 5, "fan_in must be an integer"),
        (None, 5, "fan_in must be an integer"),
    ],
)
def test_bad_widths_raise(fan_in, fan_out, match):
    with pytest.raises(ValueError, match=match):
        initialize("he_normal", np.random.default_rng(0), fan_in, fan_out)
    with pytest.raises(ValueError, match=match):
        variance("he_normal", fan_in, fan_out)


def test_unknown_name_raises_naming_the_choices():
    with pytest.raises(ValueError, match="unknown initializer 'glorot'.*xavier_uniform"):
        initialize("glorot", np.random.default_rng(0), 3, 3)
    with pytest.raises(ValueError, match="unknown initializer"):
        variance("glorot", 3, 3)
    with pytest.raises(ValueError, match="unknown initializer"):
        describe("glorot")


@pytest.mark.parametrize("sigma", [0.0, -0.1, float("nan"), float("inf"), "0.1", True])
def test_bad_sigma_raises(sigma):
    with pytest.raises(ValueError, match="sigma must be a positive finite number"):
        initialize("small_random", np.random.default_rng(0), 3, 3, sigma=sigma)
    with pytest.raises(ValueError, match="sigma"):
        variance("small_random", 3, 3, sigma=sigma)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        initialize("he_normal", 42, 3, 3)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        initialize("he_normal", np.random.RandomState(0), 3, 3)


@pytest.mark.parametrize("name", sorted(EXPECTED_NAMES))
def test_describe_and_docstrings(name):
    text = describe(name)
    assert isinstance(text, str) and text and "\n" not in text
    fn = INITIALIZERS.get(name)
    assert fn.describe == text
    doc = fn.__doc__
    assert doc and "Var(w)" in doc
    if name != "zeros":
        assert any(ref in doc for ref in ("Glorot", "He et al.", "LeCun")), name


def test_variance_values_for_a_known_layer():
    assert variance("xavier_normal", 100, 300) == pytest.approx(2 / 400)
    assert variance("he_normal", 100, 300) == pytest.approx(2 / 100)
    assert variance("he_normal_fan_out", 100, 300) == pytest.approx(2 / 300)
    assert variance("lecun_normal", 100, 300) == pytest.approx(1 / 100)
