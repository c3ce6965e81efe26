"""Stored training state is checked field by field before any of it is used.

Each case takes a valid trained session, changes one stored value the way a
crafted file would, and expects one SessionError naming the field — and the
file left exactly as it was.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.train.session import SessionError, load_session, save_session
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config

ROOT = Path(__file__).resolve().parents[3]


def read_parts(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("session.json"))
        with np.load(io.BytesIO(zf.read("arrays.npz"))) as npz:
            arrays = {k: npz[k] for k in npz.files}
    return doc, arrays


def write_parts(path: Path, doc: dict, arrays: dict[str, np.ndarray]) -> None:
    npz = io.BytesIO()
    np.savez(npz, **arrays)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", json.dumps(doc))
        zf.writestr("arrays.npz", npz.getvalue())


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A trained CSV session with BN, the fixed batch order and early stopping, so
    every kind of stored state is present."""
    folder = tmp_path_factory.mktemp("good")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    rows = ["a,b,label"] + [f"{x:.5f},{y:.5f},{'yes' if x * y > 0 else 'no'}" for x, y in X]
    (folder / "d.csv").write_text("\n".join(rows) + "\n")
    config = make_config(
        data={"name": "csv", "csv_path": str(folder / "d.csv"), "val_ratio": 0.25},
        network={"hidden": [6, 5], "batch_norm": True},
        training={"shuffle": "fixed", "early_stopping": {"enabled": True, "patience": 500}})
    t = Trainer(config)
    t.run(37)  # mid-epoch: a non-empty order and a position inside it
    path = folder / "good.opg"
    save_session(path, config, t)
    return path


def _set(d: dict, dotted: str, value) -> None:
    keys = dotted.split(".")
    for k in keys[:-1]:
        d = d[k]
    d[keys[-1]] = value


# (what to change, the field the error must name)
STATE_CASES = {
    "order index 10^12": (("array", "order", lambda a: _poke(a, 0, 10**12)), "order"),
    "order index -1": (("array", "order", lambda a: _poke(a, 1, -1)), "order"),
    "order index = row count": (("array", "order", lambda a: _poke(a, 2, 60)), "order"),
    "order repeats": (("array", "order", lambda a: _poke(a, 3, a[4])), "order"),
    "order as floats": (("array", "order", lambda a: a.astype(np.float64)), "order"),
    "order 2-D": (("array", "order", lambda a: a.reshape(1, -1)), "order"),
    "pos negative": (("meta", "state.pos", -1), "pos"),
    "pos past the order": (("meta", "state.pos", 10**6), "pos"),
    "fixed order short": (("array", "fixed_order", lambda a: a[:-1]), "fixed_order"),
    "fixed order index": (("array", "fixed_order", lambda a: _poke(a, 0, 2**40)), "fixed_order"),
    "history capacity lifted": (("meta", "state.history_steps.capacity", 10**9), "capacity"),
    "history stride not a power of 2": (("meta", "state.history_steps.stride", 3), "stride"),
    "history size a float": (("meta", "state.history_evals.size", 3.0), "size"),
    "trajectory capacity lifted": (("meta", "state.trajectory.capacity", 2**20), "capacity"),
    "optimizer of another name": (("meta", "state.optimizer.name", "sgd"), "optimizer.name"),
    "optimizer moments of the wrong size": (("array", "opt.m", lambda a: a[:-1]), "opt.m"),
    "optimizer moments NaN": (("array", "opt.b", lambda a: _poke(a, 0, np.nan)), "opt.b"),
    "optimizer step huge": (("meta", "state.optimizer.step", 10**40), "optimizer.step"),
    "weights NaN": (("array", "params", lambda a: _poke(a, 0, np.nan)), "params"),
    "weights inf": (("array", "params", lambda a: _poke(a, 5, np.inf)), "params"),
    "BN buffers inf": (("array", "buffers", lambda a: _poke(a, 0, -np.inf)), "buffers"),
    "best weights wrong size": (("array", "best_params", lambda a: a[:3]), "best_params"),
    "class count huge": (("meta", "data.n_classes", 10**12), "data.n_classes"),
    "class names too few": (("meta", "data.class_names", ["no"]), "data.class_names"),
    "labels outside the classes": (("array", "data.y", lambda a: _poke(a, 0, 7)), "labels"),
    "feature names too many": (("meta", "data.feature_names", ["a", "b", "c"]),
                               "data.feature_names"),
    "rng of another kind": (("meta", "state.rng.bit_generator", "MT19937"), "rng"),
    "rng state text": (("meta", "state.rng.state.state", "abc"), "rng.state.state"),
    "rng state negative": (("meta", "state.noise_rng.state.inc", -5), "noise_rng.state.inc"),
    "status unknown": (("meta", "state.status", "exploded"), "status"),
    "step of 10^30": (("meta", "state.step", 10**30), "step"),
    "step a bool": (("meta", "state.step", True), "step"),
    "epoch after the step": (("meta", "state.epoch", 10**5), "epoch"),
    "message huge": (("meta", "state.message", "x" * 20_000), "message"),
    "histogram counts of another size": (("array", "act_hist.0.counts", lambda a: a[:5]),
                                         "act_hist.0.counts"),
    "history rows missing": (("array", "hist_steps.loss", lambda a: a[:-1]),
                             "hist_steps.loss"),
}


def _poke(a: np.ndarray, i: int, value) -> np.ndarray:
    a = a.copy()
    a[i] = value
    return a


@pytest.mark.parametrize("case", list(STATE_CASES))
def test_crafted_state_is_refused_naming_the_field(good, tmp_path, case):
    (kind, where, change), field = STATE_CASES[case]
    doc, arrays = read_parts(good)
    if kind == "array":
        arrays[where] = change(arrays[where])
    else:
        _set(doc, where, change)
    bad = tmp_path / "bad.opg"
    write_parts(bad, doc, arrays)
    blob = bad.read_bytes()
    with pytest.raises(SessionError) as err:
        load_session(bad)
    message = str(err.value)
    assert message.startswith("bad.opg: ") and field in message, message
    assert "\n" not in message and len(message) < 400
    assert bad.read_bytes() == blob


def test_the_unchanged_parts_load(good, tmp_path):
    doc, arrays = read_parts(good)
    copy = tmp_path / "copy.opg"
    write_parts(copy, doc, arrays)
    t = load_session(copy).trainer()
    assert t.step == 37 and t.batcher.pos > 0


@pytest.mark.parametrize("index", [10**12, -3, 60])
def test_a_bad_stored_batch_index_is_exit_2_not_a_crash(good, tmp_path, index):
    doc, arrays = read_parts(good)
    arrays["order"] = _poke(arrays["order"], 0, index)
    bad = tmp_path / "bad.opg"
    write_parts(bad, doc, arrays)
    r = subprocess.run([sys.executable, "main.py", "run", str(bad), "--steps", "50",
                        "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "order" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_the_kernel_wrapper_refuses_indices_outside_the_data():
    t = Trainer(make_config())
    t.run(1)
    n = t.data.train.X.shape[0]
    with pytest.raises(ValueError, match="outside"):
        t._stepper.run(np.array([0, n], dtype=np.int64), np.array([0, 2], dtype=np.int64),
                       None, None, t.optimizer)
