"""The geometry under the SVG export: Qt's path data read back, lines cut to a
rectangle, transforms parsed."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from playground.plots import svg_geometry as geo

BOX = QRectF(0, 0, 10, 10)


def test_a_line_through_the_box_is_cut_at_both_edges():
    runs = geo.clip_polyline(np.array([[-5.0, 5.0], [15.0, 5.0]]), BOX)
    assert len(runs) == 1
    np.testing.assert_allclose(runs[0], [[0, 5], [10, 5]])


def test_a_polyline_leaving_and_coming_back_becomes_two_runs():
    pts = np.array([[1.0, 1.0], [5.0, 1.0], [5.0, 20.0], [8.0, 20.0], [8.0, 2.0], [9.0, 2.0]])
    runs = geo.clip_polyline(pts, BOX)
    assert len(runs) == 2
    np.testing.assert_allclose(runs[0], [[1, 1], [5, 1], [5, 10]])
    np.testing.assert_allclose(runs[1], [[8, 10], [8, 2], [9, 2]])


def test_inside_lines_are_kept_whole_and_outside_ones_dropped():
    inside = np.array([[1.0, 1.0], [2.0, 3.0], [4.0, 9.0]])
    np.testing.assert_allclose(geo.clip_polyline(inside, BOX)[0], inside)
    assert geo.clip_polyline(np.array([[11.0, 1.0], [20.0, 9.0]]), BOX) == []
    # A segment along an edge, just outside, is dropped too (p = 0, q < 0).
    assert geo.clip_polyline(np.array([[-1.0, 0.0], [-1.0, 10.0]]), BOX) == []


def test_gaps_in_the_data_split_the_line():
    pts = np.array([[1.0, 1.0], [2.0, 2.0], [np.nan, np.nan], [3.0, 3.0], [np.inf, 4.0],
                    [4.0, 4.0], [5.0, 5.0]])
    runs = geo.clip_polyline(pts, BOX)
    assert [r.tolist() for r in runs] == [[[1, 1], [2, 2]], [[3, 3]], [[4, 4], [5, 5]]]


def test_path_data_reads_what_qt_writes_and_writes_it_back():
    d = "M36,1 L500,1 L500,330 L36,330 L36,1 Z M0,0 C1,2 3,4 5,6"
    path = geo.parse_path(d)
    assert path.boundingRect() == QRectF(0, 0, 500, 330)
    again = geo.path_data(path)
    assert again.startswith("M36,1 L500,1 L500,330 L36,330 L36,1")
    assert "C1,2 3,4 5,6" in again


@pytest.mark.parametrize(("text", "expected"), [
    ("matrix(2,0,0,-3,10,20)", (2.0, 0.0, 0.0, -3.0, 10.0, 20.0)),
    ("matrix(77.1667,0,0,-49.0249,-118.333,165.019)",
     (77.1667, 0.0, 0.0, -49.0249, -118.333, 165.019)),
    ("matrix(1e-3, 0, 0, 1, 0, 0)", (1e-3, 0.0, 0.0, 1.0, 0.0, 0.0))])
def test_matrices_parse_in_svg_order(text, expected):
    t = geo.parse_matrix(text)
    assert (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy()) == pytest.approx(expected)
    pts = geo.transform_points(t, np.array([[1.0, 1.0]]))
    a, b, c, d, e, f = expected
    np.testing.assert_allclose(pts, [[a + c + e, b + d + f]])


def test_other_transforms_are_not_guessed():
    assert geo.parse_matrix("translate(3,4)") is None
    assert geo.parse_matrix(None) is None
