"""Every activation and its derivative on one plot, with the formulas beside it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.nn import activations
from playground.app import kernels
from playground.plots import style

XS = np.linspace(-5.0, 5.0, 401)


class ActivationGallery(QWidget):
    title = "Activation functions"

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        lay = QHBoxLayout(self)
        self.widget = style.new_plot("Activation functions h(x) (solid) and derivatives "
                                     "h'(x) (dashed)", bottom="x", grid=True)
        self.plot = self.widget.getPlotItem()
        self.plot.addLegend(offset=(8, 8), **style.LEGEND)
        self.plot.setYRange(-1.5, 3.0)
        self.plot.setXRange(-5, 5)
        lay.addWidget(self.widget, 1)
        side = QVBoxLayout()
        side.addWidget(QLabel("Show:"))
        self.list = QListWidget()
        self.list.setMaximumWidth(230)
        side.addWidget(self.list, 1)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.formula.setMaximumWidth(230)
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side.addWidget(self.formula)
        lay.addLayout(side)
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        for i, name in enumerate(activations.ACTIVATIONS.names()):
            info = activations.ACTIVATIONS.get(name)
            colour = style.color(i)
            hc = self.plot.plot(pen=pg.mkPen(colour, width=2), name=info.label)
            dc = self.plot.plot(pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            self.curves[name] = (hc, dc)
            item = QListWidgetItem(info.label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setForeground(pg.mkColor(colour))
            item.setToolTip(f"{info.formula}\n{info.derivative}")
            self.list.addItem(item)
        self.list.itemChanged.connect(self._toggled)
        self.list.currentItemChanged.connect(self._selected)
        self.list.setCurrentRow(0)
        kernels.when_ready(self._draw)

    def _draw(self) -> None:
        for name, (hc, dc) in self.curves.items():
            h, d = activations.evaluate(name, XS)
            hc.setData(XS, h)
            dc.setData(XS, d)

    def export_item(self):
        return self.plot

    def _toggled(self, item: QListWidgetItem) -> None:
        visible = item.checkState() == Qt.CheckState.Checked
        for c in self.curves[item.data(Qt.ItemDataRole.UserRole)]:
            c.setVisible(visible)

    def _selected(self, item: QListWidgetItem | None, _prev=None) -> None:
        if item is None:
            return
        info = activations.ACTIVATIONS.get(item.data(Qt.ItemDataRole.UserRole))
        ref = f"<br><i>{info.reference}</i>" if info.reference else ""
        self.formula.setText(f"<b>{info.label}</b><br>{info.formula}<br>{info.derivative}{ref}")
