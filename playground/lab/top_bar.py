"""The lab's top bar: the surface and its options, the presets, "Tuned defaults",
the gradient noise and its seed, and the export menu.

The bar holds no settings: :meth:`TopBar.show_model` fills it from a
``LabModel`` (without feeding the values back) and the user's edits come out
as signals for the lab to apply.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from core.lab.model import PRESETS, LabModel
from core.lab.surfaces import SURFACES, surface_options
from playground.panels.widgets import SciSpinBox
from playground.signals import signals_blocked

__all__ = ["OPTION_BOXES", "TopBar"]

#: Surface option → (minimum, maximum, linear step, log step factor, label, tooltip).
OPTION_BOXES = {
    "condition": (1.0, 1e6, 1.0, 10 ** 0.25, "\u03ba",
                  "Condition number \u03ba: the valley is \u221a\u03ba times longer than "
                  "wide; SGD needs \u03bc < 2/\u03ba"),
    "angle": (-90.0, 90.0, 15.0, None, "angle",
              "Direction of the valley in degrees (0: along x)"),
    "b": (0.001, 1e4, 1.0, 10 ** 0.25, "b", "Steepness b of the valley walls: "
                                            "(1 \u2212 x)\u00b2 + b\u00b7(y \u2212 x\u00b2)\u00b2"),
    "A": (0.0, 1e3, 1.0, None, "A", "Amplitude A of the egg-box ripples"),
}


def _menu_button(text: str, tip: str) -> tuple[QToolButton, QMenu]:
    button = QToolButton()
    button.setText(text)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setToolTip(tip)
    menu = QMenu(button)
    menu.setToolTipsVisible(True)
    button.setMenu(menu)
    return button, menu


class TopBar(QWidget):
    """Surface, options, presets, defaults, noise, seed and export, in one row."""

    surface_chosen = Signal(str)  # surface name
    option_edited = Signal(str, float)  # option key, value
    preset_chosen = Signal(str)  # preset key
    noise_edited = Signal(float)
    seed_edited = Signal(int)
    picture_requested = Signal()
    paths_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        self._add_surface(bar)
        bar.addSpacing(8)
        self._add_presets(bar)
        bar.addStretch(1)
        self._add_noise(bar)
        bar.addSpacing(8)
        self._add_export(bar)

    def _add_surface(self, bar: QHBoxLayout) -> None:
        label = QLabel("Surface")
        self.surface_box = QComboBox()
        for name in SURFACES.names():
            s = SURFACES.get(name)
            self.surface_box.addItem(s.label.split(" (")[0], name)
            self.surface_box.setItemData(self.surface_box.count() - 1,
                                         f"{s.formula}\n{s.reference}",
                                         Qt.ItemDataRole.ToolTipRole)
        self.surface_box.setToolTip("The 2-D loss surface the optimizers race on")
        label.setToolTip(self.surface_box.toolTip())
        self.surface_box.currentIndexChanged.connect(
            lambda i: self.surface_chosen.emit(self.surface_box.itemData(i) or ""))
        bar.addWidget(label)
        bar.addWidget(self.surface_box)
        self.options_bar = QHBoxLayout()
        self.options_bar.setSpacing(4)
        bar.addLayout(self.options_bar)
        self.option_boxes: dict[str, SciSpinBox] = {}

    def _add_presets(self, bar: QHBoxLayout) -> None:
        self.preset_button, menu = _menu_button(
            "Presets", "One click to a slide: surface, racers and the tuned "
                       "hyper-parameters (resets your edits on that surface)")
        self.preset_actions = {}
        for key, p in PRESETS.items():
            act = menu.addAction(p.title)
            act.setToolTip(p.tip)
            act.triggered.connect(lambda _=False, k=key: self.preset_chosen.emit(k))
            self.preset_actions[key] = act
        bar.addWidget(self.preset_button)
        self.defaults_button = QPushButton("Tuned defaults")
        self.defaults_button.setToolTip("Forget your hyper-parameter edits and the start point "
                                        "on this surface")
        bar.addWidget(self.defaults_button)

    def _add_noise(self, bar: QHBoxLayout) -> None:
        noise_label = QLabel("Gradient noise \u03c3")
        self.noise_box = SciSpinBox(0.0, 1000.0, step=0.1)
        self.noise_box.setMinimumWidth(70)
        tip = ("Standard deviation \u03c3 of Gaussian noise added to every gradient, "
               "to mimic mini-batch gradients (0: exact gradients)")
        self.noise_box.setToolTip(tip)
        noise_label.setToolTip(tip)
        self.noise_box.valueChanged.connect(self.noise_edited)
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2 ** 31 - 1)
        self.seed_box.setKeyboardTracking(False)
        self.seed_box.setPrefix("seed ")
        self.seed_box.setToolTip("Seed of the gradient noise (each racer draws its own stream)")
        self.seed_box.valueChanged.connect(self.seed_edited)
        for w in (noise_label, self.noise_box, self.seed_box):
            bar.addWidget(w)

    def _add_export(self, bar: QHBoxLayout) -> None:
        self.export_button, menu = _menu_button(
            "Export", "Save the picture (PNG/SVG) or the paths (CSV)")
        self.picture_action = menu.addAction("Save picture (PNG / SVG)\u2026")
        self.picture_action.setToolTip("The contour map with the trails, as shown")
        self.picture_action.triggered.connect(self.picture_requested)
        self.csv_action = menu.addAction("Save paths (CSV)\u2026")
        self.csv_action.setToolTip("Every racer's recorded path: racer, step, x, y, loss, "
                                   "distance to the nearest minimum")
        self.csv_action.triggered.connect(self.paths_requested)
        bar.addWidget(self.export_button)

    # ------------------------------------------------------------------ filling
    def show_model(self, model: LabModel) -> None:
        """Show the model's surface, noise, seed and surface options."""
        with signals_blocked(self.surface_box, self.noise_box, self.seed_box):
            self.surface_box.setCurrentIndex(self.surface_box.findData(model.surface_name))
            self.noise_box.setValue(model.grad_noise)
            self.seed_box.setValue(model.seed)
        self._build_option_boxes(model)

    def show_option(self, key: str, value: float) -> None:
        """Put ``value`` back into option box ``key`` (after a refused edit)."""
        with signals_blocked(self.option_boxes[key]):
            self.option_boxes[key].setValue(value)

    def _build_option_boxes(self, model: LabModel) -> None:
        while self.options_bar.count():
            w = self.options_bar.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.option_boxes.clear()
        for key in surface_options(model.surface_name):
            lo, hi, step, log_step, label, tip = OPTION_BOXES.get(
                key, (-1e6, 1e6, 1.0, None, key, key))
            lab = QLabel(label)
            lab.setToolTip(tip)
            box = SciSpinBox(lo, hi, step=step, log_step=log_step)
            box.setMinimumWidth(64)
            box.setToolTip(tip)
            box.setValue(model.setup.options[key])
            box.valueChanged.connect(lambda v, k=key: self.option_edited.emit(k, v))
            self.options_bar.addWidget(lab)
            self.options_bar.addWidget(box)
            self.option_boxes[key] = box
