"""Data panel: data set, its size and noise, validation split, preprocessing steps."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.data import datasets, preprocessing
from core.train.config import SessionConfig
from playground.panels.base import SectionPanel
from playground.panels.preprocess_preview import PreprocessPreview
from playground.panels.widgets import SciSpinBox, float_box, int_box
from playground.session.run_info import RunInfo
from playground.signals import signals_blocked

OPEN_CSV = "__open_csv__"
CSV = "csv"
CSV_FILTER = "CSV files (*.csv *.csv.gz);;All files (*)"
WHITENING = ("pca_whitening", "zca_whitening")
EPS_TIP = ("\u03b5 added to the covariance eigenvalues before the inverse square root "
           "(whitening only).")


def default_eps(name: str) -> float:
    """The \u03b5 a whitening step uses when none is set: its own default, from the core."""
    return float(preprocessing.create(name).get_config()["eps"])


class DataPanel(SectionPanel):
    section = "data"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_form()
        self.options_form = QFormLayout()
        self.body.addLayout(self.options_form)
        self._option_boxes: dict[str, QWidget] = {}
        self._build_preprocessing()
        self.body.addStretch(1)
        self.dataset.currentIndexChanged.connect(self._dataset_changed)
        self.label_column.editingFinished.connect(self._label_changed)
        self.n_samples.valueChanged.connect(self.emit_edit)
        self.noise.valueChanged.connect(self.emit_edit)
        self.val_ratio.valueChanged.connect(self.emit_edit)
        self.steps.currentRowChanged.connect(self._step_selected)
        self.eps.valueChanged.connect(self._eps_changed)
        self._csv_path: str | None = None
        self._last_index = 0

    def _build_form(self) -> None:
        form = QFormLayout()
        self.dataset = QComboBox()
        form.addRow("Data set", self.register(("name",), self.dataset))
        self.label_column = QLineEdit()
        self.label_column.setPlaceholderText("last column")
        self.label_column.setToolTip("Name of the CSV column holding the labels / targets")
        form.addRow("Label column", self.register(("label_column",), self.label_column))
        self.n_samples = int_box(4, 200_000, step=50)
        form.addRow("Samples", self.register(("n_samples",), self.n_samples))
        self.noise = float_box(0.0, 10.0, 0.01, decimals=4)
        self.noise.setToolTip("Standard deviation of the Gaussian noise added to the data")
        form.addRow("Noise", self.register(("noise",), self.noise))
        self.val_ratio = float_box(0.0, 0.9, 0.05, decimals=3)
        self.val_ratio.setToolTip("Fraction of the data held out for validation "
                                  "(early stopping needs > 0)")
        form.addRow("Validation ratio", self.register(("val_ratio",), self.val_ratio))
        self.body.addLayout(form)

    def _build_preprocessing(self) -> None:
        group = QGroupBox("Preprocessing (fitted on the training split)")
        g = QVBoxLayout(group)
        self.steps = QListWidget()
        self.steps.setMaximumHeight(84)
        self.register(("preprocessing",), self.steps)
        g.addWidget(self.steps)
        g.addLayout(self._step_buttons())
        self.eps_row = QFormLayout()
        self.eps = SciSpinBox(1e-12, 1.0, log_step=10.0)
        self.eps.setToolTip(EPS_TIP)
        self.eps_row.addRow("Whitening \u03b5", self.eps)
        g.addLayout(self.eps_row)
        self.preview = PreprocessPreview()
        g.addWidget(self.preview)
        self.body.addWidget(group)

    def _step_buttons(self) -> QHBoxLayout:
        """"+ Add step" (a menu of the preprocessors), move up / down, remove."""
        row = QHBoxLayout()
        self.add_step = QToolButton()
        self.add_step.setText("+ Add step")
        self.add_step.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_step)
        for name in preprocessing.PREPROCESSORS.names():
            act = menu.addAction(name.replace("_", " "))
            act.setToolTip(preprocessing.PREPROCESSORS.get(name).describe)
            act.triggered.connect(lambda _=False, n=name: self._add_step(n))
        menu.setToolTipsVisible(True)
        self.add_step.setMenu(menu)
        row.addWidget(self.add_step)
        for text, tip, slot in (("\u2191", "move up", lambda: self._move(-1)),
                                ("\u2193", "move down", lambda: self._move(1)),
                                ("\u2715", "remove step", self._remove_step)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        return row

    # -- data set -------------------------------------------------------------------
    def _fill_datasets(self, config: SessionConfig) -> None:
        self.dataset.clear()
        for name in datasets.names():
            info = datasets.dataset_info(name)
            label = name.replace("_", " ")
            if not info.two_d:
                label += f"  ({info.n_features} features)"
            self.dataset.addItem(label, name)
            self.dataset.setItemData(self.dataset.count() - 1, info.describe,
                                     Qt.ItemDataRole.ToolTipRole)
        if config.data.name == CSV:
            self.dataset.addItem(f"CSV: {Path(config.data.csv_path).name}", CSV)
            self.dataset.setItemData(self.dataset.count() - 1, config.data.csv_path,
                                     Qt.ItemDataRole.ToolTipRole)
        self.dataset.insertSeparator(self.dataset.count())
        self.dataset.addItem("Open CSV\u2026", OPEN_CSV)

    def _dataset_changed(self) -> None:
        name = self.dataset.currentData()
        if self._loading:
            return
        if name == OPEN_CSV:
            path, _ = QFileDialog.getOpenFileName(self, "Open a CSV data set", "", CSV_FILTER)
            if path:
                self.open_csv(path)
            else:
                with self.quiet():
                    self.dataset.setCurrentIndex(self._last_index)
            return
        if name != CSV:
            self._csv_path = None
            info = datasets.dataset_info(name)
            with self.quiet():
                self.noise.setValue(info.default_noise)  # each toy has its own sensible noise
        self._dataset_chosen()

    def open_csv(self, path: str | Path) -> None:
        """Use the CSV file at ``path`` as the data set (Open CSV…, a file dropped on
        the window); its last column holds the labels until one is named."""
        self._csv_path = str(path)
        self.label_column.clear()
        with self.quiet():
            self.dataset.insertItem(0, f"CSV: {Path(path).name}", CSV)
            self.dataset.setItemData(0, str(path), Qt.ItemDataRole.ToolTipRole)
            self.dataset.setCurrentIndex(0)
        self._dataset_chosen()

    def _dataset_chosen(self) -> None:
        self._last_index = self.dataset.currentIndex()
        self._update_enabled(self.dataset.currentData())
        self._build_options(self.dataset.currentData(), {})
        self.emit_edit()

    def _label_changed(self) -> None:
        if self.label_column.isModified():  # typed in since it was last shown or sent
            self.label_column.setModified(False)
            self.emit_edit()

    def _update_enabled(self, name: str) -> None:
        csv = name == CSV
        info = None if csv else datasets.dataset_info(name)
        self.label_column.setEnabled(csv)
        self.n_samples.setEnabled(bool(info and info.uses_n_samples))
        self.noise.setEnabled(bool(info and info.uses_noise))

    def _build_options(self, name: str, values: dict) -> None:
        while self.options_form.rowCount():
            self.options_form.removeRow(0)
        self._option_boxes.clear()
        if name == CSV:
            return
        for opt in datasets.dataset_info(name).options:
            if isinstance(opt.default, int):
                box = int_box(int(opt.low), int(opt.high))
            else:
                box = SciSpinBox(float(opt.low), float(opt.high))
            box.setValue(values.get(opt.name, opt.default))
            box.setToolTip(opt.describe)
            box.valueChanged.connect(self.emit_edit)
            self.options_form.addRow(opt.name.replace("_", " "), box)
            self.register(("options", opt.name), box)
            self._option_boxes[opt.name] = box

    # -- preprocessing ----------------------------------------------------------------
    def _step_item(self, name: str, eps: float | None) -> QListWidgetItem:
        text = name.replace("_", " ") + (f"  (\u03b5 = {eps:g})" if eps is not None else "")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, {"name": name, "eps": eps})
        item.setToolTip(preprocessing.PREPROCESSORS.get(name).describe)
        return item

    def _step_dicts(self) -> list[dict]:
        out = []
        for i in range(self.steps.count()):
            d = dict(self.steps.item(i).data(Qt.ItemDataRole.UserRole))
            out.append(d)
        return out

    def _set_steps(self, steps: list[dict], current: int = -1) -> None:
        with signals_blocked(self.steps):
            self.steps.clear()
            for d in steps:
                self.steps.addItem(self._step_item(d["name"], d.get("eps")))
            self.steps.setCurrentRow(current)
        self._step_selected(current)

    def _add_step(self, name: str) -> None:
        steps = self._step_dicts() + [{"name": name, "eps": None}]
        self._set_steps(steps, len(steps) - 1)
        self.emit_edit()

    def _remove_step(self) -> None:
        row = self.steps.currentRow()
        steps = self._step_dicts()
        if not steps:
            return
        del steps[row if row >= 0 else -1]
        self._set_steps(steps, min(row, len(steps) - 1))
        self.emit_edit()

    def _move(self, delta: int) -> None:
        row = self.steps.currentRow()
        steps = self._step_dicts()
        j = row + delta
        if row < 0 or not 0 <= j < len(steps):
            return
        steps[row], steps[j] = steps[j], steps[row]
        self._set_steps(steps, j)
        self.emit_edit()

    def _eps_row(self) -> int:
        """The whitening step the \u03b5 box shows and edits: the selected step if it
        whitens, else the first whitening step (-1: there is none)."""
        steps = self._step_dicts()
        row = self.steps.currentRow()
        if 0 <= row < len(steps) and steps[row]["name"] in WHITENING:
            return row
        return next((i for i, d in enumerate(steps) if d["name"] in WHITENING), -1)

    def _step_selected(self, _row: int = -1) -> None:
        """Show the \u03b5 in use: the step's own, or its step's default (from the core)."""
        row = self._eps_row()
        self.eps.setEnabled(row >= 0)
        # No whitening step, no \u03b5 in use: no box showing a value that does nothing.
        self.eps_row.setRowVisible(0, row >= 0)
        if row < 0:
            return
        step = self._step_dicts()[row]
        eps = step["eps"] if step["eps"] is not None else default_eps(step["name"])
        self.eps.setToolTip(EPS_TIP + (f" Now: {step['name'].replace('_', ' ')}'s default."
                                       if step["eps"] is None else ""))
        with signals_blocked(self.eps):
            self.eps.setValue(eps)

    def _eps_changed(self, value: float) -> None:
        row = self._eps_row()
        if self._loading or row < 0:
            return
        steps = self._step_dicts()
        steps[row]["eps"] = value
        self._set_steps(steps, self.steps.currentRow())
        self.emit_edit()

    # -- SectionPanel -----------------------------------------------------------------
    def _populate(self, config: SessionConfig) -> None:
        d = config.data
        self._fill_datasets(config)
        self._csv_path = d.csv_path if d.name == CSV else None
        self.dataset.setCurrentIndex(self.dataset.findData(d.name))
        self._last_index = self.dataset.currentIndex()
        self.label_column.setText(d.label_column or "")
        self.n_samples.setValue(d.n_samples)
        self.noise.setValue(d.noise)
        self.val_ratio.setValue(d.val_ratio)
        self._update_enabled(d.name)
        self._build_options(d.name, dict(d.options))
        self._set_steps([{"name": s.name, "eps": s.eps} for s in d.preprocessing])

    def set_run(self, info: RunInfo) -> None:
        """Slot for a new run: its data before and after preprocessing."""
        self.preview.set_run(info)

    def value(self) -> dict:
        name = self.dataset.currentData()
        d = {"name": name}
        d["csv_path"] = self._csv_path if name == CSV else None
        d["label_column"] = (self.label_column.text().strip() or None) if name == CSV else None
        d["n_samples"] = self.n_samples.value()
        d["noise"] = self.noise.value()
        d["val_ratio"] = self.val_ratio.value()
        d["options"] = {k: b.value() for k, b in self._option_boxes.items()}
        d["preprocessing"] = [{k: v for k, v in s.items() if v is not None}
                              for s in self._step_dicts()]
        return d
