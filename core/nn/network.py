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
Where each layer's numbers live is the layer plan (``core.nn.plan``), built
once here; the compiled passes (``core.nn.passes``) read it, as does the fused
training kernel.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from core.common.rng import stream
from core.nn import activations as act
from core.nn import initializers, layers, losses, passes, penalty
from core.nn import plan as layer_plan
from core.nn.spec import NetworkSpec, validate_spec

__all__ = ["Network", "NetworkSpec", "validate_spec"]


class _LastPass(NamedTuple):
    """What ``backward`` needs from the last ``forward``."""

    x: np.ndarray
    work: np.ndarray
    work_off: np.ndarray
    noise: np.ndarray
    noise_off: np.ndarray


class Network:
    """MLP with ``params`` (flat float64) and ``loss_and_grad(X, y)``.

    Formulas per hidden layer d (row-vector convention, batch of m rows):
        z = u W + b,  [z <- BN(z)],  u' = h(z);  output o = u W + b.
    Backward: g_z = g_u' * h'(z),  [BN backward],  dW = uᵀ g_z, db = Σ g_z, g_u = g_z Wᵀ.

    ``plan`` is the layer plan (``core.nn.plan``); ``blocks`` describes each layer
    with views into ``params``, ``grad`` and ``buffers`` made from it.
    """

    def __init__(self, spec: NetworkSpec | Mapping, *, rng: np.random.Generator | None = None):
        if isinstance(spec, Mapping):
            spec = NetworkSpec.from_dict(spec)
        validate_spec(spec)
        self.spec = spec
        self.training = True
        self.plan, n_params, n_buffers = layer_plan.build_plan(spec)
        self.params = np.zeros(n_params)
        self.grad = np.zeros(n_params)
        self.buffers = np.zeros(n_buffers)
        self.blocks: list[layer_plan.Layer] = layer_plan.layers_of(
            self.plan, spec, self.params, self.grad, self.buffers)
        self._stochastic = [l for l, blk in enumerate(self.blocks) if blk.activation
                            and act.ACTIVATIONS.get(blk.activation).stochastic]
        self._starts = np.array(self.plan[:, layer_plan.START])  # contiguous, writable
        self._stops = np.array(self.plan[:, layer_plan.STOP])
        self._layouts: dict[int, tuple[np.ndarray, int]] = {}  # m -> work_layout(plan, m)
        self._scratch = (-1, layer_plan.grad_scratch(self.plan, 0))  # (m, backward scratch)
        # no stochastic layer: one noise placeholder for every pass
        self._no_noise = layer_plan.pack_noise(self.plan, [0], None)
        self._last: _LastPass | None = None
        self.noise_rng = rng if rng is not None else stream(spec.seed, "activation_noise")
        self.reset(stream(spec.seed, "init"))

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

    @contextmanager
    def evaluating(self) -> Iterator[Network]:
        """``with net.evaluating(): ...`` runs in evaluation mode and then restores the
        previous mode, also when the block raises."""
        was = self.training
        self.training = False
        try:
            yield self
        finally:
            self.training = was

    # -- computation --------------------------------------------------------------
    def _check_X(self, X) -> np.ndarray:
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.spec.input_size:
            raise ValueError(
                f"inputs must have shape (m, {self.spec.input_size}), got {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("inputs hold no rows")
        # the compiled passes keep X with their (writable) work views in one list
        return X if X.flags.writeable else X.copy()

    def _draws(self, m: int, rng: np.random.Generator, noise: list | None) -> list:
        """Each layer's activation noise for a batch of m (None where none is read)."""
        draws: list = [None] * len(self.blocks)
        for l in self._stochastic:
            blk = self.blocks[l]
            if noise is not None and noise[l] is not None:
                draws[l] = noise[l]
            else:
                draws[l] = act.draw_noise(blk.activation, (m, blk.n_out), rng,
                                          training=self.training,
                                          noise_sigma=self.spec.noise_sigma)
        return draws

    def _work_layout(self, m: int) -> tuple[np.ndarray, int]:
        """``work_layout`` for m rows, kept for the next batches of that size (a few
        sizes: training batches, the last one of an epoch, the validation split
        alternate at every evaluation)."""
        got = self._layouts.get(m)
        if got is None:
            if len(self._layouts) >= 8:
                self._layouts.clear()
            got = self._layouts[m] = layer_plan.work_layout(self.plan, m)
        return got

    def forward(self, X: np.ndarray, *, rng: np.random.Generator | None = None,
                update_stats: bool = True, noise: list | None = None) -> np.ndarray:
        """Network output for ``X`` in the current mode; keeps what backward needs.

        Training mode draws stochastic-activation noise from ``rng`` (default:
        ``self.noise_rng``) — or takes it from ``noise`` (one draw or None per
        layer) — and updates BN running statistics unless told not to.
        Every call gets fresh buffers, so outputs returned earlier stay as they were.
        """
        X = self._check_X(X)
        training = self.training
        m = X.shape[0]
        if training and self.spec.batch_norm and m < 2:
            raise ValueError(
                "batch normalization needs at least 2 examples per batch in training mode "
                "(the variance of one example is 0); use a larger batch or evaluation mode")
        if self._stochastic:
            draws = self._draws(m, self.noise_rng if rng is None else rng, noise)
            flat, noise_off = layer_plan.pack_noise(self.plan, [m], [draws])
        else:
            flat, noise_off = self._no_noise
        work_off, size = self._work_layout(m)
        work = layer_plan.work_buffer(size)  # fresh: outputs returned earlier stay as they were
        out = passes.forward_step(self.plan, self.params, self.buffers, X, work, work_off,
                                  flat, noise_off[0], training, update_stats,
                                  self.spec.bn_eps, self.spec.bn_momentum)
        self._last = _LastPass(X, work, work_off, flat, noise_off[0])
        return out

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Fill ``self.grad`` from dL/d(output) of the last ``forward``; returns it."""
        last = self._require_forward()
        g = np.ascontiguousarray(grad_out, dtype=np.float64)
        g = g if g.flags.writeable else g.copy()  # as X in _check_X
        m = last.x.shape[0]
        if g.shape != (m, self.spec.output_size):  # the kernel does no bounds checks
            raise ValueError(f"dL/d(output) must have shape {(m, self.spec.output_size)} "
                             f"(the last forward pass), got {g.shape}")
        if self._scratch[0] != m:  # pure scratch: kept for the next batch of this size
            self._scratch = (m, layer_plan.grad_scratch(self.plan, m))
        passes.backward_step(self.plan, self.params, self.grad, last.x, last.work,
                             last.work_off, self._scratch[1], last.noise, last.noise_off,
                             self.training, g)
        return self.grad

    def loss_and_grad(self, X: np.ndarray, y: np.ndarray, *,
                      rng: np.random.Generator | None = None, update_stats: bool = True,
                      noise: list | None = None) -> tuple[float, np.ndarray]:
        """Mean loss on (X, y) and the gradient w.r.t. ``params`` (the flat ``grad``) of
        that loss plus the weights' penalty (``penalty()``; 0 unless the spec sets l1 or
        l2). The value returned is the data loss alone, so runs with and without a
        penalty compare on one scale."""
        X = self._check_X(X)
        targets = self._targets(X, y)
        out = self.forward(X, rng=rng, update_stats=update_stats, noise=noise)
        value, g_out = losses.loss_and_grad(self.spec.loss, out, targets)
        self.backward(g_out)
        if self.spec.l1 or self.spec.l2:
            penalty.add_penalty_grad(self.plan, self.params, self.grad, self.spec.l1,
                                     self.spec.l2)
        return value, self.grad

    def penalty(self) -> float:
        """The weights' L1 + L2 penalty Ω(w) (``core.nn.penalty``); the objective whose
        gradient ``loss_and_grad`` returns is ``loss(X, y) + penalty()``."""
        return penalty.penalty(self.plan, self.params, self.spec.l1, self.spec.l2)

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
        with self.evaluating():
            out = self.forward(X, update_stats=False).copy()
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

    # -- inspection ---------------------------------------------------------------
    def _require_forward(self) -> _LastPass:
        if self._last is None:
            raise RuntimeError("no forward pass has run yet")
        return self._last

    def hidden_activations(self) -> list[np.ndarray]:
        """Each hidden layer's output from the last forward pass (live arrays)."""
        last = self._require_forward()
        return layer_plan.hidden_views(self.plan, last.work, last.work_off, last.x.shape[0])

    def intermediates(self, layer: int) -> dict[str, np.ndarray]:
        """Layer ``layer``'s arrays from the last forward pass (views): ``z`` = u W + b,
        with BN ``xhat`` and ``inv_std``, ``pre`` (the activation's input) and, for
        hidden layers, ``a``."""
        last = self._require_forward()
        m = last.x.shape[0]
        out = {}
        for name, col in (("z", layer_plan.Z), ("xhat", layer_plan.XHAT),
                          ("pre", layer_plan.PRE), ("a", layer_plan.A)):
            view = layer_plan.layer_views(self.plan, last.work, last.work_off, m, col)[layer]
            if view is not None:
                out[name] = view
        o = int(last.work_off[layer, layer_plan.INV_STD])
        if o >= 0:
            out["inv_std"] = last.work[o:o + self.blocks[layer].n_out]
        return out

    def grad_norms(self) -> np.ndarray:
        """Euclidean norm of the gradient of each layer's parameters."""
        out = np.empty(len(self.blocks))
        layers.layer_norms(self.grad, self._starts, self._stops, out)
        return out
