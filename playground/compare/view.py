"""The Compare tab: pick variants of the current session, train them side by side,
overlay their loss curves with a legend."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.optim import optimizers
from core.train.status import RunStatus
from playground.compare.runner import KINDS, LECTURE_OPTIMIZERS, Curve
from playground.panels.widgets import int_box
from playground.plots import style


class CompareView(QWidget):
    title = "Compare"
    run_requested = Signal(str, list, int)  # kind, optimizer names, steps
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.addWidget(self._build_side())
        self.widget = style.new_plot("Training loss by variant", left="loss", bottom="step",
                                     grid=True)
        self.plot = self.widget.getPlotItem()
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.setLogMode(y=True)
        self.legend = self.plot.addLegend(offset=(-8, 8), **style.LEGEND)
        lay.addWidget(self.widget, 1)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self._notes: list[str] = []  # diverged / failed variants, kept for the end

        self.kind.currentIndexChanged.connect(self.choices.setCurrentIndex)
        self.run_button.clicked.connect(self._run)
        self.stop_button.clicked.connect(self.stop_requested)
        self.log_box.toggled.connect(lambda on: self.plot.setLogMode(y=on))

    def _build_side(self) -> QWidget:
        """What to compare, how long, the buttons and the status line."""
        side = QVBoxLayout()
        form = QFormLayout()
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        form.addRow("Compare", self.kind)
        self.steps = int_box(10, 1_000_000, step=100)
        self.steps.setValue(1000)
        form.addRow("Steps each", self.steps)
        side.addLayout(form)
        side.addWidget(self._build_choices(), 1)
        self.run_button = QPushButton("\u25b6 Run comparison")
        self.stop_button = QPushButton("\u25a0 Stop")
        self.stop_button.setEnabled(False)
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(True)
        side.addWidget(self.log_box)
        side.addWidget(self.run_button)
        side.addWidget(self.stop_button)
        self.status = QLabel("Trains each variant of the current session from the same "
                             "seed.")
        self.status.setWordWrap(True)
        side.addWidget(self.status)
        box = QWidget()
        box.setLayout(side)
        box.setFixedWidth(240)
        return box

    def _build_choices(self) -> QStackedWidget:
        """Per kind: the optimizers to tick, or a sentence saying what is compared."""
        self.choices = QStackedWidget()
        self.optimizer_list = QListWidget()
        for name in optimizers.OPTIMIZERS.names():
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in LECTURE_OPTIMIZERS
                               else Qt.CheckState.Unchecked)
            self.optimizer_list.addItem(item)
        self.choices.addWidget(self.optimizer_list)
        for text in ("Xavier uniform vs He normal initialization, all else as in the "
                     "session.", "The session's network without and with batch "
                     "normalization."):
            label = QLabel(text)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            self.choices.addWidget(label)
        return self.choices

    def export_item(self):
        return self.plot

    def checked_optimizers(self) -> list[str]:
        out = []
        for i in range(self.optimizer_list.count()):
            item = self.optimizer_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def set_checked_optimizers(self, names: list[str]) -> None:
        for i in range(self.optimizer_list.count()):
            item = self.optimizer_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in names else Qt.CheckState.Unchecked)

    def _run(self) -> None:
        kind = self.kind.currentData()
        names = self.checked_optimizers()
        if kind == "optimizers" and not names:
            self.status.setText("Tick at least one optimizer.")
            return
        self.run_requested.emit(kind, names, self.steps.value())

    def started(self, labels: list[str]) -> None:
        self.clear()
        self._notes = []
        for i, label in enumerate(labels):
            self.curves[label] = self.plot.plot(pen=pg.mkPen(style.color(i), width=2),
                                                name=label)
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(f"Training {len(labels)} variants\u2026")

    def clear(self) -> None:
        for item in self.curves.values():
            self.plot.removeItem(item)
            self.legend.removeItem(item)
        self.curves.clear()

    def update_curves(self, curves: tuple[Curve, ...]) -> None:
        notes = []
        self._notes = notes
        for c in curves:
            item = self.curves.get(c.label)
            if item is None:
                continue
            item.setData(c.steps, c.loss)
            if c.status in (RunStatus.DIVERGED, RunStatus.EARLY_STOPPED, "error"):
                notes.append(f"{c.label}: {c.message or c.status}")
        if notes:
            self.status.setText("\n".join(notes))

    def refuse(self, text: str) -> None:
        """The comparison could not start: say why."""
        self.status.setText(text)

    def finished(self, text: str = "Done.") -> None:
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.status.setText("\n".join([text, *self._notes]))
