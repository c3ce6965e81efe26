"""The Optimizer Lab: optimizers racing on a 2-D test surface (the lecture's
"Comparison" slide, live).

Everything that is not drawing (the race, the shown step, playing, the
settings) is a :class:`core.lab.player.LabPlayer`. This widget lays out its
views (``top_bar``: surface, options, presets, noise, export; ``race_map``:
contours and trails, click to set the start; ``loss_plot``; ``transport``:
play, step, restart, scrub; ``table``: the racers) and wires them to the
player; a QTimer calls ``player.tick()`` while it plays (a step of all racers
takes ~0.1 ms). Space / S / R play, step and restart while the focus is inside
the lab, even in a window that binds them to training (``keys.LabKeys``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from core.lab.model import LABELS, LabModel
from core.lab.player import LabPlayer
from core.lab.race import PathRace, RacePath
from playground.lab import exports
from playground.lab.keys import LabKeys
from playground.lab.loss_view import LossView
from playground.lab.race_map import RaceMap
from playground.lab.racer_table import RacerTable
from playground.lab.top_bar import TopBar
from playground.lab.transport import TransportBar
from playground.plots import style

TICK_MS = 30  # animation frame interval


def _splitter(orientation: Qt.Orientation, widgets: list[QWidget], stretch: list[int],
              sizes: list[int]) -> QSplitter:
    split = QSplitter(orientation)
    split.setChildrenCollapsible(False)
    for i, (w, f) in enumerate(zip(widgets, stretch, strict=True)):
        split.addWidget(w)
        split.setStretchFactor(i, f)
    split.setSizes(sizes)
    return split


class LabWidget(QWidget):
    """The Optimizer Lab, a self-contained widget (embed it as a tab or a window).

    Public for tests and scripting: ``player`` (the :class:`LabPlayer`) and its
    ``model``, ``race``, ``paths`` and ``view_step``; ``playing``, ``play()``,
    ``pause()``, ``step()``, ``restart()``, ``set_surface(name)``,
    ``set_start((x, y))``, ``apply_preset(key)``, ``show_step(k)``,
    ``save_picture(path)``, ``save_paths(path)``; the views ``top_bar``,
    ``race_map``, ``loss_plot``, ``transport``, ``table`` and ``status``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.player = LabPlayer()
        names = self.model.names
        self.colors = {n: style.color(i) for i, n in enumerate(names)}
        self._drawn: tuple[int, int] | None = None  # (generation, head) of the loss curves
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.top_bar = TopBar()
        self.race_map = RaceMap(names, self.colors)
        self.loss_plot = LossView(names, self.colors)
        self.transport = TransportBar(TICK_MS, self.player.speed, self.player.stop_at)
        self.table = RacerTable(self.model, self.colors)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        self.status.setToolTip("What the lab did last, or why it could not")
        self._lay_out()
        self._connect()
        self.keys = LabKeys(self, self.trigger)
        self._redraw(sync=True)

    def _lay_out(self) -> None:
        bottom = QWidget()
        blay = QVBoxLayout(bottom)
        blay.setContentsMargins(0, 0, 0, 0)
        blay.setSpacing(2)
        blay.addWidget(self.transport)
        blay.addWidget(self.table, 1)
        plots = _splitter(Qt.Orientation.Horizontal, [self.race_map, self.loss_plot], [3, 2],
                          [600, 400])
        split = _splitter(Qt.Orientation.Vertical, [plots, bottom], [1, 0],
                          [560, bottom.sizeHint().height()])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 4)
        lay.setSpacing(4)
        lay.addWidget(self.top_bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)

    def _connect(self) -> None:
        bar, tr, p = self.top_bar, self.transport, self.player
        bar.surface_chosen.connect(self._surface_chosen)
        bar.option_edited.connect(self._option_edited)
        bar.preset_chosen.connect(self.apply_preset)
        bar.defaults_button.clicked.connect(self.reset_defaults)
        bar.noise_edited.connect(lambda v: self._edit(p.set_grad_noise, v))
        bar.seed_edited.connect(lambda v: self._edit(p.set_seed, v))
        bar.picture_requested.connect(lambda: self.save_picture())
        bar.paths_requested.connect(lambda: self.save_paths())
        tr.play_button.clicked.connect(self.toggle_play)
        tr.step_button.clicked.connect(lambda: self.step())
        tr.restart_button.clicked.connect(self.restart)
        tr.scrubbed.connect(self._scrubbed)
        tr.speed_changed.connect(p.set_speed)
        tr.stop_at_changed.connect(p.set_stop_at)
        self.table.enabled_changed.connect(lambda n, on: self._edit(p.set_enabled, n, on))
        self.table.hyper_changed.connect(self._hyper_edited)
        self.race_map.start_clicked.connect(lambda x, y: self.set_start((x, y)))

    # ------------------------------------------------------------------ the player's state
    @property
    def model(self) -> LabModel:
        return self.player.model

    @property
    def race(self) -> PathRace:
        return self.player.race

    @property
    def paths(self) -> dict[str, RacePath]:
        return self.player.paths

    @property
    def view_step(self) -> int:
        return self.player.view_step

    @property
    def playing(self) -> bool:
        return self.player.playing

    # ------------------------------------------------------------------ public API
    def trigger(self, action: str) -> None:
        """Run a keyboard action: "play" (toggle), "step" or "restart"."""
        {"play": self.toggle_play, "step": self.step, "restart": self.restart}[action]()

    def play(self) -> None:
        if not self.player.play():
            self._say("Check at least one optimizer in the table to race.")
        self._refresh()

    def pause(self) -> None:
        self.player.pause()
        self._sync_timer()

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, n: int = 1) -> None:
        """Show ``n`` more steps (replaying recorded ones first, then racing on)."""
        self.player.step(n)
        self._refresh()

    def restart(self) -> None:
        """Back to step 0 from the same start (keeps playing if it was)."""
        self.player.restart()
        self._refresh()

    def show_step(self, k: int) -> None:
        """Show the recorded step ``k`` (clipped to what is recorded), as the slider does."""
        self.transport.slider.setValue(max(0, min(int(k), self.player.head)))

    def set_surface(self, name: str) -> None:
        idx = self.top_bar.surface_box.findData(name)
        if idx < 0:
            raise ValueError(f"unknown surface {name!r}")
        self.top_bar.surface_box.setCurrentIndex(idx)  # → _surface_chosen

    def set_start(self, point) -> None:
        """Move the start point (as a click on the map does) and start again."""
        if self._edit(self.player.set_start, point):
            x, y = self.model.start
            self._say(f"Start point ({x:.3g}, {y:.3g}) \u2014 press Play (Space) to race")

    def apply_preset(self, key: str) -> None:
        p = self.player.apply_preset(key)  # an unknown key raises ValueError
        self._redraw(sync=True)
        self._say(f"Preset: {p.title}. Press Play (Space).")

    def reset_defaults(self) -> None:
        if self._edit(self.player.reset_defaults, sync=True):
            self._say(f"Tuned defaults for {self.model.surface.label}")

    def save_picture(self, path: str | None = None) -> Path | None:
        """Export the contour map with the trails (PNG or SVG by extension); without
        ``path``, ask with a file dialog."""
        return exports.save_picture(self, self.race_map.getPlotItem(), self.model.surface_name,
                                    self._say, path)

    def save_paths(self, path: str | None = None) -> Path | None:
        """Export every racer's recorded path as CSV (``core.lab.race.paths_to_csv``)."""
        return exports.save_paths(self, self.race.paths(), self.model.surface_name, self._say,
                                  path)

    # ------------------------------------------------------------------ user edits
    def _edit(self, action: Callable[..., None], *args, sync: bool = False) -> bool:
        """Apply one edit to the player and draw it (``sync``: show the model in
        every control too); a refused edit is said and returns False."""
        try:
            action(*args)
        except ValueError as err:
            self._say(str(err), error=True)
            return False
        self._redraw(sync=sync)
        return True

    def _surface_chosen(self, name: str) -> None:
        if name and name != self.model.surface_name and self._edit(
                self.player.set_surface, name, sync=True):
            self._say(f"{self.model.surface.label}: click the map to choose a start point")

    def _option_edited(self, key: str, value: float) -> None:
        if self._edit(self.player.set_option, key, value):
            self.table.show_model(self.model)  # defaults may follow the option (κ)
        else:
            self.top_bar.show_option(key, self.model.setup.options[key])

    def _hyper_edited(self, name: str, key: str, value: float) -> None:
        ok = self._edit(self.player.set_hyper, name, key, value)
        self.table.show_model(self.model)  # bold edits; a refused value goes back
        if ok:
            self._say(f"{LABELS.get(name, name)}: {key} = {value:g} \u2014 raced again to "
                      f"step {self.race.steps}")

    # ------------------------------------------------------------------ drawing
    def _scrubbed(self, k: int) -> None:
        self.player.scrub(k)
        self._refresh()

    def _tick(self) -> None:
        why = self.player.tick()
        self._refresh()
        if why:
            self._say(f"Paused at step {self.view_step}: {why}.")

    def _redraw(self, *, sync: bool) -> None:
        """After an edit: the controls (``sync``), a new surface (if it is), the race."""
        if sync:  # show the model in every control, without feeding edits back
            self.top_bar.show_model(self.model)
            self.table.show_model(self.model)
        s = self.model.surface
        if self.race_map.show_surface(s):
            self.loss_plot.show_surface(s)
        self._refresh()

    def _refresh(self) -> None:
        """Draw the player's state: trails and markers at the view step, the loss
        curves (again when the race or its head changed), results, slider, timer."""
        p = self.player
        frames = p.frames()
        drawn = (p.generation, p.head)
        self.race_map.show_frames(frames, self.model.start)
        self.loss_plot.show_frames(frames, p.view_step, p.head, redraw=drawn != self._drawn)
        self._drawn = drawn
        self.table.show_frames(frames)
        self.transport.show_position(p.view_step, p.head)
        self._sync_timer()

    def _sync_timer(self) -> None:
        """The timer runs while the player plays; the play button says which."""
        playing = self.player.playing
        if playing != self.timer.isActive():
            self.timer.start() if playing else self.timer.stop()
            self.transport.show_playing(playing)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c62828;" if error else "color: #555;")
        self.status.setText(text)

    # ------------------------------------------------------------------ Qt events
    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.pause()  # no animation behind another tab
        super().hideEvent(event)
