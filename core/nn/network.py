"""A multilayer perceptron over one flat float64 parameter vector.

Each hidden layer is ``dense -> [batch norm] -> activation``; batch norm sits
before the activation as in Ioffe & Szegedy (2015), and then the dense bias is
dropped because BN's beta does its job (a bias there would have zero gradient).
The output layer is dense and linear; the loss works on its raw outputs
(logits for the cross-entropies).

``params`` and ``grad`` are single contiguous vectors and every layer's arrays
are reshaped views into them, so an optimizer steps all weights in one call and
the loss-landscape view can move the whole network along a direction.
Batch-norm running statistics live in a second flat vector, ``buffers``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from core.nn import activations as act
from core.nn import initializers, layers, losses


@dataclass(frozen=True)
class NetworkSpec:
    """Plain description of a network; ``Network(spec)`` builds it.

    ``activation`` is one name for every hidden layer or one name per layer.
    """

    input_size: int
    hidden: tuple[int, ...]
    output_size: int
    activation: str | tuple[str, ...] = "tanh"
    batch_norm: bool = False
    initializer: str = "xavier_uniform"
    init_sigma: float = 0.01  # for the small_random initializer
    loss: str = "mse"
    seed: int = 0
    bn_momentum: float = 0.1
    bn_eps: float = 1e-5
    noise_sigma: float = 0.1  # noisy ReLU's sigma
    prelu_init: float = 0.25

    @classmethod
    def from_dict(cls, data: Mapping) -> NetworkSpec:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown network setting(s): {', '.join(sorted(unknown))}")
        values = dict(data)
        if "hidden" in values:
            values["hidden"] = tuple(values["hidden"])
        if isinstance(values.get("activation"), list):
            values["activation"] = tuple(values["activation"])
        return cls(**values)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        if isinstance(self.activation, tuple):
            d["activation"] = list(self.activation)
        return d

    def activations(self) -> tuple[str, ...]:
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return tuple(self.activation)


@dataclass
class _Block:
    """One dense layer and what follows it; arrays are views into the flat vectors."""

    name: str
    n_in: int
    n_out: int
    activation: str | None  # None for the output layer
    batch_norm: bool
    W: np.ndarray
    b: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    prelu: np.ndarray
    gW: np.ndarray
    gb: np.ndarray
    ggamma: np.ndarray
    gbeta: np.ndarray
    gprelu: np.ndarray
    run_mean: np.ndarray
    run_var: np.ndarray
    param_slice: slice
    weight_slice: slice
    cache: dict = field(default_factory=dict)


_NONE = np.zeros(1)


def _check_int(value, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_positive(value, what: str) -> float:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a finite number > 0, got {value!r}")
    return float(value)


def validate_spec(spec: NetworkSpec) -> None:
    """Raise ``ValueError`` naming the first problem in ``spec``."""
    _check_int(spec.input_size, "input size")
    _check_int(spec.output_size, "output size")
    for i, width in enumerate(spec.hidden):
        _check_int(width, f"width of hidden layer {i + 1}")
    names = spec.activations()
    if len(names) != len(spec.hidden):
        raise ValueError(
            f"{len(names)} activations given for {len(spec.hidden)} hidden layers")
    for name in names:
        act.ACTIVATIONS.get(name)
    initializers.INITIALIZERS.get(spec.initializer)
    losses.LOSSES.get(spec.loss)
    if spec.loss == "softmax_ce" and spec.output_size < 2:
        raise ValueError("softmax cross-entropy needs an output size of at least 2")
    _check_positive(spec.init_sigma, "init sigma")
    _check_positive(spec.bn_eps, "batch-norm epsilon")
    if not 0.0 < spec.bn_momentum <= 1.0:
        raise ValueError(f"batch-norm momentum must lie in (0, 1], got {spec.bn_momentum!r}")
    if not np.isfinite(spec.noise_sigma) or spec.noise_sigma < 0:
        raise ValueError(f"noise sigma must be >= 0, got {spec.noise_sigma!r}")
    if not np.isfinite(spec.prelu_init):
        raise ValueError("initial PReLU slope must be finite")


class Network:
    """MLP with ``params`` (flat float64) and ``loss_and_grad(X, y)``.

    Formulas per hidden layer d (row-vector convention, batch of m rows):
        z = u W + b,  [z <- BN(z)],  u' = h(z);  output o = u W + b.
    Backward: g_z = g_u' * h'(z),  [BN backward],  dW = uᵀ g_z, db = Σ g_z, g_u = g_z Wᵀ.
    """

    def __init__(self, spec: NetworkSpec | Mapping, *, rng: np.random.Generator | None = None):
        if isinstance(spec, Mapping):
            spec = NetworkSpec.from_dict(spec)
        validate_spec(spec)
        self.spec = spec
        self.training = True
        sizes = [spec.input_size, *spec.hidden, spec.output_size]
        acts = spec.activations()
        layout = []  # (n_in, n_out, activation, bn)
        for i in range(len(sizes) - 1):
            hidden = i < len(spec.hidden)
            layout.append((sizes[i], sizes[i + 1], acts[i] if hidden else None,
                           spec.batch_norm and hidden))
        n_params = 0
        n_buffers = 0
        for n_in, n_out, a, bn in layout:
            n_params += n_in * n_out + (0 if bn else n_out)
            n_params += 2 * n_out if bn else 0
            n_params += n_out if (a and act.ACTIVATIONS.get(a).trainable) else 0
            n_buffers += 2 * n_out if bn else 0
        self.params = np.zeros(n_params)
        self.grad = np.zeros(n_params)
        self.buffers = np.zeros(n_buffers)
        self.blocks: list[_Block] = []
        p = q = 0

        def take(n, shape=None):
            nonlocal p
            s = slice(p, p + n)
            p += n
            views = (self.params[s], self.grad[s])
            return views if shape is None else tuple(v.reshape(shape) for v in views)

        for i, (n_in, n_out, a, bn) in enumerate(layout):
            start = p
            W, gW = take(n_in * n_out, (n_in, n_out))
            weight_slice = slice(start, p)
            b, gb = take(0 if bn else n_out)
            gamma, ggamma = take(n_out if bn else 0)
            beta, gbeta = take(n_out if bn else 0)
            trainable = a is not None and act.ACTIVATIONS.get(a).trainable
            prelu, gprelu = take(n_out if trainable else 0)
            rm = self.buffers[q:q + (n_out if bn else 0)]
            rv = self.buffers[q + rm.size:q + 2 * rm.size]
            q += 2 * rm.size
            name = f"hidden {i + 1}" if a is not None else "output"
            self.blocks.append(_Block(name, n_in, n_out, a, bn, W, b, gamma, beta, prelu,
                                      gW, gb, ggamma, gbeta, gprelu, rm, rv,
                                      slice(start, p), weight_slice))
        self.noise_rng = rng if rng is not None else np.random.default_rng([spec.seed, 1])
        self.reset(np.random.default_rng([spec.seed, 0]))

    # -- set-up -----------------------------------------------------------------
    def reset(self, rng: np.random.Generator) -> None:
        """Draw fresh weights from ``rng``; biases 0, gamma 1, beta 0, PReLU slope 0.25."""
        spec = self.spec
        for blk in self.blocks:
            blk.W[...] = initializers.initialize(
                spec.initializer, rng, blk.n_in, blk.n_out, sigma=spec.init_sigma)
            blk.b[...] = 0.0
            blk.gamma[...] = 1.0
            blk.beta[...] = 0.0
            blk.prelu[...] = spec.prelu_init
            blk.run_mean[...] = 0.0
            blk.run_var[...] = 1.0

    @property
    def layer_names(self) -> list[str]:
        return [blk.name for blk in self.blocks]

    @property
    def layer_slices(self) -> list[slice]:
        """Slice of ``params`` per layer (its weights, bias, BN and PReLU parameters)."""
        return [blk.param_slice for blk in self.blocks]

    @property
    def weight_slices(self) -> list[slice]:
        """Slice of ``params`` holding each layer's weight matrix only."""
        return [blk.weight_slice for blk in self.blocks]

    def train(self) -> Network:
        self.training = True
        return self

    def eval(self) -> Network:
        self.training = False
        return self

    # -- computation --------------------------------------------------------------
    def _check_X(self, X) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.spec.input_size:
            raise ValueError(
                f"inputs must have shape (m, {self.spec.input_size}), got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("inputs hold no rows")
        return X

    def forward(self, X: np.ndarray, *, rng: np.random.Generator | None = None,
                update_stats: bool = True, noise: list | None = None) -> np.ndarray:
        """Network output for ``X`` in the current mode; keeps what backward needs.

        Training mode draws stochastic-activation noise from ``rng`` (default:
        ``self.noise_rng``) — or takes it from ``noise`` (one draw or None per
        layer) — and updates BN running statistics unless told not to.
        """
        X = self._check_X(X)
        training = self.training
        m = X.shape[0]
        if training and self.spec.batch_norm and m < 2:
            raise ValueError(
                "batch normalization needs at least 2 examples per batch in training mode "
                "(the variance of one example is 0); use a larger batch or evaluation mode")
        rng = self.noise_rng if rng is None else rng
        u = X
        for i, blk in enumerate(self.blocks):
            c = blk.cache
            c["u"] = u
            z = np.empty((m, blk.n_out))
            layers._dense_forward(u, blk.W, blk.b if blk.b.size else _NONE, blk.b.size > 0, z)
            c["z"] = z
            if blk.batch_norm:
                xhat = np.empty_like(z)
                y = np.empty_like(z)
                inv_std = np.empty(blk.n_out)
                if training:
                    rm, rv = (blk.run_mean, blk.run_var) if update_stats else (
                        blk.run_mean.copy(), blk.run_var.copy())
                    layers._bn_forward_train(z, blk.gamma, blk.beta, self.spec.bn_eps,
                                             self.spec.bn_momentum, xhat, y, inv_std, rm, rv)
                else:
                    layers._bn_forward_eval(z, blk.gamma, blk.beta, self.spec.bn_eps,
                                            blk.run_mean, blk.run_var, xhat, y, inv_std)
                c["xhat"], c["inv_std"], c["pre"] = xhat, inv_std, y
            else:
                c["pre"] = z
            if blk.activation is None:
                u = c["pre"]
            else:
                if noise is not None and noise[i] is not None:
                    draw = noise[i]
                else:
                    draw = act.draw_noise(blk.activation, (m, blk.n_out), rng,
                                          training=training, noise_sigma=self.spec.noise_sigma)
                a = np.empty((m, blk.n_out))
                info = act.ACTIVATIONS.get(blk.activation)
                act._forward(info.code, c["pre"], a, blk.prelu if blk.prelu.size else _NONE,
                             draw)
                c["noise"], c["a"] = draw, a
                u = a
        return u

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Fill ``self.grad`` from dL/d(output) of the last ``forward``; returns it."""
        g = np.ascontiguousarray(grad_out, dtype=np.float64)
        for k in range(len(self.blocks) - 1, -1, -1):
            blk = self.blocks[k]
            c = blk.cache
            if blk.activation is not None:
                info = act.ACTIVATIONS.get(blk.activation)
                g_pre = np.empty_like(g)
                act._backward(info.code, c["pre"], c["a"],
                              blk.prelu if blk.prelu.size else _NONE, c["noise"], g, g_pre,
                              blk.gprelu if blk.gprelu.size else _NONE.copy())
                g = g_pre
            if blk.batch_norm:
                g_z = np.empty_like(g)
                layers._bn_backward(g, c["xhat"], blk.gamma, c["inv_std"], self.training,
                                    g_z, blk.ggamma, blk.gbeta)
                g = g_z
            u = c["u"]
            need_x = k > 0
            g_u = np.empty_like(u) if need_x else _NONE.reshape(1, 1)
            layers._dense_backward(u, blk.W, g, blk.b.size > 0, blk.gW,
                                   blk.gb if blk.gb.size else _NONE.copy(), g_u, need_x)
            g = g_u
        return self.grad

    def loss_and_grad(self, X: np.ndarray, y: np.ndarray, *,
                      rng: np.random.Generator | None = None, update_stats: bool = True,
                      noise: list | None = None) -> tuple[float, np.ndarray]:
        """Mean loss on (X, y) and its gradient w.r.t. ``params`` (the flat ``grad``)."""
        X = self._check_X(X)
        targets = self._targets(X, y)
        out = self.forward(X, rng=rng, update_stats=update_stats, noise=noise)
        value, g_out = losses.loss_and_grad(self.spec.loss, out, targets)
        self.backward(g_out)
        return value, self.grad

    def loss(self, X: np.ndarray, y: np.ndarray, *,
             rng: np.random.Generator | None = None) -> float:
        """Mean loss without touching gradients or running statistics."""
        X = self._check_X(X)
        targets = self._targets(X, y)
        out = self.forward(X, rng=rng, update_stats=False)
        return losses.loss_and_grad(self.spec.loss, out, targets)[0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs in evaluation mode (mode restored afterwards); for classification
        losses, probabilities: sigmoid for BCE, softmax for softmax CE."""
        was = self.training
        self.training = False
        try:
            out = self.forward(X, update_stats=False).copy()
        finally:
            self.training = was
        if self.spec.loss == "bce_logits":
            return act.forward("sigmoid", out)  # the overflow-free kernel
        if self.spec.loss == "softmax_ce":
            e = np.exp(out - out.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return out

    def _targets(self, X: np.ndarray, y) -> np.ndarray:
        y = np.asarray(y)
        if y.shape[:1] != X.shape[:1]:
            raise ValueError(
                f"X has {X.shape[0]} rows but y has {y.shape[0] if y.ndim else 0}")
        return losses.prepare_targets(self.spec.loss, y, self.spec.output_size)

    def hidden_activations(self) -> list[np.ndarray]:
        """Each hidden layer's output from the last forward pass (live arrays)."""
        return [blk.cache["a"] for blk in self.blocks if blk.activation is not None]

    def grad_norms(self) -> np.ndarray:
        """Euclidean norm of the gradient of each layer's parameters."""
        slices = self.layer_slices
        out = np.empty(len(slices))
        layers.layer_norms(self.grad, np.array([s.start for s in slices], dtype=np.int64),
                           np.array([s.stop for s in slices], dtype=np.int64), out)
        return out
