"""Train and validation loss over steps, with pinned ghosts of earlier runs and
markers for early stopping and divergence."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.train.status import RunStatus
from core.train.trainer import Snapshot
from playground.plots import style
from playground.plots.live_range import LiveRange, bounds, merge

# A thick validation curve with markers while its points can be told apart; beyond
# this many, a thin line: pyqtgraph rebuilds every marker on each frame, and thick
# lines are drawn segment by segment (together most of the cost of a long run).
VAL_MARKERS_MAX = 100


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
        self.legend = self.plot.addLegend(offset=(-8, 8), **style.LEGEND)
        self.train_curve = self.plot.plot(pen=pg.mkPen(style.PALETTE[0], width=1),
                                          name="train")
        self._val_pens = (pg.mkPen(style.PALETTE[1], width=1),
                          pg.mkPen(style.PALETTE[1], width=2))
        self.val_curve = self.plot.plot(pen=self._val_pens[1],
                                        symbol="o", symbolSize=4,
                                        symbolBrush=style.PALETTE[1], symbolPen=None,
                                        name="validation")
        self._val_markers = True
        self.best_marker = self.plot.plot(pen=None, symbol="star", symbolSize=16,
                                          symbolBrush=style.EARLY_STOP, symbolPen="w")
        self.stop_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(style.EARLY_STOP, width=2,
                                                      style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={"position": 0.85,
                                                              "color": "#333",
                                                              "fill": (255, 255, 255, 200)})
        self.stop_line.setZValue(10)
        self.plot.addItem(self.stop_line, ignoreBounds=True)
        self.stop_line.hide()
        self.ghosts: list[tuple[str, pg.PlotDataItem]] = []
        self._ghost_bounds: list[tuple] = []  # (x, y linear, y log) of each ghost
        self.range = LiveRange(self.plot)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        self.log_box = QCheckBox("log scale")
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(self.set_log)
        self.info = QLabel("")
        self.info.setStyleSheet("color: #555;")
        bar.addWidget(self.info, 1)
        bar.addWidget(self.log_box)
        lay.addLayout(bar)
        lay.addWidget(self.widget, 1)
        self.set_log(True)
        self._status = ""

    def export_item(self):
        self.draw_pending()
        return self.plot

    def set_log(self, on: bool) -> None:
        self.plot.setLogMode(x=False, y=on)
        self.plot.enableAutoRange(y=True)  # refit now; the next frame follows again
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)

    def set_run(self, info) -> None:
        """Slot for a new run (a RunInfo): start empty."""
        self.clear()

    def clear(self) -> None:
        """A new run: empty curves and markers (ghosts stay)."""
        for item in (self.train_curve, self.val_curve, self.best_marker):
            item.setData([], [])
        self.stop_line.hide()
        self.info.setText("")
        self._status = ""
        self.plot.enableAutoRange()  # the new run sets the scale, not the old one
        self.drop_pending()

    def draw_snapshot(self, snap: Snapshot) -> None:
        self._draw(snap)
        style.settle(self.widget)

    def _draw(self, snap: Snapshot) -> None:
        # Following the run (not zoomed in): the curves' envelopes, one point pair
        # per pixel, instead of the whole history.
        n = style.buckets(self.plot) if self.range.following(0) else 1 << 62
        steps, train_loss = style.envelope(snap.steps, snap.train_loss, n)
        self.train_curve.setData(steps, train_loss)
        finite = np.isfinite(snap.val_loss)
        markers = int(np.count_nonzero(finite)) <= VAL_MARKERS_MAX
        if markers != self._val_markers:
            self._val_markers = markers
            self.val_curve.setSymbol("o" if markers else None)
            self.val_curve.setPen(self._val_pens[markers])
        val_steps, val_loss = style.envelope(snap.eval_steps[finite], snap.val_loss[finite], n)
        self.val_curve.setData(val_steps, val_loss)
        log = self.log_box.isChecked()
        x = bounds(steps, val_steps)
        y = bounds(train_loss, val_loss, log=log)
        for gx, gy, gy_log in self._ghost_bounds:
            x, y = merge(x, gx), merge(y, gy_log if log else gy)
        self.range.update(x, y, grow_x=True)
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
        self.stop_line.setPen(pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine))
        self.stop_line.setPos(step or 0)
        self.stop_line.label.setFormat(text)
        self.stop_line.show()
        self.info.setText(text)

    # -- pinned runs ---------------------------------------------------------------------
    def pin(self, label: str) -> bool:
        """Keep the current training curve as a ghost labelled "#n ``label``"; False if
        there is nothing to pin."""
        self.draw_pending()
        x, y = self.train_curve.xData, self.train_curve.yData
        if x is None or len(x) == 0:
            return False
        label = f"#{len(self.ghosts) + 1} {label}"
        colour = style.GHOSTS[len(self.ghosts) % len(style.GHOSTS)]
        ghost = pg.PlotDataItem(np.array(x), np.array(y), name=label,
                                pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
        ghost.setZValue(-5)  # behind the live run
        self.plot.addItem(ghost)
        self.ghosts.append((label, ghost))
        self._ghost_bounds.append((bounds(x), bounds(y), bounds(y, log=True)))
        return True

    def clear_pins(self) -> None:
        for _, item in self.ghosts:
            self.plot.removeItem(item)
            self.legend.removeItem(item)
        self.ghosts.clear()
        self._ghost_bounds.clear()
