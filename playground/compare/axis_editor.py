"""Choose one setting to vary and its values: a checklist, or a range for numbers.

The settings and their suggested values come from ``core.train.sweep.catalog``;
the widget only says which were chosen (``choice()``): the setting's key and
the values, which the session turns into a sweep axis for its config.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.train.sweep import catalog
from core.train.sweep.spec import value_range
from playground.panels.widgets import SciSpinBox, int_box

NONE = ""


class AxisEditor(QWidget):
    changed = Signal()

    def __init__(self, *, optional: bool = False, default: str = "optimizer",
                 list_height: int = 140, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = {s.key: s for s in catalog.settings()}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.setting = QComboBox()
        # as wide as the panel, not as the longest setting's name
        self.setting.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setting.setMinimumContentsLength(12)
        if optional:
            self.setting.addItem("\u2014 nothing else \u2014", NONE)
        for s in self.settings.values():
            self.setting.addItem(s.label, s.key)
        lay.addWidget(self.setting)
        self.values = QListWidget()
        self.values.setMinimumHeight(60)
        self.values.setMaximumHeight(list_height)
        lay.addWidget(self.values, 1)
        self.range_box = QCheckBox("range")
        self.lo, self.hi = SciSpinBox(-1e9, 1e9, log_step=10.0), SciSpinBox(-1e9, 1e9,
                                                                           log_step=10.0)
        self.count = int_box(1, 100)
        row = QHBoxLayout()
        row.addWidget(self.range_box)
        for w, tip, width in ((self.lo, "from", 72), (self.hi, "to", 72),
                              (self.count, "number of values", 48)):
            w.setToolTip(tip)
            w.setMaximumWidth(width)
            row.addWidget(w)
        row.addStretch(1)
        self.range_row = QWidget()
        self.range_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.range_row)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        lay.addWidget(self.hint)
        self.setting.currentIndexChanged.connect(self._fill)
        self.range_box.toggled.connect(self._range_toggled)
        self.values.itemChanged.connect(lambda _item: self.changed.emit())
        for w in (self.lo, self.hi, self.count):
            w.valueChanged.connect(lambda _v: self._show_range())
        self.set_setting(NONE if optional else default)
        self._fill()

    # -- state -------------------------------------------------------------------------
    @property
    def key(self) -> str:
        return self.setting.currentData() or NONE

    def current(self) -> catalog.Setting | None:
        return self.settings.get(self.key)

    def set_setting(self, key: str) -> None:
        i = self.setting.findData(key)
        if i >= 0:
            self.setting.setCurrentIndex(i)

    def choice(self) -> tuple[str, list] | None:
        """(setting key, chosen values), or None when nothing is to vary."""
        s = self.current()
        if s is None:
            return None
        if self.range_box.isChecked():
            return s.key, self.range_values()
        return s.key, [self.values.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.values.count())
                       if self.values.item(i).checkState() == Qt.CheckState.Checked]

    def range_values(self) -> list:
        s = self.current()
        try:
            return list(value_range(s.path, (repr(self.lo.value()), repr(self.hi.value()),
                                             str(self.count.value())),
                                    log=s.log, integer=s.integer))
        except ValueError:
            return []

    def set_checked(self, values: list) -> None:
        """Tick exactly ``values`` (tests and the lecture's ready-made comparisons)."""
        self.range_box.setChecked(False)
        for i in range(self.values.count()):
            item = self.values.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in values
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_range(self, lo: float, hi: float, n: int) -> None:
        self.lo.setValue(lo)
        self.hi.setValue(hi)
        self.count.setValue(n)
        self.range_box.setChecked(True)

    # -- filling -----------------------------------------------------------------------
    def _fill(self) -> None:
        s = self.current()
        self.values.blockSignals(True)
        self.values.clear()
        visible = s is not None
        self.values.setVisible(visible)
        self.range_row.setVisible(visible and s.kind == "number")
        self.range_box.setChecked(False)
        if s is not None:
            for i, value in enumerate(s.choices):
                item = QListWidgetItem(s.choice_label(i))
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if value in s.checked
                                   else Qt.CheckState.Unchecked)
                self.values.addItem(item)
            if s.kind == "number":
                self.lo.setValue(s.span[0])
                self.hi.setValue(s.span[1])
                self.count.setValue(s.span[2])
        self.values.blockSignals(False)
        self._show_hint()
        self.changed.emit()

    def _range_toggled(self, on: bool) -> None:
        self.values.setEnabled(not on)
        self._show_range()

    def _show_range(self) -> None:
        self._show_hint()
        self.changed.emit()

    def _show_hint(self) -> None:
        s = self.current()
        self.setting.setToolTip("" if s is None else f"config path: {s.path}")
        self.hint.setVisible(s is not None and self.range_box.isChecked())
        if s is None:
            self.hint.setText("")
        elif self.range_box.isChecked():
            vals = self.range_values()
            scale = "log" if s.log else "linear"
            self.hint.setText(f"{len(vals)} values, {scale} scale: "
                              + ", ".join(f"{v:g}" for v in vals[:6])
                              + (" \u2026" if len(vals) > 6 else ""))
        else:
            self.hint.setText("")
