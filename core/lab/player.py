"""The Optimizer Lab's player: the race, the step it shows and the play state —
everything of the lab that is not drawing, without Qt.

A :class:`LabPlayer` owns the settings (a :class:`~core.lab.model.LabModel`) and
the race built from them (a :class:`~core.lab.race.PathRace`), and shows one
recorded step k, the *view step*, 0 ≤ k ≤ ``head`` (the steps raced so far):

- ``step(n)`` replays recorded steps first, then races on; ``scrub(k)`` moves
  k within what is recorded; ``restart()`` goes back to step 0.
- An edit of a racer, the noise or a surface option re-races up to ``head`` at
  once, so the effect of an edit shows at the same step; a new start point, a
  new surface or a preset start again from step 0.
- Playing is plain data (``playing``, ``speed`` steps per frame, ``stop_at``):
  the GUI's timer calls :meth:`tick` once per frame while ``playing``.

``generation`` counts the races built and restarts: a view that caches what it
drew from the whole race (the loss curves) redraws when it or ``head`` changed.
Invalid edits raise ``ValueError`` from the model and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.lab.model import LABELS, LabModel, Preset
from core.lab.race import PathRace, RacePath

__all__ = ["LabPlayer", "RacerFrame"]


@dataclass(frozen=True)
class RacerFrame:
    """One racer as shown at view step k: its path, the index of the shown point
    ``shown = min(k, steps_taken)`` and whether it has diverged by step k."""

    name: str
    label: str
    path: RacePath
    shown: int
    diverged: bool

    @property
    def point(self) -> tuple[float, float]:
        x, y = self.path.points[self.shown]
        return float(x), float(y)

    @property
    def loss(self) -> float:
        return float(self.path.losses[self.shown])

    @property
    def distance(self) -> float:
        """Distance to the nearest minimum (NaN on a surface without minima)."""
        return float(self.path.distances[self.shown])

    @property
    def recorded(self) -> bool:
        """True when the path holds points after the shown one (the rest shows faint)."""
        return self.shown < self.path.points.shape[0] - 1


class LabPlayer:
    """The lab's race and what it shows. ``model=None`` starts on the lecture's
    comparison on Beale (``LabModel()``)."""

    def __init__(self, model: LabModel | None = None, *, speed: int = 2,
                 stop_at: int = 500) -> None:
        self.model = model if model is not None else LabModel()
        self.playing = False
        self.speed = _positive_int("speed", speed)
        self.stop_at = _positive_int("stop_at", stop_at)
        self.view_step = 0
        self.generation = 0
        self.race: PathRace = self.model.make_race()
        self.paths: dict[str, RacePath] = self.race.paths()

    # ------------------------------------------------------------------ what is shown
    @property
    def head(self) -> int:
        """Steps raced (recorded) so far."""
        return self.race.steps

    @property
    def at_end(self) -> bool:
        return self.view_step >= self.head

    def frames(self) -> dict[str, RacerFrame | None]:
        """Every racer name of the model → its frame at the view step, or None when
        it does not race."""
        k = self.view_step
        out: dict[str, RacerFrame | None] = {}
        for name in self.model.names:
            label = LABELS.get(name, name)
            path = self.paths.get(label)
            if path is None:
                out[name] = None
                continue
            shown = min(k, path.points.shape[0] - 1)
            diverged = path.diverged_at is not None and k >= path.diverged_at
            out[name] = RacerFrame(name, label, path, shown, diverged)
        return out

    # ------------------------------------------------------------------ playing
    def play(self) -> bool:
        """Start playing; False (and not playing) when no racer is checked. Play at
        the end of a finished race starts it again from step 0."""
        if not self.model.enabled:
            self.playing = False
            return False
        if self.view_step >= self.stop_at and self.at_end:
            self.restart()
        self.playing = True
        return True

    def pause(self) -> None:
        self.playing = False

    def toggle(self) -> bool:
        """Play or pause; returns ``playing``."""
        if self.playing:
            self.pause()
        else:
            self.play()
        return self.playing

    def tick(self) -> str | None:
        """One animation frame: ``speed`` steps on, capped at ``stop_at``. Returns
        why playing paused at this frame ("all racers stopped", "reached the last
        step"), else None."""
        if not self.playing:
            return None
        self._advance(self.speed, cap=True)
        if self.view_step >= self.stop_at or (self.at_end and not self.race.running):
            self.pause()
            return "all racers stopped" if not self.race.running else "reached the last step"
        return None

    def step(self, n: int = 1) -> None:
        """Pause and show ``n`` more steps (replaying recorded ones first)."""
        self.pause()
        self._advance(n, cap=False)

    def scrub(self, k: int) -> None:
        """Pause and show the recorded step ``k`` (clipped to 0 … head)."""
        self.pause()
        self.view_step = max(0, min(int(k), self.head))

    def restart(self) -> None:
        """Back to step 0 from the same start, with fresh optimizer state (keeps
        playing if it was)."""
        self.race.reset()
        self.paths = self.race.paths()
        self.view_step = 0
        self.generation += 1

    def _advance(self, n: int, *, cap: bool) -> None:
        target = self.view_step + n
        if cap:
            target = min(target, max(self.stop_at, self.view_step))
        if target > self.head:
            self.race.step(target - self.head)
            self.paths = self.race.paths()
        self.view_step = target

    # ------------------------------------------------------------------ edits
    def rebuild(self, *, keep_steps: bool) -> None:
        """A new race from the model; re-raced to ``head`` (and the same view step)
        when ``keep_steps``, else at step 0. Pauses when no racer is checked."""
        steps = self.head if keep_steps else 0
        view = self.view_step if keep_steps else 0
        race = self.model.make_race()
        if steps:
            race.step(steps)
        self.race = race
        self.paths = race.paths()
        self.view_step = min(view, steps)
        self.generation += 1
        if not self.model.enabled:
            self.pause()

    def set_surface(self, name: str) -> None:
        self.pause()
        self.model.set_surface(name)
        self.rebuild(keep_steps=False)

    def set_option(self, key: str, value: float) -> None:
        self.model.set_option(key, value)
        self.rebuild(keep_steps=True)

    def set_start(self, point) -> None:
        self.model.set_start(point)
        self.rebuild(keep_steps=False)

    def set_enabled(self, name: str, on: bool) -> None:
        self.model.set_enabled(name, on)
        self.rebuild(keep_steps=True)

    def set_hyper(self, name: str, key: str, value: float) -> None:
        self.model.set_hyper(name, key, value)
        self.rebuild(keep_steps=True)

    def set_grad_noise(self, sigma: float) -> None:
        self.model.set_grad_noise(sigma)
        self.rebuild(keep_steps=True)

    def set_seed(self, seed: int) -> None:
        self.model.set_seed(seed)
        self.rebuild(keep_steps=True)

    def set_speed(self, steps_per_frame: int) -> None:
        self.speed = _positive_int("speed", steps_per_frame)

    def set_stop_at(self, step: int) -> None:
        self.stop_at = _positive_int("stop_at", step)

    def apply_preset(self, key: str) -> Preset:
        """Pause and switch to the preset (its surface, racers, tuned defaults) at step 0."""
        self.pause()
        preset = self.model.apply_preset(key)
        self.rebuild(keep_steps=False)
        return preset

    def reset_defaults(self) -> None:
        """Forget the hyper-parameter edits and the start point on this surface."""
        self.model.reset_hyper()
        self.model.reset_start()
        self.rebuild(keep_steps=False)


def _positive_int(what: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{what} must be an integer >= 1, got {value!r}")
    return int(value)

