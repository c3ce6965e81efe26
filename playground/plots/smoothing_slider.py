"""The Training tab's smoothing control: TensorBoard's slider, 0 (raw) to 0.99.

The curves it drives are smoothed by ``core.train.smoothing.ema``, the debiased
exponential moving average m_k = w m_{k-1} + (1 - w) y_k, s_k = m_k / (1 - w^k);
the history itself is never changed, and the raw values stay drawn, faint,
behind the smoothed curve.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from core.train.smoothing import ema

DEFAULT = 0.6  # TensorBoard's default
MAXIMUM = 0.99
TICKS = 100  # slider units per 1.0 of weight


def smooth(y: np.ndarray, weight: float) -> np.ndarray:
    """``y`` (one series, or one per column) smoothed with ``weight``; ``y`` itself
    when the weight is 0."""
    if weight <= 0.0 or len(y) == 0:
        return y
    if y.ndim == 1:
        return ema(y, weight)
    return np.stack([ema(y[:, i], weight) for i in range(y.shape[1])], axis=1)


class SmoothingSlider(QWidget):
    """Emits ``changed(weight)`` when the user moves it (``set_weight`` is silent)."""

    changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tip = ("Smoothing of the training loss and the gradient norms, as in "
               "TensorBoard: an exponential moving average with weight w,\n"
               "m\u2096 = w\u00b7m\u2096\u208b\u2081 + (1\u2212w)\u00b7y\u2096, shown as "
               "m\u2096 / (1\u2212w\u1d4f) so that the start is not pulled towards 0.\n"
               "The raw values stay faint behind; validation points are drawn as "
               "measured. 0: no smoothing.")
        self.setToolTip(tip)
        self.label = QLabel("Smoothing")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("smoothing")
        self.slider.setRange(0, round(MAXIMUM * TICKS))
        self.slider.setPageStep(10)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and S stay the run's
        self.slider.setMinimumWidth(80)
        self.slider.setMaximumWidth(160)
        self.value_label = QLabel()
        self._fit_label()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.slider)
        lay.addWidget(self.value_label)
        self.slider.valueChanged.connect(self._moved)
        self._silent = False
        self.set_weight(DEFAULT)

    def _fit_label(self) -> None:
        self.value_label.setMinimumWidth(
            self.value_label.fontMetrics().horizontalAdvance("0.00") + 4)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode
            self._fit_label()

    @property
    def weight(self) -> float:
        return self.slider.value() / TICKS

    def set_weight(self, weight: float) -> None:
        self._silent = True
        try:
            self.slider.setValue(round(min(max(weight, 0.0), MAXIMUM) * TICKS))
            self._show()
        finally:
            self._silent = False

    def _show(self) -> None:
        self.value_label.setText(f"{self.weight:.2f}")

    def _moved(self, _value: int) -> None:
        self._show()
        if not self._silent:
            self.changed.emit(self.weight)
