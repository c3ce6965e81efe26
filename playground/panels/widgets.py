"""Input widgets shared by the panels: number boxes that only accept valid values,
a learning-rate control on a log scale, and field-level error flags."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QSlider, QSpinBox, QWidget

from playground.signals import signals_blocked

INVALID_STYLE = "border: 1px solid #d62728; background: #fdecea;"


class SciSpinBox(QDoubleSpinBox):
    """A float box showing '1e-08' or '0.001' alike; arrows step linearly or by a
    factor (``log_step``), so one widget serves momentum (0..1) and eps (1e-12..1)."""

    def __init__(self, minimum: float, maximum: float, *, step: float = 0.01,
                 log_step: float | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Many decimals so setValue() keeps the double exactly (Qt rounds to them).
        self.setDecimals(320)
        self.setRange(minimum, maximum)
        self.setSingleStep(step)
        self._log_step = log_step
        self.setKeyboardTracking(False)  # apply on Enter / focus-out, not per keystroke
        self.setAccelerated(True)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # noqa: D102
        t = text.strip()
        try:
            v = float(t)
        except ValueError:
            # Partial input such as '1e-' or '-' may still become a number.
            ok = t == "" or all(c in "0123456789.eE+-" for c in t)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if not math.isfinite(v):
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= v <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802
        if self._log_step is None or self.value() <= 0:
            super().stepBy(steps)
            return
        self.setValue(self.value() * self._log_step ** steps)
        self.editingFinished.emit()


def int_box(minimum: int, maximum: int, *, step: int = 1, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    box.setAccelerated(True)
    if suffix:
        box.setSuffix(suffix)
    return box


def float_box(minimum: float, maximum: float, step: float, decimals: int = 3) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    return box


class LogValueEdit(QWidget):
    """Slider on log10(value) plus an exact number box; emits ``valueChanged(float)``
    only for the user's edits (setValue is silent)."""

    valueChanged = Signal(float)  # noqa: N815 - Qt naming
    TICKS_PER_DECADE = 100

    def __init__(self, minimum: float, maximum: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lo, self._hi = math.log10(minimum), math.log10(maximum)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round((self._hi - self._lo) * self.TICKS_PER_DECADE))
        self.slider.setPageStep(self.TICKS_PER_DECADE // 2)
        self.spin = SciSpinBox(minimum, maximum, log_step=10 ** 0.1)
        self.spin.setMinimumWidth(80)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self._silent = False
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)

    def value(self) -> float:
        return self.spin.value()

    def setValue(self, v: float) -> None:  # noqa: N802
        self._silent = True
        try:
            self.spin.setValue(v)
            self._sync_slider(v)
        finally:
            self._silent = False

    def setToolTip(self, text: str) -> None:  # noqa: N802
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.spin.setToolTip(text)

    def setStyleSheet(self, style: str) -> None:  # noqa: N802
        self.spin.setStyleSheet(style)

    def _sync_slider(self, v: float) -> None:
        pos = (math.log10(max(v, 10 ** self._lo)) - self._lo) * self.TICKS_PER_DECADE
        with signals_blocked(self.slider):
            self.slider.setValue(round(pos))

    def _from_slider(self, pos: int) -> None:
        # Three significant digits: the slider picks a magnitude, the box refines it.
        v = float(f"{10 ** (self._lo + pos / self.TICKS_PER_DECADE):.3g}")
        with signals_blocked(self.spin):
            self.spin.setValue(v)
        if not self._silent:
            self.valueChanged.emit(self.spin.value())

    def _from_spin(self, v: float) -> None:
        self._sync_slider(v)
        if not self._silent:
            self.valueChanged.emit(v)


def flag(widget: QWidget, message: str | None) -> None:
    """Mark ``widget`` invalid with ``message`` as its tooltip, or clear the mark."""
    base = widget.property("plainToolTip")
    if base is None:
        base = widget.toolTip()
        widget.setProperty("plainToolTip", base)
    if message:
        widget.setStyleSheet(INVALID_STYLE)
        widget.setToolTip(f"\u26a0 {message}" + (f"\n\n{base}" if base else ""))
    else:
        widget.setStyleSheet("")
        widget.setToolTip(base)
