"""Network panel: hidden layers (width and activation each), initializer, batch norm, loss."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.nn import activations, initializers
from core.train.config import SessionConfig
from playground.panels.activation_preview import ActivationPreview
from playground.panels.base import SectionPanel
from playground.panels.widgets import SciSpinBox, int_box
from playground.signals import signals_blocked

MAX_LAYERS = 64
MAX_WIDTH = 4096
LOSSES = [("auto", "Automatic (from the task)"), ("mse", "Mean squared error"),
          ("bce_logits", "Binary cross-entropy (logits)"),
          ("softmax_ce", "Softmax cross-entropy")]
MIXED = "(per layer)"


def activation_combo() -> QComboBox:
    combo = QComboBox()
    for name in activations.ACTIVATIONS.names():
        info = activations.ACTIVATIONS.get(name)
        combo.addItem(info.label, name)
        combo.setItemData(combo.count() - 1, f"{info.formula}\n{info.derivative}",
                          Qt.ItemDataRole.ToolTipRole)
    return combo


class NetworkPanel(SectionPanel):
    section = "network"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_activation()
        self._build_table()
        self._build_form()
        self.body.addStretch(1)
        self.activation.currentIndexChanged.connect(self._all_layers_activation)
        self.initializer.currentIndexChanged.connect(self._initializer_changed)
        self.init_sigma.valueChanged.connect(self.emit_edit)
        self.batch_norm.toggled.connect(self.emit_edit)
        self.loss.currentIndexChanged.connect(self.emit_edit)

    def _build_activation(self) -> None:
        """Activation for all layers, with the h / h' thumbnail beside it."""
        top = QHBoxLayout()
        col = QVBoxLayout()
        col.addWidget(QLabel("Activation (all layers)"))
        self.activation = activation_combo()
        self.activation.setToolTip("Sets every hidden layer; change single layers in the table")
        col.addWidget(self.activation)
        col.addStretch(1)
        top.addLayout(col, 1)
        self.preview = ActivationPreview()
        top.addWidget(self.preview)
        self.body.addLayout(top)

    def _build_table(self) -> None:
        """One row per hidden layer: width, activation, remove; and "+ Add layer"."""
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["width", "activation", ""])
        hdr = self.table.horizontalHeader()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumHeight(100)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.body.addWidget(self.table)
        self.register(("hidden",), self.table)
        self.register(("activation",), self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("+ Add layer")
        self.add_button.clicked.connect(self._add_layer)
        self.layer_count = QLabel()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.layer_count)
        self.body.addLayout(buttons)

    def _build_form(self) -> None:
        form = QFormLayout()
        self.initializer = QComboBox()
        for name in initializers.INITIALIZERS.names():
            self.initializer.addItem(name.replace("_", " "), name)
            self.initializer.setItemData(self.initializer.count() - 1,
                                         initializers.describe(name),
                                         Qt.ItemDataRole.ToolTipRole)
        form.addRow("Initializer", self.register(("initializer",), self.initializer))
        self.init_sigma = SciSpinBox(1e-6, 10.0, log_step=10 ** 0.25)
        self.init_sigma.setToolTip("\u03c3 of the small random initializer N(0, \u03c3\u00b2)")
        form.addRow("\u03c3 (small random)", self.register(("init_sigma",), self.init_sigma))
        self.batch_norm = QCheckBox("Batch normalization (before each activation)")
        self.batch_norm.setToolTip("Normalizes each unit over the mini-batch, then scales by a "
                                   "learnable \u03b3 and shifts by \u03b2; running averages at "
                                   "evaluation")
        form.addRow(self.register(("batch_norm",), self.batch_norm))
        self.loss = QComboBox()
        for name, label in LOSSES:
            self.loss.addItem(label, name)
        form.addRow("Loss", self.register(("loss",), self.loss))
        self.body.addLayout(form)

    # -- rows ---------------------------------------------------------------------------
    def _rows(self) -> list[tuple[int, str]]:
        out = []
        for r in range(self.table.rowCount()):
            out.append((self.table.cellWidget(r, 0).value(),
                        self.table.cellWidget(r, 1).currentData()))
        return out

    def _set_rows(self, rows: list[tuple[int, str]]) -> None:
        # Drop the old row widgets now: Qt would delete them only later, and until
        # then they still paint where the removed rows were.
        for r in range(self.table.rowCount()):
            for c in range(3):
                w = self.table.cellWidget(r, c)
                if w is not None:
                    self.table.removeCellWidget(r, c)
                    w.hide()
                    w.deleteLater()
        self.table.setRowCount(len(rows))
        for r, (width, act) in enumerate(rows):
            spin = int_box(1, MAX_WIDTH)
            spin.setValue(width)
            spin.setToolTip(f"units in hidden layer {r + 1}")
            spin.valueChanged.connect(self.emit_edit)
            combo = activation_combo()
            combo.setCurrentIndex(max(0, combo.findData(act)))
            combo.currentIndexChanged.connect(self._layer_activation)
            remove = QToolButton()
            remove.setText("\u2715")
            remove.setToolTip(f"remove hidden layer {r + 1}")
            remove.clicked.connect(lambda _=False, row=r: self._remove_layer(row))
            self.table.setCellWidget(r, 0, spin)
            self.table.setCellWidget(r, 1, combo)
            self.table.setCellWidget(r, 2, remove)
        self.table.setVerticalHeaderLabels([f"h{r + 1}" for r in range(len(rows))])
        # Fit the rows (up to 8, then scroll) so the form below stays in view.
        visible = min(max(len(rows), 3), 8)
        self.table.setMaximumHeight(self.table.horizontalHeader().height()
                                    + visible * self.table.verticalHeader().defaultSectionSize()
                                    + 2 * self.table.frameWidth() + 2)
        self.add_button.setEnabled(len(rows) < MAX_LAYERS)
        self.layer_count.setText(f"{len(rows)} hidden layer{'s' if len(rows) != 1 else ''}")
        self._sync_all_combo()

    def _sync_all_combo(self) -> None:
        acts = {a for _, a in self._rows()}
        with signals_blocked(self.activation):
            if self.activation.findData(MIXED) >= 0:
                self.activation.removeItem(self.activation.findData(MIXED))
            if len(acts) == 1:
                name = acts.pop()
                self.activation.setCurrentIndex(self.activation.findData(name))
                self.preview.show_activation(name)
            elif acts:
                self.activation.addItem("(different per layer)", MIXED)
                self.activation.setCurrentIndex(self.activation.count() - 1)

    def _add_layer(self) -> None:
        rows = self._rows()
        width, act = rows[-1] if rows else (8, self.activation.currentData() or "tanh")
        if act == MIXED:
            act = "tanh"
        self._set_rows(rows + [(width, act)])
        self.emit_edit()

    def _remove_layer(self, row: int) -> None:
        rows = self._rows()
        del rows[row]
        self._set_rows(rows)
        self.emit_edit()

    def _all_layers_activation(self) -> None:
        name = self.activation.currentData()
        if name in (None, MIXED):
            return
        self.preview.show_activation(name)
        if self._loading:
            return
        self._set_rows([(w, name) for w, _ in self._rows()])
        self.emit_edit()

    def _layer_activation(self) -> None:
        combo = self.sender()
        if isinstance(combo, QComboBox):
            self.preview.show_activation(combo.currentData())
        self._sync_all_combo()
        self.emit_edit()

    def _initializer_changed(self) -> None:
        self.init_sigma.setEnabled(self.initializer.currentData() == "small_random")
        self.emit_edit()

    # -- SectionPanel -----------------------------------------------------------------
    def _populate(self, config: SessionConfig) -> None:
        n = config.network
        self._set_rows(list(zip(n.hidden, n.activations(), strict=True)))
        self.initializer.setCurrentIndex(self.initializer.findData(n.initializer))
        self.init_sigma.setValue(n.init_sigma)
        self.init_sigma.setEnabled(n.initializer == "small_random")
        self.batch_norm.setChecked(n.batch_norm)
        self.loss.setCurrentIndex(self.loss.findData(n.loss))

    def value(self) -> dict:
        d = {}
        rows = self._rows()
        acts = [a for _, a in rows]
        d["hidden"] = [w for w, _ in rows]
        # One name when all layers agree: keeps presets' spelling on a round trip.
        if len(set(acts)) == 1:
            d["activation"] = acts[0]
        elif not acts:  # no hidden layer: keep a valid single name
            current = self.activation.currentData()
            d["activation"] = current if current not in (None, MIXED) else "tanh"
        else:
            d["activation"] = acts
        d["initializer"] = self.initializer.currentData()
        d["init_sigma"] = self.init_sigma.value()
        d["batch_norm"] = self.batch_norm.isChecked()
        d["loss"] = self.loss.currentData()
        return d
