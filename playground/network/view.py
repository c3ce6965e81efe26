"""The "Network" tab: inside the network.

The diagram of neurons and weights (playground.network.diagram) with the clicked
unit enlarged beside it (detail), a key to the picture, and below the plots per
layer (plots): dead or saturated units over the steps, the curvature, PReLU's
slopes. Everything is computed off the GUI thread by ``NetworkAnalysis`` from the
snapshots the session publishes; this widget only hands snapshots over and draws
the pictures that come back. While the tab is hidden the analysis goes on (the
time series must not have holes) and only the newest picture is kept, drawn when
the tab is shown.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from playground.network import analysis as pace
from playground.network import colors
from playground.network.analysis import NetworkAnalysis
from playground.network.detail import UnitDetail
from playground.network.diagram import NetworkDiagram
from playground.network.picture import Picture
from playground.network.plots import LayerPlots

KEY = (f'Each unit: its output over the input plane (<span style="color:{colors.NEGATIVE}">'
       f'\u25a0</span> below h(0), white at h(0), <span style="color:{colors.POSITIVE}">'
       "\u25a0</span> above; sigmoid and tanh on their full range, others each on its own), "
       "or its histogram on the validation split. Lines: weights, "
       "orange &gt; 0, blue &lt; 0, thicker for larger |w|. +8: units not drawn (a wide "
       "layer shows its 16 most active). "
       f'<span style="color:{colors.DEAD}"><b>Red frame</b></span>: dead (never positive on '
       f'the training split). <span style="color:{colors.SATURATED}"><b>Purple</b></span>: '
       "saturated (h\u2032 below 5% of its maximum on over 95% of the samples).")


DRAW_SHARE = 0.05  # of the GUI thread's time for drawing pictures, at most
PAINT_FACTOR = 3.0  # setting the data and painting it, over setting the data


class NetworkView(QWidget):
    title = "Network"
    picture_drawn = Signal(object)  # the Picture just drawn (tests, scripts)

    def __init__(self, parent=None, *, analysis: NetworkAnalysis | None = None) -> None:
        super().__init__(parent)
        self.diagram = NetworkDiagram()
        self.detail = UnitDetail()
        self.plots = LayerPlots()
        self.key = QLabel(KEY)
        self.key.setWordWrap(True)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel("")
        self.message.setStyleSheet(f"color: {colors.DEAD}")
        self.message.hide()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.diagram)
        top.addWidget(self.detail)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 1)
        top.setSizes([700, 260])
        upper = QWidget()
        box = QVBoxLayout(upper)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(top, 1)
        box.addWidget(self.message)
        box.addWidget(self.key)
        page = QSplitter(Qt.Orientation.Vertical)
        page.addWidget(upper)
        page.addWidget(self.plots)
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 2)
        page.setSizes([480, 300])
        for s in (top, page):
            s.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(page)
        self.analysis = analysis if analysis is not None else NetworkAnalysis(self)
        self.analysis.picture_ready.connect(self._on_picture)
        self.analysis.failed.connect(self._show_message)
        self.diagram.unit_hovered.connect(self._hovered)
        self.diagram.unit_clicked.connect(self._clicked)
        self.picture: Picture | None = None  # the newest picture of the current run
        self._drawn: Picture | None = None
        self.run_id: int | None = None
        if not self.analysis.is_alive():
            self.analysis.start()

    # -- session slots ---------------------------------------------------------------
    def set_run(self, info) -> None:
        """A new run (a RunInfo): an empty picture until its first analysis."""
        self.run_id = info.run_id
        self.picture = self._drawn = None
        self.diagram.clear_picture()
        self.detail.set_run(info)
        hidden = tuple(info.hidden_names)
        self.plots.set_layers(hidden, tuple(info.layer_names), (), False)
        self._show_message("")
        self.analysis.set_run(info)

    def set_snapshot(self, snap) -> None:
        self.analysis.submit(snap)

    def shutdown(self, timeout: float = 1.0) -> bool:
        return self.analysis.stop(timeout)

    # -- pictures --------------------------------------------------------------------
    def _on_picture(self, pic: Picture) -> None:
        if pic.run_id != self.run_id:
            return  # a late picture of the run before
        self.picture = pic
        if self.isVisible():
            self._draw(pic)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.picture is not None and self.picture is not self._drawn:
            self._draw(self.picture)

    def _draw(self, pic: Picture) -> None:
        t0 = time.perf_counter()
        self._set(pic)
        cost = PAINT_FACTOR * (time.perf_counter() - t0)
        self.analysis.min_interval = max(pace.MIN_INTERVAL, cost / DRAW_SHARE)
        self.picture_drawn.emit(pic)

    def _set(self, pic: Picture) -> None:
        self._drawn = pic
        if pic.message or not pic.columns:
            self.diagram.clear_picture()
            self._show_message(pic.message)
        else:
            self._show_message("")
            self.diagram.show_picture(pic)
            self.detail.show_focus(pic)
            self.detail.show_stats(pic, self.diagram.hovered or self.diagram.focus)
        self.plots.show_picture(pic)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _hovered(self, unit) -> None:
        self.detail.show_stats(self._drawn, unit or self.diagram.focus)

    def _clicked(self, unit) -> None:
        self.detail.show_stats(self._drawn, unit)
        self.analysis.set_focus(unit)
