"""Dotted-path config changes: what they change, and what they refuse."""

from __future__ import annotations

import pytest

from core.lessons import ChangeError, apply, apply_to_dict, load_preset, touched_sections
from core.lessons.changes import check_preset_name, preset_path
from core.train.config import config_to_dict

BASE = load_preset("07_batch_norm_off.json")


def test_a_change_replaces_exactly_its_field():
    new = apply(BASE, {"network.batch_norm": True, "training.grad_noise.eta": 0.2})
    a, b = config_to_dict(BASE), config_to_dict(new)
    assert b["network"]["batch_norm"] is True and b["training"]["grad_noise"]["eta"] == 0.2
    b["network"]["batch_norm"] = False
    b["training"]["grad_noise"]["eta"] = a["training"]["grad_noise"]["eta"]
    assert a == b


def test_free_tables_take_new_keys_and_a_value_replaces_a_whole_table():
    new = apply(BASE, {"optimizer.name": "adam", "optimizer.hyper": {"lr": 0.002}})
    assert new.optimizer.name == "adam" and new.optimizer.hyper == {"lr": 0.002}
    moment = apply(BASE, {"optimizer.name": "momentum", "optimizer.hyper.momentum": 0.5})
    assert moment.optimizer.hyper == {"lr": 0.5, "momentum": 0.5}  # a key added, lr kept
    with pytest.raises(ChangeError, match="momentum"):
        apply(BASE, {"optimizer.hyper.momentum": 0.5})  # SGD takes no momentum


@pytest.mark.parametrize("changes, message", [
    ({"network.batchnorm": True}, "names no config field"),
    ({"netwerk.hidden": [3]}, "names no config field"),
    ({"network.hidden.width": 3}, "is not a section"),
    ({"training.batch_size": 0}, "batch_size"),
    ({"network.activation": "swish"}, "swish"),
])
def test_bad_changes_are_refused_naming_them(changes, message):
    with pytest.raises(ChangeError, match=message):
        apply(BASE, changes)


@pytest.mark.parametrize("key", ["batch_norm", "network..x", "Network.hidden", "a.b c", ""])
def test_badly_spelled_paths_are_refused(key):
    with pytest.raises(ValueError, match="dotted config path"):
        apply_to_dict(config_to_dict(BASE), {key: 1})


def test_the_input_is_not_modified():
    doc = config_to_dict(BASE)
    before = repr(doc)
    apply_to_dict(doc, {"network.hidden": [1], "data.options.dim": 3})
    assert repr(doc) == before


def test_touched_sections_in_order():
    assert touched_sections({"training.seed": 1, "network.hidden": [2],
                             "training.steps": 3}) == ["training", "network"]


@pytest.mark.parametrize("name", ["../x.json", "/etc/passwd", "a/b.json", "x.txt", ".json",
                                  "x" * 90 + ".json"])
def test_presets_are_named_by_their_file_name_only(name):
    with pytest.raises(ValueError, match="file name"):
        check_preset_name(name)
    with pytest.raises(ValueError):
        preset_path(name)


def test_a_missing_preset_is_refused():
    with pytest.raises(ValueError, match="no preset"):
        load_preset("99_nothing.json")
