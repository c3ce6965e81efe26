"""Variants of a session as the Compare tab builds them (``catalog.axis`` expanded by
``make_spec``): labels, configs, and impossible variants."""

from __future__ import annotations

import pytest

from core.train import variants as v
from core.train.config import config_to_dict, parse_config
from core.train.sweep import catalog
from core.train.sweep.spec import make_spec

LECTURE = catalog.LECTURE_RATES


def variants(config, key, values=None):
    """(label, config) per variant of the Compare tab's setting ``key`` over ``values``."""
    if values is None:
        values = list(catalog.by_key(key).checked)
    spec = make_spec(config, [catalog.axis(config, key, values)],
                     seeds=[config.training.seed])
    return [(cell.label, parse_config(spec.cell_config(cell.values))) for cell in spec.cells]


def session(**sections):
    base = {"schema_version": 2, "title": "mine",
            "data": {"name": "moons", "n_samples": 120, "noise": 0.2},
            "network": {"hidden": [5, 3], "activation": "relu", "initializer": "lecun_normal"},
            "optimizer": {"name": "sgd", "hyper": {"lr": 0.3}},
            "training": {"batch_size": 16, "seed": 9}}
    for key, value in sections.items():
        base[key] = {**base.get(key, {}), **value}
    return parse_config(base)


def _without(config, section: str) -> dict:
    d = config_to_dict(config)
    d.pop(section)
    return d


def test_the_optimizer_variants_are_the_lecture_seven_at_their_preset_rates():
    cfg = session()
    out = variants(cfg, LECTURE)
    assert [label for label, _ in out] == [
        "sgd (lr 0.3)",  # the session's own optimizer keeps the session's settings
        "momentum (lr 0.05)", "nesterov (lr 0.05)", "adagrad (lr 0.05)",
        "rmsprop (lr 0.005)", "adadelta (lr 1)", "adam (lr 0.01)"]
    hyper = {c.optimizer.name: c.optimizer.hyper for _, c in out}
    assert hyper["sgd"] == {"lr": 0.3}
    assert hyper["momentum"] == {"lr": 0.05, "momentum": 0.9}
    assert hyper["rmsprop"] == {"lr": 0.005, "rho": 0.9}
    assert tuple(hyper) == v.LECTURE_OPTIMIZERS
    for _, c in out:  # only the optimizer differs from the session
        assert _without(c, "optimizer") == _without(cfg, "optimizer")


def test_an_optimizer_without_a_preset_races_with_its_defaults():
    out = variants(session(), LECTURE, ["nadam", "sgd"])
    assert [label for label, _ in out] == ["nadam (lr 0.002)", "sgd (lr 0.3)"]
    assert out[0][1].optimizer.name == "nadam" and out[0][1].optimizer.hyper == {}


def test_init_variants_are_xavier_and_he_with_everything_else_kept():
    cfg = session()
    out = variants(cfg, "initializer")
    assert [label for label, _ in out] == ["xavier_uniform", "he_normal"]
    assert [c.network.initializer for _, c in out] == ["xavier_uniform", "he_normal"]
    for _, c in out:
        assert _without(c, "network") == _without(cfg, "network")
        assert c.network.model_copy(update={"initializer": "lecun_normal"}) == cfg.network


def test_batch_norm_variants_are_off_then_on():
    cfg = session()
    out = variants(cfg, "batch_norm")
    assert [(label, c.network.batch_norm) for label, c in out] == [
        ("BN off", False), ("BN on", True)]
    for _, c in out:
        assert _without(c, "network") == _without(cfg, "network")


def test_an_impossible_variant_raises_naming_the_setting():
    cfg = session(training={"batch_size": 1})  # fine without batch norm ...
    with pytest.raises(ValueError, match="batch normalization needs a batch size"):
        variants(cfg, "batch_norm")  # ... but not with it


def test_an_optimizer_variant_with_a_bad_setting_names_the_field(monkeypatch):
    monkeypatch.setattr(v, "preset_hyper", lambda name: {"lr": -1.0})
    with pytest.raises(ValueError, match=r"optimizer: learning rate .*\(lr\), got -1"):
        variants(session(), LECTURE, ["momentum"])


def test_unknown_optimizers_and_settings_are_refused():
    with pytest.raises(ValueError, match="unknown optimizer 'lion'"):
        variants(session(), LECTURE, ["lion"])
    with pytest.raises(ValueError, match="no setting 'seeds'"):
        variants(session(), "seeds")


def test_preset_hyper_reads_the_lecture_presets(tmp_path, monkeypatch):
    assert v.preset_hyper("adadelta") == {"lr": 1.0, "rho": 0.95}
    assert v.preset_hyper("amsgrad") is None  # no preset shipped
    (tmp_path / "06_optimizer_1_sgd.json").write_text("{broken")
    monkeypatch.setattr(v, "PRESETS_DIR", tmp_path)
    assert v.preset_hyper("sgd") is None  # a damaged preset falls back to the defaults
