"""The Compare tab: vary one setting (optionally a second) over values and seeds, train
every run on local worker processes, and show the mean curve of each variant with a
band over the seeds, smoothed; a sortable table is the legend; the learning-rate
sensitivity view beside.

Results stay tied to the config they came from: when the session's config changes
they are greyed and labelled (unless the session is now one of the variants).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.train.sweep import curves as sweep_curves
from core.train.sweep import tables
from core.train.sweep.driver import SweepResults
from playground.compare import drawing, figure
from playground.compare.controls import SweepControls
from playground.compare.lr_view import LrView
from playground.compare.provenance import Provenance
from playground.compare.results_table import ResultsTable
from playground.plots import style

METRICS = ("train_loss", "val_loss", "val_acc")
BANDS = (("min–max", "minmax"), ("±1 std", "std"), ("none", "none"))
REDRAW_MS = 150


class CompareView(QWidget):
    title = "Compare"
    run_requested = Signal(list, int, int, int)  # choices, seeds, steps, workers
    cancel_requested = Signal()
    open_requested = Signal(object, str)  # a variant's config dict, its label

    def __init__(self, parent: QWidget | None = None) -> None:
        style.apply()
        super().__init__(parent)
        self.results: SweepResults | None = None
        self.provenance = Provenance()
        self.cell_items: dict[int, drawing.CellItems] = {}
        self.controls = SweepControls()
        self._timer = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._timer.timeout.connect(self.redraw)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.controls)
        lay.addWidget(self._build_right(), 1)
        c = self.controls
        c.run_requested.connect(self.run_requested)
        c.cancel_requested.connect(self.cancel_requested)
        c.export_figure_requested.connect(self._ask_export_figure)
        c.export_csv_requested.connect(self._ask_export_csv)
        for box in (self.metric_box, self.band_box):
            box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.smoothing.valueChanged.connect(self._smoothing_changed)
        self.log_box.toggled.connect(lambda _on: self.redraw())
        self.lr_view.stat.currentIndexChanged.connect(lambda _i: self.redraw())
        self.table.open_cell.connect(self._open_cell)

    # -- layout ----------------------------------------------------------------------
    def _build_right(self) -> QWidget:
        right = QWidget()
        v = QVBoxLayout(right)
        v.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.metric_box = QComboBox()
        for m in METRICS:
            self.metric_box.addItem(drawing.metric_label(m), m)
        self.band_box = QComboBox()
        for label, key in BANDS:
            self.band_box.addItem(label, key)
        self.band_box.setToolTip("The band over the seeds")
        self.smoothing = QSlider(Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing_label = QLabel()
        self.smoothing.setToolTip("TensorBoard-style smoothing (debiased exponential moving "
                                  "average); the raw mean stays faint behind")
        self.log_box = QCheckBox("log")
        self.log_box.setChecked(True)
        for w in (self.metric_box, self.band_box, QLabel("smooth"), self.smoothing,
                  self.smoothing_label, self.log_box):
            row.addWidget(w, 1 if w is self.smoothing else 0)
        v.addLayout(row)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4ce; border: 1px solid #e0c060; "
                                  "padding: 3px;")
        self.banner.hide()
        v.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        curves_page = QSplitter(Qt.Orientation.Vertical)
        self.widget = style.new_plot("", left="training loss", bottom="step", grid=True)
        self.plot = self.widget.getPlotItem()
        self.plot.setLogMode(y=True)
        self.table = ResultsTable()
        curves_page.addWidget(self.widget)
        curves_page.addWidget(self.table)
        curves_page.setSizes([400, 160])
        curves_page.setChildrenCollapsible(False)
        self.tabs.addTab(curves_page, "Curves")
        self.lr_view = LrView()
        self.tabs.addTab(self.lr_view, "Learning rate")
        v.addWidget(self.tabs, 1)
        self._smoothing_changed(self.smoothing.value())
        return right

    # -- options -------------------------------------------------------------------------
    @property
    def weight(self) -> float:
        return self.smoothing.value() / 100.0

    def _smoothing_changed(self, value: int) -> None:
        self.smoothing_label.setText(f"{value / 100:.2f}")
        self.redraw()

    def current_metric(self) -> str:
        return self.metric_box.currentData()

    def current_band(self) -> str:
        return self.band_box.currentData()

    # -- a sweep's life ------------------------------------------------------------------
    def started(self, results: SweepResults, config) -> None:
        """A new comparison of ``config`` (the session's) starts."""
        self.results = results
        self.provenance.start(results, config)
        self.controls.set_running(True, len(results.runs))
        self.controls.status.setText(f"Training {len(results.runs)} runs "
                                     f"({len(results.spec.cells)} variants \u00d7 "
                                     f"{len(results.spec.seeds)} seeds)\u2026")
        self._set_exports()
        self._show_provenance()
        self.redraw()

    def run_done(self, result) -> None:
        if self.results is None or result.run >= len(self.results.runs):
            return
        self.results.add(result)
        done = len(self.results.results)
        self.controls.progress.setValue(done)
        diverged = sum(r.diverged for r in self.results.results.values())
        self.controls.status.setText(f"{done} of {len(self.results.runs)} runs done"
                                     + (f", {diverged} diverged" if diverged else "") + "\u2026")
        if not self._timer.isActive():
            self._timer.start()

    def finished(self, results: SweepResults | None = None) -> None:
        if results is not None and self.results is not None \
                and results.spec is self.results.spec:
            self.results = results
        self.controls.set_running(False)
        r = self.results
        if r is not None:
            diverged = sum(x.diverged for x in r.results.values())
            errors = [x for x in r.results.values() if x.status == "error"]
            text = (f"{'Cancelled' if r.interrupted else 'Done'}: {len(r.results)} of "
                    f"{len(r.runs)} runs in {r.seconds:.1f} s ({r.executor}), "
                    f"{diverged} diverged.")
            if errors:
                text += f" {len(errors)} could not start: {errors[0].message}"
            self.controls.status.setText(text)
        self._set_exports()
        self.redraw()

    def refuse(self, text: str) -> None:
        self.controls.set_running(False)
        self.controls.status.setText(text)

    def failed(self, text: str) -> None:
        self.controls.set_running(False)
        self.controls.status.setText(f"Failed: {text}")

    def clear(self) -> None:
        self.results = None
        self.provenance.clear()
        self._set_exports()
        self._show_provenance()
        self.redraw()

    # -- the session's config --------------------------------------------------------------
    def show_config(self, config, _sections=None, _origin: str = "") -> None:
        """Slot for the document's ``config_changed``: are the results still this
        session's?"""
        self.provenance.session_changed(config)
        self._show_provenance()
        self.redraw()

    @property
    def stale(self) -> bool:
        return self.provenance.stale

    def _show_provenance(self) -> None:
        text = self.provenance.text()
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _open_cell(self, cell: int) -> None:
        if self.results is None:
            return
        config, label = self.provenance.variant(cell)
        self.open_requested.emit(config, label)

    # -- drawing ---------------------------------------------------------------------------
    def redraw(self) -> None:
        self._timer.stop()
        for items in self.cell_items.values():
            for item in items.items:
                self.plot.removeItem(item)
        self.cell_items = {}
        r, metric, band = self.results, self.current_metric(), self.current_band()
        log = self.log_box.isChecked() and metric.endswith("loss")
        self.plot.setLogMode(y=log)
        self.plot.setLabel("left", drawing.metric_label(metric))
        greyed = self.stale
        if r is None:
            self.table.setRowCount(0)
            self.lr_view.clear()
            return
        for c in sweep_curves.cell_curves(r, metric, band):
            self.cell_items[c.cell] = drawing.draw_cell(self.plot, c, smoothing=self.weight,
                                                        log=log, greyed=greyed, spec=r.spec)
        self.table.show_results(r, metric, greyed)
        self.lr_view.show_results(r, metric, band, log=log, greyed=greyed)

    # -- exports ---------------------------------------------------------------------------
    def _set_exports(self) -> None:
        on = self.results is not None and bool(self.results.results)
        on = on and not self.controls.cancel_button.isEnabled()
        self.controls.export_figure.setEnabled(on)
        self.controls.export_csv.setEnabled(on)

    def figure_options(self) -> dict:
        return {"metric": self.current_metric(), "band": self.current_band(),
                "smoothing": self.weight, "stat": self.lr_view.stat.currentData(),
                "log": self.log_box.isChecked() and self.current_metric().endswith("loss")}

    def export_figure(self, path: str | Path) -> Path:
        """The comparison as a PNG or SVG (legend below the plots)."""
        if self.results is None:
            raise ValueError("there is no comparison to export")
        return figure.write_figure(self.results, path, **self.figure_options())

    def export_csv(self, path: str | Path) -> list[Path]:
        """The per-step table at ``path``, the per-run and per-cell summaries beside it
        (``NAME_runs.csv``, ``NAME_cells.csv``)."""
        if self.results is None:
            raise ValueError("there is no comparison to export")
        path = Path(path).with_suffix(".csv")
        out = [path, path.with_name(path.stem + "_runs.csv"),
               path.with_name(path.stem + "_cells.csv")]
        for build, p in zip((tables.step_table, tables.run_summary, tables.cell_summary), out,
                            strict=True):
            build(self.results).write_csv(p)
        return out

    def export_item(self):
        """For File > Export: the comparison's figure (legend outside the data)."""
        if self.results is None:
            return self.plot
        self._figure = figure.build(self.results, **self.figure_options())
        return self._figure.ci

    def _ask_export_figure(self) -> None:
        path, selected = QFileDialog.getSaveFileName(self, "Export the comparison",
                                                     "comparison.png",
                                                     "PNG image (*.png);;SVG image (*.svg)")
        if path:
            if Path(path).suffix.lower() not in (".png", ".svg"):
                path += ".svg" if "svg" in (selected or "").lower() else ".png"
            self._report(lambda: [self.export_figure(path)])

    def _ask_export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the comparison's tables",
                                              "comparison.csv", "CSV table (*.csv)")
        if path:
            self._report(lambda: self.export_csv(path))

    def _report(self, write) -> None:
        try:
            written = write()
        except (OSError, ValueError, RuntimeError) as err:
            self.controls.status.setText(f"Export failed: {err}")
            return
        self.controls.status.setText("Exported " + ", ".join(Path(p).name for p in written))

