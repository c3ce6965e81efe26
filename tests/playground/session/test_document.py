"""The session document without a window: which edits need a fresh network, which
apply live, the dirty flag, what ``config_changed`` carries, and saving."""

from __future__ import annotations

import pytest

from core.train.config import SessionConfig, parse_config
from core.train.session import SessionError, load_session
from core.train.trainer import Trainer
from playground.session.document import ALL_SECTIONS, SessionDocument
from playground.session.edits import MAX_SEED, changed_sections
from playground.session.handover import RunState


class Spy:
    def __init__(self, doc: SessionDocument) -> None:
        self.changes: list[tuple] = []
        self.dirty: list[bool] = []
        self.titles: list[str] = []
        doc.config_changed.connect(lambda c, s, o: self.changes.append((c, s, o)))
        doc.dirty_changed.connect(self.dirty.append)
        doc.title_changed.connect(self.titles.append)


@pytest.fixture
def doc(qtbot):
    d = SessionDocument()
    d.load(SessionConfig())
    return d


RESET_EDITS = [("network", {"hidden": [4]}), ("network", {"activation": "relu"}),
               ("network", {"batch_norm": True}), ("network", {"initializer": "he_normal"}),
               ("network", {"loss": "mse"}), ("data", {"noise": 0.3}),
               ("data", {"val_ratio": 0.3}), ("data", {"name": "xor"}),
               ("training", {"seed": 5}), ("training", {"batch_size": 8}),
               ("training", {"shuffle": "sorted"}), ("training", {"eval_every": 3})]


@pytest.mark.parametrize(("section", "value"), RESET_EDITS)
def test_structural_edits_need_a_fresh_network(doc, section, value):
    edit = doc.propose(section, value)
    assert edit.ok and not edit.unchanged
    assert edit.needs_reset
    assert edit.hyper == {} and edit.optimizer_switch is None


def test_optimizer_edits_and_the_run_length_apply_live(doc):
    assert doc.config.optimizer.name == "adam"
    tuned = doc.propose("optimizer", {"name": "adam", "hyper": {"lr": 0.05}})
    assert tuned.ok and not tuned.needs_reset
    assert tuned.hyper == {"lr": 0.05} and tuned.optimizer_switch is None

    switched = doc.propose("optimizer", {"name": "rmsprop", "hyper": {"lr": 0.01}})
    assert switched.ok and not switched.needs_reset
    assert switched.optimizer_switch == ("rmsprop", {"lr": 0.01})
    assert switched.hyper == {}  # a fresh optimizer gets all of its hyper-parameters

    longer = doc.propose("training", {"steps": 5000})
    assert longer.ok and not longer.needs_reset and not longer.unchanged
    assert longer.hyper == {} and longer.optimizer_switch is None


def test_the_same_values_change_nothing_and_equivalent_spellings_need_no_reset(doc):
    assert doc.propose("training", {"seed": doc.config.training.seed}).unchanged
    n = len(doc.config.network.hidden)
    spelled = doc.propose("network", {"activation": ["tanh"] * n})
    assert spelled.ok and not spelled.needs_reset


def test_fields_a_panel_does_not_show_are_kept(qtbot):
    d = SessionDocument()
    d.load(parse_config({"network": {"hidden": [5], "bn_momentum": 0.2, "noise_sigma": 0.3}}))
    edit = d.propose("network", {"hidden": [3, 3]})
    assert edit.new.network.hidden == [3, 3]
    assert (edit.new.network.bn_momentum, edit.new.network.noise_sigma) == (0.2, 0.3)


def test_an_invalid_edit_names_the_field_and_changes_nothing(doc):
    spy = Spy(doc)
    before = doc.config
    edit = doc.propose("network", {"hidden": [0]})
    assert not edit.ok and not edit.needs_reset and edit.hyper == {}
    assert edit.errors[0].loc[:2] == ("network", "hidden")
    assert "at least 1" in edit.errors[0].message
    assert doc.config is before and spy.changes == [] and not doc.dirty
    with pytest.raises(ValueError, match="section"):
        doc.propose("title", {})


def test_replace_emits_the_new_config_its_sections_and_origin_and_makes_it_dirty(doc):
    spy = Spy(doc)
    edit = doc.propose("optimizer", {"name": "sgd", "hyper": {"lr": 0.1}})
    doc.replace(edit.new, origin="optimizer")
    assert doc.config is edit.new and doc.dirty
    assert spy.changes == [(edit.new, frozenset({"optimizer"}), "optimizer")]
    assert spy.dirty == [True]
    doc.replace(doc.propose("training", {"seed": 3}).new)  # already dirty: no new signal
    assert spy.dirty == [True]
    assert spy.changes[-1][1:] == (frozenset({"training"}), "")
    assert spy.changes[-1][0].training.seed == 3
    doc.replace(doc.config)  # the same config: nothing happens
    assert len(spy.changes) == 2


def test_load_shows_every_section_clean_and_revert_shows_a_section_again(doc, tmp_path):
    doc.replace(doc.propose("training", {"seed": 3}).new)
    spy = Spy(doc)
    cfg = parse_config({"title": "other", "training": {"seed": 9}})
    doc.load(cfg, tmp_path / "a.opg", step=40)
    assert spy.changes == [(cfg, ALL_SECTIONS, "")]
    assert spy.dirty == [False] and not doc.dirty
    assert doc.title == "a.opg" and spy.titles == ["a.opg"] and doc.saved_step == 40
    doc.revert("data")
    assert spy.changes[-1] == (cfg, frozenset({"data"}), "")
    assert not doc.dirty


def test_embedded_data_is_kept_for_a_new_split_and_dropped_for_other_data(qtbot):
    d = SessionDocument()
    raw = object()  # stands for the Dataset an .opg file carried
    d.load(parse_config({"data": {"name": "csv", "csv_path": "/data/x.csv"}}), raw=raw)
    split = d.propose("data", {"val_ratio": 0.4}).new
    assert d.raw_for(split) is raw
    d.replace(split)
    assert d.raw is raw
    other = d.propose("data", {"name": "spiral", "csv_path": None}).new
    assert d.raw_for(other) is None
    d.replace(other)
    assert d.raw is None


def test_changed_sections_and_the_seed_range():
    a = SessionConfig()
    b = parse_config({"training": {"seed": 2}, "network": {"hidden": [2]}})
    assert changed_sections(a, b) == {"training", "network"}
    assert changed_sections(a, a) == frozenset()
    assert MAX_SEED == 2**31 - 1


def test_write_saves_the_handed_over_state_and_cleans_the_session(doc, tmp_path):
    trainer = Trainer(doc.config)
    trainer.run(30)
    state = RunState.of(trainer, run_id=1)
    doc.replace(doc.propose("training", {"steps": 700}).new)
    spy = Spy(doc)
    path = tmp_path / "run.opg"
    doc.write(path, doc.config, state)
    assert not doc.dirty and spy.dirty == [False]
    assert doc.path == path and doc.saved_step == 30 and spy.titles == ["run.opg"]
    loaded = load_session(path)
    assert loaded.config == doc.config and loaded.trainer().step == 30
    # A JSON export of the config does not become the session's file.
    doc.write(tmp_path / "config.json", doc.config, state)
    assert doc.path == path


def test_a_config_changed_since_the_request_stays_dirty(doc, tmp_path):
    requested = doc.config
    doc.replace(doc.propose("training", {"seed": 11}).new)
    doc.write(tmp_path / "s.opg", requested, None)
    assert doc.dirty
    assert load_session(tmp_path / "s.opg").config == requested


def test_a_failed_write_changes_nothing(doc, tmp_path):
    doc.replace(doc.propose("training", {"seed": 11}).new)
    with pytest.raises((SessionError, OSError)):
        doc.write(tmp_path / "missing" / "s.opg", doc.config, None)
    assert doc.dirty and doc.path is None
