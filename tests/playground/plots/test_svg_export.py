"""SVG export draws what the PNG export draws, for every kind of plot item.

Each plot is exported both ways through ``playground.plots.export.export_plot``
(File > Export and the lab's picture use it); the SVG is drawn by QtSvg at the
PNG's size and the two pictures compared (``picture_diff``). The plots are
zoomed so that curves, bars, markers, images and contours cross the view's edge:
the SVG must cut them there, as the screen does. Where ``rsvg-convert`` is
installed, librsvg's drawing is compared too (at the on-screen size: librsvg
widens hairlines when zoomed, see ``playground.plots.svg_flatten``).
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage

from playground.lab.contours import ContourLayer, grid_log_levels
from playground.plots import export, style
from tests.playground.helpers import train_to
from tests.playground.plots import picture_diff

RNG = np.random.default_rng(7)
needs_librsvg = pytest.mark.skipif(shutil.which("rsvg-convert") is None,
                                   reason="rsvg-convert (librsvg2-bin) is not installed")


def _lines(p: pg.PlotItem) -> None:
    x = np.linspace(0, 10, 400)
    p.plot(x, np.sin(x), pen=pg.mkPen("#1f77b4", width=2))
    p.plot(x, 3 * np.cos(x), pen=pg.mkPen("#d62728", width=1))
    p.addItem(pg.InfiniteLine(pos=5, angle=90, pen=pg.mkPen("#555", style=Qt.PenStyle.DashLine)))
    p.setXRange(2, 8, padding=0)
    p.setYRange(-1.5, 1.5, padding=0)  # the cosine runs past the view


def _scatter(p: pg.PlotItem) -> None:
    for symbol, color in (("o", "#1f77b4"), ("t", "#ff7f0e"), ("star", "#2ca02c"),
                          ("d", "#9467bd"), ("x", "#8c564b")):
        p.addItem(pg.ScatterPlotItem(RNG.normal(size=40), RNG.normal(size=40), size=9,
                                     symbol=symbol, brush=color, pen=pg.mkPen("w", width=0.8)))
    p.setXRange(-1.5, 1.5, padding=0)  # markers on the edge are cut there


def _bars(p: pg.PlotItem) -> None:
    p.addItem(pg.BarGraphItem(x=np.arange(8), height=[1, 3, 2, 5, 4, 6, 2, 7], width=0.7,
                              brush="#1f77b4", pen=pg.mkPen("#333")))
    p.setYRange(0, 4.5, padding=0)  # the tall bars end at the top of the view


def _histograms(p: pg.PlotItem) -> None:
    edges = np.linspace(-3, 3, 41)
    for row, color in enumerate(("#1f77b4", "#ff7f0e", "#2ca02c")):
        counts = np.histogram(RNG.normal(scale=0.5 + row / 2, size=2000), edges)[0]
        fill = pg.mkColor(color)
        fill.setAlpha(110)
        p.addItem(pg.PlotDataItem(edges, counts / counts.max() * 0.9 + row, stepMode="center",
                                  fillLevel=row, pen=pg.mkPen(color), brush=pg.mkBrush(fill)))
    p.setXRange(-2, 2.5, padding=0)


def _image(p: pg.PlotItem) -> None:
    xs = np.linspace(-1, 1, 60)
    img = pg.ImageItem(np.sin(3 * xs[:, None]) * np.cos(2 * xs[None, :]))
    img.setColorMap(pg.colormap.get("viridis"))
    img.setRect(QRectF(-1, -1, 2, 2))
    p.addItem(img)
    p.setXRange(-0.6, 1.4, padding=0)  # the heatmap is cut on the left


def _contours(p: pg.PlotItem) -> None:
    xs = np.linspace(-2, 2, 121)
    X, Y = np.meshgrid(xs, xs)
    Z = (1 - X) ** 2 + 10 * (Y - X ** 2) ** 2
    layer = ContourLayer(p)
    layer.set_data(xs, xs, Z, grid_log_levels(Z, 16))
    p.setRange(xRange=(-1, 1.5), yRange=(-0.5, 1.5), padding=0)


def _legend(p: pg.PlotItem) -> None:
    p.addLegend(offset=(8, 8), **style.LEGEND)
    x = np.linspace(0, 1, 50)
    p.plot(x, x ** 2, pen=pg.mkPen("#1f77b4", width=1.5), name="train batch")
    p.plot(x, x, pen=pg.mkPen("#ff7f0e", width=2), symbol="o", symbolSize=5,
           symbolBrush="#ff7f0e", name="validation (every 10 steps)")
    p.plot(x, np.sqrt(x), pen=pg.mkPen("#9a9a9a", style=Qt.PenStyle.DashLine),
           name="pinned: Adam, lr 1e-3")
    note = pg.TextItem("diverged at step 120", color="#c62828", anchor=(0.5, 0.5))
    p.addItem(note)
    note.setPos(0.6, 0.2)


KINDS = {"lines": _lines, "scatter": _scatter, "bars": _bars, "histograms": _histograms,
         "images": _image, "contours": _contours, "legends": _legend}


def _plot(qtbot, fill) -> pg.PlotItem:
    """A plot drawn by ``fill``, shown; the widget stays alive as ``plot.widget``."""
    style.apply()
    w = pg.PlotWidget(axisItems=style.axes())
    qtbot.addWidget(w)
    p = w.getPlotItem()
    style.style_plot_item(p, "A plot", left="y", bottom="x")
    fill(p)
    w.resize(460, 320)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)  # let pyqtgraph lay out the axes and the legend
    p.widget = w  # the PlotItem alone does not keep its widget alive
    return p


def compare(item, tmp_path, name: str) -> float:
    """Export ``item`` as PNG and SVG; how different QtSvg's drawing of the SVG is
    from the PNG, at the PNG's size."""
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    export.export_plot(item, svg)  # first: it must bring the view up to date itself
    export.export_plot(item, png)
    ref = QImage(str(png))
    got = picture_diff.render_svg(svg, ref.width(), ref.height())
    return picture_diff.difference(ref, got)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_svg_draws_what_the_png_draws(qtbot, tmp_path, kind):
    p = _plot(qtbot, KINDS[kind])
    assert compare(p, tmp_path, kind) < picture_diff.THRESHOLD


@needs_librsvg
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_librsvg_draws_what_the_png_draws(qtbot, tmp_path, kind):
    p = _plot(qtbot, KINDS[kind])
    svg = tmp_path / f"{kind}.svg"
    export.export_plot(p, svg)
    ref = export.png_image(p, 1.0)
    got = picture_diff.render_svg_librsvg(svg, ref.width(), ref.height(), tmp_path / "r.png")
    assert picture_diff.difference(ref, got) < picture_diff.THRESHOLD


def _points_outside_their_clip(svg_text: str) -> int:
    """How many path coordinates lie outside the clip of their item."""
    root = ET.fromstring(svg_text)
    rects = {cp.get("id"): [float(cp[0].get(k)) for k in ("x", "y", "width", "height")]
             for cp in root.iter("{http://www.w3.org/2000/svg}clipPath")}
    outside = 0
    for g in root:
        ref = g.get("clip-path", "")
        if not ref:
            continue
        cx, cy, cw, ch = rects[ref[5:-1]]
        for el in g.iter("{http://www.w3.org/2000/svg}path"):
            nums = np.array(re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", el.get("d", "")), float)
            pts = nums[: nums.size // 2 * 2].reshape(-1, 2)
            eps = 1e-3
            outside += int(np.sum((pts[:, 0] < cx - eps) | (pts[:, 0] > cx + cw + eps)
                                  | (pts[:, 1] < cy - eps) | (pts[:, 1] > cy + ch + eps)))
    return outside


def test_every_shape_is_on_the_page_and_inside_its_clip(qtbot, tmp_path):
    p = _plot(qtbot, _lines)
    text = export.svg_bytes(p).decode()
    root = ET.fromstring(text)
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if "transform" in g.attrib:  # only whole images may keep a matrix
            assert {el.tag.rsplit("}")[-1] for el in g} <= {"image"}
    assert "<text" not in text  # glyph outlines, placed as on screen
    assert _points_outside_their_clip(text) == 0
    assert root.get("viewBox") == "0 0 {} {}".format(*(f"{v:.6g}" for v in (
        p.sceneBoundingRect().width(), p.sceneBoundingRect().height())))


# --------------------------------------------------------------- the app's plots

def _app_plots(window, qtbot) -> dict[str, object]:
    train_to(qtbot, window, 200)
    plots = {name: view.export_item() for name, view in window.exportable_views().items()}
    window.tabs.setCurrentWidget(window.lab)
    window.lab.step(30)
    qtbot.wait(100)
    plots["lab race map"] = window.lab.race_map.getPlotItem()
    plots["lab loss"] = window.lab.loss_plot.getPlotItem()
    window.tabs.setCurrentIndex(0)
    window.show_panel("data")
    qtbot.wait(100)
    for i, (w, _, _) in enumerate(window.panels["data"].preview.plots):
        plots[f"preprocessing preview {i}"] = w.getPlotItem()
    return plots


def test_every_plot_of_the_app_exports_the_same_picture_as_svg(window, qtbot, tmp_path):
    scores = {name: compare(item, tmp_path, re.sub(r"\W+", "_", name))
              for name, item in _app_plots(window, qtbot).items()}
    assert max(scores.values()) < picture_diff.THRESHOLD, scores


def test_a_plot_exported_before_it_was_ever_painted(qtbot, tmp_path):
    # pyqtgraph fits the view to new data when it is next painted: the export must
    # do that first, as the scene does when it renders the PNG.
    style.apply()
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    w.resize(400, 300)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    p = w.getPlotItem()
    p.addItem(pg.BarGraphItem(x=np.arange(20) * 10.0, height=np.arange(20) + 1.0, width=6,
                              brush="#1f77b4"))
    assert compare(p, tmp_path, "unpainted") < picture_diff.THRESHOLD
