"""The legend of the Compare tab as a sortable table: per variant its colour, the
number of runs and of diverged ones, and the final and best value (mean ± std over
the seeds) of the metric shown. The numbers are ``tables.cell_summary``'s.
Double-clicking a row asks to open that variant as the session."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.train.sweep import tables
from playground.compare import drawing

COLUMNS = ("Variant", "Runs", "Diverged", "Final", "Best")
SORT = Qt.ItemDataRole.UserRole + 1
CELL = Qt.ItemDataRole.UserRole + 2


class _Item(QTableWidgetItem):
    """Sorts by its number (NaN last), not by its text."""

    def __lt__(self, other) -> bool:
        a, b = self.data(SORT), other.data(SORT)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            a = math.inf if a != a else a
            b = math.inf if b != b else b
            return a < b
        return str(self.text()) < str(other.text())


def _pm(mean: float, std: float) -> str:
    if mean != mean:
        return "\u2014"
    return f"{mean:.4g}" if std != std else f"{mean:.4g} \u00b1 {std:.2g}"


class ResultsTable(QTableWidget):
    open_cell = Signal(int)  # a cell index of the sweep

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the sweep's order
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        head = self.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(COLUMNS)):
            head.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.setToolTip("Double-click a variant to open it as the session (its first seed)")
        self.cellDoubleClicked.connect(self._double_clicked)

    def show_results(self, sweep, metric: str, greyed: bool = False) -> None:
        summary = tables.cell_summary(sweep)
        key = metric if f"{metric}_final_mean" in summary.data else None
        self.setSortingEnabled(False)
        self.setRowCount(0)
        grey = QBrush(QColor(drawing.GREY))
        for row, cell in enumerate(sweep.spec.cells):
            n = summary.column("n_runs")[row]
            if n == 0:
                continue
            r = self.rowCount()
            self.insertRow(r)
            color = drawing.GREY if greyed else drawing.cell_color(sweep.spec, cell.index)
            values = [(cell.label, cell.index), (str(n), n),
                      (str(summary.column("n_diverged")[row]), summary.column("n_diverged")[row])]
            for kind in ("final", "best"):
                if key is None:
                    values.append(("\u2014", math.nan))
                    continue
                mean = float(summary.column(f"{key}_{kind}_mean")[row])
                std = float(summary.column(f"{key}_{kind}_std")[row])
                values.append((_pm(mean, std), mean))
            for c, (text, sort) in enumerate(values):
                item = _Item(text)
                item.setData(SORT, sort)
                item.setData(CELL, cell.index)
                if greyed:
                    item.setForeground(grey)
                self.setItem(r, c, item)
            self.item(r, 0).setIcon(_swatch(color))
        self.setSortingEnabled(True)

    def cell_of_row(self, row: int) -> int:
        return int(self.item(row, 0).data(CELL))

    def _double_clicked(self, row: int, _column: int) -> None:
        self.open_cell.emit(self.cell_of_row(row))


def _swatch(color: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(color))
    return QIcon(pix)
