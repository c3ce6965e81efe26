"""The headless contract: public names importable from ``core`` itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import core

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Network", "NetworkSpec", "create_optimizer", "Trainer", "parse_config",
         "load_session", "save_session"]


@pytest.mark.parametrize("name", NAMES)
def test_public_names_come_from_core(name):
    assert name in core.__all__ and callable(getattr(core, name))


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError):
        core.NoSuchThing  # noqa: B018


def test_the_readme_scripting_example_runs():
    text = (ROOT / "README.md").read_text()
    code = text.split("## Scripting the core", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    out = subprocess.run([sys.executable, "-c", code + "\nprint(loss)"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert np.isfinite(float(out.stdout.strip().splitlines()[-1]))


def test_a_trainer_from_the_public_names_trains():
    t = core.Trainer(core.parse_config({"network": {"hidden": [4]}}))
    assert t.run(5) == 5


@pytest.mark.parametrize("name", core.__all__)
def test_every_listed_name_resolves(name):
    assert getattr(core, name) is not None  # e.g. Snapshot, now in core.train.snapshot


def test_the_trainer_module_still_offers_the_snapshot_types():
    from core.train import snapshot, trainer

    assert trainer.Snapshot is snapshot.Snapshot and trainer.Histogram is snapshot.Histogram
