"""Before/after scatter of the training inputs with their covariance ellipses:
what mean cancellation, scaling and whitening do to the data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from playground.plots import style
from playground.session.run_info import RunInfo

MAX_POINTS = 600  # a preview; more points add nothing but drawing time


class PreprocessPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.plots = []
        for title in ("raw", "after preprocessing"):
            w = pg.PlotWidget()
            p = w.getPlotItem()
            p.setTitle(title, size="8pt")
            p.hideButtons()
            p.setMenuEnabled(False)
            p.showGrid(x=True, y=True, alpha=0.2)
            p.setAspectLocked(False)
            scatter = pg.ScatterPlotItem(size=3, pen=None)
            ellipse = pg.PlotDataItem(pen=pg.mkPen("#d62728", width=2))
            p.addItem(scatter)
            p.addItem(ellipse)
            w.setMinimumHeight(130)
            lay.addWidget(w)
            self.plots.append((w, scatter, ellipse))

    def set_run(self, info: RunInfo) -> None:
        n = min(MAX_POINTS, info.train_X.shape[0])
        if info.train_X.shape[1] >= 2 and info.task != "regression":
            brushes = [pg.mkBrush(style.class_color(int(k))) for k in info.train_y[:n]]
        else:
            brushes = pg.mkBrush(style.PALETTE[0])
        for (w, scatter, ellipse), X, ell in (
                (self.plots[0], info.train_X, info.ellipse_raw),
                (self.plots[1], info.train_X_pre, info.ellipse_pre)):
            if X.shape[1] >= 2:
                scatter.setData(X[:n, 0], X[:n, 1], brush=brushes)
                w.getPlotItem().setLabel("bottom", info.feature_names[0])
                w.getPlotItem().setLabel("left", info.feature_names[1])
            else:
                scatter.setData(X[:n, 0], np.zeros(n), brush=brushes)
            if ell is not None:
                ellipse.setData(ell[:, 0], ell[:, 1])
            else:
                ellipse.clear()
            w.getPlotItem().autoRange()
        steps = ", ".join(info.preprocessing) or "none"
        self.plots[1][0].getPlotItem().setTitle(f"after: {steps}", size="8pt")
        self.setToolTip("First two input features of the training split; red: the 2σ "
                        "covariance ellipse")
