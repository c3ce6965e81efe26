"""Before/after scatter of the training inputs with their covariance ellipses:
what mean cancellation, scaling and whitening do to the data.

Honest pictures: both plots have equal axes (a whitened cloud looks round), no
SI-prefix scaling of the ticks, and titles above the plots that wrap instead of
being clipped. Data with more than two features is shown on its two principal
components, each plot on its own: ``z = U_2^T x`` with ``U_2`` the eigenvectors
of ``Cov(x)`` for the two largest eigenvalues (``x`` is not centred first, so
mean cancellation still shows), axes named with the share of the variance they
carry ("PC1 (15%)"). A click opens the same picture in a larger window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.data.preprocessing import covariance, covariance_ellipse
from core.data.preprocessing.stats import eigh_descending
from playground.plots import style
from playground.session.run_info import RunInfo

MAX_POINTS = 600  # a preview; more points add nothing but drawing time
SMALL_HEIGHT = 170  # per plot in the data panel: readable, still leaves room for the form
LARGE_SIZE = (980, 520)
TIP = ("Training inputs before and after preprocessing; red: the 2\u03c3 covariance "
       "ellipse. Equal axes. With more than two features: the first two principal "
       "components, with the share of the variance each carries. Click to enlarge.")


@dataclass(frozen=True)
class Projection:
    """2-D coordinates of the points and the names of the two axes."""

    points: np.ndarray
    names: tuple[str, str]


def project(X: np.ndarray, feature_names: tuple[str, ...]) -> Projection:
    """The plane a preview shows: the features themselves for 1-2 features, else the
    two principal components (share of the variance in the names)."""
    X = np.asarray(X, dtype=np.float64)
    d = X.shape[1]
    if d == 1:
        return Projection(np.column_stack((X[:, 0], np.zeros(len(X)))),
                          (feature_names[0] if feature_names else "x", ""))
    if d == 2:
        names = tuple(feature_names[:2]) if len(feature_names) >= 2 else ("x1", "x2")
        return Projection(X, (str(names[0]), str(names[1])))
    _mu, C = covariance(X)
    lam, U = eigh_descending(C)
    total = float(lam.sum())
    share = lam[:2] / total if total > 0 else np.zeros(2)
    names = (f"PC1 ({share[0]:.0%})", f"PC2 ({share[1]:.0%})")  # % of the variance
    return Projection(X @ U[:, :2], names)


def _ellipse(points: np.ndarray) -> np.ndarray | None:
    if points.shape[0] < 2:
        return None
    try:
        return covariance_ellipse(points)
    except ValueError:
        return None


class PreviewPlot(QWidget):
    """One scatter with its ellipse under a wrapped title."""

    clicked = Signal()

    def __init__(self, title: str, *, interactive: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("color: #333;")
        lay.addWidget(self.title)
        self.widget = pg.PlotWidget()
        p = self.plot = self.widget.getPlotItem()
        p.hideButtons()
        p.setMenuEnabled(interactive)
        p.setMouseEnabled(x=interactive, y=interactive)
        p.showGrid(x=True, y=True, alpha=0.2)
        p.setAspectLocked(True, ratio=1.0)  # equal axes: a round cloud looks round
        for side in ("left", "bottom"):
            p.getAxis(side).enableAutoSIPrefix(False)  # no "x2 (x0.001)" with odd ticks
        self.scatter = pg.ScatterPlotItem(size=3, pen=None)
        self.ellipse = pg.PlotDataItem(pen=pg.mkPen("#d62728", width=2))
        p.addItem(self.scatter)
        p.addItem(self.ellipse)
        if not interactive:
            self.widget.setCursor(Qt.CursorShape.PointingHandCursor)
            self.widget.scene().sigMouseClicked.connect(lambda _ev: self.clicked.emit())
        lay.addWidget(self.widget, 1)

    def show_points(self, title: str, proj: Projection, brushes) -> None:
        n = min(MAX_POINTS, proj.points.shape[0])
        self.title.setText(title)
        self.scatter.setData(proj.points[:n, 0], proj.points[:n, 1], brush=brushes)
        self.plot.setLabel("bottom", proj.names[0])
        self.plot.setLabel("left", proj.names[1])
        ell = _ellipse(proj.points)
        if ell is not None and proj.names[1]:
            self.ellipse.setData(ell[:, 0], ell[:, 1])
        else:
            self.ellipse.clear()
        self.plot.autoRange()


class PreprocessPreview(QWidget):
    """The raw and the preprocessed training inputs side by side (``set_run``)."""

    def __init__(self, parent: QWidget | None = None, *, large: bool = False) -> None:
        style.apply()
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.large = large
        self.raw = PreviewPlot("raw", interactive=large)
        self.after = PreviewPlot("after preprocessing", interactive=large)
        self.plots = [(p.widget, p.scatter, p.ellipse) for p in (self.raw, self.after)]
        for p in (self.raw, self.after):
            if not large:
                # Fixed: a taller plot would only add empty margin above and below
                # the data (the axes are equal) and push the rest of the panel away.
                p.widget.setFixedHeight(SMALL_HEIGHT)
                p.clicked.connect(self.enlarge)
            lay.addWidget(p)
        self.setToolTip(TIP if not large else TIP.replace(" Click to enlarge.", ""))
        self.info: RunInfo | None = None
        self.dialog: QDialog | None = None

    def set_run(self, info: RunInfo) -> None:
        self.info = info
        n = min(MAX_POINTS, info.train_X.shape[0])
        if info.train_X.shape[1] >= 2 and info.task != "regression":
            brushes = [pg.mkBrush(style.class_color(int(k))) for k in info.train_y[:n]]
        else:
            brushes = pg.mkBrush(style.PALETTE[0])
        steps = ", ".join(s.replace("_", " ") for s in info.preprocessing) or "none"
        self.raw.show_points("raw", project(info.train_X, info.feature_names), brushes)
        self.after.show_points(f"after: {steps}",
                               project(info.train_X_pre, info.feature_names), brushes)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.preview.set_run(info)

    def enlarge(self) -> None:
        """The same picture in a larger window (kept up to date with the run)."""
        if self.info is None:
            return
        if self.dialog is None:
            self.dialog = PreviewDialog(self.window())
        self.dialog.preview.set_run(self.info)
        self.dialog.show()
        self.dialog.raise_()


class PreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preprocessing: the training inputs before and after")
        lay = QVBoxLayout(self)
        self.preview = PreprocessPreview(self, large=True)
        lay.addWidget(self.preview)
        note = QLabel("Equal axes; red: the 2\u03c3 covariance ellipse; PC: principal "
                      "component (share of the variance). Drag to pan, wheel to zoom.")
        note.setStyleSheet("color: #555;")
        lay.addWidget(note)
        self.resize(*LARGE_SIZE)
