"""Activations: NumPy references, derivatives by finite differences, stability, noise."""

from __future__ import annotations

import numpy as np
import pytest

from core.nn import activations as act

X = np.linspace(-4.0, 4.0, 168).reshape(24, 7)
X = X + 0.013  # keep clear of the kink at 0

REFERENCE = {
    "linear": lambda x: x,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(0, x),
    "softplus": lambda x: np.log(1 + np.exp(x)),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
}


@pytest.mark.parametrize("name", list(REFERENCE))
def test_forward_matches_numpy_and_derivative_matches_finite_differences(name):
    a = act.forward(name, X)
    np.testing.assert_allclose(a, REFERENCE[name](X), rtol=1e-13, atol=1e-15)
    g, _ = act.backward(name, X, a, np.ones_like(X))
    h = 1e-6
    numeric = (REFERENCE[name](X + h) - REFERENCE[name](X - h)) / (2 * h)
    np.testing.assert_allclose(g, numeric, rtol=1e-7, atol=1e-9)


def test_prelu_uses_its_per_unit_slope_and_gives_its_gradient():
    beta = np.linspace(0.1, 0.7, 7)
    a = act.forward("prelu", X, beta=beta)
    np.testing.assert_array_equal(a, np.where(X > 0, X, beta * X))
    upstream = np.random.default_rng(0).normal(size=X.shape)
    gz, gbeta = act.backward("prelu", X, a, upstream, beta=beta)
    np.testing.assert_allclose(gz, upstream * np.where(X > 0, 1.0, beta), rtol=1e-14)
    np.testing.assert_allclose(gbeta, (upstream * np.where(X > 0, 0.0, X)).sum(0), rtol=1e-12)


def test_rrelu_draws_a_slope_per_element_in_training_and_uses_the_mean_at_evaluation():
    rng = np.random.default_rng(0)
    slopes = act.draw_noise("rrelu", (2000, 7), rng, training=True)
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert slopes.mean() == pytest.approx((1 / 8 + 1 / 3) / 2, abs=2e-3)
    assert np.unique(slopes).size > 10000  # one slope per element, not per unit
    neg = -np.ones((2000, 7))
    a = act.forward("rrelu", neg, noise=slopes)
    np.testing.assert_array_equal(a, -slopes)
    ev = act.draw_noise("rrelu", (3, 7), None, training=False)
    np.testing.assert_array_equal(act.forward("rrelu", -np.ones((3, 7)), noise=ev),
                                  np.full((3, 7), -(1 / 8 + 1 / 3) / 2))


def test_noisy_relu_adds_gaussian_noise_only_in_training():
    rng = np.random.default_rng(1)
    eps = act.draw_noise("noisy_relu", (4000, 7), rng, training=True, noise_sigma=0.3)
    assert eps.std() == pytest.approx(0.3, rel=0.02)
    z = np.full((4000, 7), 0.2)
    a = act.forward("noisy_relu", z, noise=eps)
    np.testing.assert_array_equal(a, np.maximum(0, z + eps))
    g, _ = act.backward("noisy_relu", z, a, np.ones_like(z), noise=eps)
    np.testing.assert_array_equal(g, (z + eps > 0).astype(float))
    ev = act.draw_noise("noisy_relu", (2, 7), None, training=False, noise_sigma=0.3)
    np.testing.assert_array_equal(ev, 0.0)


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "tanh"])
def test_no_overflow_at_extreme_inputs(name):
    x = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(all="raise"):
        a = act.forward(name, x)
        g, _ = act.backward(name, x, a, np.ones_like(x))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(g))
    if name == "sigmoid":
        np.testing.assert_array_equal(a[0, [0, 4]], [0.0, 1.0])
    if name == "softplus":
        assert a[0, 4] == 1000.0 and a[0, 0] == 0.0
        assert g[0, 4] == 1.0


def test_evaluate_gives_function_and_derivative_for_plots():
    x = np.linspace(-3, 3, 13)
    a, d = act.evaluate("tanh", x)
    np.testing.assert_allclose(a, np.tanh(x))
    np.testing.assert_allclose(d, 1 - np.tanh(x) ** 2)


def test_every_activation_is_documented():
    for name in act.ACTIVATIONS:
        info = act.ACTIVATIONS.get(name)
        assert info.formula and info.derivative and info.label


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'swishy'.*relu"):
        act.forward("swishy", X)


def test_fast_tanh_is_within_two_ulp_of_libm_everywhere():
    x = np.concatenate([np.linspace(-25, 25, 400_001),
                        np.random.default_rng(0).normal(scale=3, size=200_000),
                        [0.0, 1e-300, -1e-300, 5e-324, 0.625, -0.625, np.nextafter(0.625, 1),
                         19.99, 20.0, 20.01, 700.0, -700.0]]).reshape(-1, 1)
    a = act.forward("tanh", x)
    ulps = np.abs(a - np.tanh(x)) / np.spacing(np.abs(np.tanh(x)))
    assert ulps.max() <= 2.0
    special = act.forward("tanh", np.array([[np.nan, np.inf, -np.inf, -0.0]]))
    assert np.isnan(special[0, 0]) and list(special[0, 1:3]) == [1.0, -1.0]
    assert np.signbit(special[0, 3])


def test_kernel_codes_are_the_registration_order_and_named_constants_match():
    names = act.ACTIVATIONS.names()
    assert [act.code_of(n) for n in names] == list(range(len(names)))
    for name in names:
        assert getattr(act, name.upper()) == act.code_of(name)
    assert sorted(act.KERNEL_NAMES) == sorted(names) and act.N_CODES == len(names)


@pytest.mark.parametrize("name", act.ACTIVATIONS.names())
def test_every_registered_activation_has_a_kernel_branch(name):
    """Each code runs its own branch: the kernel's output differs from every other
    activation's on a grid through both signs (the draws set apart rrelu/noisy ReLU)."""
    z = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    beta = np.full(4, 0.3)
    noise = np.full(z.shape, 0.7)
    outs = {}
    for other in act.ACTIVATIONS.names():
        a = np.empty_like(z)
        act._forward(act.code_of(other), z, a, beta, noise)
        outs[other] = a
    assert all(not np.array_equal(outs[name], outs[o]) for o in outs if o != name)


@pytest.mark.parametrize("code", [-1, act.N_CODES, 99])
def test_an_unknown_kernel_code_raises_instead_of_computing_something(code):
    z = np.ones((2, 2))
    with pytest.raises(ValueError, match="unknown activation kernel code"):
        act._forward(code, z, np.empty_like(z), np.ones(2), z)
    with pytest.raises(ValueError, match="unknown activation kernel code"):
        act._backward(code, z, z, np.ones(2), z, z, np.empty_like(z), np.zeros(2))


def test_registering_an_activation_without_a_kernel_branch_fails_at_import():
    from core.common.registry import Registry
    from core.nn.codes import kernel_codes

    reg = Registry("activation")
    for name in act.ACTIVATIONS.names():
        reg.register(name, act.ACTIVATIONS.get(name))
    assert kernel_codes(reg, act.KERNEL_NAMES) == tuple(range(act.N_CODES))
    reg.register("swish", act.ActivationInfo("swish", act.N_CODES, "Swish", "x s(x)", "..."))
    with pytest.raises(RuntimeError, match="every registered activation needs a kernel branch"):
        kernel_codes(reg, act.KERNEL_NAMES)
