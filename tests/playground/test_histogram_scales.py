"""Honest scales in the per-layer views (issue 11, item 11), on the vanishing-gradients
preset: a vanishing layer looks vanishing on the gradient histograms' shared axis;
bar labels do not run together; twelve layers, twelve colours; legends off the data."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetricsF

from playground.app import files
from playground.plots import style, symlog
from tests.playground.helpers import fresh_snapshot, train_to

VANISHING = files.PRESETS_DIR / "01_vanishing_gradients.json"


def vanishing_run(qtbot, window, steps: int = 200):
    window.files.open_preset(VANISHING)
    window.views.hists.set_pace(1.0)  # draw every frame's histograms
    train_to(qtbot, window, steps)
    snap = fresh_snapshot(qtbot, window)
    qtbot.waitUntil(lambda: window.session.step == snap.step, timeout=5_000)
    window.views.hists.export_item()  # draws what is pending
    return snap


def test_the_vanishing_first_layer_is_narrower_than_the_output_on_the_shared_axis(
        qtbot, window):
    snap = vanishing_run(qtbot, window)
    norms = snap.grad_norms[-1]
    assert norms[0] < 1e-12 * norms[-1]  # the preset's point: h1 vanishes
    hists = window.views.hists
    rows = hists.grads.items
    assert len(rows) == len(snap.layer_names) == 11
    assert all(it.getViewBox() is hists.grad_plot.getViewBox() for it in rows)  # one axis
    spans = [float(np.ptp(it.xData)) for it in rows]
    where = [float(np.max(np.abs(it.xData))) for it in rows]
    assert spans[0] < spans[-1] and spans[0] < 1e-6  # a spike at 0 ...
    assert where[0] < 1e-6 < where[-1]  # ... where the output layer lies decades out
    # Drawn in the data's own units: the axis maps back to the gradients' range.
    c = hists.grads.threshold
    out = snap.grad_hists[-1].edges
    np.testing.assert_allclose(symlog.inverse(rows[-1].xData, c), out, rtol=1e-9)
    # Up the layers the gradients grow by decades, and the shapes move out with them.
    assert where[9] > where[7] > where[0]


def test_symlog_round_trips_and_keeps_the_order_of_magnitudes():
    x = np.array([-1e-2, -1e-7, -1e-19, 0.0, 1e-19, 1e-7, 1e-2])
    c = symlog.threshold(1e-2)
    assert c == 1e-2 * 10.0 ** -symlog.DECADES
    t = symlog.forward(x, c)
    assert np.all(np.diff(t) >= 0) and abs(t[2]) < 1e-10
    np.testing.assert_allclose(symlog.inverse(t, c), x, rtol=1e-9, atol=1e-30)
    assert symlog.threshold(3e-2, current=c) == c  # within a decade: the axis stays


def test_gradient_bar_labels_do_not_run_together(qtbot):
    from playground.plots.grad_plot import GradPlot

    grad = GradPlot()
    qtbot.addWidget(grad)
    grad.set_layers(tuple(f"hidden {i}" for i in range(1, 11)) + ("output",))
    grad.show()
    for height in (500, 160):  # roomy, then cramped
        grad.resize(560, height)
        qtbot.waitUntil(lambda h=height: abs(grad.height() - h) <= 1, timeout=2_000)
        qtbot.wait(50)
        ticks = grad.bars_plot.getAxis("left")._tickLevels[0]
        vb = grad.bars_plot.getViewBox()
        px = sorted(vb.mapViewToScene(QPointF(0.0, row)).y() for row, _ in ticks)
        label_px = QFontMetricsF(style.font(style.TICK_PT)).height()
        assert len(px) >= 2 and np.diff(px).min() >= label_px, (height, px, label_px)
        assert {"h1", "out"} <= {text for _, text in ticks}
        if height == 500:
            assert len(ticks) == 11  # room for every layer's name


def test_twelve_layers_get_twelve_distinct_colours():
    def lab(hex_colour: str) -> np.ndarray:
        c = QColor(hex_colour)
        rgb = np.array([c.redF(), c.greenF(), c.blueF()])
        rgb = np.where(rgb > 0.04045, ((rgb + 0.055) / 1.055) ** 2.4, rgb / 12.92)
        m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                      [0.0193, 0.1192, 0.9505]])
        xyz = m @ rgb / np.array([0.9505, 1.0, 1.089])
        f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
        return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])

    colours = [style.color(i) for i in range(12)]
    assert len(set(colours)) == 12
    closest = min(np.linalg.norm(lab(a) - lab(b)) for a, b in itertools.combinations(colours, 2))
    assert closest > 25  # CIE76 Delta E: clearly different to the eye
    assert style.color(8) != style.color(10)  # h9 and out were both olive


def test_legends_sit_outside_the_data(qtbot, window):
    vanishing_run(qtbot, window, steps=20)
    window.controls.pin.trigger()
    for legend, plot in ((window.views.loss.legend, window.views.loss.plot),
                         (window.views.grad.legend, window.views.grad.lines)):
        assert legend.items
        box = legend.sceneBoundingRect()
        data = plot.getViewBox().sceneBoundingRect()
        assert box.height() > 0 and not box.intersects(data), (box, data)
