"""The data modules read their bounds from the one table, core.common.limits."""

from __future__ import annotations

import ast
import inspect

import numpy as np
import pytest

from core.common import limits
from core.data import datasets, load_dataset, train_val_split
from core.train.config import DataConfig

DATA_LIMITS = ("MAX_SAMPLES", "MIN_SAMPLES", "MAX_CLASSES", "MAX_CSV_BYTES", "MAX_CSV_LINES",
               "MAX_CSV_ROWS", "MAX_CSV_COLUMNS", "MAX_VAL_RATIO")


def test_datasets_reexports_the_limits_under_their_old_names():
    for name in DATA_LIMITS:
        assert getattr(datasets, name) == getattr(limits, name), name
        assert name in datasets.__all__


def test_every_limit_has_a_docstring_line():
    tree = ast.parse(inspect.getsource(limits))
    body = tree.body
    names = []
    for node, after in zip(body, body[1:] + [None], strict=True):
        if isinstance(node, ast.Assign):
            name = node.targets[0].id  # type: ignore[attr-defined]
            names.append(name)
            doc = after.value.value if isinstance(after, ast.Expr) else None
            assert isinstance(doc, str) and doc.strip(), f"{name} has no docstring"
    assert set(DATA_LIMITS) <= set(names)
    assert len(names) == len(set(names))  # each limit defined once


def test_load_dataset_shares_the_config_bounds():
    field = DataConfig.model_fields["n_samples"].metadata
    assert [m.le for m in field if hasattr(m, "le")] == [limits.MAX_SAMPLES] == [200_000]
    assert [m.ge for m in field if hasattr(m, "ge")] == [limits.MIN_SAMPLES]
    assert load_dataset("xor", n_samples=limits.MAX_SAMPLES, seed=0).n_samples == 200_000
    assert load_dataset("xor", n_samples=limits.MIN_SAMPLES, seed=0).n_samples == 4
    for bad in (limits.MIN_SAMPLES - 1, limits.MAX_SAMPLES + 1):
        with pytest.raises(ValueError, match="n_samples must be between 4 and 200000"):
            load_dataset("xor", n_samples=bad, seed=0)


def test_the_bounds_are_read_from_the_table_when_checked(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SAMPLES", 50)
    with pytest.raises(ValueError, match="between 4 and 50"):
        load_dataset("xor", n_samples=51, seed=0)
    ds = load_dataset("xor", n_samples=50, seed=0)
    monkeypatch.setattr(limits, "MAX_VAL_RATIO", 0.5)
    with pytest.raises(ValueError, match="val_ratio"):
        train_val_split(ds, 0.6, np.random.default_rng(0))
