"""The network landscape: a 2-D slice of the current network's training loss
around its weights, with the training path projected onto it.

Directions: two random filter-normalised directions (Li et al., 2018,
"Visualizing the loss landscape of neural nets") or the first two principal
directions of the recorded weight trajectory. The numerics are
``core.lab.landscape.compute_slice`` (imported when first needed); it runs in a
QThread with a progress bar and Cancel, and the widget only draws the result:
log-coloured filled contours, the projected path, the current weights at the
origin (★).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from playground.lab.contours import ContourLayer, deep_colormap, grid_log_levels
from playground.lab.slice_worker import RUNNING_THREADS, SliceWorker, load_landscape
from playground.panels.widgets import SciSpinBox
from playground.plots import style

MODES = {
    "random": ("Random filter-normalised directions",
               "Two random Gaussian directions, each filter (a unit's incoming weights) "
               "rescaled to the norm of the same filter in the network (Li et al., 2018)"),
    "pca": ("PCA of the weight trajectory",
            "The first two principal directions of the weights recorded during training: "
            "the plane the training path moved in most"),
}
N_LEVELS = 20


class LandscapeWidget(QWidget):
    """Loss slice of the current network. Call ``set_trainer_provider(fn)`` with a
    function returning the current ``core.train.trainer.Trainer`` or None.

    Public for tests and scripting: ``compute()`` (returns False when there is
    nothing to compute), ``cancel()``, ``is_computing()``, ``shutdown()``,
    ``result`` (the last ``LandscapeSlice`` shown) and the signal ``finished(str)``
    with "done", "cancelled", "failed" or "unavailable".
    """

    finished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        self._provider: Callable[[], object] | None = None
        self._thread: QThread | None = None
        self._worker: SliceWorker | None = None
        self.result = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 4)
        lay.setSpacing(4)
        lay.addLayout(self._build_controls())
        lay.addWidget(self._build_plot(), 1)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setToolTip("What was computed, or why not")
        lay.addWidget(self.info)
        self._set_message("Press Compute to slice the loss of the current network.")

    def _build_controls(self) -> QHBoxLayout:
        """Directions, grid, span and seed, then Compute / Cancel and the progress."""
        mode_label = QLabel("Directions")
        self.mode_box = QComboBox()
        for key, (text, tip) in MODES.items():
            self.mode_box.addItem(text, key)
            self.mode_box.setItemData(self.mode_box.count() - 1, tip,
                                      Qt.ItemDataRole.ToolTipRole)
        self.mode_box.setToolTip("The two directions spanning the plane of the slice:\n"
                                 + "\n".join(f"\u2022 {t}: {tip}" for t, tip in MODES.values()))
        mode_label.setToolTip(self.mode_box.toolTip())
        self.resolution_box = QSpinBox()
        self.resolution_box.setRange(5, 201)
        self.resolution_box.setSingleStep(10)
        self.resolution_box.setValue(41)
        self.resolution_box.setPrefix("grid ")
        self.resolution_box.setSuffix("\u00b2")
        self.resolution_box.setToolTip("Grid points per axis: the loss is evaluated "
                                       "resolution\u00b2 times on the whole training set")
        self.span_box = SciSpinBox(0.01, 100.0, step=0.25)
        self.span_box.setValue(1.0)
        self.span_box.setMinimumWidth(60)
        self.span_box.setToolTip("Half-width of the slice: \u03b1 and \u03b2 run from "
                                 "\u2212span to +span (in units of the direction vectors)")
        span_label = QLabel("span \u00b1")
        span_label.setToolTip(self.span_box.toolTip())
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2 ** 31 - 1)
        self.seed_box.setPrefix("seed ")
        self.seed_box.setToolTip("Seed of the random directions")
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for w in (mode_label, self.mode_box, self.resolution_box, span_label, self.span_box,
                  self.seed_box, *self._build_run_controls()):
            bar.addWidget(w)
        bar.addStretch(1)
        return bar

    def _build_run_controls(self) -> tuple[QWidget, ...]:
        self.compute_button = QPushButton("Compute")
        self.compute_button.setToolTip("Evaluate the training loss on the grid around the "
                                       "current weights (in the background)")
        self.compute_button.clicked.connect(self.compute)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the computation")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setMaximumWidth(220)
        self.progress.setToolTip("Grid points evaluated")
        return self.compute_button, self.cancel_button, self.progress

    def _build_plot(self) -> pg.PlotWidget:
        """The slice's contours, the projected path, its first point and the origin (★)."""
        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setMinimumSize(260, 220)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "\u03b1")
        self.plot.setLabel("left", "\u03b2")
        style.set_title(self.plot, "Loss landscape")
        self.plot_widget.setToolTip("Training loss on the plane through the current weights "
                                    "(the origin, \u2605); the line is the training path "
                                    "projected onto the plane")
        self.layer = ContourLayer(self.plot, cmap=deep_colormap(),
                                  line_pen=pg.mkPen((20, 30, 50, 110), width=1))
        self.path_item = pg.PlotDataItem(pen=pg.mkPen("#d62728", width=2), symbol="o",
                                         symbolSize=4, symbolBrush="#d62728", symbolPen=None,
                                         name="training path")
        self.start_item = pg.ScatterPlotItem(symbol="o", size=11, brush=pg.mkBrush("w"),
                                             pen=pg.mkPen("#d62728", width=2))
        self.origin_item = pg.ScatterPlotItem(symbol="star", size=20,
                                              brush=pg.mkBrush("#ffd700"),
                                              pen=pg.mkPen("#222", width=1.2))
        for z, item in enumerate((self.path_item, self.start_item, self.origin_item)):
            item.setZValue(10 + z)
            self.plot.addItem(item)
        self.message = pg.TextItem("", color="#555", anchor=(0.5, 0.5))
        self.message.setZValue(30)
        self.plot.addItem(self.message, ignoreBounds=True)
        return self.plot_widget

    # ------------------------------------------------------------------ public API
    def set_trainer_provider(self, provider: Callable[[], object] | None) -> None:
        """``provider()`` returns the current Trainer, or None when there is no run."""
        self._provider = provider

    def options(self) -> dict:
        return {"mode": self.mode_box.currentData(), "resolution": self.resolution_box.value(),
                "span": float(self.span_box.value()), "seed": self.seed_box.value()}

    def is_computing(self) -> bool:
        return self._thread is not None

    def compute(self) -> bool:
        """Start computing the slice in the background; False if it cannot start."""
        if self.is_computing():
            return False
        trainer = None
        try:
            trainer = self._provider() if self._provider is not None else None
        except Exception as err:  # noqa: BLE001
            self._unavailable(f"No network available: {err}")
            return False
        if trainer is None:
            self._unavailable("No network to slice yet: open or start a session in the main "
                              "window, train it for a while, then press Compute.")
            return False
        try:
            load_landscape()
        except ImportError as err:
            self._unavailable(f"The loss landscape is not available in this build ({err}).")
            return False
        opts = self.options()
        self._worker = SliceWorker(trainer, opts)
        self._thread = QThread()
        self._thread.setObjectName("landscape-slice")
        self._thread.worker = self._worker  # the worker lives as long as its thread
        RUNNING_THREADS.add(self._thread)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.done.connect(self._on_done)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.failed.connect(self._on_failed)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.compute_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        n = opts["resolution"]
        self.info.setStyleSheet("")
        self.info.setText(f"Computing a {n}\u00d7{n} slice ({MODES[opts['mode']][0].lower()})"
                          "\u2026")
        self._thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.stop.set()
            self.cancel_button.setEnabled(False)
            self.info.setText("Cancelling\u2026")

    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Cancel a running computation and wait for its thread (call before quitting)."""
        if self._thread is None:
            return
        self.cancel()
        thread = self._thread
        thread.quit()
        thread.wait(timeout_ms)
        self._finish_thread()

    # ------------------------------------------------------------------ results
    def _finish_thread(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = None
        self._worker = None
        if thread is not None:
            thread.quit()
            if thread.wait(3000):
                RUNNING_THREADS.discard(thread)
            # else: still inside compute_slice; RUNNING_THREADS keeps it until it ends.
        if worker is not None:
            worker.stop.set()
        self.compute_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_progress(self, done: int, total: int) -> None:
        if self.sender() is not self._worker:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_done(self, result) -> None:
        if self.sender() is not self._worker:
            return
        self._finish_thread()
        self.progress.setValue(self.progress.maximum())
        try:
            self.show_slice(result)
        except Exception as err:  # noqa: BLE001 - a malformed result must not crash the app
            self._failed_text(f"Could not draw the slice: {err}")
            self.finished.emit("failed")
            return
        self.finished.emit("done")

    def _on_cancelled(self) -> None:
        if self.sender() is not self._worker:
            return
        self._finish_thread()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.info.setStyleSheet("")
        self.info.setText("Cancelled.")
        self.finished.emit("cancelled")

    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._worker:
            return
        self._finish_thread()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._failed_text(f"Could not compute the slice: {message}")
        self.finished.emit("failed")

    def _failed_text(self, text: str) -> None:
        self.info.setStyleSheet("color: #c62828;")
        self.info.setText(text)

    def _unavailable(self, text: str) -> None:
        self._failed_text(text)
        if self.result is None:
            self._set_message(text)
        self.finished.emit("unavailable")

    def _set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setPos(0.0, 0.0)
        self.message.show()
        if self.result is None:
            self.plot.getViewBox().setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)

    def show_slice(self, sl) -> None:
        """Draw a ``LandscapeSlice``: filled log contours, the path, the origin."""
        alphas = np.asarray(sl.alphas, dtype=np.float64)
        betas = np.asarray(sl.betas, dtype=np.float64)
        losses = np.asarray(sl.losses, dtype=np.float64)
        if losses.shape != (betas.size, alphas.size):
            raise ValueError(f"losses has shape {losses.shape}, expected "
                             f"({betas.size}, {alphas.size})")
        path = np.asarray(sl.path, dtype=np.float64).reshape(-1, 2)
        levels = grid_log_levels(losses, N_LEVELS)
        self.layer.set_data(alphas, betas, losses, levels)
        if path.shape[0]:
            self.path_item.setData(path[:, 0], path[:, 1])
            self.start_item.setData(pos=[tuple(path[0])])
        else:
            self.path_item.setData([], [])
            self.start_item.clear()
        self.origin_item.setData(pos=[(0.0, 0.0)])
        self.message.hide()
        self.result = sl
        mode = getattr(sl, "mode", "")
        pca = mode == "pca"
        self.plot.setLabel("bottom", "\u03b1 along PC 1" if pca else "\u03b1 (direction 1)")
        self.plot.setLabel("left", "\u03b2 along PC 2" if pca else "\u03b2 (direction 2)")
        style.set_title(self.plot, f"Training loss \u2014 {MODES.get(mode, (mode,))[0]}",
                        "Training loss")
        xs = np.concatenate([alphas[[0, -1]], path[:, 0]]) if path.size else alphas[[0, -1]]
        ys = np.concatenate([betas[[0, -1]], path[:, 1]]) if path.size else betas[[0, -1]]
        self.plot.getViewBox().setRange(xRange=(float(np.min(xs)), float(np.max(xs))),
                                        yRange=(float(np.min(ys)), float(np.max(ys))),
                                        padding=0.02)
        finite = losses[np.isfinite(losses)]
        bad = losses.size - finite.size
        text = (f"Loss at the current weights (\u2605): {float(sl.center_loss):.5g}; on the "
                f"{alphas.size}\u00d7{betas.size} grid from {finite.min():.4g} to "
                f"{finite.max():.4g} (contours log-spaced above the minimum).")
        if path.shape[0]:
            text += f" Training path: {path.shape[0]} recorded points, \u25cb = first."
        if bad:
            text += f" {bad} grid points gave a non-finite loss (shown at the maximum)."
        if not math.isfinite(float(sl.center_loss)):
            text += " The current loss is not finite: the run has diverged."
        self.info.setStyleSheet("")
        self.info.setText(text)

    # ------------------------------------------------------------------ Qt events
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
