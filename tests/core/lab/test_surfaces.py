"""Tests for core.lab.surfaces: analytic gradients and Hessians against central finite
differences, the listed minima and saddles, the vectorised grid, contour levels,
per-surface defaults and the factory options."""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import numpy as np
import pytest

from core.lab.surfaces import SURFACES, Surface, make_surface, surface_options
from core.optim import OPTIMIZERS, create

NAMES = ["rosenbrock", "beale", "himmelblau", "saddle", "ill_conditioned", "rastrigin"]

# Every registered surface plus non-default factory options, so the options are
# checked against finite differences too (a rotated valley has a non-zero ∂²f/∂x∂y).
VARIANTS = [(n, {}) for n in NAMES] + [
    ("rosenbrock", {"b": 10.0}),
    ("ill_conditioned", {"condition": 200.0, "angle": 30.0}),
    ("ill_conditioned", {"condition": 7.0, "angle": -115.0}),
    ("rastrigin", {"A": 3.0}),
]
VARIANT_IDS = [n + "".join(f"-{k}={v:g}" for k, v in o.items()) for n, o in VARIANTS]


def random_points(surface: Surface, n: int = 12, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = surface.window
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def fd_gradient(surface: Surface, p: np.ndarray, h: float = 1e-5) -> np.ndarray:
    g = np.empty(2)
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        g[i] = (surface.value(p + e) - surface.value(p - e)) / (2 * h)
    return g


def fd_hessian(surface: Surface, p: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """Central differences of the analytic gradient (column i = ∂∇f/∂p_i)."""
    H = np.empty((2, 2))
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        H[:, i] = (surface.gradient(p + e) - surface.gradient(p - e)) / (2 * h)
    return H


# ------------------------------------------------------------------ registry


def test_registry_lists_the_six_surfaces_in_order():
    assert SURFACES.names() == NAMES
    for name in NAMES:
        s = SURFACES.get(name)
        assert isinstance(s, Surface) and s.name == name
        assert make_surface(name) is s


def test_unknown_surface_and_bad_options_raise_value_error_naming_them():
    with pytest.raises(ValueError, match="'banana'"):
        make_surface("banana")
    with pytest.raises(ValueError, match="'banana'"):
        SURFACES.get("banana")
    with pytest.raises(ValueError, match="kappa"):
        make_surface("ill_conditioned", kappa=3.0)
    with pytest.raises(ValueError, match="condition"):
        make_surface("ill_conditioned", condition=0.5)
    with pytest.raises(ValueError, match="condition"):
        make_surface("ill_conditioned", condition=math.nan)
    with pytest.raises(ValueError, match="condition"):
        make_surface("ill_conditioned", condition=True)
    with pytest.raises(ValueError, match="no option"):
        make_surface("beale", b=3.0)
    assert surface_options("ill_conditioned") == {"condition": 50.0, "angle": 0.0}
    assert surface_options("beale") == {}


# ------------------------------------------------------- derivatives vs finite differences


@pytest.mark.parametrize(("name", "options"), VARIANTS, ids=VARIANT_IDS)
def test_gradient_matches_central_differences(name, options):
    s = make_surface(name, **options)
    for p in random_points(s):
        g = s.gradient(p)
        fd = fd_gradient(s, p)
        assert g.shape == (2,) and g.dtype == np.float64
        # relative to |g|, floored at 1 so a near-zero gradient is compared absolutely
        assert np.linalg.norm(g - fd) <= 1e-6 * max(np.linalg.norm(g), 1.0), (p, g, fd)


@pytest.mark.parametrize(("name", "options"), VARIANTS, ids=VARIANT_IDS)
def test_hessian_matches_central_differences_and_is_symmetric(name, options):
    s = make_surface(name, **options)
    for p in random_points(s, seed=1):
        H = s.hessian(p)
        fd = fd_hessian(s, p)
        assert H.shape == (2, 2) and H.dtype == np.float64
        assert H[0, 1] == H[1, 0]
        assert np.linalg.norm(H - fd) <= 1e-5 * max(np.linalg.norm(H), 1.0), (p, H, fd)


def test_hessian_check_would_catch_a_wrong_cross_term():
    """Guard the guard: a Hessian with its cross term off by 1 % fails the check."""
    s = SURFACES.get("beale")
    p = np.array([1.3, -0.7])
    H = s.hessian(p)
    H[0, 1] *= 1.01
    assert np.linalg.norm(H - fd_hessian(s, p)) > 1e-5 * np.linalg.norm(H)


# ----------------------------------------------------------------- stationary points


@pytest.mark.parametrize("name", NAMES)
def test_minima_have_zero_gradient_positive_definite_hessian_and_the_minimum_value(name):
    s = SURFACES.get(name)
    for m in s.minima:
        assert np.linalg.norm(s.gradient(m)) < 1e-8
        assert np.linalg.eigvalsh(s.hessian(m)).min() > 0.0
        assert abs(s.value(m) - s.min_value) < 1e-12
        assert s.distance_to_minimum(m) == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_listed_saddles_are_stationary_with_an_indefinite_hessian(name):
    s = SURFACES.get(name)
    for q in s.saddles:
        assert np.linalg.norm(s.gradient(q)) < 1e-8
        lo, hi = np.linalg.eigvalsh(s.hessian(q))
        assert lo < 0.0 < hi


def test_known_minima():
    assert SURFACES.get("rosenbrock").minima == ((1.0, 1.0),)
    assert SURFACES.get("beale").minima == ((3.0, 0.5),)
    assert SURFACES.get("beale").saddles == ((0.0, 1.0),)
    assert SURFACES.get("rastrigin").minima == ((0.0, 0.0),)
    assert SURFACES.get("ill_conditioned").minima == ((0.0, 0.0),)
    him = np.array(SURFACES.get("himmelblau").minima)
    assert him.shape == (4, 2)
    ref = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186],
                    [3.584428, -1.848126]])
    np.testing.assert_allclose(him, ref, atol=1e-6)
    assert len(SURFACES.get("himmelblau").saddles) == 4


def test_rastrigin_global_minimum_is_lowest_over_a_fine_grid():
    s = SURFACES.get("rastrigin")
    X, Y, Z = s.grid(513)
    assert Z.min() >= -1e-12
    assert s.value((0.0, 0.0)) == 0.0
    assert s.value((1.0, 0.0)) == pytest.approx(1.0)  # f(1, 0) = 1: a local bump above 0


def test_saddle_has_no_minimum_and_is_unbounded_below():
    s = SURFACES.get("saddle")
    assert s.minima == ()
    assert s.saddles == ((0.0, 0.0),)
    assert s.bounded_below is False and s.min_value == -math.inf
    assert math.isnan(s.distance_to_minimum((0.3, 0.4)))
    assert s.value((0.0, 10.0)) == -100.0
    np.testing.assert_array_equal(s.hessian((0.7, -0.2)), [[2.0, 0.0], [0.0, -2.0]])


def test_distance_to_minimum_is_to_the_nearest_one():
    s = SURFACES.get("himmelblau")
    assert s.distance_to_minimum((3.0, 2.5)) == pytest.approx(0.5)
    assert s.distance_to_minimum((-3.779310253377747, -3.0)) == pytest.approx(0.2831859912861696)


# -------------------------------------------------------------------- options


def test_ill_conditioned_quadratic_has_the_requested_condition_number_and_axis():
    q = SURFACES.get("ill_conditioned")
    np.testing.assert_array_equal(q.hessian((0.3, -2.0)), [[1.0, 0.0], [0.0, 50.0]])
    assert q.value((2.0, 1.0)) == 0.5 * (4.0 + 50.0)
    r = make_surface("ill_conditioned", condition=400.0, angle=30.0)
    w, v = np.linalg.eigh(r.hessian((0.0, 0.0)))
    np.testing.assert_allclose(w, [1.0, 400.0], rtol=1e-12)
    # the long (flat) axis of the valley points along 30°
    assert abs(v[:, 0] @ [math.cos(math.radians(30)), math.sin(math.radians(30))]) == (
        pytest.approx(1.0, abs=1e-12))
    assert r.options == {"condition": 400.0, "angle": 30.0}
    assert "400" in r.label
    # non-adaptive rates scale with 1/κ so they stay below the stability limit 2/κ
    assert r.hyper_for("sgd")["lr"] == pytest.approx(q.hyper_for("sgd")["lr"] * 50 / 400)
    assert r.hyper_for("sgd")["lr"] < 2 / 400
    assert r.hyper_for("adam") == q.hyper_for("adam")


def test_rosenbrock_b_and_rastrigin_a_options():
    r = make_surface("rosenbrock", b=10.0)
    assert r.value((0.0, 1.0)) == 1.0 + 10.0
    assert r.minima == ((1.0, 1.0),)
    a = make_surface("rastrigin", A=3.0)
    assert a.value((0.5, 0.0)) == pytest.approx(0.25 + 2 * 3.0)


# ------------------------------------------------------------------- grid and levels


@pytest.mark.parametrize(("name", "options"), VARIANTS, ids=VARIANT_IDS)
def test_value_grid_equals_value_pointwise(name, options):
    s = make_surface(name, **options)
    (x0, x1), (y0, y1) = s.window
    X, Y = np.meshgrid(np.linspace(x0, x1, 23), np.linspace(y0, y1, 17))
    Z = s.value_grid(X, Y)
    assert Z.shape == X.shape and Z.dtype == np.float64
    ref = np.array([[s.value((x, y)) for x, y in zip(rx, ry, strict=True)]
                    for rx, ry in zip(X, Y, strict=True)])
    np.testing.assert_allclose(Z, ref, rtol=1e-13, atol=1e-12)


def test_value_grid_and_point_validation():
    s = SURFACES.get("beale")
    with pytest.raises(ValueError, match="same shape"):
        s.value_grid(np.zeros((3, 4)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        s.value((1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="shape"):
        s.gradient([[1.0, 2.0]])
    X, Y, Z = s.grid(5)
    assert X.shape == Y.shape == Z.shape == (5, 5)
    assert (X[0, 0], Y[0, 0], X[-1, -1], Y[-1, -1]) == (-4.5, -4.5, 4.5, 4.5)


@pytest.mark.parametrize("name", NAMES)
def test_log_levels_are_ascending_and_log_spaced_above_the_minimum(name):
    s = SURFACES.get(name)
    levels = s.log_levels(25)
    assert levels.shape == (25,)
    assert np.all(np.diff(levels) > 0)
    _, _, Z = s.grid(201)
    fmin = min(Z.min(), s.min_value) if s.bounded_below else Z.min()
    shifted = levels - fmin
    assert shifted[0] == pytest.approx(s.level_floor, rel=1e-9)
    ratios = np.diff(np.log(shifted))
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-6)
    assert levels[-1] == pytest.approx(Z.max(), rel=1e-9)
    # the basin shows rings: at least 3 levels in the lowest percent of the range
    assert np.sum(shifted < 0.01 * (Z.max() - fmin)) >= 3
    # contouring the grid with these levels crosses every level somewhere
    assert all(Z.min() < lv < Z.max() for lv in levels[:-1])
    custom = s.log_levels(5, floor=1.0)
    assert custom[0] == pytest.approx(fmin + 1.0)
    with pytest.raises(ValueError):
        s.log_levels(1)
    with pytest.raises(ValueError, match="floor"):
        s.log_levels(10, floor=0.0)


# --------------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", NAMES)
def test_window_start_and_text(name):
    s = SURFACES.get(name)
    (x0, x1), (y0, y1) = s.window
    assert x0 < x1 and y0 < y1
    for x, y in (s.start, *s.minima, *s.saddles):
        assert x0 <= x <= x1 and y0 <= y <= y1
    assert math.isfinite(s.value(s.start))
    assert s.start not in s.minima
    assert s.label and s.formula.startswith("f =") and s.reference


@pytest.mark.parametrize("name", NAMES)
def test_default_hyper_covers_every_optimizer_and_is_accepted(name):
    s = SURFACES.get(name)
    assert set(s.default_hyper) == set(OPTIMIZERS.names()) | {"newton", "newton_damped"}
    for opt in OPTIMIZERS.names():
        hyper = s.hyper_for(opt)
        assert "lr" in hyper
        assert create(opt, **hyper).hyper == {**create(opt).hyper, **hyper}


def test_surfaces_are_immutable_and_hyper_for_returns_a_copy():
    s = SURFACES.get("rosenbrock")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.start = (0.0, 0.0)
    with pytest.raises(TypeError):
        s.default_hyper["adam"]["lr"] = 1.0
    h = s.hyper_for("adam")
    h["lr"] = 123.0
    assert s.hyper_for("adam")["lr"] != 123.0
    assert s.hyper_for("no-such-optimizer") == {}


def test_pickle_and_deepcopy_rebuild_the_same_surface():
    q = make_surface("ill_conditioned", condition=80.0, angle=10.0)
    for r in (pickle.loads(pickle.dumps(q)), copy.deepcopy(q)):
        assert r.options == q.options and r.window == q.window and r.start == q.start
        np.testing.assert_array_equal(r.hessian((1.0, 2.0)), q.hessian((1.0, 2.0)))
    assert pickle.loads(pickle.dumps(SURFACES.get("beale"))) is SURFACES.get("beale")
