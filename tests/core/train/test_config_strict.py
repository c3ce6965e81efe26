"""Config types are strict: booleans and strings are not numbers anywhere."""

from __future__ import annotations

import pytest

from core.train.config import parse_config

CASES = {
    "lr true": ({"optimizer": {"name": "adam", "hyper": {"lr": True}}}, "optimizer.hyper.lr"),
    "hidden booleans": ({"network": {"hidden": [True, True]}}, "network.hidden.0"),
    "samples as text": ({"data": {"n_samples": "400"}}, "data.n_samples"),
    "samples as float": ({"data": {"n_samples": 400.0}}, "data.n_samples"),
    "noise true": ({"data": {"noise": True}}, "data.noise"),
    "batch norm 1": ({"network": {"batch_norm": 1}}, "network.batch_norm"),
    "seed 1.5": ({"training": {"seed": 1.5}}, "training.seed"),
    "batch false": ({"training": {"batch_size": False}}, "training.batch_size"),
    "option true": ({"data": {"name": "blobs", "options": {"n_classes": True}}},
                    "data.options.n_classes"),
    "patience true": ({"training": {"early_stopping": {"patience": True}}},
                      "training.early_stopping.patience"),
    "eps as text": ({"data": {"preprocessing": [{"name": "zca_whitening", "eps": "1e-5"}]}},
                    "data.preprocessing.0.eps"),
    "curriculum on as 1": ({"training": {"curriculum": {"enabled": 1}}},
                           "training.curriculum.enabled"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_non_numbers_are_refused_naming_the_field(case):
    cfg, field = CASES[case]
    with pytest.raises(ValueError) as err:
        parse_config(cfg)
    assert field in str(err.value)


def test_a_boolean_is_shown_as_such():
    with pytest.raises(ValueError, match="got true"):
        parse_config({"optimizer": {"name": "sgd", "hyper": {"lr": True}}})


def test_integers_are_fine_where_reals_are_expected():
    cfg = parse_config({"optimizer": {"name": "sgd", "hyper": {"lr": 1}}, "data": {"noise": 0}})
    assert cfg.optimizer.hyper["lr"] == 1.0 and isinstance(cfg.data.noise, float)
