"""Tests for core.optim.newton: the Newton and damped-Newton steps on given gradients
and Hessians, the singular case, validation and the optimizer-like surface."""

from __future__ import annotations

import numpy as np
import pytest

from core.optim.newton import SECOND_ORDER, DampedNewton, Newton


def test_registry_names_the_two_methods_in_order():
    assert SECOND_ORDER.names() == ["newton", "newton_damped"]
    assert SECOND_ORDER.get("newton") is Newton
    assert SECOND_ORDER.get("newton_damped") is DampedNewton


def test_newton_solves_a_quadratic_in_one_step():
    # f = ½ pᵀ A p − bᵀ p: g = A p − b, H = A, minimum at A⁻¹ b.
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    p = np.array([5.0, -4.0])
    Newton().step(p, A @ p - b, A)
    np.testing.assert_allclose(p, np.linalg.solve(A, b), rtol=1e-14)
    # lr scales the step: p ← p − lr·H⁻¹g
    p = np.array([5.0, -4.0])
    g = A @ p - b
    Newton(lr=0.25).step(p, g, A)
    np.testing.assert_allclose(p, [5.0, -4.0] - 0.25 * np.linalg.solve(A, g), rtol=1e-14)


def test_damped_newton_shifts_the_hessian_to_be_positive_definite():
    # On the saddle H = diag(2, -2): λ = 2 + δ, so the system is diag(4 + δ, δ).
    opt = DampedNewton(lr=0.5, damping=1.0)
    p = np.array([1.0, 0.1])
    g = np.array([2.0, -0.2])
    opt.step(p, g, np.diag([2.0, -2.0]))
    np.testing.assert_allclose(p, [1.0 - 0.5 * 2.0 / 5.0, 0.1 + 0.5 * 0.2 / 1.0], rtol=1e-15)
    assert opt.step_count == 1
    # Positive definite H: λ = δ exactly.
    opt = DampedNewton(lr=1.0, damping=0.25)
    p = np.array([0.0, 0.0])
    opt.step(p, np.array([1.0, 1.0]), np.diag([1.0, 3.0]))
    np.testing.assert_allclose(p, [-1 / 1.25, -1 / 3.25], rtol=1e-15)


def test_singular_hessian_gives_a_non_finite_step():
    opt = Newton()
    p = np.array([1.0, 2.0])
    opt.step(p, np.array([1.0, 1.0]), np.zeros((2, 2)))
    assert np.all(np.isnan(p)) and opt.step_count == 1


def test_hyper_parameters_state_and_reset():
    opt = DampedNewton(damping=3.0)
    assert opt.hyper == {"lr": 1.0, "damping": 3.0}
    opt.set_hyper(lr=0.5)
    opt.step(np.zeros(2), np.ones(2), np.eye(2))
    assert opt.state_dict() == {"name": "newton_damped", "step": 1, "lr": 0.5, "damping": 3.0}
    opt.reset()
    assert opt.step_count == 0
    assert Newton.needs_hessian and set(Newton.hyper_help) == set(Newton.defaults)


@pytest.mark.parametrize(("hyper", "match"), [
    ({"damping": -1.0}, "damping"), ({"lr": float("nan")}, "lr"), ({"lr": True}, "lr"),
    ({"momentum": 0.9}, "momentum"),
])
def test_invalid_hyper_parameters_are_refused(hyper, match):
    with pytest.raises(ValueError, match=match):
        DampedNewton(**hyper)


def test_shapes_and_dtype_are_checked():
    with pytest.raises(ValueError, match="float64"):
        Newton().step(np.zeros(2, dtype=np.float32), np.ones(2), np.eye(2))
    with pytest.raises(ValueError, match="shapes"):
        Newton().step(np.zeros(2), np.ones(3), np.eye(2))
    with pytest.raises(ValueError, match="shapes"):
        Newton().step(np.zeros(2), np.ones(2), np.eye(3))
