"""Tests for core.lab.player, without a widget: stepping replays then races on,
scrubbing stays within what is recorded, playing is plain data driven by tick(),
edits re-race to the same step or start again, refused edits change nothing,
and the frames say what each racer shows at the view step."""

from __future__ import annotations

import numpy as np
import pytest

from core.lab.model import LABELS, LECTURE, PRESETS, LabModel
from core.lab.player import LabPlayer, RacerFrame
from core.lab.race import PathRace, Racer, RaceStop
from core.lab.surfaces import SURFACES


def only(*names: str) -> LabPlayer:
    model = LabModel(racers=names)
    return LabPlayer(model)


def test_starts_on_the_lecture_comparison_at_step_zero():
    p = LabPlayer()
    assert p.model.surface_name == "beale" and p.model.enabled == set(LECTURE)
    assert (p.view_step, p.head, p.playing, p.speed, p.stop_at) == (0, 0, False, 2, 500)
    assert list(p.paths) == [LABELS[n] for n in LECTURE]
    assert p.race.start == SURFACES.get("beale").start
    frames = p.frames()
    assert list(frames) == p.model.names  # every racer the lab offers, in order
    assert [n for n, f in frames.items() if f is not None] == list(LECTURE)
    f = frames["adam"]
    assert isinstance(f, RacerFrame) and f.label == "Adam" and f.shown == 0
    assert f.point == SURFACES.get("beale").start and not f.diverged and not f.recorded


def test_step_races_the_same_paths_as_a_hand_built_race():
    p = only("sgd", "adam")
    p.step(3)
    p.step(22)
    assert (p.view_step, p.head) == (25, 25)
    ref = PathRace("beale", [Racer("SGD", "sgd", p.model.hyper("sgd")),
                             Racer("Adam", "adam", p.model.hyper("adam"))])
    ref.step(25)
    for label, path in ref.paths().items():
        np.testing.assert_array_equal(p.paths[label].points, path.points)
    assert p.frames()["sgd"].point == tuple(ref.paths()["SGD"].points[25])


def test_scrub_moves_within_the_recording_and_step_replays_first():
    p = only("sgd", "momentum")
    p.step(60)
    recorded = p.paths
    for k in (0, 17, 60):
        p.scrub(k)
        assert p.view_step == k and p.head == 60
        f = p.frames()["momentum"]
        assert f.shown == k and f.point == tuple(recorded["Momentum"].points[k])
        assert f.recorded == (k < 60)
    p.scrub(-5)
    assert p.view_step == 0
    p.scrub(10_000)
    assert p.view_step == 60
    p.scrub(30)
    p.step(1)  # replays the recorded step 31: the race is not touched
    assert (p.view_step, p.head) == (31, 60) and p.paths is recorded


def test_scrubbing_or_stepping_pauses():
    p = LabPlayer()
    p.step(10)
    assert p.play() and p.playing
    p.scrub(3)
    assert not p.playing and p.view_step == 3
    p.play()
    p.step()
    assert not p.playing


def test_tick_advances_by_the_speed_and_pauses_at_stop_at():
    p = only("adam")
    p.set_speed(3)
    p.set_stop_at(20)
    assert p.tick() is None and p.view_step == 0  # not playing: nothing happens
    assert p.play()
    whys = [p.tick() for _ in range(7)]
    assert whys == [None] * 6 + ["reached the last step"]
    assert (p.view_step, p.head, p.playing) == (20, 20, False)  # capped: 18 + 3 → 20
    # Play at the end starts again from step 0 with fresh optimizer state.
    generation = p.generation
    assert p.play() and p.playing and p.view_step == 0 and p.head == 0
    assert p.generation == generation + 1
    # Step goes on beyond stop_at.
    p.step(25)
    assert p.view_step == 25


def test_tick_pauses_when_every_racer_has_stopped():
    p = only("sgd")
    p.set_hyper("sgd", "lr", 1.0)  # leaves the box within a few steps
    p.play()
    why = None
    while why is None:
        why = p.tick()
    assert why == "all racers stopped" and not p.playing and p.race.running == []
    f = p.frames()["sgd"]
    assert f.diverged and f.path.stop_reason is RaceStop.LEFT_BOX
    # Scrubbed back before the divergence, the racer shows as running.
    p.scrub(f.path.diverged_at - 1)
    assert not p.frames()["sgd"].diverged


def test_play_without_racers_refuses():
    p = only("sgd")
    p.set_enabled("sgd", False)
    assert not p.play() and not p.playing
    assert all(f is None for f in p.frames().values())


def test_unchecking_every_racer_pauses():
    p = only("sgd")
    p.play()
    p.set_enabled("sgd", False)
    assert not p.playing


def test_a_hyper_edit_re_races_to_the_same_step():
    p = only("sgd", "adam")
    p.step(40)
    p.scrub(25)
    before, generation = p.paths, p.generation
    p.set_hyper("sgd", "lr", 0.004)
    assert (p.head, p.view_step) == (40, 25) and p.generation == generation + 1
    assert p.paths["SGD"].hyper["lr"] == 0.004
    assert not np.array_equal(p.paths["SGD"].points, before["SGD"].points)
    np.testing.assert_array_equal(p.paths["Adam"].points, before["Adam"].points)


def test_toggling_a_racer_noise_and_seed_keep_the_step():
    p = only("sgd")
    p.step(10)
    p.set_enabled("newton_damped", True)
    assert list(p.paths) == ["SGD", "Damped Newton"] and p.head == 10
    assert p.paths["Damped Newton"].points.shape == (11, 2)
    clean = p.paths["SGD"].points
    p.set_grad_noise(2.0)
    noisy = p.paths["SGD"].points
    assert p.race.grad_noise == 2.0 and noisy.shape == clean.shape
    assert not np.array_equal(noisy, clean)
    p.set_seed(7)
    assert not np.array_equal(p.paths["SGD"].points, noisy)
    p.set_seed(0)
    np.testing.assert_array_equal(p.paths["SGD"].points, noisy)


def test_an_option_edit_keeps_the_step_and_defaults_follow_it():
    p = LabPlayer()
    p.set_surface("ill_conditioned")
    p.step(15)
    p.set_option("condition", 200.0)
    assert p.head == 15 and p.race.surface is p.model.surface
    assert p.race.surface.options["condition"] == 200.0
    assert p.paths["SGD"].hyper["lr"] == pytest.approx(0.035 * 50 / 200)


def test_start_surface_preset_and_defaults_start_again():
    p = LabPlayer()
    p.step(20)
    p.set_start((2.0, 2.0))
    assert (p.view_step, p.head) == (0, 0) and p.race.start == (2.0, 2.0)
    p.set_hyper("sgd", "lr", 0.002)
    p.step(5)
    p.play()
    p.set_surface("rosenbrock")
    assert not p.playing and p.head == 0 and p.race.start == SURFACES.get("rosenbrock").start
    p.set_surface("beale")  # the edits of each surface are kept
    assert p.race.start == (2.0, 2.0) and p.paths["SGD"].hyper["lr"] == 0.002
    p.step(5)
    p.reset_defaults()
    assert p.head == 0 and p.race.start == SURFACES.get("beale").start
    assert p.paths["SGD"].hyper["lr"] == SURFACES.get("beale").hyper_for("sgd")["lr"]
    p.step(5)
    p.play()
    preset = p.apply_preset("valley")
    assert preset is PRESETS["valley"] and not p.playing and p.head == 0
    assert p.model.surface_name == "ill_conditioned"
    assert list(p.paths) == ["SGD", "Momentum", "Nesterov", "Newton"]


def test_restart_goes_back_to_zero_and_keeps_playing():
    p = LabPlayer(speed=5)
    p.step(30)
    first = p.paths["Adam"].points.copy()
    p.play()
    p.restart()
    assert p.playing and (p.view_step, p.head) == (0, 0)
    p.step(30)
    np.testing.assert_array_equal(p.paths["Adam"].points, first)  # fresh optimizer state


def test_refused_edits_change_nothing():
    p = only("adam")
    p.step(12)
    race, paths, generation = p.race, p.paths, p.generation
    for edit, args in [(p.set_hyper, ("adam", "beta1", 1.0)), (p.set_start, ((1e6, 0.0),)),
                       (p.set_option, ("nope", 1.0)), (p.set_grad_noise, (-1.0,)),
                       (p.set_seed, (-3,)), (p.set_enabled, ("rprop", True)),
                       (p.apply_preset, ("nope",)), (p.set_speed, (0,)),
                       (p.set_stop_at, (True,))]:
        with pytest.raises(ValueError):
            edit(*args)
    assert p.race is race and p.paths is paths and p.generation == generation
    assert (p.view_step, p.head, p.speed, p.stop_at) == (12, 12, 2, 500)
    assert p.model.hyper("adam")["beta1"] == 0.9 and not p.model.is_edited("adam", "beta1")
    with pytest.raises(ValueError, match="speed"):
        LabPlayer(speed=0)

