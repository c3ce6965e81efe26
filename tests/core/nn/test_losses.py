"""Losses: NumPy references, stability for large logits, target validation."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import losses


def test_mse_matches_numpy():
    rng = np.random.default_rng(0)
    o, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    value, g = losses.loss_and_grad("mse", o, y)
    assert value == pytest.approx(np.mean((o - y) ** 2), rel=1e-14)
    np.testing.assert_allclose(g, 2 * (o - y) / o.size, rtol=1e-14)


def test_bce_on_logits_matches_the_probability_form():
    rng = np.random.default_rng(1)
    o = rng.normal(size=(10, 1))
    y = rng.integers(0, 2, size=(10, 1)).astype(float)
    s = 1 / (1 + np.exp(-o))
    value, g = losses.loss_and_grad("bce_logits", o, y)
    assert value == pytest.approx(np.mean(-y * np.log(s) - (1 - y) * np.log(1 - s)), rel=1e-12)
    np.testing.assert_allclose(g, (s - y) / o.size, rtol=1e-12)


def test_softmax_ce_matches_numpy():
    rng = np.random.default_rng(2)
    o = rng.normal(size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    p = np.exp(o) / np.exp(o).sum(1, keepdims=True)
    value, g = losses.loss_and_grad("softmax_ce", o, labels)
    assert value == pytest.approx(-np.mean(np.log(p[np.arange(6), labels])), rel=1e-12)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(g, (p - onehot) / 6, rtol=1e-12, atol=1e-15)


def test_cross_entropies_are_stable_for_huge_logits():
    with np.errstate(all="raise"):
        v, g = losses.loss_and_grad("softmax_ce", np.array([[1000.0, 0.0, -1000.0]]),
                                    np.array([1]))
        assert v == pytest.approx(1000.0) and np.all(np.isfinite(g))
        v, g = losses.loss_and_grad("bce_logits", np.array([[1000.0], [-1000.0]]),
                                    np.array([[0.0], [0.0]]))
        assert v == pytest.approx(500.0) and np.all(np.isfinite(g))


@pytest.mark.parametrize("name,y,match", [
    ("softmax_ce", np.array([0, 5]), "class indices must lie in 0..2"),
    ("softmax_ce", np.array([0.5, 1.0]), "integer class indices"),
    ("bce_logits", np.array([0.0, 2.0]), r"targets in \[0, 1\]"),
    ("mse", np.zeros((2, 2)), r"shape \(m, 3\)"),
    ("hinge", np.zeros(2), "unknown loss 'hinge'"),
])
def test_bad_targets_are_named(name, y, match):
    with pytest.raises(ValueError, match=match):
        losses.prepare_targets(name, y, 3 if name != "bce_logits" else 1)


def test_loss_codes_are_the_registration_order_and_named_constants_match():
    names = losses.LOSSES.names()
    assert [losses.code_of(n) for n in names] == list(range(len(names)))
    for name in names:
        assert getattr(losses, name.upper()) == losses.code_of(name)
    assert sorted(losses.KERNEL_NAMES) == sorted(names)


@pytest.mark.parametrize("name,k", [("mse", 2), ("bce_logits", 2), ("softmax_ce", 3)])
def test_the_one_dispatch_kernel_runs_the_named_loss(name, k):
    rng = np.random.default_rng(3)
    o = rng.normal(size=(5, k))
    labels = rng.integers(0, k, size=5)
    yf = rng.uniform(size=(5, k))
    ref = {"mse": lambda: np.mean((o - yf) ** 2),
           "bce_logits": lambda: np.mean(np.logaddexp(0, o) - o * yf),
           "softmax_ce": lambda: np.mean(np.log(np.exp(o).sum(1)) - o[np.arange(5), labels])}
    g = np.empty_like(o)
    value = losses.loss_and_grad_kernel(losses.code_of(name), o, yf, labels, g)
    assert value == pytest.approx(ref[name](), rel=1e-12)
    targets = labels if name == "softmax_ce" else yf
    v2, g2 = losses.loss_and_grad(name, o, targets)
    assert v2 == value
    np.testing.assert_array_equal(g2, g)


def test_an_unknown_loss_code_raises():
    o = np.zeros((2, 2))
    with pytest.raises(ValueError, match="unknown loss kernel code"):
        losses.loss_and_grad_kernel(len(losses.LOSSES), o, o, np.zeros(2, np.int64),
                                    np.empty_like(o))
