"""The Compare tab's side panel: what to vary, seeds, steps, workers, run and cancel,
progress, and the exports."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.train.sweep import catalog
from playground.compare.axis_editor import AxisEditor
from playground.panels.widgets import int_box

DEFAULT_SEEDS = 3
DEFAULT_STEPS = 1000


def narrow(box: QComboBox) -> None:
    """A combo box as wide as the panel, not as its longest entry (the popup shows
    the whole text)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)


class SweepControls(QScrollArea):
    # [(setting key, values)], seeds, steps, workers
    run_requested = Signal(list, int, int, int)
    cancel_requested = Signal()
    export_figure_requested = Signal()
    export_csv_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(4, 4, 8, 4)
        self.lecture = QComboBox()
        self.lecture.addItem("Lecture comparisons…", None)
        for title, choices in catalog.lecture_comparisons():
            self.lecture.addItem(title, choices)
        self.lecture.setToolTip("Fill in the settings of one of the lecture's comparisons")
        narrow(self.lecture)
        lay.addWidget(self.lecture)
        lay.addWidget(QLabel("<b>Vary</b>"))
        self.first = AxisEditor(default="optimizer", list_height=150)
        lay.addWidget(self.first)
        lay.addWidget(QLabel("<b>and by</b>"))
        self.second = AxisEditor(optional=True, list_height=110)
        lay.addWidget(self.second)
        self._build_run_box(lay)
        lay.addStretch(1)
        self.setWidget(box)
        self.setMinimumWidth(250)
        self.setMaximumWidth(300)
        self.lecture.activated.connect(self._lecture_chosen)
        self.run_button.clicked.connect(self._run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.export_figure.clicked.connect(self.export_figure_requested)
        self.export_csv.clicked.connect(self.export_csv_requested)

    def _build_run_box(self, lay: QVBoxLayout) -> None:
        """Seeds, steps, workers; run and cancel; progress, status, exports."""
        form = QFormLayout()
        self.seeds = int_box(1, 100)
        self.seeds.setValue(DEFAULT_SEEDS)
        self.seeds.setToolTip("Runs per variant, from the session's seed on: a seed changes "
                              "the data drawn, the initial weights and the batch order")
        self.steps = int_box(1, 10_000_000, step=100)
        self.steps.setValue(DEFAULT_STEPS)
        self.workers = int_box(1, 256)
        self.workers.setValue(os.cpu_count() or 1)
        self.workers.setToolTip("Worker processes training runs in parallel")
        form.addRow("Seeds", self.seeds)
        form.addRow("Steps each", self.steps)
        form.addRow("Workers", self.workers)
        lay.addLayout(form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("\u25b6 Run")
        self.cancel_button = QPushButton("\u25a0 Cancel")
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        lay.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m runs")
        self.progress.setValue(0)
        lay.addWidget(self.progress)
        self.status = QLabel("Trains each variant of the current session over several "
                             "seeds, on every core.")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        exports = QHBoxLayout()
        self.export_figure = QPushButton("Export PNG/SVG\u2026")
        self.export_csv = QPushButton("Export CSV\u2026")
        for b in (self.export_figure, self.export_csv):
            b.setEnabled(False)
            exports.addWidget(b)
        lay.addLayout(exports)

    def apply_comparison(self, choices) -> None:
        """Set the editors to ``choices`` ((key, values or ("range", lo, hi, n)), ...)."""
        editors = (self.first, self.second)
        self.second.set_setting("")
        for editor, (key, values) in zip(editors, choices, strict=False):
            editor.set_setting(key)
            if isinstance(values, tuple) and values and values[0] == "range":
                editor.set_range(*values[1:])
            else:
                editor.set_checked(list(values))

    def _lecture_chosen(self, index: int) -> None:
        choices = self.lecture.itemData(index)
        if choices:
            self.apply_comparison(choices)
        self.lecture.setCurrentIndex(0)

    def choices(self) -> list[tuple[str, list]]:
        return [c for c in (self.first.choice(), self.second.choice()) if c is not None]

    def _run(self) -> None:
        choices = self.choices()
        empty = [key for key, values in choices if not values]
        if empty:
            self.status.setText("Tick at least one value of each setting to vary.")
            return
        if len(choices) == 2 and choices[0][0] == choices[1][0]:
            self.status.setText("Vary two different settings.")
            return
        self.run_requested.emit(choices, self.seeds.value(), self.steps.value(),
                                self.workers.value())

    def set_running(self, running: bool, total: int = 0) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(0)
