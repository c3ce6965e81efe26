"""The settings a user can vary in a comparison, as the Compare tab lists them.

Each ``Setting`` names a config path, how its values are chosen -- a checklist
of ``choices`` (every activation, initializer, optimizer... from the core's
registries), or for numbers a checklist of suggested values and a log (or
linear) range -- and which values are ticked at first. Anything else a sweep
can vary is reachable by its dotted path (``core.train.sweep.paths``).

``axis(config, key, values)`` turns a choice into a sweep axis; the optimizers
"each at its lecture rate" become an axis over the whole optimizer section
(``core.train.variants.optimizer_axis``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LECTURE_RATES = "optimizer_lecture"


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    path: str
    kind: str  # "choice" (checklist) or "number" (checklist or range)
    choices: tuple = ()  # values to tick (numbers: suggested ones)
    checked: tuple = ()  # ticked at first
    labels: tuple[str, ...] = ()  # shown for the choices (default: the value)
    log: bool = True  # numbers: the range is spaced in log scale
    integer: bool = False
    span: tuple[float, float, int] = (1e-4, 1.0, 9)  # numbers: the range at first

    def choice_label(self, i: int) -> str:
        if self.labels:
            return self.labels[i]
        from core.train.sweep.paths import format_value

        return format_value(self.choices[i])


def _names(registry_module: str, attr: str) -> tuple[str, ...]:
    import importlib

    return tuple(getattr(importlib.import_module(registry_module), attr).names())


def _steps(name: str | None) -> list[dict]:
    return [] if name is None else [{"name": name}]


def settings() -> tuple[Setting, ...]:
    """Every setting of the Compare tab's list, in the lecture's order."""
    from core.train.variants import LECTURE_OPTIMIZERS

    steps = (None, "mean_cancellation", "standardize", "min_max", "pca_whitening",
             "zca_whitening")
    off_on = (False, True)
    penalties = (0.0, 1e-4, 1e-3, 1e-2)
    return (
        Setting("activation", "Activation", "network.activation", "choice",
                _names("core.nn.activations", "ACTIVATIONS"), ("sigmoid", "tanh", "relu")),
        Setting("initializer", "Initializer", "network.initializer", "choice",
                _names("core.nn.initializers", "INITIALIZERS"), ("xavier_uniform", "he_normal")),
        Setting("preprocessing", "Preprocessing", "data.preprocessing", "choice",
                tuple(_steps(s) for s in steps), (_steps(None), _steps("standardize"),
                                                  _steps("zca_whitening")),
                tuple(s or "none" for s in steps)),
        Setting("optimizer", "Optimizer (the session's learning rate)", "optimizer.name",
                "choice", _names("core.optim", "OPTIMIZERS"), LECTURE_OPTIMIZERS),
        Setting(LECTURE_RATES, "Optimizer (each at its lecture rate)", "optimizer", "choice",
                _names("core.optim", "OPTIMIZERS"), LECTURE_OPTIMIZERS),
        Setting("lr", "Learning rate", "optimizer.hyper.lr", "number",
                (1e-4, 1e-3, 1e-2, 1e-1, 1.0), (1e-3, 1e-2, 1e-1), span=(1e-4, 1.0, 9)),
        Setting("momentum", "Momentum γ", "optimizer.hyper.momentum", "number",
                (0.0, 0.5, 0.9, 0.99), (0.0, 0.9), log=False, span=(0.0, 0.99, 4)),
        Setting("beta1", "β1 (Adam family)", "optimizer.hyper.beta1", "number",
                (0.0, 0.5, 0.9, 0.99), (0.0, 0.9), log=False, span=(0.0, 0.99, 4)),
        Setting("beta2", "β2 (Adam family)", "optimizer.hyper.beta2", "number",
                (0.9, 0.99, 0.999), (0.9, 0.999), log=False, span=(0.9, 0.999, 3)),
        Setting("rho", "ρ (RMSProp, Adadelta)", "optimizer.hyper.rho", "number",
                (0.5, 0.9, 0.95, 0.99), (0.9, 0.99), log=False, span=(0.5, 0.99, 4)),
        Setting("batch_size", "Batch size", "training.batch_size", "number",
                (2, 8, 16, 32, 64, 128, 256), (8, 32, 128), integer=True, span=(8, 256, 6)),
        Setting("batch_norm", "Batch norm", "network.batch_norm", "choice", off_on, off_on,
                ("off", "on")),
        Setting("shuffle", "Shuffling", "training.shuffle", "choice",
                ("epoch", "fixed", "sorted"), ("epoch", "fixed", "sorted"),
                ("every epoch", "fixed order", "sorted by class")),
        Setting("curriculum", "Curriculum", "training.curriculum.enabled", "choice", off_on,
                off_on, ("off", "on")),
        Setting("early_stopping", "Early stopping", "training.early_stopping.enabled",
                "choice", off_on, off_on, ("off", "on")),
        Setting("grad_noise", "Gradient noise", "training.grad_noise.enabled", "choice",
                off_on, off_on, ("off", "on")),
        Setting("grad_noise_eta", "Gradient noise η", "training.grad_noise.eta", "number",
                (1e-3, 1e-2, 1e-1, 1.0), (1e-2, 1e-1), span=(1e-3, 1.0, 4)),
        Setting("l1", "L1 penalty λ1", "training.l1", "number", penalties, (0.0, 1e-3),
                span=(1e-5, 1e-1, 5)),
        Setting("l2", "L2 penalty λ2", "training.l2", "number", penalties, (0.0, 1e-3),
                span=(1e-5, 1e-1, 5)),
    )


def by_key(key: str) -> Setting:
    for s in settings():
        if s.key == key:
            return s
    raise ValueError(f"no setting {key!r}; choose one of: "
                     + ", ".join(s.key for s in settings()))


def axis(config, key: str, values: Sequence):
    """The sweep axis of setting ``key`` over ``values`` for base ``config``."""
    from core.train.sweep.spec import Axis

    setting = by_key(key)
    if key == LECTURE_RATES:
        from core.train.variants import optimizer_axis

        return optimizer_axis(config, list(values))
    return Axis(setting.path, tuple(values))


def lecture_comparisons() -> tuple[tuple[str, tuple], ...]:
    """The lecture's comparisons, ready-made: (title, ((setting key, values), ...)).
    A value list ``("range", lo, hi, n)`` is a range of the setting."""
    from core.train.variants import LECTURE_OPTIMIZERS

    off_on = [False, True]
    return (
        ("Sigmoid vs tanh vs the ReLU family",
         (("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "softplus"]),)),
        ("Xavier vs He initialization", (("initializer", ["xavier_uniform", "he_normal"]),)),
        ("Preprocessing steps", (("preprocessing", [[], [{"name": "standardize"}],
                                                    [{"name": "zca_whitening"}]]),)),
        ("The optimizers, each at its lecture rate", ((LECTURE_RATES, list(LECTURE_OPTIMIZERS)),)),
        ("How to choose the learning rate? (optimizer \u00d7 learning rate)",
         (("optimizer", ["sgd", "momentum", "adagrad", "adam"]),
          ("lr", ("range", 1e-4, 1.0, 9)))),
        ("Batch size", (("batch_size", [8, 32, 128]),)),
        ("Batch norm vs L2", (("batch_norm", off_on), ("l2", [0.0, 1e-3]))),
        ("Shuffling: every epoch, fixed, sorted", (("shuffle", ["epoch", "fixed", "sorted"]),)),
        ("Curriculum learning off / on", (("curriculum", off_on),)),
        ("Early stopping off / on", (("early_stopping", off_on),)),
        ("Gradient noise off / on", (("grad_noise", off_on),)),
    )
