"""Train and validation loss over steps, with pinned ghosts of earlier runs and
markers for early stopping and divergence.

The training loss is drawn smoothed (``smoothing_slider``: TensorBoard's
debiased EMA) with the raw per-batch values faint behind; validation points are
drawn as measured. The legend sits under the x-axis, never on the data. A pin
keeps the raw curve of the moment; the session names it by what differs from
the current run, and hides it on other data (``show_pins``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.train.live_smoothing import LiveEma
from core.train.status import RunStatus
from core.train.trainer import Snapshot
from playground.plots import style
from playground.plots.live_range import LiveRange, bounds, merge
from playground.plots.smoothing_slider import SmoothingSlider, smooth

# A thick validation curve with markers while its points can be told apart; beyond
# this many, a thin line: pyqtgraph rebuilds every marker on each frame, and thick
# lines are drawn segment by segment (together most of the cost of a long run).
VAL_MARKERS_MAX = 100
RAW_ALPHA = 70  # of 255: the raw values behind a smoothed curve


@dataclass
class Ghost:
    """A pinned curve: the raw training loss when it was pinned, and its item."""

    label: str
    steps: np.ndarray
    loss: np.ndarray
    item: pg.PlotDataItem
    visible: bool = True


def faint(colour: str) -> pg.QtGui.QColor:
    c = pg.mkColor(colour)
    c.setAlpha(RAW_ALPHA)
    return c


class LossPlot(style.LivePlot, QWidget):
    title = "Loss"

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.widget = style.new_plot("Loss", left="loss", bottom="step")
        self.plot = self.widget.getPlotItem()
        # Long histories: draw the min/max envelope per pixel, and only what is visible.
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.legend = style.outside_legend(self.plot, columns=3)
        # The raw per-batch losses (the history as it is), faint behind the smoothed
        # curve; drawn plainly when there is no smoothing.
        self.train_curve = self.plot.plot()
        self.smooth_curve = self.plot.plot(name="train")
        self.val_curve = self.plot.plot(symbol="o", symbolBrush=style.PALETTE[1], symbolPen=None,
                                        name="validation")
        self._val_markers = True
        self.best_marker = self.plot.plot(pen=None, symbol="star", symbolBrush=style.EARLY_STOP,
                                          symbolPen="w")
        self.stop_line = pg.InfiniteLine(angle=90, movable=False,
                                         label="", labelOpts={"position": 0.85,
                                                              "color": "#333",
                                                              "fill": (255, 255, 255, 200)})
        self.stop_line.setZValue(10)
        self.plot.addItem(self.stop_line, ignoreBounds=True)
        self.stop_line.hide()
        self.ghosts: list[Ghost] = []
        self.range = LiveRange(self.plot)
        self._snap: Snapshot | None = None  # the last one drawn (pins, new smoothing)
        self._live = LiveEma()
        self._stop_colour = style.EARLY_STOP
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_legend)
        self._build_bar(lay)
        self.set_log(True)
        self._status = ""
        self.set_scale()

    def _build_bar(self, lay: QVBoxLayout) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(self.set_log)
        self.info = QLabel("")
        self.info.setStyleSheet("color: #555;")
        self.smoothing = SmoothingSlider()
        self.smoothing.changed.connect(self.set_smoothing)
        bar.addWidget(self.info, 1)
        bar.addWidget(self.smoothing)
        bar.addSpacing(8)
        bar.addWidget(self.log_box)
        lay.addLayout(bar)
        lay.addWidget(self.widget, 1)

    def export_item(self):
        self.draw_pending()
        return self.plot

    # -- look ----------------------------------------------------------------------------
    def set_scale(self) -> None:
        """Fonts, lines and markers at ``style.scale()`` (presentation mode)."""
        style.scale_plot_item(self.plot)
        self._restyle_train()
        self._val_pens = (pg.mkPen(style.PALETTE[1], width=style.width(1)),
                          pg.mkPen(style.PALETTE[1], width=style.width(2)))
        self.val_curve.setPen(self._val_pens[self._val_markers])
        self.val_curve.setSymbolSize(style.width(4))
        self.best_marker.setSymbolSize(style.width(16))
        self.stop_line.setPen(pg.mkPen(self._stop_colour, width=style.width(2),
                                       style=Qt.PenStyle.DashLine))
        for g in self.ghosts:
            g.item.setPen(self._ghost_pen(self.ghosts.index(g)))
        self._fit_legend()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_timer.start()  # after the resize (and never while it is deleted)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_timer.start()

    def _fit_legend(self) -> None:
        if not self.isVisible():
            return  # fitted when shown (also: closed, its scene cleared)
        self.legend.fit(self.widget.width() - style.width(60))

    def _restyle_train(self) -> None:
        w = style.width(1.5 if self.smoothing.weight > 0 else 1)
        self.smooth_curve.setPen(pg.mkPen(style.PALETTE[0], width=w))
        self.train_curve.setPen(pg.mkPen(faint(style.PALETTE[0]), width=style.width(1)))
        self.train_curve.setVisible(self.smoothing.weight > 0)

    def _ghost_pen(self, i: int) -> pg.QtGui.QPen:
        return pg.mkPen(style.GHOSTS[i % len(style.GHOSTS)], width=style.width(1.5),
                        style=Qt.PenStyle.DashLine)

    def set_log(self, on: bool) -> None:
        self.plot.setLogMode(x=False, y=on)
        self.plot.enableAutoRange(y=True)  # refit now; the next frame follows again
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)

    def set_smoothing(self, weight: float) -> None:
        """Smooth the training loss (and the pins) with ``weight`` from now on."""
        if abs(weight - self.smoothing.weight) > 1e-9:
            self.smoothing.set_weight(weight)
        self._restyle_train()
        for g in self.ghosts:
            g.item.setData(g.steps, smooth(g.loss, self.smoothing.weight))
        if self._snap is not None:
            self._draw(self._snap)

    # -- runs ----------------------------------------------------------------------------
    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): start empty."""
        self.clear()

    def clear(self) -> None:
        """A new run: empty curves and markers (ghosts stay)."""
        for item in (self.train_curve, self.smooth_curve, self.val_curve, self.best_marker):
            item.setData([], [])
        self.stop_line.hide()
        self.info.setText("")
        self._status = ""
        self._snap = None
        self._live.reset()
        self.plot.enableAutoRange()  # the new run sets the scale, not the old one
        self.drop_pending()

    def draw_snapshot(self, snap: Snapshot) -> None:
        self._draw(snap)
        style.settle(self.widget)

    def _draw(self, snap: Snapshot) -> None:
        self._snap = snap
        # Following the run (not zoomed in): the curves' envelopes, one point pair
        # per pixel, instead of the whole history.
        n = style.buckets(self.plot) if self.range.following(0) else 1 << 62
        weight = self.smoothing.weight
        steps, train_loss = style.envelope(snap.steps, snap.train_loss, n)
        self.train_curve.setData(steps, train_loss)
        drawn = train_loss
        if weight > 0:  # (on the new rows only: LiveEma)
            smoothed = self._live.smooth(snap.steps, snap.train_loss, weight)
            drawn = style.envelope(snap.steps, smoothed, n)[1]
        self.smooth_curve.setData(steps, drawn)
        self._draw_validation(snap, n)
        self._update_range(steps, train_loss)  # the smoothed curve lies within the raw
        self._draw_status(snap)

    def _draw_validation(self, snap: Snapshot, n: int) -> None:
        finite = np.isfinite(snap.val_loss)
        markers = int(np.count_nonzero(finite)) <= VAL_MARKERS_MAX
        if markers != self._val_markers:
            self._val_markers = markers
            self.val_curve.setSymbol("o" if markers else None)
            self.val_curve.setPen(self._val_pens[markers])
        val_steps, val_loss = style.envelope(snap.eval_steps[finite], snap.val_loss[finite], n)
        self.val_curve.setData(val_steps, val_loss)

    def _update_range(self, steps, train_loss) -> None:
        log = self.log_box.isChecked()
        curves = [(steps, train_loss), (self.val_curve.xData, self.val_curve.yData)]
        curves = [(x, y) for x, y in curves if x is not None]
        x = bounds(*(c[0] for c in curves))
        y = bounds(*(c[1] for c in curves), log=log)
        for g in self.ghosts:  # only the pins shown: hidden ones belong to other data
            if g.visible:
                x, y = merge(x, bounds(g.steps)), merge(y, bounds(g.loss, log=log))
        self.range.update(x, y, grow_x=True)

    def _draw_status(self, snap: Snapshot) -> None:
        if snap.status == self._status:
            return
        self._status = snap.status
        if snap.status == RunStatus.DIVERGED:
            self._mark(snap.stop_step, style.DIVERGED, f"diverged at step {snap.stop_step}")
        elif snap.status == RunStatus.EARLY_STOPPED:
            self._mark(snap.stop_step, style.EARLY_STOP,
                       f"early-stopped at step {snap.stop_step}")
            hit = np.nonzero(snap.eval_steps == snap.best_step)[0]
            if hit.size:
                self.best_marker.setData([snap.best_step], [snap.val_loss[hit[0]]])
            self.info.setText(snap.message)
        else:
            self.stop_line.hide()
            self.best_marker.setData([], [])

    def _mark(self, step: int | None, colour: str, text: str) -> None:
        self._stop_colour = colour
        self.stop_line.setPen(pg.mkPen(colour, width=style.width(2),
                                       style=Qt.PenStyle.DashLine))
        self.stop_line.setPos(step or 0)
        self.stop_line.label.setFormat(text)
        self.stop_line.show()
        self.info.setText(text)

    # -- pinned runs ---------------------------------------------------------------------
    def pin(self, label: str) -> bool:
        """Keep the current training loss as a ghost labelled ``label``; False if there
        is nothing to pin."""
        self.draw_pending()
        snap = self._snap
        if snap is None or snap.steps.size == 0:
            return False
        steps, loss = snap.steps.astype(np.float64), snap.train_loss.copy()
        item = pg.PlotDataItem(steps, smooth(loss, self.smoothing.weight),
                               pen=self._ghost_pen(len(self.ghosts)))
        item.setZValue(-5)  # behind the live run
        self.plot.addItem(item)
        self.legend.addItem(item, label)
        self.ghosts.append(Ghost(label, steps, loss, item))
        return True

    def show_pins(self, labels: list[str | None]) -> None:
        """Relabel the pins, in order (None: hide it and take it out of the legend)."""
        for g, label in zip(self.ghosts, labels, strict=False):
            visible = label is not None
            if visible and (label != g.label or not g.visible):
                self.legend.removeItem(g.item)
                self.legend.addItem(g.item, label)
            elif not visible and g.visible:
                self.legend.removeItem(g.item)
            g.label = label if visible else g.label
            g.visible = visible
            g.item.setVisible(visible)
        if self._snap is not None:
            self._update_range(self.train_curve.xData, self.train_curve.yData)

    @property
    def pin_labels(self) -> list[str]:
        """The labels of the pins shown, in the legend's order."""
        return [g.label for g in self.ghosts if g.visible]

    def clear_pins(self) -> None:
        for g in self.ghosts:
            self.plot.removeItem(g.item)
            self.legend.removeItem(g.item)
        self.ghosts.clear()
