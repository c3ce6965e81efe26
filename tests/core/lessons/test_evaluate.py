"""Claims are checked as they read: a true claim holds, the same claim turned round
fails, and the race metrics count what their names say."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import numpy as np
import pytest

from core.lab.model import LabModel
from core.lessons import LESSONS_DIR, check_lesson, parse_lesson
from core.lessons.claims import LabSetup
from core.lessons.evaluate import race_metric, race_paths

BN = json.loads((LESSONS_DIR / "26_batch_norm.json").read_text())


def lesson_with(claim: dict, base: dict = BN):
    doc = copy.deepcopy(base)
    doc["claims"] = [claim]
    return parse_lesson(doc, "t.json")


def holds(claim: dict, base: dict = BN) -> bool:
    (result,) = check_lesson(lesson_with(claim, base))
    return result.holds


LOSS = {"metric": "train_loss", "steps": [500, 600]}
ON = {"network.batch_norm": True}


def test_compare_holds_one_way_and_fails_the_other():
    assert holds({"kind": "compare", "measure": LOSS, "variant": ON, "expect": "lower",
                  "factor": 3.0})
    assert not holds({"kind": "compare", "measure": LOSS, "variant": ON, "expect": "higher"})
    assert not holds({"kind": "compare", "measure": LOSS, "variant": ON, "expect": "lower",
                      "factor": 1000.0})


def test_a_claim_fails_if_one_seed_fails():
    # Seed 1's BN-off loss over the window is 0.7002, seeds 0 and 2 are higher.
    claim = {"kind": "threshold", "measure": LOSS, "at_least": 0.7005, "seeds": [0, 2]}
    assert holds(claim)
    (result,) = check_lesson(lesson_with({**claim, "seeds": [0, 1, 2]}))
    assert not result.holds and "seed 1: 0.700" in result.detail


def test_threshold_relative_to_another_window():
    on = {"kind": "threshold", "changes": ON, "measure": LOSS, "relative_to": [1, 50]}
    assert holds({**on, "at_most": 0.5})  # with BN the loss falls to under half
    assert not holds({**on, "at_least": 0.5})


def test_layer_ratio_bounds():
    claim = {"kind": "layer_ratio", "metric": "grad_norm", "numerator": "output",
             "denominator": "hidden 1", "steps": [1]}
    assert holds({**claim, "at_least": 1000.0})  # BN off: the gradient vanishes
    assert not holds({**claim, "at_most": 1000.0})
    assert holds({**claim, "changes": ON, "at_most": 2.0})


def test_status_claims():
    assert holds({"kind": "status", "status": "running", "by_step": 50})
    assert not holds({"kind": "status", "status": "diverged", "by_step": 50})
    early = json.loads((LESSONS_DIR / "24_early_stopping.json").read_text())
    assert holds({"kind": "status", "status": "early_stopped", "by_step": 1000}, early)
    assert not holds({"kind": "status", "status": "early_stopped", "by_step": 100}, early)


def test_results_say_what_was_claimed_and_measured():
    (result,) = check_lesson(lesson_with({"kind": "compare", "measure": LOSS, "variant": ON,
                                          "expect": "lower", "factor": 3.0}))
    assert "network.batch_norm = True" in result.claim and "lower" in result.claim
    assert "lesson 0.70" in result.detail and "variant 0.15" in result.detail
    assert str(result).startswith("holds: ")


# -- races --------------------------------------------------------------------------------
def path(points, losses, distances):
    return SimpleNamespace(points=np.array(points, float), losses=np.array(losses, float),
                           distances=np.array(distances, float))


def test_race_metrics_count_what_they_say():
    p = path([[0, 0], [1, 1], [2, 0], [3, 1], [2.5, 1.5]], [5, 4, 4.5, 3, 1],
             [3, 2, 1.5, 0.5, 0.2])
    assert race_metric(p, "steps_to_tolerance", 0.5) == 3
    assert race_metric(p, "steps_to_tolerance", 0.1) == np.inf
    assert race_metric(p, "loss_increases", 0.1) == 1  # 4 -> 4.5
    # moves (1,1), (1,-1), (1,1), (-0.5,0.5): y turns back twice, x once (with y)
    assert race_metric(p, "reversals", 0.1) == 3


def test_race_paths_are_the_labs_race():
    setup = LabSetup(preset="valley", racers=["sgd", "nesterov"])
    paths = race_paths(setup, 50)
    assert set(paths) == {"sgd", "nesterov"}
    model = LabModel()
    model.apply_preset("valley")
    for name in model.names:
        model.set_enabled(name, name in ("sgd", "nesterov"))
    race = model.make_race()
    race.step(50)
    assert np.array_equal(race.paths()["Nesterov"].points, paths["nesterov"].points)


def test_race_claims_turn_round():
    nag = json.loads((LESSONS_DIR / "16_nesterov.json").read_text())
    fact = {"racer": "nesterov", "metric": "steps_to_tolerance", "less_than": "momentum"}
    race = {"kind": "race", "steps": 300, "tolerance": 1e-3, "facts": [fact]}
    assert holds(race, nag)
    swapped = {**fact, "racer": "momentum", "less_than": "nesterov"}
    assert not holds({**race, "facts": [swapped]}, nag)
    never = {"racer": "momentum", "metric": "steps_to_tolerance", "at_most": 100}
    assert not holds({**race, "facts": [never]}, nag)


@pytest.mark.parametrize("steps, reaches", [(50, False), (300, True)])
def test_a_racer_that_never_gets_there_takes_infinitely_many_steps(steps, reaches):
    paths = race_paths(LabSetup(preset="valley", racers=["sgd"]), steps)
    assert np.isfinite(race_metric(paths["sgd"], "steps_to_tolerance", 1e-3)) == reaches
