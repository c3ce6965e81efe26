"""Property: any byte-level mutation or truncation of a valid session, preset or CSV
either loads as a valid session (which then trains) or raises the documented error —
and the input file is never modified."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data.datasets import load_csv
from core.train.session import SessionError, load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config

ROOT = Path(__file__).resolve().parents[3]
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutate(blob: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    b = bytearray(blob)
    for pos, value in edits:
        b[pos % len(b)] = value
    return bytes(b[:cut] if cut is not None else b)


edits = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 255)), max_size=8)
cuts = st.one_of(st.none(), st.integers(0, 4096))


@pytest.fixture(scope="module")
def opg(tmp_path_factory) -> bytes:
    config = make_config(network={"hidden": [5, 4], "batch_norm": True},
                         training={"shuffle": "fixed"})
    t = Trainer(config)
    t.run(23)
    path = tmp_path_factory.mktemp("p") / "s.opg"
    save_session(path, config, t)
    return path.read_bytes()


def _load_or_refuse(path: Path) -> None:
    before = path.read_bytes()
    try:
        loaded = load_session(path)
    except SessionError:
        pass
    else:
        t = loaded.trainer()
        t.run(3)  # a session that loads must also train (no bad index reaches a kernel)
    assert path.read_bytes() == before


@PROPERTY
@given(edits=edits, cut=cuts)
def test_mutated_session_bytes_load_or_give_a_session_error(opg, tmp_path, edits, cut):
    path = tmp_path / "m.opg"
    path.write_bytes(_mutate(opg, edits, None if cut is None else cut * 8))
    _load_or_refuse(path)


def _members(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in members.items():
            zf.writestr(n, d)
    return out.getvalue()


@PROPERTY
@given(member=st.sampled_from(["session.json", "arrays.npz/npy"]), edits=edits, cut=cuts,
       which=st.integers(0, 100))
def test_mutations_inside_the_members_load_or_give_a_session_error(opg, tmp_path, member,
                                                                   edits, cut, which):
    # Byte flips in the compressed zip mostly break its CRC; these flip the inflated
    # content (the JSON text, one stored array) and zip it again, so they reach the
    # state checks.
    members = _members(opg)
    if member == "session.json":
        members["session.json"] = _mutate(members["session.json"], edits, cut)
    else:
        arrays = _members(members["arrays.npz"])
        name = sorted(arrays)[which % len(arrays)]
        arrays[name] = _mutate(arrays[name], edits, cut)
        members["arrays.npz"] = _zip(arrays)
    path = tmp_path / "m.opg"
    path.write_bytes(_zip(members))
    _load_or_refuse(path)


PRESET = (ROOT / "resources/presets/09_curriculum.json").read_bytes()


@PROPERTY
@given(edits=edits, cut=cuts)
def test_mutated_presets_load_or_give_a_session_error(tmp_path, edits, cut):
    path = tmp_path / "p.json"
    path.write_bytes(_mutate(PRESET, edits, cut))
    _load_or_refuse(path)


@PROPERTY
@given(number=st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                        st.booleans(), st.text(max_size=5), st.none()),
       field=st.sampled_from(["n_samples", "noise", "val_ratio", "batch_size", "eval_every",
                              "seed", "patience", "hidden", "lr", "start_fraction"]))
def test_any_value_in_any_numeric_field_is_accepted_or_refused_cleanly(tmp_path, number,
                                                                      field):
    cfg = json.loads(PRESET)
    where = {"n_samples": cfg["data"], "noise": cfg["data"], "val_ratio": cfg["data"],
             "batch_size": cfg["training"], "eval_every": cfg["training"],
             "seed": cfg["training"], "hidden": cfg["network"],
             "patience": cfg["training"].setdefault("early_stopping", {}),
             "lr": cfg["optimizer"].setdefault("hyper", {}),
             "start_fraction": cfg["training"].setdefault("curriculum", {})}[field]
    where[field] = [number] if field == "hidden" else number
    path = tmp_path / "p.json"
    path.write_text(json.dumps(cfg))
    _load_or_refuse(path)


def _csv_bytes() -> bytes:
    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 3))
    lines = ["x,y,z,label"] + [f"{a:.3f},{b:.3f},{c:.3f},{'ab'[int(a > 0)]}" for a, b, c in X]
    return ("\n".join(lines) + "\n").encode()


CSV = _csv_bytes()


@PROPERTY
@given(edits=edits, cut=cuts, gz=st.booleans())
def test_mutated_csvs_load_or_give_a_value_error(tmp_path, edits, cut, gz):
    import gzip

    blob = gzip.compress(CSV) if gz else CSV
    path = tmp_path / ("d.csv.gz" if gz else "d.csv")
    path.write_bytes(_mutate(blob, edits, cut))
    before = path.read_bytes()
    try:
        ds = load_csv(path)
    except ValueError:
        pass
    else:
        assert ds.X.shape[0] == ds.y.shape[0] and np.all(np.isfinite(ds.X))
    assert path.read_bytes() == before
