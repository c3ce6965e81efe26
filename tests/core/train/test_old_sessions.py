"""Sessions saved by main before the restructure (28258dc) load and continue exactly.

Each ``tests/fixtures/<name>.opg`` was saved mid-run by that commit; the JSON
beside it holds the history after loading it there and training 40 more steps.
The restructured trainer must give the very same numbers (JSON keeps a float's
shortest repr, which reads back to the same bits).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.train.session import load_session
from core.train.status import RunStatus

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SESSIONS = sorted(FIXTURES.glob("main_*.opg"))
KEYS = ("steps", "train_loss", "grad_norms", "eval_steps", "val_loss")


def test_the_fixtures_are_there():
    # Both kinds saved by the old main: a toy data set, and an embedded CSV with BN.
    assert {p.stem for p in SESSIONS} >= {"main_28258dc_adam", "main_28258dc_csv_bn"}


@pytest.mark.parametrize("path", SESSIONS, ids=[p.stem for p in SESSIONS])
def test_an_old_session_loads_and_continues_as_it_did_on_main(path):
    expected = json.loads(path.with_suffix(".continued40.json").read_text())
    loaded = load_session(path)
    t = loaded.trainer()
    start = t.step
    assert start > 0 and t.status == RunStatus.RUNNING  # saved mid-run
    assert t.run(40) == 40
    snap = t.snapshot()
    got = {"steps": snap.steps, "train_loss": snap.train_loss, "grad_norms": snap.grad_norms,
           "eval_steps": snap.eval_steps, "val_loss": snap.val_loss}
    for key in KEYS:
        want = np.array(expected[key], dtype=got[key].dtype)
        assert want.shape == got[key].shape, key
        np.testing.assert_array_equal(got[key], want, err_msg=key)
    assert snap.steps[-1] == start + 40


@pytest.mark.parametrize("path", SESSIONS, ids=[p.stem for p in SESSIONS])
def test_the_state_keeps_the_format_of_main(path):
    """The keys of session.json's state and of arrays.npz that the old main wrote,
    with the same values for a state just loaded (saving inverts loading)."""
    with zipfile.ZipFile(path) as zf:
        old_meta = json.loads(zf.read("session.json"))["state"]
        with np.load(io.BytesIO(zf.read("arrays.npz"))) as npz:
            old_arrays = {k: npz[k] for k in npz.files if not k.startswith("data.")}
    t = load_session(path).trainer()
    meta, arrays = t.state_dict()
    # 28258dc predates the divergence rule: its limit comes from the first loss.
    assert "loss_limit" not in old_meta
    limit = t.divergence_limit(float(t.steps.column("loss")[0]))
    assert json.loads(json.dumps(meta)) == {**old_meta, "loss_limit": limit}
    assert arrays.keys() == old_arrays.keys()
    for key, value in old_arrays.items():
        np.testing.assert_array_equal(arrays[key], value, err_msg=key)
        assert arrays[key].dtype == value.dtype, key
