"""Session files: round trip, bad files give one clear error, atomic saves, migrations."""

from __future__ import annotations

import io
import json
import re
import zipfile

import numpy as np
import pytest

from core.train import session as sess
from core.train.config import SCHEMA_VERSION
from core.train.migrations import MigrationError
from core.train.session import SessionError, load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config


@pytest.fixture()
def trained(tmp_path):
    config = make_config()
    t = Trainer(config)
    t.run(40)
    path = tmp_path / "good.opg"
    save_session(path, config, t)
    return path, t


def test_round_trip_restores_config_weights_optimizer_and_history(trained):
    path, t = trained
    loaded = load_session(path)
    assert loaded.config == t.config
    again = loaded.trainer()
    np.testing.assert_array_equal(again.network.params, t.network.params)
    np.testing.assert_array_equal(again.snapshot().train_loss, t.snapshot().train_loss)
    assert again.optimizer.state_dict()["step"] == 40
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("session.json"))
    assert doc["config"]["schema_version"] == SCHEMA_VERSION  # human-readable JSON inside


def test_plain_json_config_saves_and_loads(tmp_path):
    config = make_config()
    path = tmp_path / "c.json"
    save_session(path, config)
    assert json.loads(path.read_text())["optimizer"]["name"] == "adam"
    assert load_session(path).config == config and load_session(path).state is None


def _corruptions(good: bytes):
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        doc = json.loads(zf.read("session.json"))
        arrays = zf.read("arrays.npz")

    def rezip(session_json, npz=arrays, name="session.json"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            zf.writestr(name, session_json)
            if npz is not None:
                zf.writestr("arrays.npz", npz)
        return out.getvalue()

    future = json.loads(json.dumps(doc))
    future["config"]["schema_version"] = SCHEMA_VERSION + 1
    wrong_type = json.loads(json.dumps(doc))
    wrong_type["config"]["training"]["batch_size"] = "many"
    unknown_opt = json.loads(json.dumps(doc))
    unknown_opt["config"]["optimizer"]["name"] = "lion"
    return {
        "truncated zip": (good[: len(good) // 2], "damaged or truncated"),
        "invalid JSON inside": (rezip(b"{not json"), "invalid JSON in session.json"),
        "foreign zip": (rezip(b"{}", None, name="word/document.xml"),
                        "no session.json"),
        "future version": (rezip(json.dumps(future)), "newer version"),
        "wrong type": (rezip(json.dumps(wrong_type)), "training.batch_size"),
        "unknown optimizer": (rezip(json.dumps(unknown_opt)), "unknown optimizer 'lion'"),
        "damaged arrays": (rezip(json.dumps(doc), arrays[:100]), "arrays.npz is damaged"),
        "missing arrays": (rezip(json.dumps(doc), None), "holds no weights"),
        "plain garbage": (b"\x00\x01\x02garbage", "invalid JSON|not a session"),
        "empty": (b"", "is empty"),
    }


@pytest.mark.parametrize("case", ["truncated zip", "invalid JSON inside", "foreign zip",
                                  "future version", "wrong type", "unknown optimizer",
                                  "damaged arrays", "missing arrays", "plain garbage", "empty"])
def test_bad_session_files_give_one_clear_error_and_stay_untouched(trained, tmp_path, case):
    good, _ = trained
    blob, match = _corruptions(good.read_bytes())[case]
    bad = tmp_path / "bad.opg"
    bad.write_bytes(blob)
    with pytest.raises(SessionError, match=match) as err:
        load_session(bad)
    assert str(err.value).startswith("bad.opg")  # names the file
    assert bad.read_bytes() == blob


@pytest.mark.parametrize("text,match", [
    ('{"schema_version": 2, "training": {"batch_size": 0}}', "training.batch_size"),
    ('{"schema_version": 2, "network": {"hidden": [4, 0]}}', "width of hidden layer 2"),
    ('{"schema_version": 2, "optimizer": {"name": "sgd", "hyper": {"lr": -1}}}',
     "learning rate"),
    ('{"schema_version": 2, "data": {"name": "circle", "colour": 3}}', "data.colour"),
    ('{"schema_version": 99}', "newer version"),
    ('[1, 2]', "not an object"),
    ('{"title": "x"}', "no schema_version"),
    ('{"schema_version": 2,', "invalid JSON in the config at line 1"),
])
def test_bad_json_configs_name_the_problem(tmp_path, text, match):
    p = tmp_path / "c.json"
    p.write_text(text)
    with pytest.raises(SessionError, match=match):
        load_session(p)


def test_failed_save_leaves_the_previous_file_intact(trained, monkeypatch):
    path, t = trained
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sess.os, "fsync", boom)
    with pytest.raises(SessionError, match="No space left"):
        save_session(path, t.config, t)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_save_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SessionError, match="cannot write"):
        save_session(tmp_path / "nope" / "x.opg", make_config())


def test_migration_from_version_1():
    v1 = {"schema_version": 1, "title": "old",
          "optimizer": {"name": "momentum", "lr": 0.05, "momentum": 0.8},
          "training": {"shuffle": False, "batch_size": 8}}
    out = sess.MIGRATIONS[1](json.loads(json.dumps(v1)))
    assert out["schema_version"] == 2
    assert out["optimizer"] == {"name": "momentum", "hyper": {"lr": 0.05, "momentum": 0.8}}
    assert out["training"]["shuffle"] == "fixed" and out["training"]["batch_size"] == 8
    assert sess.migrate({"schema_version": 1, "training": {"shuffle": True}})[
        "training"]["shuffle"] == "epoch"


def test_migration_from_version_2_adds_the_weight_penalties_as_zero():
    v2 = {"schema_version": 2, "training": {"batch_size": 8, "seed": 3}}
    out = sess.MIGRATIONS[2](json.loads(json.dumps(v2)))
    assert out["schema_version"] == 3
    assert out["training"] == {"batch_size": 8, "seed": 3, "l1": 0.0, "l2": 0.0}
    assert sess.migrate(v2)["schema_version"] == SCHEMA_VERSION == 3
    with pytest.raises(ValueError, match="training must be a JSON object"):
        sess.MIGRATIONS[2]({"schema_version": 2, "training": [1]})


def test_a_version_2_session_file_loads_and_trains_without_penalties(tmp_path):
    p = tmp_path / "v2.json"
    p.write_text(json.dumps({"schema_version": 2, "network": {"hidden": [4]}}))
    config = load_session(p).config
    assert config.training.l1 == config.training.l2 == 0.0
    assert Trainer(config).run(3) == 3


def test_every_older_version_has_a_migration():
    assert sorted(sess.MIGRATIONS) == list(range(1, SCHEMA_VERSION))


def test_version_1_file_loads(tmp_path):
    p = tmp_path / "old.json"
    p.write_text(json.dumps({"schema_version": 1, "optimizer": {"name": "sgd", "lr": 0.3}}))
    assert load_session(p).config.optimizer.hyper == {"lr": 0.3}


def test_csv_data_travels_inside_the_session(tmp_path):
    csv = tmp_path / "mine.csv"
    rng = np.random.default_rng(0)
    rows = ["a,b,label"] + [f"{x:.6f},{y:.6f},{int(x * y > 0)}" for x, y in
                            rng.normal(size=(60, 2))]
    csv.write_text("\n".join(rows) + "\n")
    config = make_config(data={"name": "csv", "csv_path": str(csv), "label_column": "label"})
    t = Trainer(config)
    t.run(20)
    path = tmp_path / "s.opg"
    save_session(path, config, t)
    csv.unlink()  # the session must not need the original file any more
    again = load_session(path).trainer()
    np.testing.assert_array_equal(again.data.raw.X, t.data.raw.X)
    again.run(5)
    assert again.step == 25


@pytest.mark.parametrize("doc,message", [
    ({"schema_version": "2"}, "no integer schema_version"),
    ({"schema_version": True}, "no integer schema_version"),
    ({"schema_version": 7}, "newer version of the program (schema 7"),
    ({"schema_version": 0}, "schema version 0 is too old to migrate"),
])
def test_migrate_refuses_what_it_cannot_migrate(tmp_path, doc, message):
    with pytest.raises(MigrationError, match=re.escape(message)):
        sess.migrate(dict(doc))
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(SessionError, match=f"^c\\.json: .*{re.escape(message)}"):
        load_session(p)
