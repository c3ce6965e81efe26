"""Learning-rate sensitivity: the final (or best) value against the learning rate on a
log axis, one curve per optimizer (per value of the other setting), the band over
the seeds, a red cross where a seed diverged. The picture behind "how to choose
the learning rate?". Its points are ``tables.cell_summary``'s numbers
(``core.train.sweep.curves.lr_sensitivity``)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.train.sweep import curves as sweep_curves
from playground.compare import drawing
from playground.plots import style


class LrView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Value"))
        self.stat = QComboBox()
        self.stat.addItem("final", "final")
        self.stat.addItem("best", "best")
        row.addWidget(self.stat)
        self.note = QLabel()
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        lay.addLayout(row)
        self.widget = pg.GraphicsLayoutWidget()
        self.legend = pg.LegendItem(colCount=4, labelTextSize="9pt")
        self.widget.addItem(self.legend, row=0, col=0)  # above the data, never over it
        self.plot = self.widget.addPlot(row=1, col=0, axisItems=drawing.log_x_axes())
        style.style_plot_item(self.plot, "", bottom="learning rate", grid=True)
        self.plot.setTitle(None)  # no empty title row between the legend and the data
        self.plot.setLogMode(x=True)
        self.widget.ci.layout.setRowStretchFactor(0, 0)
        self.widget.ci.layout.setRowStretchFactor(1, 1)
        lay.addWidget(self.widget, 1)
        self.lines: list[sweep_curves.LrCurve] = []
        self.items: list = []
        self.clear("Vary the learning rate (and, optionally, the optimizer) to see how "
                   "sensitive each optimizer is to it.")

    def clear(self, note: str = "") -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.items = []
        self.lines = []
        self.legend.clear()
        self.note.setText(note)

    def show_results(self, sweep, metric: str, band: str, *, log: bool,
                     greyed: bool = False) -> None:
        if sweep is None or not sweep_curves.has_lr_axis(sweep.spec):
            self.clear("Vary the learning rate (and, optionally, the optimizer) to see how "
                       "sensitive each optimizer is to it.")
            return
        self.clear()
        stat = self.stat.currentData()
        try:
            self.lines = sweep_curves.lr_sensitivity(sweep, metric, stat, band)
        except ValueError as err:
            self.note.setText(str(err))
            return
        self.plot.setLogMode(x=True, y=log)
        self.plot.setLabel("left", f"{stat} {drawing.metric_label(metric)}")
        for i, line in enumerate(self.lines):
            color = drawing.GREY if greyed else style.color(i)
            new = drawing.draw_lr(self.plot, line, color, log=log)
            self.items += new
            main = next(it for it in new if isinstance(it, pg.PlotDataItem) and it.name())
            self.legend.addItem(main, line.label)
        drawing.fit_legend(self.legend)
        self.widget.ci.layout.setRowMaximumHeight(0, self.legend.maximumHeight())
        self.widget.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignLeft)
        n_div = sum(int(line.n_diverged.sum()) for line in self.lines)
        self.note.setText(f"mean over seeds, {drawing.band_label(band)}; "
                          + (f"\u00d7 marks {n_div} diverged runs (kept at the loss where "
                             "they stopped)" if n_div else "no run diverged"))

    def point_data(self) -> list[tuple]:
        """(x, y) of each curve's mean line, as drawn (tests)."""
        out = []
        for item in self.items:
            if isinstance(item, pg.PlotDataItem) and item.name():
                out.append((item.xData, item.yData))
        return out
