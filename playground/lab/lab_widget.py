"""The Optimizer Lab: optimizers racing on a 2-D test surface (the lecture's
"Comparison" slide, live).

Layout: the surface, its options, presets and the gradient noise on top; the
contour map (click it to set the start point) beside the loss-versus-step plot;
the transport bar (play/pause, step, restart, speed, a step slider to scrub
back through the recorded paths, export); the racers' table at the bottom.

The race is a ``core.lab.race.PathRace`` stepped by a QTimer on the GUI thread
(a step of all racers takes ~0.1 ms). Changing a racer's hyper-parameters, the
racers, the surface options or the noise re-runs the race instantly up to the
current step, so the effect of an edit shows at once; a new start point or
surface starts again from step 0.

Keys while the focus is inside the lab: Space play/pause, S step, R restart.
They are claimed from window-wide shortcuts with the same keys (see
:class:`_LabKeys`), so the lab works inside a main window whose own toolbar
uses Space/S/R for training.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.LegendItem import ItemSample
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStyle,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.lab.race import PathRace, RacePath, RaceStop, divergence_box, paths_to_csv
from core.lab.surfaces import SURFACES, surface_options
from playground.lab.contours import ContourLayer
from playground.lab.model import LABELS, PRESETS, LabModel
from playground.lab.picture import PICTURE_FILTERS, save_plot
from playground.lab.racer_table import RacerTable
from playground.panels.widgets import SciSpinBox
from playground.plots import style

TICK_MS = 30  # animation frame interval
GRID = 181  # contour grid resolution
N_LEVELS = 24
LOG_FLOOR = 1e-16  # f − f* is clipped here on the log-scale loss plot

#: Surface option → (minimum, maximum, linear step, log step factor, label, tooltip).
OPTION_BOXES = {
    "condition": (1.0, 1e6, 1.0, 10 ** 0.25, "\u03ba",
                  "Condition number \u03ba: the valley is \u221a\u03ba times longer than "
                  "wide; SGD needs \u03bc < 2/\u03ba"),
    "angle": (-90.0, 90.0, 15.0, None, "angle",
              "Direction of the valley in degrees (0: along x)"),
    "b": (0.001, 1e4, 1.0, 10 ** 0.25, "b", "Steepness b of the valley walls: "
                                            "(1 \u2212 x)\u00b2 + b\u00b7(y \u2212 x\u00b2)\u00b2"),
    "A": (0.0, 1e3, 1.0, None, "A", "Amplitude A of the egg-box ripples"),
}

_KEYS = {Qt.Key.Key_Space: "play", Qt.Key.Key_S: "step", Qt.Key.Key_R: "restart"}
_TEXT_INPUTS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)


class _LabKeys(QObject):
    """Space / S / R for the lab while the focus is inside it.

    A ``Qt.WidgetWithChildrenShortcut`` QShortcut alone is not enough: the main
    window's run toolbar binds the same keys window-wide, and Qt fires neither
    of two shortcuts active for one key ("ambiguous shortcut"). So the lab's
    focus widget gets this event filter, which accepts the ShortcutOverride
    (the window's shortcut then stays silent) and handles the key press itself
    before the focused button or table can. Text fields keep their keys.
    """

    def __init__(self, lab: LabWidget) -> None:
        super().__init__(lab)
        self.lab = lab
        self._watched: QWidget | None = None
        lab.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old, new) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._watched = None
        try:
            inside = new is not None and (new is self.lab or self.lab.isAncestorOf(new))
        except RuntimeError:
            return
        if inside and new is not self.lab:
            new.installEventFilter(self)
            self._watched = new

    def action_for(self, obj, event) -> str | None:
        if not isinstance(event, QKeyEvent):
            return None
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods != Qt.KeyboardModifier.NoModifier or event.isAutoRepeat():
            return None
        action = _KEYS.get(Qt.Key(event.key()))
        if action is None or isinstance(obj, _TEXT_INPUTS):
            return None
        if isinstance(obj, QComboBox) and obj.isEditable():
            return None
        return action

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        t = event.type()
        if t not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        action = self.action_for(obj, event)
        if action is None:
            return False
        event.accept()
        if t == QEvent.Type.KeyPress:
            self.lab.trigger(action)
        return True


class _LegendSample(ItemSample):
    """A legend sample that does not hide its trail when clicked: the legend lists
    what races, the table's check boxes choose it."""

    def mouseClickEvent(self, event) -> None:  # noqa: N802 - pyqtgraph override
        event.ignore()


class LabWidget(QWidget):
    """The Optimizer Lab, a self-contained widget (embed it as a tab or a window).

    Public for tests and scripting: ``model`` (a ``LabModel``), ``race`` (the
    ``PathRace``), ``paths`` (its last snapshot), ``view_step`` (the step shown),
    ``play()``, ``pause()``, ``step()``, ``restart()``, ``set_surface(name)``,
    ``set_start((x, y))``, ``apply_preset(key)``, ``show_step(k)``,
    ``save_picture(path)``, ``save_paths(path)``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.model = LabModel()
        self.colors = {n: style.color(i) for i, n in enumerate(self.model.names)}
        self.race: PathRace | None = None
        self.paths: dict[str, RacePath] = {}
        self.view_step = 0
        self._drawn_head = -1
        self._surface_key = None
        self._legend_entries: list[tuple[str, str]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 4)
        lay.setSpacing(4)
        lay.addLayout(self._build_top_bar())
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.setChildrenCollapsible(False)
        plots.addWidget(self._build_contour())
        plots.addWidget(self._build_loss_plot())
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setSizes([600, 400])
        split.addWidget(plots)
        bottom = QWidget()
        blay = QVBoxLayout(bottom)
        blay.setContentsMargins(0, 0, 0, 0)
        blay.setSpacing(2)
        blay.addLayout(self._build_transport())
        self.table = RacerTable(self.model, self.colors)
        self.table.enabled_changed.connect(self._racer_toggled)
        self.table.hyper_changed.connect(self._hyper_edited)
        blay.addWidget(self.table, 1)
        split.addWidget(bottom)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        split.setSizes([560, bottom.sizeHint().height()])
        lay.addWidget(split, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color: #555;")
        self.status.setToolTip("What the lab did last, or why it could not")
        lay.addWidget(self.status)

        self.keys = _LabKeys(self)
        self._sync_controls()
        self._draw_surface()
        self._rebuild(keep_steps=False)

    # ------------------------------------------------------------------ building
    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(6)
        lbl = QLabel("Surface")
        bar.addWidget(lbl)
        self.surface_box = QComboBox()
        for name in self.model.surface_names:
            s = SURFACES.get(name)
            label = s.label.split(" (")[0]
            self.surface_box.addItem(label, name)
            self.surface_box.setItemData(self.surface_box.count() - 1,
                                         f"{s.formula}\n{s.reference}",
                                         Qt.ItemDataRole.ToolTipRole)
        self.surface_box.setToolTip("The 2-D loss surface the optimizers race on")
        lbl.setToolTip(self.surface_box.toolTip())
        self.surface_box.currentIndexChanged.connect(self._surface_chosen)
        bar.addWidget(self.surface_box)
        self.options_bar = QHBoxLayout()
        self.options_bar.setSpacing(4)
        bar.addLayout(self.options_bar)
        self.option_boxes: dict[str, SciSpinBox] = {}

        self.preset_button = QToolButton()
        self.preset_button.setText("Presets")
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.preset_button.setToolTip("One click to a slide: surface, racers and the tuned "
                                      "hyper-parameters (resets your edits on that surface)")
        menu = QMenu(self.preset_button)
        self.preset_actions = {}
        for key, p in PRESETS.items():
            act = menu.addAction(p.title)
            act.setToolTip(p.tip)
            act.triggered.connect(lambda _=False, k=key: self.apply_preset(k))
            self.preset_actions[key] = act
        menu.setToolTipsVisible(True)
        self.preset_button.setMenu(menu)
        bar.addSpacing(8)
        bar.addWidget(self.preset_button)
        self.defaults_button = QPushButton("Tuned defaults")
        self.defaults_button.setToolTip("Forget your hyper-parameter edits and the start point "
                                        "on this surface")
        self.defaults_button.clicked.connect(self.reset_defaults)
        bar.addWidget(self.defaults_button)
        bar.addStretch(1)

        noise_label = QLabel("Gradient noise \u03c3")
        self.noise_box = SciSpinBox(0.0, 1000.0, step=0.1)
        self.noise_box.setMinimumWidth(70)
        tip = ("Standard deviation \u03c3 of Gaussian noise added to every gradient, "
               "to mimic mini-batch gradients (0: exact gradients)")
        self.noise_box.setToolTip(tip)
        noise_label.setToolTip(tip)
        self.noise_box.valueChanged.connect(self._noise_edited)
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2 ** 31 - 1)
        self.seed_box.setKeyboardTracking(False)
        self.seed_box.setPrefix("seed ")
        self.seed_box.setToolTip("Seed of the gradient noise (each racer draws its own stream)")
        self.seed_box.valueChanged.connect(self._seed_edited)
        bar.addWidget(noise_label)
        bar.addWidget(self.noise_box)
        bar.addWidget(self.seed_box)
        bar.addSpacing(8)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setToolTip("Save the picture (PNG/SVG) or the paths (CSV)")
        menu = QMenu(self.export_button)
        menu.setToolTipsVisible(True)
        self.picture_action = menu.addAction("Save picture (PNG / SVG)\u2026")
        self.picture_action.setToolTip("The contour map with the trails, as shown")
        self.picture_action.triggered.connect(lambda: self.save_picture())
        self.csv_action = menu.addAction("Save paths (CSV)\u2026")
        self.csv_action.setToolTip("Every racer's recorded path: racer, step, x, y, loss, "
                                   "distance to the nearest minimum")
        self.csv_action.triggered.connect(lambda: self.save_paths())
        self.export_button.setMenu(menu)
        bar.addWidget(self.export_button)
        return bar

    def _build_contour(self) -> QWidget:
        self.contour = pg.PlotWidget()
        self.contour.setMinimumSize(260, 220)
        p = self.contour.getPlotItem()
        p.setLabel("bottom", "x")
        p.setLabel("left", "y")
        p.setAspectLocked(True)
        p.hideButtons()
        self.contour.setToolTip("Click to set the start point; drag to pan, wheel to zoom, "
                                "right-click for the view menu")
        self.layer = ContourLayer(p)
        # The legend sits beside the map, not on it: it would hide the trails, and
        # with the aspect locked the map rarely needs the plot's full width.
        self.legend = pg.LegendItem(offset=None, brush=(255, 255, 255, 0), pen=None,
                                    labelTextSize="9pt", verSpacing=-6,
                                    sampleType=_LegendSample)
        self._legend_font = QFont()
        self._legend_font.setPointSizeF(9.0)
        # Its natural height, at the top: stretched to the map's height, the rows
        # would drift apart from their line samples.
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        p.layout.addItem(self.legend, 2, 3)
        # The title spans the legend's column too, so a long formula does not force
        # the map column wider than the widget.
        p.layout.removeItem(p.titleLabel)
        p.layout.addItem(p.titleLabel, 0, 1, 1, 3)
        p.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self.ghosts: dict[str, pg.PlotDataItem] = {}
        self.trails: dict[str, pg.PlotDataItem] = {}
        for name in self.model.names:
            c = pg.mkColor(self.colors[name])
            faint = pg.mkColor(c)
            faint.setAlpha(70)
            self.ghosts[name] = pg.PlotDataItem(pen=pg.mkPen(faint, width=1.5))
            self.trails[name] = pg.PlotDataItem(pen=pg.mkPen(c, width=2.2))
            for item in (self.ghosts[name], self.trails[name]):
                item.setZValue(5)
                p.addItem(item, ignoreBounds=True)
        self.markers = pg.ScatterPlotItem(pxMode=True)
        self.markers.setZValue(20)
        p.addItem(self.markers, ignoreBounds=True)
        self.minima_item = pg.ScatterPlotItem(symbol="star", size=18, pxMode=True,
                                              brush=pg.mkBrush("#ffd700"),
                                              pen=pg.mkPen("#222", width=1.2))
        self.saddle_item = pg.ScatterPlotItem(symbol="d", size=11, pxMode=True,
                                              brush=pg.mkBrush("#ffffff"),
                                              pen=pg.mkPen("#222", width=1.2))
        self.start_item = pg.ScatterPlotItem(symbol="o", size=15, pxMode=True,
                                             brush=pg.mkBrush(255, 255, 255, 120),
                                             pen=pg.mkPen("#111", width=2))
        for item in (self.minima_item, self.saddle_item, self.start_item):
            item.setZValue(15)
            p.addItem(item, ignoreBounds=True)
        p.scene().sigMouseClicked.connect(self._scene_clicked)
        self._grid_box = None
        self._grid_timer = QTimer(self)
        self._grid_timer.setSingleShot(True)
        self._grid_timer.setInterval(60)
        self._grid_timer.timeout.connect(self._draw_grid)
        p.getViewBox().sigRangeChanged.connect(self._view_moved)
        return self.contour

    def _build_loss_plot(self) -> QWidget:
        self.loss_plot = style.new_plot("Loss vs step", left="f \u2212 f*", bottom="step")
        p = self.loss_plot.getPlotItem()
        p.setClipToView(True)
        p.setDownsampling(auto=True, mode="peak")
        self.loss_plot.setToolTip("f(x, y) of every racer at every step (log scale above "
                                  "the minimum value f*); the line marks the shown step")
        self.loss_curves: dict[str, pg.PlotDataItem] = {}
        for name in self.model.names:
            curve = pg.PlotDataItem(pen=pg.mkPen(self.colors[name], width=1.8))
            p.addItem(curve)
            self.loss_curves[name] = curve
        # A scatter item takes no part in the plot's log mode: ``_refresh`` gives it log10(y).
        self.loss_dots = pg.ScatterPlotItem(symbol="o", size=8, pen=pg.mkPen("w"))
        self.loss_dots.setZValue(10)
        p.addItem(self.loss_dots)
        self.step_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen("#555", width=1, style=Qt.PenStyle.DashLine))
        p.addItem(self.step_line, ignoreBounds=True)
        self.loss_plot.setMinimumSize(200, 160)
        return self.loss_plot

    def _build_transport(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(4)
        st = self.style()
        self.play_button = QPushButton()
        self.play_button.setToolTip("Play / pause the race (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        self.step_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
                                       "Step")
        self.step_button.setToolTip("One step forward (S)")
        self.step_button.clicked.connect(lambda: self.step())
        self.restart_button = QPushButton(
            st.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward), "Restart")
        self.restart_button.setToolTip("Start again from the start point (R)")
        self.restart_button.clicked.connect(self.restart)
        for b in (self.play_button, self.step_button, self.restart_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            bar.addWidget(b)
        self._show_playing(False)

        self.speed_box = QSpinBox()
        self.speed_box.setRange(1, 200)
        self.speed_box.setValue(2)
        self.speed_box.setPrefix("speed ")
        self.speed_box.setSuffix("/frame")
        self.speed_box.setToolTip(f"Speed: steps per animation frame "
                                  f"(a frame every {TICK_MS} ms)")
        self.max_box = QSpinBox()
        self.max_box.setRange(10, 10000)
        self.max_box.setSingleStep(100)
        self.max_box.setValue(500)
        self.max_box.setPrefix("stop at ")
        self.max_box.setKeyboardTracking(False)
        self.max_box.setToolTip("Playing stops at this step (Step goes on beyond it)")
        bar.addWidget(self.speed_box)
        bar.addWidget(self.max_box)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub back through the recorded steps: moves the markers and "
                               "cuts the trails at that step")
        self.slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self._slider_moved)
        bar.addWidget(self.slider, 1)
        self.step_label = QLabel()
        self.step_label.setMinimumWidth(100)
        self.step_label.setToolTip("Shown step / recorded steps")
        bar.addWidget(self.step_label)

        return bar

    def _build_option_boxes(self) -> None:
        while self.options_bar.count():
            w = self.options_bar.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.option_boxes.clear()
        for key in surface_options(self.model.surface_name):
            lo, hi, step, log_step, label, tip = OPTION_BOXES.get(
                key, (-1e6, 1e6, 1.0, None, key, key))
            lab = QLabel(label)
            lab.setToolTip(tip)
            box = SciSpinBox(lo, hi, step=step, log_step=log_step)
            box.setMinimumWidth(64)
            box.setToolTip(tip)
            box.setValue(self.model.setup.options[key])
            box.valueChanged.connect(lambda v, k=key: self._option_edited(k, v))
            self.options_bar.addWidget(lab)
            self.options_bar.addWidget(box)
            self.option_boxes[key] = box

    # ------------------------------------------------------------------ public API
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def trigger(self, action: str) -> None:
        """Run a keyboard action: "play" (toggle), "step" or "restart"."""
        {"play": self.toggle_play, "step": self.step, "restart": self.restart}[action]()

    def play(self) -> None:
        if self.race is None or not self.model.enabled:
            self._say("Check at least one optimizer in the table to race.")
            return
        if self.view_step >= self.max_box.value() and self.view_step >= self.race.steps:
            self.restart()
        self.timer.start()
        self._show_playing(True)

    def pause(self) -> None:
        self.timer.stop()
        self._show_playing(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, n: int = 1) -> None:
        """Show ``n`` more steps (replaying recorded ones first, then racing on)."""
        self.pause()
        self._advance(n, cap=False)

    def restart(self) -> None:
        """Back to step 0 from the same start (keeps playing if it was)."""
        if self.race is None:
            return
        self.race.reset()
        self.paths = self.race.paths()
        self.view_step = 0
        self._refresh(full=True)

    def show_step(self, k: int) -> None:
        """Show the recorded step ``k`` (clipped to what is recorded)."""
        self.slider.setValue(max(0, min(int(k), self.race.steps if self.race else 0)))

    def set_surface(self, name: str) -> None:
        idx = self.surface_box.findData(name)
        if idx < 0:
            raise ValueError(f"unknown surface {name!r}")
        self.surface_box.setCurrentIndex(idx)  # → _surface_chosen

    def set_start(self, point) -> None:
        """Move the start point (as a click on the map does) and start again."""
        try:
            self.model.set_start(point)
        except ValueError as err:
            self._say(str(err), error=True)
            return
        self._rebuild(keep_steps=False)
        x, y = self.model.start
        self._say(f"Start point ({x:.3g}, {y:.3g}) \u2014 press Play (Space) to race")

    def apply_preset(self, key: str) -> None:
        self.pause()
        p = self.model.apply_preset(key)
        self._sync_controls()
        self._draw_surface()
        self._rebuild(keep_steps=False)
        self._say(f"Preset: {p.title}. Press Play (Space).")

    def reset_defaults(self) -> None:
        self.model.reset_hyper()
        self.model.reset_start()
        self.table.show_model(self.model)
        self._rebuild(keep_steps=False)
        self._say(f"Tuned defaults for {self.model.surface.label}")

    def save_picture(self, path: str | None = None) -> Path | None:
        """Export the contour map with the trails (PNG or SVG by extension); without
        ``path``, ask with a file dialog."""
        if path is None:
            path, chosen = QFileDialog.getSaveFileName(
                self, "Save the picture", f"race_{self.model.surface_name}.png", PICTURE_FILTERS)
            if not path:
                return None
            if not Path(path).suffix:
                path += ".svg" if "svg" in (chosen or "").lower() else ".png"
        try:
            out = save_plot(self.contour.getPlotItem(), path)
        except Exception as err:  # noqa: BLE001 - report, never crash
            self._say(f"Could not save the picture: {err}", error=True)
            return None
        self._say(f"Saved {out}")
        return out

    def save_paths(self, path: str | None = None) -> Path | None:
        """Export every racer's recorded path as CSV (``core.lab.race.paths_to_csv``)."""
        if self.race is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, "Save the paths", f"paths_{self.model.surface_name}.csv",
                "CSV table (*.csv)")
            if not path:
                return None
            if not Path(path).suffix:
                path += ".csv"
        try:
            paths_to_csv(self.race.paths(), path)
        except OSError as err:
            self._say(f"Could not save the paths: {err}", error=True)
            return None
        self._say(f"Saved {path}")
        return Path(path)

    def view_to_widget(self, x: float, y: float):
        """The viewport pixel (QPoint) showing the surface point (x, y) — for tests."""
        vb = self.contour.getPlotItem().getViewBox()
        scene = vb.mapViewToScene(QPointF(x, y))
        return self.contour.mapFromScene(scene)

    # ------------------------------------------------------------------ race
    def _rebuild(self, *, keep_steps: bool) -> None:
        """A new race from the model; re-run to the current step when ``keep_steps``."""
        steps = self.race.steps if (keep_steps and self.race is not None) else 0
        view = self.view_step if keep_steps else 0
        try:
            race = self.model.make_race()
        except ValueError as err:
            self._say(str(err), error=True)
            return
        if steps:
            race.step(steps)
        self.race = race
        self.paths = race.paths()
        self.view_step = min(view, steps)
        if not self.model.enabled:
            self.pause()
        self._refresh(full=True)

    def _advance(self, n: int, *, cap: bool) -> None:
        if self.race is None:
            return
        target = self.view_step + n
        if cap:
            target = min(target, max(self.max_box.value(), self.view_step))
        if target > self.race.steps:
            self.race.step(target - self.race.steps)
            self.paths = self.race.paths()
        self.view_step = target
        self._refresh()

    def _tick(self) -> None:
        self._advance(self.speed_box.value(), cap=True)
        at_end = self.view_step >= self.race.steps
        if self.view_step >= self.max_box.value() or (at_end and not self.race.running):
            self.pause()
            why = "all racers stopped" if not self.race.running else "reached the last step"
            self._say(f"Paused at step {self.view_step}: {why}.")

    # ------------------------------------------------------------------ drawing
    def _draw_surface(self) -> None:
        """Title, minima, saddles, view and contours of a new surface (or new options)."""
        s = self.model.surface
        key = (s.name, tuple(sorted(s.options.items())))
        if key == self._surface_key:
            return
        self._surface_key = key
        self._levels = s.log_levels(N_LEVELS)
        self._base = float(self._levels[0]) - s.level_floor
        p = self.contour.getPlotItem()
        p.setTitle(f"<b>{s.label}</b>&nbsp;&nbsp;{s.formula}", size="10pt")
        self.minima_item.setData(pos=list(s.minima)) if s.minima else self.minima_item.clear()
        self.saddle_item.setData(pos=list(s.saddles)) if s.saddles else self.saddle_item.clear()
        (x0, x1), (y0, y1) = s.window
        p.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)
        self._draw_grid()
        lp = self.loss_plot.getPlotItem()
        lp.setLogMode(y=s.bounded_below)
        lp.setLabel("left", "f \u2212 f*  (log)" if s.bounded_below else "f  (unbounded below)")

    def _draw_grid(self) -> None:
        """Contours over the visible part of the map, redrawn when the view moves:
        zooming in shows detail, and the area beside the window is not blank.
        (Not beyond it: the SVG export does not clip to the view.)"""
        self._grid_timer.stop()
        s = self.model.surface
        vb = self.contour.getPlotItem().getViewBox()
        (vx0, vx1), (vy0, vy1) = vb.viewRange()
        (bx0, bx1), (by0, by1) = divergence_box(s)
        x0, x1 = max(vx0, bx0), min(vx1, bx1)
        y0, y1 = max(vy0, by0), min(vy1, by1)
        if not (x1 > x0 and y1 > y0):
            (x0, x1), (y0, y1) = s.window
        if (x0, x1, y0, y1) == self._grid_box:
            return
        self._grid_box = (x0, x1, y0, y1)
        aspect = (x1 - x0) / (y1 - y0)
        nx = int(np.clip(GRID * min(1.0, aspect) if aspect < 1 else GRID, 40, GRID))
        ny = int(np.clip(GRID / aspect if aspect > 1 else GRID, 40, GRID))
        xs, ys = np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)
        with np.errstate(all="ignore"):  # far outside the window f may overflow: clipped
            Z = s.value_grid(*np.meshgrid(xs, ys))
        self.layer.set_data(xs, ys, Z, self._levels, base=self._base)

    def _view_moved(self) -> None:
        self._grid_timer.start()

    def _loss_values(self, losses: np.ndarray) -> np.ndarray:
        s = self.model.surface
        if s.bounded_below:
            return np.maximum(losses - s.min_value, LOG_FLOOR)
        return losses

    def _refresh(self, full: bool = False) -> None:
        """Draw the recorded paths at ``view_step``; ``full`` redraws the loss curves too."""
        race = self.race
        k = self.view_step
        head = race.steps if race else 0
        redraw_loss = full or head != self._drawn_head
        self._drawn_head = head
        spots = []
        dots_x, dots_y, dots_brush = [], [], []
        entries = []
        s = self.model.surface
        for name in self.model.names:
            label = LABELS.get(name, name)
            path = self.paths.get(label)
            trail, ghost, curve = self.trails[name], self.ghosts[name], self.loss_curves[name]
            if path is None:
                for item in (trail, ghost, curve):
                    item.setData([], [])
                    item.hide()
                self.table.set_result(name, "")
                self.table.set_legend_name(name, label)
                continue
            pts = path.points
            n = pts.shape[0]
            m = min(k, n - 1)
            trail.setData(pts[: m + 1, 0], pts[: m + 1, 1])
            trail.show()
            if m < n - 1:
                ghost.setData(pts[:, 0], pts[:, 1])
                ghost.show()
            else:
                ghost.setData([], [])
                ghost.hide()
            diverged = path.diverged_at is not None and k >= path.diverged_at
            c = self.colors[name]
            if diverged:
                spots.append({"pos": tuple(pts[m]), "symbol": "x", "size": 18,
                              "brush": pg.mkBrush(c), "pen": pg.mkPen("#000", width=1)})
            else:
                spots.append({"pos": tuple(pts[m]), "symbol": "o", "size": 11,
                              "brush": pg.mkBrush(c), "pen": pg.mkPen("w", width=1.5)})
            entries.append((name, f"{label}<br><span style='color:#c62828'>\u2715 diverged "
                                  f"at step {path.diverged_at}</span>" if diverged else label))
            if redraw_loss:
                curve.setData(np.arange(n, dtype=np.float64), self._loss_values(path.losses))
            curve.show()
            loss = float(path.losses[m])
            dots_x.append(float(m))
            y = float(self._loss_values(np.array([loss]))[0])
            dots_y.append(math.log10(y) if s.bounded_below else y)
            dots_brush.append(pg.mkBrush(c))
            if diverged:
                why = ("left the area 10\u00d7 the window" if path.stop_reason is RaceStop.LEFT_BOX
                       else "the step was not finite")
                self.table.set_result(
                    name, f"\u2715 diverged at step {path.diverged_at}", diverged=True,
                    tip=f"Diverged at step {path.diverged_at}: {why}. Last good point "
                        f"({pts[m, 0]:.4g}, {pts[m, 1]:.4g}), f = {loss:.4g}")
            else:
                d = float(path.distances[m])
                text = f"f = {loss:.4g}"
                if math.isfinite(d):
                    text += f",  distance to minimum {d:.3g}"
                self.table.set_result(name, text)
        self.markers.setData(spots=spots)
        if entries != self._legend_entries:
            legend = self.legend
            legend.clear()
            for name, text in entries:
                legend.addItem(self.trails[name], text)
            self._legend_entries = entries
            # LabelItem underestimates rich text: size the column from the plain lines.
            fm = QFontMetrics(self._legend_font)
            lines = [ln for _, text in entries
                     for ln in re.sub(r"<[^>]+>", "\n", text).split("\n")]
            width = max((fm.horizontalAdvance(ln) for ln in lines), default=0) + 56
            legend.setMinimumWidth(width)
            legend.setMaximumWidth(width)
            legend.layout.invalidate()
            legend.updateGeometry()
        if dots_x:
            self.loss_dots.setData(x=dots_x, y=dots_y, brush=dots_brush)
        else:
            self.loss_dots.clear()
        self.step_line.setValue(k)
        x, y = self.model.start
        self.start_item.setData(pos=[(x, y)])
        self.slider.blockSignals(True)
        self.slider.setRange(0, head)
        self.slider.setValue(k)
        self.slider.blockSignals(False)
        self.step_label.setText(f"step {k:,} / {head:,}")
        if redraw_loss and head:
            self.loss_plot.getPlotItem().setXRange(0, max(head, 10), padding=0.02)
        elif redraw_loss:
            self.loss_plot.getPlotItem().setXRange(0, 10, padding=0.02)

    def _show_playing(self, playing: bool) -> None:
        st = self.style()
        pix = QStyle.StandardPixmap
        self.play_button.setIcon(st.standardIcon(pix.SP_MediaPause if playing
                                                 else pix.SP_MediaPlay))
        self.play_button.setText("Pause" if playing else "Play")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c62828;" if error else "color: #555;")
        self.status.setText(text)

    def _sync_controls(self) -> None:
        """Show the model in every control (without feeding edits back)."""
        for w in (self.surface_box, self.noise_box, self.seed_box):
            w.blockSignals(True)
        self.surface_box.setCurrentIndex(self.surface_box.findData(self.model.surface_name))
        self.noise_box.setValue(self.model.grad_noise)
        self.seed_box.setValue(self.model.seed)
        for w in (self.surface_box, self.noise_box, self.seed_box):
            w.blockSignals(False)
        self._build_option_boxes()
        self.table.show_model(self.model)

    # ------------------------------------------------------------------ user edits
    def _surface_chosen(self, index: int) -> None:
        name = self.surface_box.itemData(index)
        if name is None or name == self.model.surface_name:
            return
        self.pause()
        self.model.set_surface(name)
        self._sync_controls()
        self._draw_surface()
        self._rebuild(keep_steps=False)
        self._say(f"{self.model.surface.label}: click the map to choose a start point")

    def _option_edited(self, key: str, value: float) -> None:
        try:
            self.model.set_option(key, value)
        except ValueError as err:
            self._say(str(err), error=True)
            self.option_boxes[key].blockSignals(True)
            self.option_boxes[key].setValue(self.model.setup.options[key])
            self.option_boxes[key].blockSignals(False)
            return
        self._draw_surface()
        self.table.show_model(self.model)  # defaults may follow the option (κ)
        self._rebuild(keep_steps=True)

    def _racer_toggled(self, name: str, on: bool) -> None:
        self.model.set_enabled(name, on)
        self._rebuild(keep_steps=True)

    def _hyper_edited(self, name: str, key: str, value: float) -> None:
        try:
            self.model.set_hyper(name, key, value)
        except ValueError as err:
            self._say(str(err), error=True)
            self.table.show_model(self.model)
            return
        self.table.show_model(self.model)
        self._rebuild(keep_steps=True)
        self._say(f"{LABELS.get(name, name)}: {key} = {value:g} \u2014 raced again to step "
                  f"{self.race.steps}")

    def _noise_edited(self, value: float) -> None:
        self.model.set_grad_noise(value)
        self._rebuild(keep_steps=True)

    def _seed_edited(self, value: int) -> None:
        self.model.set_seed(value)
        self._rebuild(keep_steps=True)

    def _slider_moved(self, value: int) -> None:
        self.pause()
        self.view_step = int(value)
        self._refresh()

    def _scene_clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.isAccepted():
            return
        vb = self.contour.getPlotItem().getViewBox()
        pos = ev.scenePos()
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        ev.accept()
        self.set_start((p.x(), p.y()))

    # ------------------------------------------------------------------ Qt events
    def hideEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.pause()  # no animation behind another tab
        super().hideEvent(event)
