"""Tests for core.lab.race: Newton racers, the GD-versus-momentum comparison,
bit-identical agreement with hand-stepped optimizers, independent noise streams,
clean divergence, the incremental race, the per-surface defaults, validation and
CSV export."""

from __future__ import annotations

import csv
import io
import math
import warnings

import numpy as np
import pytest

from core.lab.race import (
    CSV_HEADER,
    PathRace,
    RacePath,
    Racer,
    RaceStop,
    divergence_box,
    paths_to_csv,
    racer_names,
    racer_rng,
    run_paths,
)
from core.lab.surfaces import SURFACES, make_surface
from core.optim import OPTIMIZERS, create
from core.optim.newton import DampedNewton, Newton

FIRST_ORDER = OPTIMIZERS.names()
ALL_RACERS = racer_names()


def hand_path(surface, name, hyper, start, n, *, noise=0.0, seed=0, label=None):
    """Step the optimizer objects by hand, exactly as documented in core.lab.race."""
    if name == "newton":
        opt = Newton(**hyper)
    elif name == "newton_damped":
        opt = DampedNewton(**hyper)
    else:
        opt = create(name, **hyper)
    rng = racer_rng(seed, label or name)
    p = np.array(start, dtype=np.float64)
    pts = [p.copy()]
    for _ in range(n):
        g = surface.gradient(p)
        if noise > 0:
            g = g + noise * rng.standard_normal(2)
        if name.startswith("newton"):
            opt.step(p, g, surface.hessian(p))
        else:
            opt.step(p, g)
        pts.append(p.copy())
    return np.array(pts)


def steps_until_within(distances: np.ndarray, tol: float) -> int:
    """First step from which the path stays within tol of the minimum for good."""
    outside = np.nonzero(distances >= tol)[0]
    assert outside.size < distances.size, "never got within tolerance"
    return int(outside[-1]) + 1


# -------------------------------------------------------------------- second order


@pytest.mark.parametrize(("condition", "angle"), [(50.0, 0.0), (1e4, 0.0), (300.0, 37.0)])
def test_newton_reaches_the_minimum_of_the_quadratic_in_one_step(condition, angle):
    q = make_surface("ill_conditioned", condition=condition, angle=angle)
    path = run_paths(q, [("newton", "newton", {})], None, 1)["newton"]
    assert path.steps_taken == 1
    assert np.linalg.norm(path.points[0]) > 1.0
    assert np.linalg.norm(path.points[1]) < 1e-12
    assert path.losses[1] < 1e-24


def test_newton_jumps_onto_the_saddle_and_damped_newton_escapes_it():
    s = SURFACES.get("saddle")
    paths = run_paths(s, ["newton", "newton_damped"], None, 200)
    np.testing.assert_array_equal(paths["newton"].points[1], [0.0, 0.0])
    assert paths["newton"].diverged_at is None
    assert paths["newton_damped"].stop_reason is RaceStop.LEFT_BOX
    assert abs(paths["newton_damped"].points[-1, 1]) > 10


def test_singular_hessian_gives_a_non_finite_step_that_the_race_reports():
    # Rastrigin's Hessian is singular where cos 2πx = −2/(4π²A); start there in x.
    s = SURFACES.get("rastrigin")
    x0 = math.acos(-2.0 / (4 * math.pi**2 * 10.0)) / (2 * math.pi)
    h = s.hessian((x0, 0.3))
    assert abs(h[0, 0]) < 1e-12
    path = run_paths(s, ["newton"], (x0, 0.3), 5)["newton"]
    assert path.diverged_at == 1
    assert path.stop_reason in (RaceStop.NON_FINITE, RaceStop.LEFT_BOX)
    assert path.points.shape == (1, 2) and np.all(np.isfinite(path.points))


# -------------------------------------------------------- the documented comparison


def test_gradient_descent_needs_many_more_steps_than_momentum_on_the_long_valley():
    """κ = 50 quadratic f = ½(x² + 50 y²), start (−3.5, 1), lr = 0.01 for both,
    momentum γ = 0.9, tolerance 1e-3 (steps until the path stays within it).

    Measured: gradient descent 812 steps, momentum 155 — a ratio of 5.2.
    GD contracts the flat direction by 1 − lr = 0.99 per step; momentum's
    modes all contract by √γ ≈ 0.949 (both roots complex for lr·λ ∈ {0.01, 0.5}).
    (With lr = 0.018 the ratio is only 450/155 = 2.9: momentum's rate √γ does
    not depend on lr, while GD's 1 − lr improves.)
    """
    q = make_surface("ill_conditioned", condition=50.0)
    paths = run_paths(q, [("gd", "sgd", {"lr": 0.01}),
                          ("momentum", "momentum", {"lr": 0.01, "momentum": 0.9})], None, 3000)
    gd = steps_until_within(paths["gd"].distances, 1e-3)
    mom = steps_until_within(paths["momentum"].distances, 1e-3)
    assert (gd, mom) == (812, 155)
    assert gd > 3 * mom


# ------------------------------------------------------- agreement with hand stepping


@pytest.mark.parametrize("noise", [0.0, 0.7])
@pytest.mark.parametrize("name", ALL_RACERS)
def test_runner_matches_hand_stepped_optimizers_bit_for_bit(name, noise):
    s = SURFACES.get("beale")
    hyper = s.hyper_for(name)
    path = run_paths(s, [Racer(name, name, hyper)], (0.7, 1.2), 60,
                     grad_noise=noise, seed=11)[name]
    assert path.diverged_at is None and path.steps_taken == 60
    ref = hand_path(s, name, hyper, (0.7, 1.2), 60, noise=noise, seed=11)
    np.testing.assert_array_equal(path.points, ref)
    np.testing.assert_array_equal(path.losses, [s.value(p) for p in ref])
    np.testing.assert_array_equal(path.distances, [s.distance_to_minimum(p) for p in ref])


def test_hyper_none_uses_the_surface_defaults_and_a_mapping_is_used_as_given():
    s = SURFACES.get("rosenbrock")
    paths = run_paths(s, [Racer("d", "adam"), Racer("m", "adam", {"lr": 0.1})], None, 5)
    assert paths["d"].hyper == {**create("adam").hyper, **s.hyper_for("adam")}
    assert paths["m"].hyper == {**create("adam").hyper, "lr": 0.1}
    np.testing.assert_array_equal(paths["d"].points, hand_path(s, "adam", s.hyper_for("adam"),
                                                               s.start, 5))


def test_noise_changes_the_path_reproducibly():
    s = SURFACES.get("himmelblau")
    a = run_paths(s, ["adam"], None, 50, grad_noise=2.0, seed=3)["adam"].points
    b = run_paths(s, ["adam"], None, 50, grad_noise=2.0, seed=3)["adam"].points
    c = run_paths(s, ["adam"], None, 50, grad_noise=2.0, seed=4)["adam"].points
    d = run_paths(s, ["adam"], None, 50)["adam"].points
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and not np.array_equal(a, d)


def test_adding_or_reordering_racers_does_not_change_the_others():
    s = SURFACES.get("beale")
    few = run_paths(s, ["sgd", "adam"], None, 80, grad_noise=1.5, seed=5)
    many = run_paths(s, ["rmsprop", "adam", ("sgd2", "sgd", {"lr": 0.002}), "sgd", "newton"],
                     None, 80, grad_noise=1.5, seed=5)
    assert list(many) == ["rmsprop", "adam", "sgd2", "sgd", "newton"]
    for label in ("sgd", "adam"):
        np.testing.assert_array_equal(few[label].points, many[label].points)
        np.testing.assert_array_equal(few[label].losses, many[label].losses)


# -------------------------------------------------------------------- divergence


def test_sgd_with_a_huge_rate_stops_cleanly_when_it_leaves_the_box():
    s = SURFACES.get("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run_paths(s, [("sgd", "sgd", {"lr": 0.05})], None, 100)["sgd"]
    assert path.diverged_at is not None and path.diverged
    assert path.stop_reason is RaceStop.LEFT_BOX
    assert path.steps_taken == path.diverged_at - 1 < 10
    assert path.points.shape == (path.diverged_at, 2)
    assert len(path.losses) == len(path.distances) == path.diverged_at
    assert np.all(np.isfinite(path.points)) and np.all(np.isfinite(path.losses))
    (xlo, xhi), (ylo, yhi) = divergence_box(s)
    assert np.all((xlo <= path.points[:, 0]) & (path.points[:, 0] <= xhi))
    assert np.all((ylo <= path.points[:, 1]) & (path.points[:, 1] <= yhi))
    # the failing step would have left the box: re-do it by hand
    p = path.points[-1].copy()
    create("sgd", lr=0.05).step(p, s.gradient(p))
    assert not (xlo <= p[0] <= xhi and ylo <= p[1] <= yhi)


def test_overflow_to_infinity_is_reported_as_non_finite_without_warnings():
    s = SURFACES.get("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = run_paths(s, [("sgd", "sgd", {"lr": 1e308})], None, 10)["sgd"]
    assert path.diverged_at == 1 and path.stop_reason is RaceStop.NON_FINITE
    np.testing.assert_array_equal(path.points, [s.start])


def test_a_diverged_racer_stays_stopped_while_the_others_go_on():
    race = PathRace("rosenbrock", [("bad", "sgd", {"lr": 0.05}), "adam"])
    race.step(50)
    race.step(50)
    paths = race.paths()
    assert race.running == ["adam"]
    assert paths["adam"].steps_taken == 100 and race.steps == 100
    assert paths["bad"].steps_taken == paths["bad"].diverged_at - 1


def test_divergence_box_is_ten_times_the_window():
    s = SURFACES.get("rosenbrock")  # window ((-2, 2), (-1, 3))
    assert divergence_box(s) == ((-20.0, 20.0), (-19.0, 21.0))


# --------------------------------------------------------------- incremental race


def test_path_race_in_chunks_equals_run_paths():
    s = SURFACES.get("himmelblau")
    racers = ALL_RACERS
    whole = run_paths(s, racers, None, 120, grad_noise=0.5, seed=2)
    race = PathRace(s, racers, grad_noise=0.5, seed=2)
    for n in (0, 1, 7, 50, 62):
        race.step(n)
    for label, path in race.paths().items():
        np.testing.assert_array_equal(path.points, whole[label].points)
        np.testing.assert_array_equal(path.losses, whole[label].losses)
        assert path.diverged_at == whole[label].diverged_at


def test_reset_restarts_from_a_new_start_with_fresh_state():
    s = SURFACES.get("beale")
    race = PathRace(s, ["adam", "momentum"], grad_noise=0.3, seed=9)
    race.step(40)
    race.reset((2.0, -1.0))
    assert race.start == (2.0, -1.0) and race.steps == 0
    race.step(30)
    fresh = run_paths(s, ["adam", "momentum"], (2.0, -1.0), 30, grad_noise=0.3, seed=9)
    for label, path in race.paths().items():
        np.testing.assert_array_equal(path.points, fresh[label].points)
    race.reset()  # same start again
    race.step(30)
    np.testing.assert_array_equal(race.paths()["adam"].points, fresh["adam"].points)


def test_paths_are_read_only_snapshots():
    race = PathRace("rosenbrock", ["adam"])
    race.step(10)
    snap = race.paths()["adam"]
    race.step(10)
    assert snap.steps_taken == 10 and snap.points.shape == (11, 2)
    assert race.paths()["adam"].points.shape == (21, 2)
    with pytest.raises(ValueError):
        snap.points[0, 0] = 1.0
    np.testing.assert_array_equal(snap.points[0], SURFACES.get("rosenbrock").start)


def test_long_runs_grow_the_buffers():
    path = run_paths("ill_conditioned", ["sgd"], None, 1000)["sgd"]
    assert path.points.shape == (1001, 2) and path.losses.shape == (1001,)
    assert np.all(np.diff(path.losses) <= 0)  # GD on a quadratic below 2/κ never goes up


# --------------------------------------------------------------- per-surface defaults


@pytest.mark.parametrize("surface", ["beale", "ill_conditioned", "rosenbrock"])
@pytest.mark.parametrize("name", ["adam", "momentum", "rmsprop"])
def test_defaults_make_the_main_optimizers_converge(surface, name):
    """Within 500 steps from the default start: within 0.25 of the minimum, or
    the loss down by a factor of 25 (RMSProp rattles across Rosenbrock's valley:
    f 12.5 → 0.36)."""
    s = SURFACES.get(surface)
    path = run_paths(s, [name], None, 500)[name]
    assert path.diverged_at is None
    assert path.distances[-1] < 0.25 or path.losses[-1] < path.losses[0] / 25
    if surface != "rosenbrock":
        assert path.distances[-1] < 0.02


@pytest.mark.parametrize("surface", ["rosenbrock", "beale", "himmelblau", "ill_conditioned",
                                     "rastrigin"])
def test_no_default_diverges_and_every_first_order_racer_makes_progress(surface):
    s = SURFACES.get(surface)
    paths = run_paths(s, ALL_RACERS, None, 500)
    for label, path in paths.items():
        assert path.diverged_at is None, label
        if label != "newton":  # plain Newton seeks any stationary point, may climb
            assert path.losses[-1] < 0.7 * path.losses[0], label


def test_on_the_saddle_racers_only_ever_leave_the_box():
    paths = run_paths("saddle", ALL_RACERS, None, 500)
    for label, path in paths.items():
        assert path.stop_reason in (None, RaceStop.LEFT_BOX), label
        assert np.all(np.isnan(path.distances))
        if label != "newton":
            assert path.losses[-1] < -20, label  # everyone escaped the saddle
    # plain gradient descent lingers near the saddle much longer than Adam
    sgd_y = np.abs(paths["sgd"].points[:, 1])
    adam_y = np.abs(paths["adam"].points[:, 1])
    assert np.argmax(sgd_y > 0.5) > 3 * np.argmax(adam_y > 0.5)


# --------------------------------------------------------------------- validation


def test_validation_errors_name_the_problem():
    with pytest.raises(ValueError, match="'banana'"):
        run_paths("banana", ["sgd"], None, 10)
    with pytest.raises(ValueError, match="'rprop'"):
        run_paths("beale", ["rprop"], None, 10)
    with pytest.raises(ValueError, match="'rprop'"):
        PathRace("beale", [Racer("x", "rprop")])
    with pytest.raises(ValueError, match="n_steps"):
        run_paths("beale", ["sgd"], None, -1)
    with pytest.raises(ValueError, match="n_steps"):
        run_paths("beale", ["sgd"], None, 2.5)
    with pytest.raises(ValueError, match="n_steps"):
        run_paths("beale", ["sgd"], None, True)
    for bad in [(math.nan, 0.0), (0.0, math.inf), (1.0, 2.0, 3.0), "xy"]:
        with pytest.raises(ValueError, match="start"):
            run_paths("beale", ["sgd"], bad, 10)
    with pytest.raises(ValueError, match="start"):
        run_paths("beale", ["sgd"], (1e6, 0.0), 10)  # outside the box
    with pytest.raises(ValueError, match="more than once"):
        run_paths("beale", ["sgd", ("sgd", "adam", None)], None, 10)
    with pytest.raises(ValueError, match="lr"):
        run_paths("beale", [("a", "adam", {"lr": -1.0})], None, 10)
    with pytest.raises(ValueError, match="momentum"):
        run_paths("beale", [("a", "adam", {"momentum": 0.9})], None, 10)
    with pytest.raises(ValueError, match="damping"):
        run_paths("beale", [("n", "newton_damped", {"damping": -1.0})], None, 10)
    with pytest.raises(ValueError, match="grad_noise"):
        run_paths("beale", ["sgd"], None, 10, grad_noise=-0.1)
    with pytest.raises(ValueError, match="seed"):
        run_paths("beale", ["sgd"], None, 10, seed=-1)
    race = PathRace("beale", ["sgd"])
    with pytest.raises(ValueError, match="steps"):
        race.step(-3)


def test_stop_reasons_are_str_enums_with_the_old_values():
    # The values are what CSV readers and older scripts saw; the GUI compares members.
    assert [r.value for r in RaceStop] == ["non-finite", "left box"]
    assert RaceStop.LEFT_BOX == "left box" and str(RaceStop.NON_FINITE) == "non-finite"
    path = run_paths("rosenbrock", [("sgd", "sgd", {"lr": 0.05})], None, 100)["sgd"]
    assert isinstance(path, RacePath) and isinstance(path.stop_reason, RaceStop)


def test_zero_steps_gives_the_start_only():
    s = SURFACES.get("beale")
    path = run_paths(s, ["adam"], None, 0)["adam"]
    assert path.steps_taken == 0 and path.diverged_at is None
    np.testing.assert_array_equal(path.points, [s.start])
    assert path.losses[0] == s.value(s.start)


# ----------------------------------------------------------------------- export


def test_csv_export_long_format(tmp_path):
    paths = run_paths("rosenbrock", ["adam", ("bad", "sgd", {"lr": 0.05}), "newton"], None, 25)
    target = tmp_path / "paths.csv"
    paths_to_csv(paths, target)
    with open(target, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_HEADER == ("racer", "step", "x", "y", "loss", "distance")
    body = rows[1:]
    for label, path in paths.items():
        mine = [r for r in body if r[0] == label]
        assert len(mine) == path.steps_taken + 1
        assert [int(r[1]) for r in mine] == list(range(path.steps_taken + 1))
        got = np.array([[float(v) for v in r[2:]] for r in mine])
        np.testing.assert_array_equal(got[:, :2], path.points)  # bit-exact round trip
        np.testing.assert_array_equal(got[:, 2], path.losses)
        np.testing.assert_array_equal(got[:, 3], path.distances)
    assert len(body) == sum(p.steps_taken + 1 for p in paths.values())
    assert paths["adam"].steps_taken == 25 and paths["bad"].steps_taken < 25

    buf = io.StringIO()
    paths_to_csv(paths, buf)
    assert buf.getvalue() == target.read_text(encoding="utf-8")


def test_csv_export_of_saddle_writes_nan_distances():
    buf = io.StringIO()
    paths_to_csv(run_paths("saddle", ["sgd"], None, 3), buf)
    lines = buf.getvalue().splitlines()
    assert len(lines) == 1 + 4
    assert all(line.endswith(",nan") for line in lines[1:])
