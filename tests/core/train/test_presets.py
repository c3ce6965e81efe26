"""Every shipped preset loads and trains headless."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.train.config import json_schema
from core.train.session import load_session

ROOT = Path(__file__).resolve().parents[3]
PRESETS = sorted((ROOT / "resources/presets").glob("*.json"))


def test_there_is_a_preset_for_every_lecture_topic():
    names = " ".join(p.stem for p in PRESETS)
    for topic in ("vanishing", "exploding", "relu", "xavier", "he_", "whitening", "scaling",
                  "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam",
                  "batch_norm_on", "batch_norm_off", "early_stopping", "curriculum",
                  "gradient_noise", "shuffling"):
        assert topic in names, topic


@pytest.mark.parametrize("path", PRESETS, ids=[p.stem for p in PRESETS])
def test_preset_loads_and_trains_200_steps(path):
    loaded = load_session(path)
    assert loaded.config.title and loaded.config.description
    t = loaded.trainer()
    t.run(200)
    snap = t.snapshot()
    assert snap.step == 200 or snap.status == "early_stopped"
    assert np.all(np.isfinite(snap.train_loss))


def test_committed_json_schema_is_current():
    import json

    committed = json.loads((ROOT / "resources/session.schema.json").read_text())
    assert committed == json_schema(), "regenerate with core.train.config.write_json_schema"
