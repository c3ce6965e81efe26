"""Shared test set-up for the training engine."""

from __future__ import annotations

import pytest

from core.train.trainer import Trainer
from tests.core.train.reference import reference_step


@pytest.fixture(autouse=True)
def _test_fused_calls_the_reference_step(request, monkeypatch):
    """test_fused.py (kept by the fused kernel's owner) still calls
    ``trainer.train_step()``, which left the core for ``reference_step``: give it
    that name for its tests only. Remove once test_fused.py calls reference_step."""
    if request.module.__name__.rsplit(".", 1)[-1] == "test_fused":
        monkeypatch.setattr(Trainer, "train_step", reference_step, raising=False)
