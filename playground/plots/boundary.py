"""The network's prediction behind the data: a decision-boundary heatmap for 2-D
classification, the fitted surface for 2-D regression, the fitted curve for 1-D
regression.

The heatmap is the network's output on the run's grid (``run_info.GRID_POINTS`` per
axis over the current data set), drawn with bilinear interpolation between the
grid points (``SmoothImageItem``): a smooth picture with no visible cells. A
multiclass map of predicted classes is drawn as it is (interpolating class
indices would invent classes in between)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from playground.plots import style
from playground.session.run_info import RunInfo, View

LEGEND_TEXT = "  \u2014 \u25cf train, \u25bc validation"
MAX_POINTS = 2000  # scatter cap: beyond it the points hide the boundary anyway


def _pastel(colour: str, amount: float = 0.55) -> tuple[int, int, int, int]:
    c = QColor(colour)
    mix = [round(v + (255 - v) * amount) for v in (c.red(), c.green(), c.blue())]
    return (*mix, 255)


def binary_lut() -> np.ndarray:
    """Class-0 colour through white (p = 0.5, the boundary) to the class-1 colour."""
    cmap = pg.ColorMap([0.0, 0.5, 1.0], [_pastel(style.class_color(0), 0.45),
                                         (255, 255, 255, 255),
                                         _pastel(style.class_color(1), 0.45)])
    return cmap.getLookupTable(0.0, 1.0, 256)


def class_lut(k: int) -> np.ndarray:
    return np.array([_pastel(style.class_color(i)) for i in range(k)], dtype=np.ubyte)


class SmoothImageItem(pg.ImageItem):
    """An ImageItem that Qt scales with bilinear filtering (``smooth``) instead of
    repeating each pixel: an 80 x 80 grid on a 500-pixel plot shows no cells."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.smooth = True

    def paint(self, painter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.smooth)
        super().paint(painter, *args)


def _shown(X: np.ndarray) -> int:
    return min(MAX_POINTS, X.shape[0])


class BoundaryPlot(pg.PlotWidget):
    title = "Decision boundary"

    def __init__(self, parent=None) -> None:
        style.apply()
        super().__init__(parent, axisItems=style.axes())
        self.plot = self.getPlotItem()
        style.style_plot_item(self.plot, "Prediction")
        self.image = SmoothImageItem()
        self.image.setZValue(-10)
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.8))
        self.val_points = pg.ScatterPlotItem(size=7, symbol="t", pen=pg.mkPen("#333",
                                                                                width=0.8))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(style.DIVERGED, width=2.5))
        for it in (self.train_points, self.val_points, self.curve):
            self.plot.addItem(it)
        # Data with more than 2 inputs has no picture of the boundary: show how
        # accurate the classifier is instead.
        self.acc_train = pg.PlotDataItem(pen=pg.mkPen(style.PALETTE[0], width=1.5),
                                         name="train batch")
        self.acc_val = pg.PlotDataItem(pen=pg.mkPen(style.PALETTE[1], width=2),
                                       name="validation")
        self.note = pg.TextItem("", anchor=(0.5, 0.5), color="#555")
        self.plot.addItem(self.note, ignoreBounds=True)
        self.legend = self.plot.addLegend(offset=(8, 8), **style.LEGEND)
        self.info: RunInfo | None = None
        self._levels: tuple[float, float] | None = None
        self._accuracy_mode = False

    def export_item(self):
        return self.plot

    def set_run(self, info: RunInfo) -> None:
        """Slot for a new run: its data behind an empty prediction."""
        self.info = info
        self.image.clear()
        self.curve.setData([], [])
        self.legend.clear()
        self.note.setText("")
        self._set_accuracy_mode(False)
        spec = info.view_spec
        self.plot.setAspectLocked(spec is not None and spec.kind == "grid")
        if spec is None:
            self._set_no_view(info)
            return
        if spec.kind == "curve":
            self._set_curve(info)
        else:
            self._set_grid(info)
        self.legend.setVisible(bool(self.legend.items))
        self.plot.autoRange()

    def _set_no_view(self, info: RunInfo) -> None:
        """More than 2 inputs: accuracy curves for a classifier, a note otherwise."""
        self.train_points.clear()
        self.val_points.clear()
        self.plot.setAspectLocked(False)
        n = info.train_X.shape[1]
        if info.task != "regression":
            self._set_accuracy_mode(True)
            style.set_title(self.plot,
                            f"Accuracy  \u2014 {n} inputs: no 2-D boundary to draw",
                            "Accuracy")
            self.plot.setLabel("bottom", "step")
            self.plot.setLabel("left", "accuracy")
            self.plot.enableAutoRange(x=True)
            self.plot.setYRange(0.0, 1.0, padding=0.05)
            self.plot.enableAutoRange(y=False)
            return
        self.legend.setVisible(False)
        style.set_title(self.plot, f"No 2-D view: the data has {n} inputs",
                        "No 2-D view")
        self.note.setText("The prediction is drawn for data with 1 or 2 inputs.")
        self.note.setPos(0.5, 0.5)
        self.plot.setRange(xRange=(0, 1), yRange=(0, 1))

    def _set_curve(self, info: RunInfo) -> None:
        """1-D regression: targets over the input, and (later) the fitted curve."""
        n_tr, n_va = _shown(info.train_X), _shown(info.val_X)
        style.set_title(self.plot, "Fitted curve" + LEGEND_TEXT, "Fitted curve")
        self.train_points.setData(info.train_X[:n_tr, 0], info.train_y[:n_tr, 0],
                                  brush=pg.mkBrush(style.PALETTE[0]))
        self.val_points.setData(info.val_X[:n_va, 0], info.val_y[:n_va, 0],
                                brush=pg.mkBrush(style.PALETTE[1]))
        self.plot.setLabel("bottom", info.feature_names[0])
        self.plot.setLabel("left", "y")

    def _set_grid(self, info: RunInfo) -> None:
        """2-D inputs: the points coloured by class (or target) over the heatmap."""
        n_tr, n_va = _shown(info.train_X), _shown(info.val_X)
        classify = info.task != "regression"
        name = "Decision boundary" if classify else "Fitted surface"
        style.set_title(self.plot, name + LEGEND_TEXT, name, name.split()[-1].capitalize())
        self.train_points.setData(info.train_X[:n_tr, 0], info.train_X[:n_tr, 1],
                                  brush=self._brushes(info, info.train_y[:n_tr]))
        self.val_points.setData(info.val_X[:n_va, 0], info.val_X[:n_va, 1],
                                brush=self._brushes(info, info.val_y[:n_va]))
        self.plot.setLabel("bottom", info.feature_names[0])
        self.plot.setLabel("left", info.feature_names[1])
        if classify and info.n_classes > 2:  # two classes need no key; more do
            for k, name in enumerate(info.class_names[:10]):
                sample = pg.ScatterPlotItem(brush=pg.mkBrush(style.class_color(k)),
                                            pen=pg.mkPen("w"), size=8)
                self.legend.addItem(sample, name)
        if classify:
            self.setToolTip("classes: " + ", ".join(
                f"{k}: {n}" for k, n in enumerate(info.class_names[:10])))

    def _set_accuracy_mode(self, on: bool) -> None:
        if on == self._accuracy_mode:
            if on:
                self.acc_train.setData([], [])
                self.acc_val.setData([], [])
            return
        self._accuracy_mode = on
        for item in (self.acc_train, self.acc_val):
            if on:
                self.plot.addItem(item)
            else:
                self.plot.removeItem(item)
                self.legend.removeItem(item)
            item.setData([], [])
        self.legend.setVisible(on)
        # Accuracy climbs to the top: its key goes bottom right; class keys top left.
        corner = (1, 1) if on else (0, 0)
        self.legend.anchor(itemPos=corner, parentPos=corner,
                           offset=(-8, -8) if on else (8, 8))
        if not on:
            self.plot.enableAutoRange()

    def set_snapshot(self, snap) -> None:
        """Accuracy curves when there is no 2-D view (cheap no-op otherwise)."""
        if not self._accuracy_mode:
            return
        ok = np.isfinite(snap.val_acc)
        self.acc_val.setData(snap.eval_steps[ok], snap.val_acc[ok])
        ok = np.isfinite(snap.train_acc)
        self.acc_train.setData(snap.eval_steps[ok], snap.train_acc[ok])

    def _brushes(self, info: RunInfo, y: np.ndarray):
        if info.task == "regression":
            lo, hi = float(np.min(info.train_y)), float(np.max(info.train_y))
            self._levels = (lo, hi)
            lut = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256)
            idx = np.clip(((y[:, 0] - lo) / max(hi - lo, 1e-12) * 255).astype(int), 0, 255)
            return [pg.mkBrush(*lut[i]) for i in idx]
        table = [pg.mkBrush(style.class_color(k)) for k in range(max(info.n_classes, 1))]
        return [table[int(k)] for k in y]

    def set_view(self, view: View | None) -> None:
        """Slot for a new network output on the run's grid or line."""
        info = self.info
        if view is None or info is None:
            return
        spec = view.spec
        if spec.kind == "curve":
            self.curve.setData(spec.xs, view.z)
            return
        z = view.z.T  # ImageItem wants (x, y) order
        if info.task == "regression":
            lo, hi = self._levels or (float(np.nanmin(z)), float(np.nanmax(z)))
            self.image.smooth = True
            self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(0, 1, 256))
            self.image.setImage(z, levels=(lo, hi), autoLevels=False)
            self.image.setOpacity(0.55)
        elif info.n_classes > 2:  # the predicted class per pixel
            self.image.smooth = False  # no classes in between
            self.image.setLookupTable(class_lut(info.n_classes))
            self.image.setImage(z, levels=(-0.5, info.n_classes - 0.5), autoLevels=False)
            self.image.setOpacity(1.0)
        else:  # class-1 probability
            self.image.smooth = True
            self.image.setLookupTable(binary_lut())
            self.image.setImage(z, levels=(0.0, 1.0), autoLevels=False)
            self.image.setOpacity(1.0)
        dx = spec.xs[1] - spec.xs[0]
        dy = spec.ys[1] - spec.ys[0]
        self.image.setRect(QRectF(spec.xs[0] - dx / 2, spec.ys[0] - dy / 2,
                                  spec.xs[-1] - spec.xs[0] + dx, spec.ys[-1] - spec.ys[0] + dy))

