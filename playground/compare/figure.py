"""A sweep as a picture: the curves (and the learning-rate view when the sweep varies
the learning rate), the legend below them, never over the data.

``write_figure(results, path)`` draws offscreen into a PNG or SVG: ``main.py
sweep --plot`` calls it without a window (Qt's offscreen platform unless an
application already runs), the Compare tab's export too.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.train.sweep import curves as sweep_curves
from playground.compare import drawing
from playground.plots import style

SIZE = (1600, 900)


def _app():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a picture, never a window
        app = QApplication([])
    return app


def build(results, *, metric: str = "train_loss", band: str = "minmax",
          smoothing: float = 0.6, stat: str = "final", log: bool | None = None,
          size: tuple[int, int] = SIZE) -> pg.GraphicsLayoutWidget:
    """The figure's widget (not shown on screen), laid out at ``size``."""
    _app()
    style.apply()
    log = metric.endswith("loss") if log is None else log
    w = pg.GraphicsLayoutWidget()
    w.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    spec = results.spec
    title = (f"{spec.base.get('title', '')}: {drawing.metric_label(metric)}, mean of "
             f"{len(spec.seeds)} seed{'s' if len(spec.seeds) > 1 else ''}, "
             f"{drawing.band_label(band)}, smoothing {smoothing:g}")
    w.addLabel(title, row=0, col=0, colspan=2, size="11pt")
    plot = w.addPlot(row=1, col=0, axisItems=style.axes())
    style.style_plot_item(plot, "", left=drawing.metric_label(metric), bottom="step",
                          grid=True)
    plot.setTitle(None)
    plot.setLogMode(y=log)
    legend = pg.LegendItem(colCount=min(4, max(1, len(spec.cells))), labelTextSize="10pt")
    for c in sweep_curves.cell_curves(results, metric, band):
        items = drawing.draw_cell(plot, c, smoothing=smoothing, log=log, spec=spec)
        legend.addItem(items.mean, c.label)
    if sweep_curves.has_lr_axis(spec):
        lr_plot = w.addPlot(row=1, col=1, axisItems=drawing.log_x_axes())
        style.style_plot_item(lr_plot, f"{stat} {drawing.metric_label(metric)} against the "
                              "learning rate (\u00d7 = a seed diverged)",
                              left=f"{stat} {drawing.metric_label(metric)}",
                              bottom="learning rate", grid=True)
        lr_plot.setLogMode(x=True, y=log)
        groups = sweep_curves.lr_sensitivity(results, metric, stat, band)
        # the lr view's curves are the other axis' values: its own small legend
        lr_legend = pg.LegendItem(colCount=min(4, len(groups)), labelTextSize="10pt")
        for i, lr in enumerate(groups):
            items = drawing.draw_lr(lr_plot, lr, style.color(i), log=log)
            lr_legend.addItem(items[-2] if lr.n_diverged.any() else items[-1], lr.label)
        _add_legend(w, lr_legend, 1)
    _add_legend(w, legend, 0)
    w.resize(*size)
    w.show()
    _app().processEvents()
    return w


def _add_legend(w: pg.GraphicsLayoutWidget, legend: pg.LegendItem, col: int) -> None:
    """Below the plot of column ``col``, at its top left (a legend stretched to the
    row's height would pull its samples away from their labels)."""
    drawing.fit_legend(legend)
    w.addItem(legend, row=2, col=col)
    w.ci.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)


def write_figure(results, path: str | Path, **options) -> Path:
    """Draw ``results`` into ``path`` (.png or .svg); ValueError for another suffix."""
    from playground.plots import export

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"a figure is a .png or .svg, not {path.name}")
    w = build(results, **options)
    try:
        if path.suffix.lower() == ".png":
            image = w.grab()
            if not image.save(str(path)):
                raise OSError(f"cannot write {path}")
        else:
            export.export_plot(w.ci, path)
    finally:
        w.close()
        w.deleteLater()
    return path
