"""The decision boundary: drawn interpolated (no cells), over the current data set."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from playground.plots.boundary import SmoothImageItem, binary_lut
from playground.session.run_info import GRID_POINTS


def _render(item, size: int = 200) -> QImage:
    """``item`` (an image of 2 x 2 pixels) painted over a size x size QImage."""
    out = QImage(size, size, QImage.Format.Format_ARGB32)
    out.fill(QColor("white"))
    p = QPainter(out)
    p.scale(size / 2, size / 2)  # the item paints into (0, 0, 2, 2)
    item.paint(p)
    p.end()
    return out


def _row(image: QImage) -> np.ndarray:
    """The blue channel along the row through the centres of the top cells."""
    y = image.height() // 4
    return np.array([QColor(image.pixel(x, y)).blue() for x in range(image.width())])


def test_the_smooth_image_interpolates_between_grid_points(qtbot):
    checker = np.array([[0.0, 1.0], [1.0, 0.0]])
    smooth, blocky = SmoothImageItem(), SmoothImageItem()
    blocky.smooth = False
    for item in (smooth, blocky):
        item.setLookupTable(binary_lut())
        item.setImage(checker, levels=(0.0, 1.0), autoLevels=False)
    row_blocky, row_smooth = _row(_render(blocky)), _row(_render(smooth))
    assert len(np.unique(row_blocky)) <= 3  # two cells (and their edge)
    # interpolated: many shades, and no jump between neighbouring pixels
    assert len(np.unique(row_smooth)) > 20
    assert np.abs(np.diff(row_smooth)).max() < 0.1 * np.ptp(row_blocky)


def test_the_boundary_is_drawn_smooth_over_the_whole_data_set(qtbot, window):
    boundary = window.views.boundary
    qtbot.waitUntil(lambda: boundary.image.image is not None, timeout=10_000)
    assert isinstance(boundary.image, SmoothImageItem) and boundary.image.smooth
    info = window.session.info
    spec = info.view_spec
    assert spec.xs.size == spec.ys.size == GRID_POINTS
    _assert_covers(boundary, info)

    # another data set: the grid and the picture follow it
    panel = window.panels["data"]
    before = (spec.xs[0], spec.xs[-1])
    run = window.session.run_id
    panel.dataset.setCurrentIndex(panel.dataset.findData("moons"))
    qtbot.waitUntil(lambda: window.session.run_id > run, timeout=10_000)
    info = window.session.info
    assert info.train_X.shape[0] and (info.view_spec.xs[0], info.view_spec.xs[-1]) != before
    qtbot.waitUntil(lambda: boundary.image.image is not None and _rect(boundary) == _rect_of(
        info.view_spec), timeout=10_000)
    _assert_covers(boundary, info)


def _rect(boundary) -> tuple:
    r = boundary.image.mapRectToParent(boundary.image.boundingRect())
    return tuple(round(v, 9) for v in (r.left(), r.top(), r.width(), r.height()))


def _rect_of(spec) -> tuple:
    dx, dy = spec.xs[1] - spec.xs[0], spec.ys[1] - spec.ys[0]
    r = QRectF(spec.xs[0] - dx / 2, spec.ys[0] - dy / 2, spec.xs[-1] - spec.xs[0] + dx,
               spec.ys[-1] - spec.ys[0] + dy)
    return tuple(round(v, 9) for v in (r.left(), r.top(), r.width(), r.height()))


def _assert_covers(boundary, info) -> None:
    """The grid spans every training and validation point, with a margin."""
    spec = info.view_spec
    X = np.concatenate([info.train_X, info.val_X])
    assert spec.xs[0] < X[:, 0].min() and spec.xs[-1] > X[:, 0].max()
    assert spec.ys[0] < X[:, 1].min() and spec.ys[-1] > X[:, 1].max()
    assert boundary.plot.getViewBox().state["aspectLocked"]
