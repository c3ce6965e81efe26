"""Optimizer panel: the optimizer and its hyper-parameters (formula in each tooltip:
every optimizer's update rule on its item of the list, as the activations' formulas).

Hyper-parameter edits apply live to the running optimizer (its state is kept);
choosing another optimizer goes on with the same weights and a fresh optimizer
state (no reset either).
"""

from __future__ import annotations

import inspect

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from core.optim import optimizers
from core.train.config import SessionConfig
from playground.panels.base import SectionPanel
from playground.panels.widgets import LogValueEdit, SciSpinBox

LECTURE = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam")
LABELS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov (NAG)",
          "adagrad": "Adagrad", "rmsprop": "RMSProp", "adadelta": "Adadelta", "adam": "Adam",
          "adamw": "AdamW", "nadam": "Nadam", "amsgrad": "AMSGrad"}
HYPER_LABELS = {"lr": "Learning rate \u03bc", "momentum": "Momentum \u03b3", "rho": "Decay \u03c1",
                "beta1": "\u03b21", "beta2": "\u03b22", "eps": "\u03b5",
                "weight_decay": "Weight decay \u03bb"}
UNIT_OPEN = 0.999999  # decay factors live in [0, 1); 1 itself is rejected by the core


def hyper_widget(name: str):
    """A box whose range already excludes values the core would reject."""
    if name == "lr":
        return LogValueEdit(1e-6, 10.0)
    if name in ("momentum", "rho", "beta1", "beta2"):
        return SciSpinBox(0.0, UNIT_OPEN, step=0.01)
    if name == "eps":
        return SciSpinBox(1e-12, 1.0, log_step=10.0)
    if name == "weight_decay":
        return SciSpinBox(0.0, 10.0, step=0.001)
    return SciSpinBox(0.0, 1e6, step=0.01)


def describe(name: str) -> str:
    doc = inspect.getdoc(optimizers.OPTIMIZERS.get(name)) or ""
    return doc.split("\n\n")[0]


def tooltip(name: str) -> str:
    """The optimizer's update rule (``update_rule``, one line), then what it is."""
    return f"{optimizers.OPTIMIZERS.get(name).update_rule}\n{describe(name)}"


class OptimizerPanel(SectionPanel):
    section = "optimizer"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout()
        self.name = QComboBox()
        separated = False
        for name in optimizers.OPTIMIZERS.names():
            if name not in LECTURE and not separated:  # the lecture's seven first
                self.name.insertSeparator(self.name.count())
                separated = True
            self.name.addItem(LABELS.get(name, name), name)
            self.name.setItemData(self.name.count() - 1, tooltip(name),
                                  Qt.ItemDataRole.ToolTipRole)
        self.form.addRow("Optimizer", self.register(("name",), self.name))
        self.body.addLayout(self.form)
        self.note = QLabel("Changes to these settings apply live, without a reset.")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        self.body.addWidget(self.note)
        self.body.addStretch(1)
        self.hyper: dict[str, QWidget] = {}
        self._built_for = ""
        self.name.currentIndexChanged.connect(self._optimizer_changed)

    def _build(self, name: str, values: dict[str, float]) -> None:
        while self.form.rowCount() > 1:
            self.form.removeRow(1)
        self.hyper.clear()
        cls = optimizers.OPTIMIZERS.get(name)
        for key in cls.defaults:
            w = hyper_widget(key)
            w.setValue(values.get(key, cls.defaults[key]))
            tip = cls.hyper_help.get(key, key)
            w.setToolTip(f"{tip}\n(default {cls.defaults[key]:g})")
            w.valueChanged.connect(self.emit_edit)
            label = QLabel(HYPER_LABELS.get(key, key))
            label.setToolTip(tip)
            self.form.addRow(label, self.register(("hyper", key), w))
            self.hyper[key] = w
        self.name.setToolTip(tooltip(name))
        self._built_for = name

    def _optimizer_changed(self) -> None:
        if self._loading:
            return
        name = self.name.currentData()
        # A new optimizer starts from its own defaults (the old μ rarely suits it).
        with self.quiet():
            self._build(name, {})
        self.emit_edit()

    def _populate(self, config: SessionConfig) -> None:
        o = config.optimizer
        self.name.setCurrentIndex(self.name.findData(o.name))
        self._build(o.name, o.resolved())

    def value(self) -> dict:
        return {"name": self.name.currentData(),
                "hyper": {k: float(w.value()) for k, w in self.hyper.items()}}
