"""Run controls: play/pause (Space), single step (S), reset (R), reset with a new
seed, pin the run, the pace (steps per second, slower [ and faster ]), plus the
step/epoch counter and the steps-per-second readout."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QToolBar, QWidget

# The pace control's stops, in steps per second (None: as fast as possible). At 30
# or fewer every step is drawn (playground.session.worker.SLOW_PACE).
PACES: tuple[float | None, ...] = (1, 2, 5, 10, 30, 100, 1000, None)


def _action(parent: QWidget, text: str, key: str | None, tip: str) -> QAction:
    act = QAction(text, parent)
    if key:
        act.setShortcut(QKeySequence(key))
        # Window-wide, so Space works wherever the focus is (except in text fields).
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = f"{tip} ({key})"
    act.setToolTip(tip)
    act.setStatusTip(tip)
    return act


def pace_text(pace: float | None) -> str:
    return "max" if pace is None else f"{pace:g}"


class RunControls(QToolBar):
    pace_changed = Signal(object)  # steps per second (float) or None: as fast as possible

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Run", parent)
        self.setObjectName("run_toolbar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        st = parent.style()
        self._play_icon = st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = st.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play = _action(parent, "Play", "Space", "Train / pause")
        self.play.setIcon(self._play_icon)
        self.step = _action(parent, "Step", "S", "Train a single step")
        self.step.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward))
        self.reset = _action(parent, "Reset", "R",
                             "Start again from the same initial weights (same seed)")
        self.reset.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.new_seed = _action(parent, "New seed", "Shift+R",
                                "Start again with a new random seed")
        self.new_seed.setIcon(st.standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.pin = _action(parent, "Pin run", "P",
                           "Keep the current loss curve as a labelled ghost")
        self.clear_pins = _action(parent, "Clear pins", None, "Remove all pinned curves")
        for act in (self.play, self.step, self.reset, self.new_seed):
            self.addAction(act)
        self.addSeparator()
        self.addAction(self.pin)
        self.addAction(self.clear_pins)
        # The pace and the readouts: a toolbar of their own, which the window puts on
        # a second row when one row is too narrow for both (presentation mode, 1024 px).
        self.readouts = QToolBar("Pace", parent)
        self.readouts.setObjectName("pace_toolbar")
        self._build_pace(parent)
        self.readouts.addSeparator()
        # Fixed sizes: a label whose size can change relays out the whole window
        # (toolbar, docks) on every new text, i.e. on every frame while training.
        self.counter = QLabel()
        self.counter.setStyleSheet("font-weight: bold; padding: 0 8px;")
        self.rate = QLabel()
        self.rate.setStyleSheet("color: #555; padding: 0 8px;")
        self.readouts.addWidget(self.counter)
        self.readouts.addWidget(self.rate)
        self.set_scale(1.0)

    def set_scale(self, factor: float) -> None:
        """Size the readouts for the current font (presentation mode: ``factor``)."""
        for label, widest, least in ((self.counter, "step 999,999,999   epoch 9,999,999", 190),
                                     (self.rate, "9,999,999 steps/s", 110)):
            shown = label.text()
            label.setText(widest)
            label.ensurePolished()  # the style sheet's font and padding count
            hint = label.sizeHint()
            label.setFixedSize(max(round(least * factor), hint.width()), hint.height())
            label.setText(shown)
        if not self.counter.text():
            self.show_counts(0, 0)
            self.show_rate(0.0)

    # -- pace ------------------------------------------------------------------------
    def _build_pace(self, parent: QWidget) -> None:
        tip = ("Pace: steps per second while playing. At 30 or fewer every step is "
               "drawn, decision boundary and histograms included; \u201cmax\u201d trains "
               "as fast as the machine can.")
        self.pace_label = QLabel("Pace")
        self.pace_label.setStyleSheet("padding: 0 4px 0 8px;")
        self.pace_label.setToolTip(tip)
        self.pace_box = QComboBox()
        self.pace_box.setObjectName("pace")
        for pace in PACES:
            self.pace_box.addItem(pace_text(pace) + (" steps/s" if pace is not None else ""),
                                  pace)
        self.pace_box.setCurrentIndex(len(PACES) - 1)
        self.pace_box.setToolTip(tip)
        # Space and S belong to the run, not to the box: it takes no keyboard focus.
        self.pace_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pace_box.currentIndexChanged.connect(
            lambda i: self.pace_changed.emit(self.pace_box.itemData(i)))
        self.pace_label.setBuddy(self.pace_box)
        self.readouts.addWidget(self.pace_label)
        self.readouts.addWidget(self.pace_box)
        self.slower = _action(parent, "Slower", "[", "Train fewer steps per second")
        self.faster = _action(parent, "Faster", "]", "Train more steps per second")
        self.slower.triggered.connect(lambda: self.move_pace(-1))
        self.faster.triggered.connect(lambda: self.move_pace(+1))
        parent.addAction(self.slower)  # window-wide keys; listed in the Run menu
        parent.addAction(self.faster)

    @property
    def pace(self) -> float | None:
        return self.pace_box.currentData()

    def set_pace(self, pace: float | None) -> None:
        """Choose the stop ``pace`` (one of PACES); emits ``pace_changed`` if it changes."""
        self.pace_box.setCurrentIndex(PACES.index(pace))

    def move_pace(self, delta: int) -> None:
        i = min(max(self.pace_box.currentIndex() + delta, 0), len(PACES) - 1)
        self.pace_box.setCurrentIndex(i)

    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): its counts, paused."""
        self.show_counts(info.step, info.epoch)
        self.show_rate(0.0)
        self.show_playing(False)

    def show_frame(self, frame) -> None:
        """Slot for each frame of the current run (playground.session.worker.Frame)."""
        self.show_playing(frame.playing)
        self.show_counts(frame.snapshot.step, frame.snapshot.epoch)
        self.show_rate(frame.steps_per_sec)

    def show_playing(self, playing: bool) -> None:
        if self.play.text() == ("Pause" if playing else "Play"):
            return  # unchanged: setting it again would still relay out the toolbar
        self.play.setText("Pause" if playing else "Play")
        self.play.setIcon(self._pause_icon if playing else self._play_icon)

    def show_counts(self, step: int, epoch: int) -> None:
        self.counter.setText(f"step {step:,}   epoch {epoch:,}")

    def show_rate(self, rate: float) -> None:
        self.rate.setText(f"{rate:,.0f} steps/s" if rate > 0 else "\u2014 steps/s")
