"""What the Optimizer Lab is set to: surface, options, start, racers and their
hyper-parameters, and the presets — plain Python, no numerics.

The race itself is ``core.lab.race.PathRace``; this module only remembers the
user's choices and turns them into one (``core.lab.player.LabPlayer`` owns a
``LabModel`` and the race built from it). Hyper-parameters are stored **per
surface** as the user's overrides on top of the surface's tuned defaults
(``Surface.hyper_for``), so switching surface and back keeps the edits, and a
default that depends on a surface option (the learning rates of SGD and
momentum scale with 1/κ on the ill-conditioned quadratic) follows the option
unless the user overrode it. Which optimizers race, the gradient noise and its
seed are shared by all surfaces.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

from core.lab.race import PathRace, Racer, create_optimizer, divergence_box, racer_names
from core.lab.surfaces import SURFACES, Surface, make_surface, surface_options
from core.optim import OPTIMIZERS
from core.optim.newton import SECOND_ORDER

__all__ = ["LABELS", "LECTURE", "PRESETS", "LabModel", "Preset", "SurfaceSetup",
           "class_defaults", "describe", "hyper_help"]

#: The seven optimizers of the lecture's "Comparison" slide, in its order.
LECTURE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")

LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
          "rmsprop": "RMSProp", "adadelta": "Adadelta", "adam": "Adam", "adamw": "AdamW",
          "nadam": "Nadam", "amsgrad": "AMSGrad", "newton": "Newton",
          "newton_damped": "Damped Newton"}


def _cls(name: str):
    return SECOND_ORDER.get(name) if name in SECOND_ORDER else OPTIMIZERS.get(name)


def class_defaults(name: str) -> dict[str, float]:
    """The optimizer class's own hyper-parameter defaults (every key it takes)."""
    return dict(_cls(name).defaults)


def hyper_help(name: str) -> dict[str, str]:
    """One line per hyper-parameter, with its formula (for tooltips)."""
    return dict(_cls(name).hyper_help)


def describe(name: str) -> str:
    """The first paragraph of the optimizer's docstring (formula and reference)."""
    doc = inspect.getdoc(_cls(name)) or ""
    return doc.split("\n\n")[0]


@dataclass(frozen=True)
class Preset:
    """One click to a slide: a surface (with options), the racers, tuned defaults."""

    title: str
    surface: str
    racers: tuple[str, ...]
    options: dict[str, float] = field(default_factory=dict)
    tip: str = ""


PRESETS: dict[str, Preset] = {
    "lecture_beale": Preset(
        "Lecture comparison on Beale", "beale", LECTURE,
        tip="The lecture's \"Comparison\" animation: the seven optimizers from (1, 1.5) "
            "on Beale's function, each with its tuned learning rate."),
    "lecture_saddle": Preset(
        "Lecture comparison on the saddle", "saddle", LECTURE,
        tip="The seven optimizers started just off the ridge of x\u00b2 \u2212 y\u00b2: "
            "SGD lingers at the saddle, the adaptive methods escape at once."),
    "valley": Preset(
        "Long valley: SGD vs momentum vs Newton", "ill_conditioned",
        ("sgd", "momentum", "nesterov", "newton"), {"condition": 50.0, "angle": 0.0},
        tip="An ill-conditioned quadratic (\u03ba = 50): SGD zigzags across the valley, "
            "momentum rolls along it, Newton lands on the minimum in one step."),
    "rosenbrock": Preset(
        "Rosenbrock: first order vs Newton", "rosenbrock",
        ("sgd", "momentum", "adam", "newton", "newton_damped"),
        tip="The banana valley: easy to reach, hard to follow; Newton's method knows "
            "the curvature."),
    "rastrigin": Preset(
        "Rastrigin: trapped in local minima", "rastrigin", ("sgd", "momentum", "adam"),
        tip="An egg-box of local minima: every first-order method settles in one. "
            "Try the gradient noise."),
}


@dataclass
class SurfaceSetup:
    """The user's choices for one surface."""

    options: dict[str, float]
    start: tuple[float, float] | None = None  # None: the surface's default start
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)


class LabModel:
    """The lab's settings. Invalid edits raise ``ValueError`` and change nothing."""

    def __init__(self, surface: str = "beale", racers=LECTURE) -> None:
        self.names: list[str] = racer_names()
        self.surface_names: list[str] = SURFACES.names()
        self._setups: dict[str, SurfaceSetup] = {}
        self._surfaces: dict[tuple, Surface] = {}
        self.surface_name = ""
        self.enabled: set[str] = set()
        self.grad_noise = 0.0
        self.seed = 0
        self.set_surface(surface)
        for n in racers:
            self.set_enabled(n, True)

    # -- surface ------------------------------------------------------------------
    def setup_for(self, name: str) -> SurfaceSetup:
        if name not in self._setups:
            self._setups[name] = SurfaceSetup(options=surface_options(name))
        return self._setups[name]

    @property
    def setup(self) -> SurfaceSetup:
        return self.setup_for(self.surface_name)

    @property
    def surface(self) -> Surface:
        opts = self.setup.options
        key = (self.surface_name, tuple(sorted(opts.items())))
        if key not in self._surfaces:
            self._surfaces[key] = make_surface(self.surface_name, **opts)
        return self._surfaces[key]

    def set_surface(self, name: str) -> None:
        SURFACES.get(name)  # ValueError for an unknown name
        self.setup_for(name)
        self.surface_name = name

    def set_option(self, key: str, value: float) -> None:
        opts = {**self.setup.options, key: float(value)}
        make_surface(self.surface_name, **opts)  # validates
        self.setup.options = opts

    # -- start point ----------------------------------------------------------------
    @property
    def start(self) -> tuple[float, float]:
        s = self.setup.start
        return s if s is not None else tuple(self.surface.start)

    def set_start(self, point) -> None:
        x, y = float(point[0]), float(point[1])
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"start must be finite, got ({x}, {y})")
        (xlo, xhi), (ylo, yhi) = divergence_box(self.surface)
        if not (xlo <= x <= xhi and ylo <= y <= yhi):
            raise ValueError(f"start ({x:.3g}, {y:.3g}) is too far outside the window")
        self.setup.start = (x, y)

    def reset_start(self) -> None:
        self.setup.start = None

    # -- racers ---------------------------------------------------------------------
    def set_enabled(self, name: str, on: bool) -> None:
        if name not in self.names:
            raise ValueError(f"unknown racer {name!r}")
        if on:
            self.enabled.add(name)
        else:
            self.enabled.discard(name)

    def default_hyper(self, name: str) -> dict[str, float]:
        """Class defaults overlaid with this surface's tuned values."""
        return {**class_defaults(name), **self.surface.hyper_for(name)}

    def hyper(self, name: str) -> dict[str, float]:
        """What racer ``name`` runs with on the current surface."""
        return {**self.default_hyper(name), **self.setup.overrides.get(name, {})}

    def set_hyper(self, name: str, key: str, value: float) -> None:
        new = {**self.hyper(name), key: value}
        create_optimizer(name, **new)  # validates: ValueError names the culprit
        over = self.setup.overrides.setdefault(name, {})
        if float(value) == self.default_hyper(name).get(key):
            over.pop(key, None)
        else:
            over[key] = float(value)
        if not over:
            del self.setup.overrides[name]

    def is_edited(self, name: str, key: str) -> bool:
        return key in self.setup.overrides.get(name, {})

    def reset_hyper(self) -> None:
        """Forget the user's edits on the current surface."""
        self.setup.overrides.clear()

    def set_grad_noise(self, sigma: float) -> None:
        s = float(sigma)
        if not (math.isfinite(s) and s >= 0.0):
            raise ValueError(f"gradient noise must be a finite number >= 0, got {sigma!r}")
        self.grad_noise = s

    def set_seed(self, seed: int) -> None:
        if isinstance(seed, bool) or int(seed) != seed or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.seed = int(seed)

    def racers(self) -> list[Racer]:
        """The checked racers in registry order, each with its full hyper-parameters."""
        return [Racer(LABELS.get(n, n), n, self.hyper(n)) for n in self.names
                if n in self.enabled]

    def make_race(self) -> PathRace:
        return PathRace(self.surface, self.racers(), self.start,
                        grad_noise=self.grad_noise, seed=self.seed)

    # -- presets ----------------------------------------------------------------------
    def apply_preset(self, key: str) -> Preset:
        """Switch to the preset's surface and racers with the tuned defaults: the
        user's edits and start point on that surface are reset, the noise is off."""
        try:
            p = PRESETS[key]
        except KeyError:
            raise ValueError(f"unknown preset {key!r}; choose one of: "
                             f"{', '.join(PRESETS)}") from None
        self.set_surface(p.surface)
        self.setup.options = {**surface_options(p.surface), **p.options}
        self.setup.start = None
        self.setup.overrides.clear()
        self.enabled = set(p.racers)
        self.grad_noise = 0.0
        return p
