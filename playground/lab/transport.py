"""The lab's transport bar: play/pause, step, restart, the speed (steps per frame),
the step playing stops at, a slider to scrub back through the recorded steps
and the "step k / head" label.

The buttons' ``clicked`` signals and ``scrubbed(k)`` go to the lab; the boxes'
values are the player's ``speed`` and ``stop_at`` (``speed_changed``,
``stop_at_changed``). :meth:`TransportBar.show_position` and
:meth:`TransportBar.show_playing` draw the player's state.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox, QStyle, QWidget

from playground.signals import signals_blocked

__all__ = ["TransportBar"]


class TransportBar(QWidget):
    """Play / Step / Restart, speed, stop-at, the scrub slider and the step label."""

    scrubbed = Signal(int)  # the user moved the slider to this step
    speed_changed = Signal(int)
    stop_at_changed = Signal(int)

    def __init__(self, tick_ms: int, speed: int, stop_at: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        self._add_buttons(bar)
        self._add_pace(bar, tick_ms, speed, stop_at)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub back through the recorded steps: moves the markers and "
                               "cuts the trails at that step")
        self.slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self.scrubbed)
        bar.addWidget(self.slider, 1)
        self.step_label = QLabel()
        self.step_label.setMinimumWidth(100)
        self.step_label.setToolTip("Shown step / recorded steps")
        bar.addWidget(self.step_label)

    def _add_buttons(self, bar: QHBoxLayout) -> None:
        icon = self.style().standardIcon
        pix = QStyle.StandardPixmap
        self.play_button = QPushButton()
        self.play_button.setToolTip("Play / pause the race (Space)")
        self.step_button = QPushButton(icon(pix.SP_MediaSeekForward), "Step")
        self.step_button.setToolTip("One step forward (S)")
        self.restart_button = QPushButton(icon(pix.SP_MediaSkipBackward), "Restart")
        self.restart_button.setToolTip("Start again from the start point (R)")
        for b in (self.play_button, self.step_button, self.restart_button):
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            bar.addWidget(b)
        self.show_playing(False)

    def _add_pace(self, bar: QHBoxLayout, tick_ms: int, speed: int, stop_at: int) -> None:
        self.speed_box = QSpinBox()
        self.speed_box.setRange(1, 200)
        self.speed_box.setValue(speed)
        self.speed_box.setPrefix("speed ")
        self.speed_box.setSuffix("/frame")
        self.speed_box.setToolTip(f"Speed: steps per animation frame "
                                  f"(a frame every {tick_ms} ms)")
        self.speed_box.valueChanged.connect(self.speed_changed)
        self.max_box = QSpinBox()
        self.max_box.setRange(10, 10000)
        self.max_box.setSingleStep(100)
        self.max_box.setValue(stop_at)
        self.max_box.setPrefix("stop at ")
        self.max_box.setKeyboardTracking(False)
        self.max_box.setToolTip("Playing stops at this step (Step goes on beyond it)")
        self.max_box.valueChanged.connect(self.stop_at_changed)
        bar.addWidget(self.speed_box)
        bar.addWidget(self.max_box)

    def show_playing(self, playing: bool) -> None:
        pix = QStyle.StandardPixmap
        self.play_button.setIcon(self.style().standardIcon(
            pix.SP_MediaPause if playing else pix.SP_MediaPlay))
        self.play_button.setText("Pause" if playing else "Play")

    def show_position(self, step: int, head: int) -> None:
        """The slider and the label at ``step`` of ``head`` recorded steps."""
        with signals_blocked(self.slider):
            self.slider.setRange(0, head)
            self.slider.setValue(step)
        self.step_label.setText(f"step {step:,} / {head:,}")
