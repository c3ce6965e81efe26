"""Fixtures: a training cloud and a shifted other cloud (fit on one, apply to the other)."""

from __future__ import annotations

import pytest

from tests.core.data.preprocessing.helpers import correlated_cloud


@pytest.fixture
def X_train():
    return correlated_cloud(seed=1)


@pytest.fixture
def X_other():
    return correlated_cloud(n=500, seed=2, shift=3.0)
