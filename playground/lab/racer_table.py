"""The racers of the Optimizer Lab: one row per optimizer, a check box to let it
race, a number box per hyper-parameter it takes, and its result at the shown step.

The table holds no settings of its own: ``show_model`` fills it from a
``LabModel``, ``show_frames`` shows the player's racers at the shown step, and
the user's edits come out as signals (``enabled_changed``, ``hyper_changed``)
for the lab to apply.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.lab.model import LABELS, LabModel, class_defaults, describe, hyper_help
from core.lab.player import RacerFrame
from core.lab.race import RaceStop
from playground.panels.widgets import SciSpinBox
from playground.signals import signals_blocked

UNIT_OPEN = 0.999999  # decay factors live in [0, 1): the core rejects 1

#: (hyper-parameter, column header, header tooltip), one column each.
HYPER_COLUMNS = (
    ("lr", "\u03bc", "Learning rate \u03bc (the step size; Newton: fraction of the Newton step)"),
    ("momentum", "\u03b3", "Momentum \u03b3: v = \u03b3v + \u03bcg (Momentum, Nesterov)"),
    ("rho", "\u03c1", "Decay \u03c1 of the running averages (RMSProp, Adadelta; "
                      "the slides call it \u03b3)"),
    ("beta1", "\u03b2\u2081", "\u03b2\u2081: decay of Adam's first moment (slides: \u03b3\u2081)"),
    ("beta2", "\u03b2\u2082", "\u03b2\u2082: decay of Adam's second moment (slides: \u03b3\u2082)"),
    ("eps", "\u03b5", "Smoothing \u03b5 that keeps the division finite"),
    ("weight_decay", "\u03bb", "Decoupled weight decay \u03bb (AdamW)"),
    ("damping", "\u03b4",
     "Damping \u03b4 of damped Newton: the smallest eigenvalue of H + \u03bbI"),
)
COL_NAME = 0
COL_FIRST_HYPER = 1
COL_RESULT = COL_FIRST_HYPER + len(HYPER_COLUMNS)


def hyper_box(key: str) -> SciSpinBox:
    """A number box whose range already excludes what the core would reject."""
    if key == "lr":
        box = SciSpinBox(0.0, 100.0, log_step=10 ** 0.1)
    elif key in ("momentum", "rho", "beta1", "beta2"):
        box = SciSpinBox(0.0, UNIT_OPEN, step=0.01)
    elif key == "eps":
        box = SciSpinBox(1e-12, 1.0, log_step=10.0)
    elif key == "weight_decay":
        box = SciSpinBox(0.0, 10.0, step=0.001)
    else:  # damping
        box = SciSpinBox(0.0, 1e4, log_step=10 ** 0.25)
    box.setFrame(False)
    box.setButtonSymbols(SciSpinBox.ButtonSymbols.NoButtons)
    box.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return box


def swatch(color: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)


class RacerTable(QTableWidget):
    """Rows: every racer name of ``model.names``; colours from ``colors``."""

    enabled_changed = Signal(str, bool)  # racer name, checked
    hyper_changed = Signal(str, str, float)  # racer name, hyper-parameter, value

    def __init__(self, model: LabModel, colors: dict[str, str], parent=None) -> None:
        super().__init__(len(model.names), COL_RESULT + 1, parent)
        self.names = list(model.names)
        self.boxes: dict[tuple[str, str], SciSpinBox] = {}
        self._filling = False
        self.setHorizontalHeaderLabels(
            ["Optimizer", *(h for _, h, _ in HYPER_COLUMNS), "At the shown step"])
        self.horizontalHeaderItem(COL_NAME).setToolTip(
            "Check the optimizers that race; each keeps its own hyper-parameters per surface")
        for i, (_, _, tip) in enumerate(HYPER_COLUMNS):
            self.horizontalHeaderItem(COL_FIRST_HYPER + i).setToolTip(
                tip + "\nBold: changed from this surface's tuned default.")
        self.horizontalHeaderItem(COL_RESULT).setToolTip(
            "f and the distance to the nearest minimum at the step shown by the slider, "
            "or the step at which the optimizer diverged")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        head = self.horizontalHeader()
        head.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.ResizeToContents)
        for i in range(len(HYPER_COLUMNS)):
            head.setSectionResizeMode(COL_FIRST_HYPER + i, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(COL_FIRST_HYPER + i, 66)
        head.setSectionResizeMode(COL_RESULT, QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Check an optimizer to let it race; click a number to edit it "
                        "(arrow keys step it; Enter applies)")

        for row, name in enumerate(self.names):
            item = QTableWidgetItem(swatch(colors[name]), LABELS.get(name, name))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(describe(name))
            self.setItem(row, COL_NAME, item)
            helps = hyper_help(name)
            defaults = class_defaults(name)
            for i, (key, _, _) in enumerate(HYPER_COLUMNS):
                col = COL_FIRST_HYPER + i
                if key not in defaults:
                    blank = QTableWidgetItem("")
                    blank.setFlags(Qt.ItemFlag.NoItemFlags)
                    self.setItem(row, col, blank)
                    continue
                box = hyper_box(key)
                box.setProperty("baseTip", f"{LABELS.get(name, name)}: {helps.get(key, key)}")
                box.valueChanged.connect(
                    lambda v, n=name, k=key: self._box_changed(n, k, v))
                self.setCellWidget(row, col, box)
                self.boxes[(name, key)] = box
            res = QTableWidgetItem("")
            res.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(row, COL_RESULT, res)
        self.itemChanged.connect(self._item_changed)
        self.setMinimumHeight(120)

    def sizeHint(self):  # noqa: N802 - Qt override: tall enough for every row
        hint = super().sizeHint()
        height = (self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
                  + sum(self.rowHeight(r) for r in range(self.rowCount())) + 2)
        hint.setHeight(height)
        return hint

    # -- filling ----------------------------------------------------------------------
    def row_of(self, name: str) -> int:
        return self.names.index(name)

    def show_model(self, model: LabModel) -> None:
        """Show the model's checks and the current surface's hyper-parameters."""
        self._filling = True
        try:
            for row, name in enumerate(self.names):
                self.item(row, COL_NAME).setCheckState(
                    Qt.CheckState.Checked if name in model.enabled else Qt.CheckState.Unchecked)
                hyper = model.hyper(name)
                default = model.default_hyper(name)
                for (n, key), box in self.boxes.items():
                    if n != name:
                        continue
                    with signals_blocked(box):
                        box.setValue(hyper[key])
                    edited = model.is_edited(name, key)
                    font = QFont(box.font())
                    font.setBold(edited)
                    box.setFont(font)
                    tip = box.property("baseTip")
                    tip += f"\nTuned default on {model.surface.label}: {default[key]:g}"
                    if edited:
                        tip += "  (changed)"
                    box.setToolTip(tip)
        finally:
            self._filling = False

    def is_checked(self, name: str) -> bool:
        return self.item(self.row_of(name), COL_NAME).checkState() == Qt.CheckState.Checked

    def set_checked(self, name: str, on: bool) -> None:
        """As if the user clicked the check box (emits ``enabled_changed``)."""
        self.item(self.row_of(name), COL_NAME).setCheckState(
            Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_result(self, name: str, text: str, *, diverged: bool = False,
                   tip: str = "") -> None:
        item = self.item(self.row_of(name), COL_RESULT)
        if item.text() != text:
            item.setText(text)
        color = QColor("#c62828" if diverged else "#333333")
        if item.foreground().color() != color:
            item.setForeground(QBrush(color))
        if item.toolTip() != (tip or text):
            item.setToolTip(tip or text)

    def show_frames(self, frames: dict[str, RacerFrame | None]) -> None:
        """Each racer's result at the shown step: f and the distance to the nearest
        minimum, or the step at which it diverged and why."""
        for name, f in frames.items():
            if f is None:
                self.set_result(name, "")
                self.set_legend_name(name, LABELS.get(name, name))
            elif f.diverged:
                n = f.path.diverged_at
                why = ("left the area 10\u00d7 the window"
                       if f.path.stop_reason is RaceStop.LEFT_BOX else "the step was not finite")
                x, y = f.point
                self.set_result(name, f"\u2715 diverged at step {n}", diverged=True,
                                tip=f"Diverged at step {n}: {why}. Last good point "
                                    f"({x:.4g}, {y:.4g}), f = {f.loss:.4g}")
            else:
                text = f"f = {f.loss:.4g}"
                if math.isfinite(f.distance):
                    text += f",  distance to minimum {f.distance:.3g}"
                self.set_result(name, text)

    def set_legend_name(self, name: str, text: str) -> None:
        item = self.item(self.row_of(name), COL_NAME)
        if item.text() != text:
            self._filling = True
            try:
                item.setText(text)
            finally:
                self._filling = False

    # -- edits ------------------------------------------------------------------------
    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COL_NAME:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        self.enabled_changed.emit(name, item.checkState() == Qt.CheckState.Checked)

    def _box_changed(self, name: str, key: str, value: float) -> None:
        if not self._filling:
            self.hyper_changed.emit(name, key, float(value))
