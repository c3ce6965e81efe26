"""Tests for core.optim.dispatch and the package's wiring: kernel codes derived from
the one table, every registered optimizer's code handled by apply_update, unknown
codes refused, the update rules the GUI shows, and the import paths."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import core
import core.optim
from core.optim import OPTIMIZERS, Optimizer, apply_update, create, dispatch, optimizers
from core.optim.base import register

N = 11
ROOT = pathlib.Path(__file__).resolve().parents[3]


def _some_state(name: str, seed: int = 3):
    """An optimizer a few steps into a run, its parameters, and the next gradient."""
    rng = np.random.default_rng(seed)
    opt = create(name)
    w = rng.standard_normal(N)
    for _ in range(3):
        opt.step(w, rng.standard_normal(N))
    return opt, w, rng.standard_normal(N)


def test_codes_are_the_places_in_the_kernel_table():
    assert dispatch.CODES == {name: code for code, name in enumerate(dispatch.KERNELS)}
    assert sorted(dispatch.CODES.values()) == list(range(len(dispatch.KERNELS)))
    # The named constants of the if-chain are the table's codes, one per kernel.
    for name, code in dispatch.CODES.items():
        assert getattr(dispatch, name.upper()) == code, name


def test_every_registered_optimizer_names_a_kernel_of_the_table():
    used = set()
    for name in OPTIMIZERS:
        cls = OPTIMIZERS.get(name)
        assert cls.kernel in dispatch.KERNELS, name
        assert create(name).kernel_code == dispatch.CODES[cls.kernel]
        used.add(cls.kernel)
    assert used == set(dispatch.KERNELS), "a kernel of the table that no optimizer uses"
    # Only AdamW shares a kernel (Adam's, with the decay as its shrink factor).
    by_code: dict[int, list[str]] = {}
    for name in OPTIMIZERS:
        by_code.setdefault(create(name).kernel_code, []).append(name)
    assert [names for names in by_code.values() if len(names) > 1] == [["adam", "adamw"]]


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_apply_update_with_the_plan_is_the_step(name):
    # The fused kernel's path (plan → apply_update) and Optimizer.step give the same bits.
    opt, w, g = _some_state(name)
    fused, w_fused, _ = _some_state(name)
    code, states, scalars = fused.plan(N, 1)
    apply_update(code, w_fused, g, *states, scalars[0])
    fused.advance(1)
    before = w.copy()
    opt.step(w, g)
    assert not np.array_equal(w, before)
    assert np.array_equal(w, w_fused)


def test_distinct_kernels_compute_distinct_updates():
    # Every optimizer's update differs from every other's on the same inputs, so no
    # branch of the if-chain runs another branch's kernel (AdamW's default λ is not 0).
    results = {}
    for name in OPTIMIZERS:
        opt, w, g = _some_state(name)
        opt.step(w, g)
        results[name] = w
    names = list(results)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not np.array_equal(results[a], results[b]), (a, b)


@pytest.mark.parametrize("code", [-1, len(dispatch.KERNELS), 99])
def test_unknown_code_raises_and_changes_nothing(code):
    w, g = np.ones(N), np.ones(N)
    s = np.zeros(N)
    with pytest.raises(ValueError, match="unknown optimizer kernel code"):
        apply_update(code, w, g, s, s, s, np.full(8, 0.5))
    assert np.array_equal(w, np.ones(N)) and not s.any()


def test_every_kernel_is_nogil_without_fastmath():
    for fn in [*dispatch.KERNELS.values(), apply_update]:
        assert fn.targetoptions.get("nogil") is True, fn
        assert not fn.targetoptions.get("fastmath"), fn


# --------------------------------------------------------------------- update rules


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_optimizer_has_a_one_line_update_rule(name):
    rule = OPTIMIZERS.get(name).update_rule
    assert isinstance(rule, str) and rule.strip()
    assert "w" in rule and "←" in rule
    assert "\n" not in rule


def test_update_rules_differ():
    rules = [OPTIMIZERS.get(n).update_rule for n in OPTIMIZERS]
    assert len(set(rules)) == len(rules)


@pytest.mark.parametrize("missing", ["update_rule", "kernel"])
def test_register_refuses_a_class_without_rule_or_kernel(missing):
    attrs = {"name": "incomplete", "kernel": "sgd", "update_rule": "w ← w", missing: ""}
    cls = type("Incomplete", (Optimizer,), attrs)
    with pytest.raises(TypeError, match=missing):
        register(cls)
    assert "incomplete" not in OPTIMIZERS


# ----------------------------------------------------------------- import paths


def test_compatibility_module_and_package_export_the_same_objects():
    for name in core.optim.__all__:
        assert getattr(optimizers, name) is getattr(core.optim, name), name
    assert core.create_optimizer is create and core.OPTIMIZERS is OPTIMIZERS


@pytest.mark.parametrize("first", ["core.optim.amsgrad", "core.optim.dispatch"])
def test_any_module_imported_first_gives_the_lecture_order(first):
    # The families register on import; whichever module a script imports first, the
    # package runs first and fixes the order (and the import cycle base ↔ dispatch
    # never bites).
    code = (f"import {first}\nfrom core.optim import OPTIMIZERS, create\nimport numpy as np\n"
            "create('nadam').step(np.zeros(2), np.ones(2))\nprint(' '.join(OPTIMIZERS))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == OPTIMIZERS.names()
    assert OPTIMIZERS.names()[:3] == ["sgd", "momentum", "nesterov"]
