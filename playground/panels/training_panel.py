"""Training panel: batches, shuffling, weight penalties, curriculum, early stopping,
gradient noise, seed."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QWidget

from core.train.config import SessionConfig
from playground.panels.base import SectionPanel
from playground.panels.widgets import SciSpinBox, float_box, int_box
from playground.session.edits import MAX_SEED

SHUFFLE = [("epoch", "Reshuffle every epoch"), ("fixed", "One fixed order"),
           ("sorted", "Sorted by class (bad on purpose)")]


class TrainingPanel(SectionPanel):
    section = "training"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build_basics()
        self._build_penalties()
        self._build_curriculum()
        self._build_early_stopping()
        self._build_noise()
        self.body.addStretch(1)
        for box in (self.batch_size, self.steps, self.eval_every, self.seed, self.start_fraction,
                    self.epochs_to_full, self.patience, self.min_delta, self.eta, self.gamma,
                    self.l1, self.l2):
            box.valueChanged.connect(self.emit_edit)
        self.shuffle.currentIndexChanged.connect(self.emit_edit)
        for check in (self.curriculum, self.early, self.noise):
            check.toggled.connect(self.emit_edit)
        self.restore_best.toggled.connect(self.emit_edit)
        # Boxes showing a value beyond their 32-bit range, clamped (see value()).
        self._clamped: set[str] = set()

    def _build_basics(self) -> None:
        form = QFormLayout()
        self.batch_size = int_box(1, 100_000)
        self.batch_size.setToolTip("Examples per mini-batch (the last batch of an epoch may be "
                                   "smaller)")
        form.addRow("Batch size", self.register(("batch_size",), self.batch_size))
        self.shuffle = QComboBox()
        for key, label in SHUFFLE:
            self.shuffle.addItem(label, key)
        form.addRow("Shuffling", self.register(("shuffle",), self.shuffle))
        self.steps = int_box(1, 10_000_000, step=500)
        self.steps.setToolTip("Play pauses after this many steps (press play again for "
                              "another block); also the length of a headless run")
        form.addRow("Run length", self.register(("steps",), self.steps))
        self.eval_every = int_box(1, 100_000)
        self.eval_every.setToolTip("Steps between validation metrics and histograms")
        form.addRow("Evaluate every", self.register(("eval_every",), self.eval_every))
        self.seed = int_box(0, MAX_SEED)
        self.seed.setToolTip("One seed for data, split, weights and batch order")
        form.addRow("Seed", self.register(("seed",), self.seed))
        self.body.addLayout(form)

    def _build_penalties(self) -> None:
        box = QGroupBox("Weight penalties (on W only; the loss shown stays the data loss)")
        form = QFormLayout(box)
        self.l2 = SciSpinBox(0.0, 10.0, step=1e-4)
        self.l2.setToolTip("L2 penalty \u03bb\u2082/2\u00b7\u03a3 W\u00b2: the gradient gains "
                           "\u03bb\u2082\u00b7W (weight decay through the gradient; AdamW's "
                           "decoupled decay is its own setting)")
        form.addRow("L2 \u03bb\u2082", self.register(("l2",), self.l2))
        self.l1 = SciSpinBox(0.0, 10.0, step=1e-4)
        self.l1.setToolTip("L1 penalty \u03bb\u2081\u00b7\u03a3 |W|: the gradient gains "
                           "\u03bb\u2081\u00b7sign(W), which drives small weights to zero")
        form.addRow("L1 \u03bb\u2081", self.register(("l1",), self.l1))
        self.body.addWidget(box)

    def _group(self, title: str, key: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        box.setCheckable(True)
        self.register((key,), box)
        self.body.addWidget(box)
        return box, QFormLayout(box)

    def _build_curriculum(self) -> None:
        self.curriculum, f = self._group("Curriculum learning (easy examples first)",
                                         "curriculum")
        self.start_fraction = float_box(0.01, 1.0, 0.05, decimals=2)
        self.start_fraction.setToolTip("Fraction of the (easiest) data used in the first epoch")
        f.addRow("Start fraction", self.register(("curriculum", "start_fraction"),
                                                 self.start_fraction))
        self.epochs_to_full = int_box(1, 10_000)
        self.epochs_to_full.setToolTip("Epochs until all of the data is in use (linear pacing)")
        f.addRow("Epochs to full", self.register(("curriculum", "epochs_to_full"),
                                                 self.epochs_to_full))

    def _build_early_stopping(self) -> None:
        self.early, f = self._group("Early stopping (on the validation loss)", "early_stopping")
        self.patience = int_box(1, 10_000)
        self.patience.setToolTip("Evaluations without improvement before the run stops")
        f.addRow("Patience", self.register(("early_stopping", "patience"), self.patience))
        self.min_delta = SciSpinBox(0.0, 10.0, step=0.001)
        self.min_delta.setToolTip("Smallest decrease of the validation loss that counts")
        f.addRow("Min delta", self.register(("early_stopping", "min_delta"), self.min_delta))
        self.restore_best = QCheckBox("Restore the best weights")
        f.addRow(self.register(("early_stopping", "restore_best"), self.restore_best))

    def _build_noise(self) -> None:
        self.noise, f = self._group("Gradient noise  \u03c3\u00b2 = \u03b7 / (1 + t)^\u03b3",
                                    "grad_noise")
        self.noise.setToolTip("Annealed Gaussian noise added to every gradient "
                              "(Neelakantan et al. 2015)")
        self.eta = SciSpinBox(1e-8, 100.0, log_step=10 ** 0.5)
        self.eta.setToolTip("\u03b7: initial noise variance")
        f.addRow("\u03b7", self.register(("grad_noise", "eta"), self.eta))
        self.gamma = float_box(0.0, 10.0, 0.05, decimals=3)
        self.gamma.setToolTip("\u03b3: decay exponent (0.55 in the paper)")
        f.addRow("\u03b3", self.register(("grad_noise", "gamma"), self.gamma))

    def _populate(self, config: SessionConfig) -> None:
        t = config.training
        self._clamped = {key for key, box in (("steps", self.steps), ("seed", self.seed))
                         if getattr(t, key) > box.maximum()}
        self.batch_size.setValue(t.batch_size)
        self.shuffle.setCurrentIndex(self.shuffle.findData(t.shuffle))
        self.steps.setValue(min(t.steps, self.steps.maximum()))
        self.eval_every.setValue(t.eval_every)
        self.seed.setValue(min(t.seed, MAX_SEED))
        self.curriculum.setChecked(t.curriculum.enabled)
        self.start_fraction.setValue(t.curriculum.start_fraction)
        self.epochs_to_full.setValue(t.curriculum.epochs_to_full)
        self.early.setChecked(t.early_stopping.enabled)
        self.patience.setValue(t.early_stopping.patience)
        self.min_delta.setValue(t.early_stopping.min_delta)
        self.restore_best.setChecked(t.early_stopping.restore_best)
        self.noise.setChecked(t.grad_noise.enabled)
        self.eta.setValue(t.grad_noise.eta)
        self.gamma.setValue(t.grad_noise.gamma)
        self.l1.setValue(t.l1)
        self.l2.setValue(t.l2)

    def value(self) -> dict:
        d = {"batch_size": self.batch_size.value(), "shuffle": self.shuffle.currentData(),
             "steps": self.steps.value(), "eval_every": self.eval_every.value(),
             "seed": self.seed.value(), "l1": float(self.l1.value()),
             "l2": float(self.l2.value()),
             "curriculum": {"enabled": self.curriculum.isChecked(),
                            "start_fraction": self.start_fraction.value(),
                            "epochs_to_full": self.epochs_to_full.value()},
             "early_stopping": {"enabled": self.early.isChecked(),
                                "patience": self.patience.value(),
                                "min_delta": self.min_delta.value(),
                                "restore_best": self.restore_best.isChecked()},
             "grad_noise": {"enabled": self.noise.isChecked(), "eta": self.eta.value(),
                            "gamma": self.gamma.value()}}
        # A value beyond a box's 32-bit range shows clamped: unless the user changed
        # it, leave it out, so that the document keeps the true value.
        for key, box in (("steps", self.steps), ("seed", self.seed)):
            if key not in self._clamped:
                continue
            if box.value() == box.maximum():
                del d[key]
            else:  # edited: from now on the box holds the value
                self._clamped.discard(key)
        return d
