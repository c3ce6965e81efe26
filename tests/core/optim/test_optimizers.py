"""Tests for core.optim.optimizers: formulas against NumPy transcriptions, NAG and
momentum equivalences, state dicts, live hyper-parameters and argument checks."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest

from core.optim import optimizers
from core.optim.optimizers import MAX_SCALARS, OPTIMIZERS, create

N = 37
STEPS = 60
ALL = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "nadam",
    "amsgrad",
]
STATEFUL = [n for n in ALL if n != "sgd"]

# Non-default values, all distinct, so a swapped or ignored hyper-parameter shows.
CUSTOM = {
    "sgd": {"lr": 0.07},
    "momentum": {"lr": 0.03, "momentum": 0.8},
    "nesterov": {"lr": 0.03, "momentum": 0.85},
    "adagrad": {"lr": 0.05, "eps": 1e-3},
    "rmsprop": {"lr": 0.004, "rho": 0.8, "eps": 1e-4},
    "adadelta": {"lr": 0.7, "rho": 0.85, "eps": 1e-4},
    "adam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-5},
    "adamw": {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-5, "weight_decay": 0.3},
    "nadam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-5, "momentum_decay": 0.01},
    "amsgrad": {"lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-5},
}


def gradient_sequence(seed: int, steps: int = STEPS, n: int = N) -> list[np.ndarray]:
    """Gradients whose scale jumps over orders of magnitude, with some exact zeros.

    Falling scales make AMSGrad's max differ from Adam's b, zeros exercise ε.
    """
    rng = np.random.default_rng(seed)
    gs = []
    for k in range(steps):
        scale = 10.0 ** rng.uniform(-3, 1) if k % 7 else 5.0 / (k + 1)
        g = rng.standard_normal(n) * scale
        g[rng.random(n) < 0.1] = 0.0
        gs.append(g)
    return gs


def start_point(seed: int = 1, n: int = N) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n)


# --------------------------------------------------------------- NumPy references
# Plain float64 transcriptions of each formula, written independently of the kernels
# in the same operation order, so they must agree bit for bit. ``s`` holds the state,
# ``h`` the hyper-parameters (read at every step so lr can change mid-run), t >= 1.


def _zeros(s, w, *keys):
    for k in keys:
        s.setdefault(k, np.zeros_like(w))


def ref_sgd(s, w, g, t, h):
    return w - h["lr"] * g


def ref_momentum(s, w, g, t, h):
    _zeros(s, w, "v")
    s["v"] = h["momentum"] * s["v"] + h["lr"] * g
    return w - s["v"]


def ref_nesterov(s, w, g, t, h):
    _zeros(s, w, "v")
    s["v"] = h["momentum"] * s["v"] + h["lr"] * g
    return w - (h["momentum"] * s["v"] + h["lr"] * g)


def ref_adagrad(s, w, g, t, h):
    _zeros(s, w, "G")
    s["G"] = s["G"] + g * g
    return w - h["lr"] * g / np.sqrt(s["G"] + h["eps"])


def ref_rmsprop(s, w, g, t, h):
    _zeros(s, w, "E")
    s["E"] = h["rho"] * s["E"] + (1 - h["rho"]) * g**2
    return w - h["lr"] * g / np.sqrt(s["E"] + h["eps"])


def ref_adadelta(s, w, g, t, h):
    _zeros(s, w, "Eg", "Edx")
    rho, eps = h["rho"], h["eps"]
    s["Eg"] = rho * s["Eg"] + (1 - rho) * g**2
    delta = np.sqrt(s["Edx"] + eps) / np.sqrt(s["Eg"] + eps) * g
    s["Edx"] = rho * s["Edx"] + (1 - rho) * delta**2
    return w - h["lr"] * delta


def _moments(s, w, g, h):
    _zeros(s, w, "m", "b")
    s["m"] = h["beta1"] * s["m"] + (1 - h["beta1"]) * g
    s["b"] = h["beta2"] * s["b"] + (1 - h["beta2"]) * g**2


def ref_adam(s, w, g, t, h):
    _moments(s, w, g, h)
    m_hat = s["m"] / (1 - h["beta1"] ** t)
    b_hat = s["b"] / (1 - h["beta2"] ** t)
    return w - h["lr"] * m_hat / (np.sqrt(b_hat) + h["eps"])


def ref_adamw(s, w, g, t, h):
    w = w * (1 - h["lr"] * h["weight_decay"])
    return ref_adam(s, w, g, t, h)


def ref_nadam(s, w, g, t, h):
    # torch.optim.NAdam's single-tensor path: the schedule μ_t, the running product
    # Π_t (state, starts at 1) and two separate subtractions, gradient first.
    _moments(s, w, g, h)
    b1, psi, lr = h["beta1"], h["momentum_decay"], h["lr"]
    mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    s["prod"] = s.get("prod", 1.0) * mu
    denom = np.sqrt(s["b"] / (1 - h["beta2"] ** t)) + h["eps"]
    w = w - lr * (1 - mu) / (1 - s["prod"]) * g / denom
    return w - lr * mu_next / (1 - s["prod"] * mu_next) * s["m"] / denom


def ref_amsgrad(s, w, g, t, h):
    _moments(s, w, g, h)
    s["bmax"] = np.maximum(s.get("bmax", np.zeros_like(w)), s["b"])
    m_hat = s["m"] / (1 - h["beta1"] ** t)
    b_hat = s["bmax"] / (1 - h["beta2"] ** t)
    return w - h["lr"] * m_hat / (np.sqrt(b_hat) + h["eps"])


REFERENCES = {name: globals()[f"ref_{name}"] for name in ALL}


def run_both(name, hyper, gs, *, switch=None):
    """Run optimizer and reference side by side; yield (step, params, reference).

    ``switch`` = (step, new_hyper) changes hyper-parameters live before that step.
    """
    opt = create(name, **hyper)
    h = opt.hyper
    w_opt = start_point()
    w_ref = w_opt.copy()
    s: dict = {}
    for t, g in enumerate(gs, start=1):
        if switch is not None and t == switch[0]:
            opt.set_hyper(**switch[1])
            h.update(switch[1])
        opt.step(w_opt, g)
        w_ref = REFERENCES[name](s, w_ref, g, t, h)
        yield t, w_opt, w_ref


# ------------------------------------------------------------------- the formulas


@pytest.mark.parametrize("custom", [False, True], ids=["defaults", "custom"])
@pytest.mark.parametrize("name", ALL)
def test_matches_numpy_reference(name, custom):
    hyper = CUSTOM[name] if custom else {}
    count = 0
    for t, w_opt, w_ref in run_both(name, hyper, gradient_sequence(seed=7)):
        # Same IEEE operations in the same order, no fastmath: the bits agree.
        assert np.array_equal(w_opt, w_ref), f"{name} differs at step {t}"
        count += 1
    assert count == STEPS
    assert not np.array_equal(w_opt, start_point()), "the parameters did not move"


def test_adam_first_step_is_lr_times_sign():
    # With the corrected formula m̂/(√b̂+ε), step 1 moves every weight by ≈ lr·sign(g);
    # the slide's m̂/√(b̂²+ε) would move it by ≈ lr/|g| instead.
    g = np.array([3.0, -0.02, 250.0, -7.0])
    w = np.zeros(4)
    create("adam", lr=0.01).step(w, g)
    np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-6)


def test_adagrad_and_rmsprop_closed_forms_for_a_constant_gradient():
    g = np.full(3, 0.5)
    w = np.zeros(3)
    opt = create("adagrad", lr=0.1, eps=1e-8)
    expected = 0.0
    for k in range(1, 11):
        opt.step(w, g)
        expected -= 0.1 * 0.5 / math.sqrt(k * 0.25 + 1e-8)  # G = k·g², ε inside the root
    np.testing.assert_allclose(w, expected, rtol=1e-13)

    w = np.zeros(3)
    opt = create("rmsprop", lr=0.01, rho=0.9, eps=1e-8)
    expected = 0.0
    for k in range(1, 11):
        opt.step(w, g)
        expected -= 0.01 * 0.5 / math.sqrt((1 - 0.9**k) * 0.25 + 1e-8)  # E = (1−ρ^k)·g²
    np.testing.assert_allclose(w, expected, rtol=1e-13)


def test_nadam_look_ahead_divides_by_one_minus_beta1_to_the_t_plus_1():
    # A large ψ makes μ_t = β1 for every t. Step 1 then moves each weight by
    # μ·(1 + β1·(1−β1)/(1−β1²))·sign(g) = μ·(1 + β1/(1+β1))·sign(g); the simple form
    # with 1 − β1^t (the earlier version here) moved it by μ·(1 + β1)·sign(g).
    g = np.array([3.0, -0.02, 250.0, -7.0])
    w = np.zeros(4)
    create("nadam", lr=0.01, beta1=0.9, momentum_decay=1e3).step(w, g)
    np.testing.assert_allclose(w, -0.01 * (1 + 0.9 / 1.9) * np.sign(g), rtol=1e-6)


def test_amsgrad_max_never_decreases_and_differs_from_adam():
    opt = create("amsgrad")
    adam = create("adam")
    w, w_adam = start_point(), start_point()
    previous = np.zeros(N)
    for g in gradient_sequence(seed=3):
        opt.step(w, g)
        adam.step(w_adam, g)
        b_max = opt.state_dict()["b_max"]
        assert np.all(b_max >= previous)
        np.testing.assert_array_equal(b_max, np.maximum(previous, opt.state_dict()["b"]))
        previous = b_max
    assert not np.allclose(w, w_adam)


def quadratic(seed: int = 5, n: int = N):
    """L(w) = ½ wᵀAw − cᵀw with eigenvalues in [0.1, 10]: a long, narrow valley."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = (q * np.geomspace(0.1, 10.0, n)) @ q.T
    c = rng.standard_normal(n)
    return A, c


def test_nesterov_is_textbook_nag_in_the_shifted_variable():
    A, c = quadratic()
    lr, gamma = 0.02, 0.9
    w0 = start_point()

    # Textbook NAG: gradient at the look-ahead point w − γ·v (not w − v as on the slide).
    w, v = w0.copy(), np.zeros(N)
    textbook = []
    for _ in range(200):
        v = gamma * v + lr * (A @ (w - gamma * v) - c)
        w = w - v
        textbook.append(w - gamma * v)  # the shifted variable w̃ = w − γ·v

    opt = create("nesterov", lr=lr, momentum=gamma)
    p = w0.copy()
    for k in range(200):
        opt.step(p, A @ p - c)  # gradient at the current parameters
        np.testing.assert_allclose(p, textbook[k], rtol=1e-12, atol=1e-12)

    # The comparison can tell NAG from plain momentum.
    heavy_ball = create("momentum", lr=lr, momentum=gamma)
    q = w0.copy()
    for _ in range(200):
        heavy_ball.step(q, A @ q - c)
    assert np.max(np.abs(q - p)) > 1e-6


def test_slide_momentum_equals_pytorch_form_for_constant_lr():
    A, c = quadratic()
    lr, gamma = 0.03, 0.9
    opt = create("momentum", lr=lr, momentum=gamma)
    p = start_point()
    w, b = p.copy(), np.zeros(N)
    for _ in range(200):
        opt.step(p, A @ p - c)
        b = gamma * b + (A @ w - c)  # PyTorch: b ← γ·b + g, w ← w − μ·b
        w = w - lr * b
        np.testing.assert_allclose(p, w, rtol=1e-12, atol=1e-12)
    assert np.linalg.norm(p - start_point()) > 0.1


LRS = {
    "sgd": 0.05,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.5,
    "rmsprop": 0.01,
    "adadelta": 1.0,
    "adam": 0.05,
    "adamw": 0.05,
    "nadam": 0.05,
    "amsgrad": 0.05,
}


@pytest.mark.parametrize("name", ALL)
def test_descends_a_quadratic(name):
    A, c = quadratic()
    w_star = np.linalg.solve(A, c)

    def loss(w):
        return 0.5 * w @ A @ w - c @ w

    opt = create(name, lr=LRS[name])
    w = start_point()
    gap0 = loss(w) - loss(w_star)
    for _ in range(300 if name != "adadelta" else 3000):
        opt.step(w, A @ w - c)
    assert loss(w) - loss(w_star) < 0.2 * gap0


# ----------------------------------------------------------- in place, lazy state


@pytest.mark.parametrize("name", ALL)
def test_updates_in_place_through_a_view(name):
    buffer = np.zeros(N + 10)
    params = buffer[5 : 5 + N]  # like a network's layers: views into one flat vector
    layer = params[:4]
    g = gradient_sequence(seed=2, steps=1)[0]
    g_before = g.copy()
    assert create(name).step(params, g) is None
    assert np.any(buffer[5 : 5 + N] != 0.0)
    assert np.all(buffer[:5] == 0.0) and np.all(buffer[5 + N :] == 0.0)
    assert np.array_equal(layer, buffer[5:9])
    assert np.array_equal(g, g_before), "grads must not be modified"


def test_state_is_allocated_lazily_or_at_creation():
    opt = create("adam")
    assert opt.size is None and opt.step_count == 0
    assert "m" not in opt.state_dict()
    opt.step(np.zeros(N), np.ones(N))
    assert opt.size == N and opt.step_count == 1
    sized = create("amsgrad", size=N).state_dict()
    for k in ("m", "b", "b_max"):
        assert sized[k].shape == (N,) and not sized[k].any()
    with pytest.raises(ValueError, match="size must be"):
        create("adam", size=-1)


def test_nan_gradients_propagate():
    # No fastmath and no silent clamping: a divergence must show.
    for name in ALL:
        w = np.ones(3)
        create(name).step(w, np.array([np.nan, 1.0, np.inf]))
        assert np.isnan(w[0]), name


def test_reset_forgets_state_and_keeps_hyper():
    opt = create("adam", lr=0.5)
    opt.step(np.zeros(N), np.ones(N))
    opt.reset()
    assert opt.step_count == 0 and opt.size is None and opt.hyper["lr"] == 0.5
    opt.step(np.zeros(3), np.ones(3))  # may now be used with another size
    assert opt.size == 3


# ------------------------------------------------------------ fused plan / advance


@pytest.mark.parametrize("done", [0, 7, 12])
@pytest.mark.parametrize("name", ALL)
def test_plan_then_advance_fewer_equals_single_steps(name, done):
    # What the fused kernel does: plan 12 steps, run ``done`` of them through
    # apply_update (a divergence may stop it early), then advance(done).
    gs = gradient_sequence(seed=17, steps=30)
    fused, single = create(name, **CUSTOM[name]), create(name, **CUSTOM[name])
    w_fused, w_single = start_point(), start_point()
    for g in gs[:5]:
        fused.step(w_fused, g)
        single.step(w_single, g)
    code, states, scalars = fused.plan(N, 12)
    assert scalars.shape == (12, MAX_SCALARS)
    for k in range(done):
        optimizers.apply_update(code, w_fused, gs[5 + k], *states, scalars[k])
    fused.advance(done)
    for g in gs[5 : 5 + done]:
        single.step(w_single, g)
    assert np.array_equal(w_fused, w_single)
    a, b = fused.state_dict(), single.state_dict()
    assert a.keys() == b.keys() and a["step"] == 5 + done
    for k in a:
        assert np.array_equal(a[k], b[k]), k
    for g in gs[5 + done :]:  # and the next steps agree too
        fused.step(w_fused, g)
        single.step(w_single, g)
    assert np.array_equal(w_fused, w_single)


# -------------------------------------------------------------------- state dicts


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_is_bit_identical(name):
    gs = gradient_sequence(seed=11, steps=50)
    original = create(name, **CUSTOM[name])
    w = start_point()
    for g in gs[:20]:
        original.step(w, g)
    saved = original.state_dict()

    restored = create(name)  # defaults: the hyper-parameters must come from the dict
    restored.load_state_dict(saved)
    assert restored.hyper == original.hyper == {**original.defaults, **CUSTOM[name]}
    assert restored.step_count == original.step_count == 20

    w_restored = w.copy()
    for g in gs[20:]:
        original.step(w, g)
        restored.step(w_restored, g)
    assert np.array_equal(w, w_restored)
    assert original.step_count == restored.step_count == 50


@pytest.mark.parametrize("name", ALL)
def test_state_dict_holds_plain_values_and_copies(name):
    opt = create(name, **CUSTOM[name])
    w = start_point()
    gs = gradient_sequence(seed=4, steps=10)
    for g in gs[:5]:
        opt.step(w, g)
    saved = opt.state_dict()
    snapshot = copy.deepcopy(saved)

    scalars = {k: v for k, v in saved.items() if not isinstance(v, np.ndarray)}
    arrays = {k: v for k, v in saved.items() if isinstance(v, np.ndarray)}
    assert scalars["name"] == name and scalars["step"] == 5
    assert type(scalars["step"]) is int
    assert all(type(scalars[k]) is float for k in opt.defaults)
    json.dumps(scalars)
    assert set(arrays) == set(type(opt).state_names)

    for g in gs[5:]:  # the optimizer moves on; the dict must not
        opt.step(w, g)
    for k, a in arrays.items():
        assert np.array_equal(a, snapshot[k])
        assert not np.array_equal(a, opt.state_dict()[k])

    # Loading copies too: mutating the dict afterwards changes nothing.
    fresh = create(name)
    fresh.load_state_dict(saved)
    for a in arrays.values():
        a[:] = 123.0
    for k in arrays:
        assert np.array_equal(fresh.state_dict()[k], snapshot[k])


def _nadam_after(steps, **hyper):
    opt = create("nadam", **{**CUSTOM["nadam"], **hyper})
    w = start_point()
    gs = gradient_sequence(seed=21, steps=40)
    for g in gs[:steps]:
        opt.step(w, g)
    return opt, w, gs[steps:]


def test_nadam_state_dict_holds_mu_product_and_reset_clears_it():
    opt, _, _ = _nadam_after(20)
    saved = opt.state_dict()
    b1, psi = CUSTOM["nadam"]["beta1"], CUSTOM["nadam"]["momentum_decay"]
    expected = 1.0
    for t in range(1, 21):
        expected *= b1 * (1 - 0.5 * 0.96 ** (t * psi))
    assert type(saved["mu_product"]) is float and saved["mu_product"] == expected
    json.dumps({k: v for k, v in saved.items() if not isinstance(v, np.ndarray)})
    opt.reset()
    assert opt.state_dict()["mu_product"] == 1.0


@pytest.mark.parametrize(
    "drop", [("mu_product",), ("mu_product", "momentum_decay")], ids=["no-product", "old-format"]
)
def test_nadam_loads_a_state_without_mu_product(drop):
    # The format saved before Nadam followed PyTorch has neither Π nor ψ: Π is rebuilt
    # from the step count (with the loaded β1 and the current ψ), and the run goes on
    # exactly as the uninterrupted one.
    original, w, rest = _nadam_after(20)
    saved = original.state_dict()
    for k in drop:
        del saved[k]
    restored = create("nadam", momentum_decay=CUSTOM["nadam"]["momentum_decay"])
    restored.load_state_dict(saved)
    assert restored.hyper == original.hyper
    assert restored.state_dict()["mu_product"] == original.state_dict()["mu_product"]
    w_restored = w.copy()
    for g in rest:
        original.step(w, g)
        restored.step(w_restored, g)
    assert np.array_equal(w, w_restored)

    # Without its ψ an old state takes the loading optimizer's ψ (here the default).
    fresh = create("nadam")
    fresh.load_state_dict({k: v for k, v in saved.items() if k != "momentum_decay"})
    assert fresh.hyper["momentum_decay"] == 0.004


@pytest.mark.parametrize(
    ("beta1", "psi"), [(0.9, 0.004), (0.999999, 0.0), (0.999999, 0.02), (0.99, 1e3), (0.0, 0.004)]
)
def test_nadam_rebuilds_mu_product_for_any_step_count(beta1, psi):
    # Π_t is rebuilt in a bounded loop (it underflows to 0, or μ_t reaches β1 and the
    # rest is β1^k), so a state at step 10^12 loads at once.
    hyper = {"beta1": beta1, "momentum_decay": psi}
    for t in (1, 3000, 60_000, 10**12):
        saved = create("nadam", **hyper).state_dict()
        saved.update(step=t, m=np.zeros(3), b=np.zeros(3))
        del saved["mu_product"]
        opt = create("nadam")
        opt.load_state_dict(saved)
        prod = opt.state_dict()["mu_product"]
        assert 0.0 <= prod < 1.0
        if t <= 60_000:
            naive = 1.0
            for i in range(1, t + 1):
                naive *= beta1 * (1 - 0.5 * 0.96 ** (i * psi))
            assert prod == pytest.approx(naive, rel=1e-9, abs=1e-300)
        w = np.ones(3)
        opt.step(w, np.ones(3))
        assert np.all(np.isfinite(w))


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), float("inf"), "0.5", True, None])
def test_nadam_rejects_a_damaged_mu_product(bad):
    saved = _nadam_after(5)[0].state_dict()
    saved["mu_product"] = bad
    opt = create("nadam", lr=0.5)
    with pytest.raises(ValueError, match="mu_product"):
        opt.load_state_dict(saved)
    assert opt.hyper["lr"] == 0.5 and opt.step_count == 0 and opt.size is None
    assert opt.state_dict()["mu_product"] == 1.0


def test_state_dict_before_first_step_round_trips():
    saved = create("adam", lr=0.3).state_dict()
    opt = create("adam")
    opt.load_state_dict(saved)
    assert opt.hyper["lr"] == 0.3 and opt.step_count == 0 and opt.size is None


# -------------------------------------------------------------- live hyper-params


@pytest.mark.parametrize("name", ALL)
def test_set_hyper_changes_lr_mid_run_and_keeps_state(name):
    lr = CUSTOM[name]["lr"]
    opt_steps = run_both(name, CUSTOM[name], gradient_sequence(seed=9), switch=(25, {"lr": lr / 4}))
    for t, w_opt, w_ref in opt_steps:
        # The reference keeps its state across the switch; a reset would differ.
        assert np.array_equal(w_opt, w_ref), f"{name} differs at step {t}"


def test_set_hyper_and_hyper_property():
    opt = create("adam")
    opt.step(np.zeros(N), np.ones(N))
    before = opt.state_dict()
    opt.set_hyper(lr=0.1, beta2=0.9)
    assert opt.hyper == {"lr": 0.1, "beta1": 0.9, "beta2": 0.9, "eps": 1e-8}
    after = opt.state_dict()
    assert after["step"] == 1 and np.array_equal(after["m"], before["m"])
    opt.hyper["lr"] = 5.0  # a copy: does not change the optimizer
    assert opt.hyper["lr"] == 0.1
    # Atomic: one bad value leaves every value as it was.
    with pytest.raises(ValueError, match="beta1"):
        opt.set_hyper(lr=0.2, beta1=1.0)
    assert opt.hyper["lr"] == 0.1


# ------------------------------------------------------------------ bad arguments


def test_unknown_optimizer_names_it_and_the_choices():
    with pytest.raises(ValueError, match=r"unknown optimizer 'adamax'.*sgd.*adam"):
        create("adamax")


@pytest.mark.parametrize(
    ("name", "hyper", "match"),
    [
        ("adam", {"gamma": 0.9}, r"unknown hyper-parameter 'gamma'.*lr, beta1, beta2, eps"),
        ("sgd", {"momentum": 0.9}, r"unknown hyper-parameter 'momentum'"),
        ("adam", {"weight_decay": 0.1}, r"unknown hyper-parameter 'weight_decay'"),
        ("sgd", {"lr": -0.1}, r"learning rate must be"),
        ("sgd", {"lr": float("nan")}, r"learning rate must be"),
        ("adam", {"lr": float("inf")}, r"learning rate must be"),
        ("sgd", {"lr": "0.1"}, r"lr must be a real number"),
        ("sgd", {"lr": True}, r"lr must be a real number"),
        ("momentum", {"momentum": 1.5}, r"momentum must be in \[0, 1\)"),
        ("nesterov", {"momentum": -0.1}, r"momentum must be in \[0, 1\)"),
        ("rmsprop", {"rho": 1.0}, r"rho must be in \[0, 1\)"),
        ("adam", {"beta1": 1.0}, r"beta1 must be in \[0, 1\)"),
        ("adam", {"beta2": float("nan")}, r"beta2 must be in \[0, 1\)"),
        ("adagrad", {"eps": 0.0}, r"eps must be a finite number > 0"),
        ("adam", {"eps": -1e-8}, r"eps must be a finite number > 0"),
        ("adamw", {"weight_decay": -0.01}, r"weight_decay must be"),
        ("nadam", {"momentum_decay": -1e-3}, r"momentum_decay must be a finite number >= 0"),
        ("nadam", {"momentum_decay": float("inf")}, r"momentum_decay must be a finite number"),
        ("adam", {"momentum_decay": 0.004}, r"unknown hyper-parameter 'momentum_decay'"),
    ],
)
def test_bad_hyper_parameters(name, hyper, match):
    with pytest.raises(ValueError, match=match):
        create(name, **hyper)
    with pytest.raises(ValueError, match=match):
        create(name).set_hyper(**hyper)


def test_zero_lr_and_zero_momentum_are_allowed():
    w = start_point()
    create("adam", lr=0.0).step(w, np.ones(N))
    assert np.array_equal(w, start_point())
    create("momentum", momentum=0.0)


@pytest.mark.parametrize(
    ("params", "grads", "match"),
    [
        (np.zeros(N, dtype=np.float32), np.zeros(N), r"float64.*float32"),
        (np.zeros(N), np.zeros(N, dtype=np.float32), r"float64"),
        (np.zeros(N, dtype=np.int64), np.zeros(N, dtype=np.int64), r"float64"),
        (np.zeros((N, 2)), np.zeros((N, 2)), r"flat 1-D"),
        (np.zeros(N), np.zeros((N, 1)), r"flat 1-D"),
        (np.zeros(N), np.zeros(N + 1), r"grads has size 38 but params has size 37"),
        (np.zeros(2 * N)[::2], np.zeros(N), r"C-contiguous"),
        ([0.0] * N, np.zeros(N), r"numpy arrays"),
    ],
)
def test_bad_step_arguments(params, grads, match):
    opt = create("adam")
    with pytest.raises(ValueError, match=match):
        opt.step(params, grads)
    assert opt.step_count == 0


def test_read_only_params_and_size_change():
    p = np.zeros(N)
    p.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        create("sgd").step(p, np.zeros(N))
    opt = create("rmsprop")
    opt.step(np.zeros(N), np.ones(N))
    with pytest.raises(ValueError, match=r"params has size 10.*sized for 37"):
        opt.step(np.zeros(10), np.ones(10))
    assert opt.step_count == 1


def _state_after(name, n=N, steps=3, **hyper):
    opt = create(name, **hyper)
    w = np.zeros(n)
    for _ in range(steps):
        opt.step(w, np.ones(n))
    return opt


def test_load_state_dict_of_another_optimizer():
    saved = _state_after("adam").state_dict()
    for name in ("sgd", "adamw", "amsgrad"):
        with pytest.raises(ValueError, match=rf"state is for 'adam', not '{name}'"):
            create(name).load_state_dict(saved)


def test_load_state_dict_of_another_size():
    saved = _state_after("adam", n=10).state_dict()
    target = _state_after("adam", n=N)
    before = target.state_dict()
    with pytest.raises(ValueError, match=r"state has size 10.*sized for 37"):
        target.load_state_dict(saved)
    # All or nothing: the failed load changed nothing.
    after = target.state_dict()
    assert after["step"] == before["step"]
    assert np.array_equal(after["m"], before["m"])

    with pytest.raises(ValueError, match=r"state has size 10.*sized for 37"):
        create("adam", size=N).load_state_dict(saved)

    fresh = create("adam")  # not yet sized: takes the saved size, then checks params
    fresh.load_state_dict(saved)
    with pytest.raises(ValueError, match=r"params has size 37.*sized for 10"):
        fresh.step(np.zeros(N), np.zeros(N))


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.pop("b"), r"lacks arrays \['b'\]"),
        (lambda d: (d.pop("m"), d.pop("b")), r"at step 3 lacks its arrays"),
        (lambda d: d.update(b=d["b"][:5]), r"arrays differ in size"),
        (lambda d: d.update(m=d["m"].astype(np.float32)), r"'m' must be a 1-D float64"),
        (lambda d: d.update(m=d["m"].tolist()), r"'m' must be a 1-D float64"),
        (lambda d: d.update(step=-1), r"'step' must be an integer >= 0"),
        (lambda d: d.update(step=2.5), r"'step' must be an integer >= 0"),
        (lambda d: d.pop("beta2"), r"lacks hyper-parameters \['beta2'\]"),
        (lambda d: d.update(lr=-1.0), r"learning rate must be"),
        (lambda d: d.update(velocity=np.zeros(N)), r"unexpected keys.*'velocity'"),
        (lambda d: d.pop("name"), r"state is for None, not 'adam'"),
    ],
)
def test_load_state_dict_rejects_damaged_state(edit, match):
    saved = _state_after("adam").state_dict()
    edit(saved)
    opt = create("adam", lr=0.5)
    with pytest.raises(ValueError, match=match):
        opt.load_state_dict(saved)
    assert opt.hyper["lr"] == 0.5 and opt.step_count == 0 and opt.size is None


def test_load_state_dict_rejects_non_mapping():
    with pytest.raises(ValueError, match="must be a mapping"):
        create("sgd").load_state_dict([("name", "sgd")])


# ---------------------------------------------------------------------- metadata


def test_registry_lists_every_optimizer_with_help():
    assert OPTIMIZERS.names() == ALL
    for name in ALL:
        cls = OPTIMIZERS.get(name)
        assert cls.name == name
        assert issubclass(cls, optimizers.Optimizer)
        assert "lr" in cls.defaults
        assert set(cls.hyper_help) == set(cls.defaults)
        assert all(isinstance(v, str) and v for v in cls.hyper_help.values())
        assert "Reference" in cls.__doc__ and "←" in cls.__doc__
        assert create(name).hyper == cls.defaults  # defaults pass validation


def test_standard_defaults():
    assert create("sgd").hyper == {"lr": 0.01}
    assert create("momentum").hyper == {"lr": 0.01, "momentum": 0.9}
    assert create("adadelta").hyper["lr"] == 1.0
    assert create("rmsprop").hyper == {"lr": 0.001, "rho": 0.9, "eps": 1e-8}
    assert create("adam").hyper == {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert create("nadam").hyper == {
        "lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004
    }


def test_kernels_are_nogil_without_fastmath():
    kernels = [getattr(optimizers, k) for k in dir(optimizers) if k.endswith("_kernel")]
    assert len(kernels) == 9
    for k in kernels:
        assert k.targetoptions.get("nogil") is True
        assert not k.targetoptions.get("fastmath")


# ------------------------------------------------------------------------ PyTorch


@pytest.fixture
def torch64():
    """torch with float64 as the default dtype, restored afterwards. NAdam keeps its
    running product Π_t in a tensor of the default dtype; in float32 it would carry
    ~1e-7 relative error into every step."""
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(before)


@pytest.mark.parametrize(
    "name", ["sgd", "momentum", "nesterov", "adadelta", "adam", "adamw", "nadam", "amsgrad"]
)
@pytest.mark.parametrize("custom", [False, True], ids=["defaults", "custom"])
def test_matches_pytorch(name, custom, torch64):
    torch = torch64
    hyper = CUSTOM[name] if custom else {}
    h = {**OPTIMIZERS.get(name).defaults, **hyper}
    p = torch.tensor(start_point(), dtype=torch.float64, requires_grad=True)
    kw = {"lr": h["lr"], "foreach": False}
    if name in ("sgd", "momentum", "nesterov"):
        opt_t = torch.optim.SGD(
            [p], momentum=h.get("momentum", 0.0), nesterov=name == "nesterov", **kw
        )
    elif name == "adadelta":
        opt_t = torch.optim.Adadelta([p], rho=h["rho"], eps=h["eps"], **kw)
    else:
        betas = (h["beta1"], h["beta2"])
        if name == "adamw":
            opt_t = torch.optim.AdamW(
                [p], betas=betas, eps=h["eps"], weight_decay=h["weight_decay"], **kw
            )
        elif name == "nadam":
            opt_t = torch.optim.NAdam(
                [p], betas=betas, eps=h["eps"], momentum_decay=h["momentum_decay"], **kw
            )
        else:
            opt_t = torch.optim.Adam(
                [p], betas=betas, eps=h["eps"], amsgrad=name == "amsgrad", **kw
            )
    ours = create(name, **hyper)
    w = start_point()
    for g in gradient_sequence(seed=13, steps=STEPS):
        ours.step(w, g)
        p.grad = torch.from_numpy(g.copy())
        opt_t.step()
        np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert ours.step_count == STEPS
    if name == "nadam":
        assert ours.state_dict()["mu_product"] == opt_t.state[p]["mu_product"].item()


def test_nadam_defaults_are_pytorchs(torch64):
    import inspect

    sig = inspect.signature(torch64.optim.NAdam).parameters
    h = create("nadam").hyper
    assert (h["lr"], h["eps"], h["momentum_decay"]) == (
        sig["lr"].default, sig["eps"].default, sig["momentum_decay"].default
    )
    assert (h["beta1"], h["beta2"]) == sig["betas"].default
