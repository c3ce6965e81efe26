"""A thumbnail of one activation h(x) and its derivative h'(x), beside its combo box."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from core.nn import activations
from playground.app import kernels
from playground.plots import style

XS = np.linspace(-4.0, 4.0, 161)


class ActivationPreview(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent)
        p = self.getPlotItem()
        p.hideButtons()
        p.setMenuEnabled(False)
        p.setMouseEnabled(x=False, y=False)
        p.showGrid(x=True, y=True, alpha=0.25)
        for ax in ("left", "bottom"):
            p.getAxis(ax).setStyle(tickLength=-3, tickTextOffset=2)
            p.getAxis(ax).setTickFont(self.font())
        p.getAxis("bottom").setHeight(16)
        p.getAxis("left").setWidth(22)
        self.h_curve = p.plot(pen=pg.mkPen(style.PALETTE[0], width=2))
        self.d_curve = p.plot(pen=pg.mkPen(style.PALETTE[1], width=2,
                                           style=pg.QtCore.Qt.PenStyle.DashLine))
        self.setFixedSize(150, 96)
        self.name = ""

    def show_activation(self, name: str) -> None:
        if name == self.name or name not in activations.ACTIVATIONS:
            return
        self.name = name
        kernels.when_ready(lambda: self._draw(name) if name == self.name else None)

    def _draw(self, name: str) -> None:
        info = activations.ACTIVATIONS.get(name)
        h, d = activations.evaluate(name, XS)
        self.h_curve.setData(XS, h)
        self.d_curve.setData(XS, d)
        lo, hi = float(min(h.min(), d.min())), float(max(h.max(), d.max()))
        self.getPlotItem().setYRange(max(lo, -4.0), min(hi, 4.0), padding=0.1)
        self.setToolTip(f"<b>{info.label}</b><br>{info.formula}<br>{info.derivative}"
                        "<br><i>solid: h(x), dashed: h'(x)</i>")
