"""The data panel's preprocessing preview tells the truth: equal axes, whole titles,
sane tick labels, the principal components of wide data, an enlargeable picture,
and the whitening epsilon that is actually in use."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from core.data import preprocessing
from core.train.config import config_to_dict
from playground.app import files
from playground.panels import preprocess_preview as pp
from tests.playground.helpers import train_to, wait_saved

ZCA_PRESET = files.PRESETS_DIR / "05_preprocessing_zca_whitening.json"


def _open_preset(qtbot, window, path):
    window.files.open_preset(path)
    qtbot.waitUntil(lambda: window.panels["data"].preview.info is not None
                    and window.panels["data"].preview.info.run_id == window.session.run_id,
                    timeout=10_000)
    window.show_panel("data")
    qtbot.wait(50)


def _edit_data(qtbot, window, change):
    """Change the data section as the panel would, and wait for the new run."""
    panel = window.panels["data"]
    run = window.session.run_id
    data = config_to_dict(window.session.document.config)["data"]
    change(data)
    panel.edited.emit("data", data)
    qtbot.waitUntil(lambda: window.session.run_id > run
                    and panel.preview.info.run_id == window.session.run_id, timeout=10_000)
    window.show_panel("data")
    qtbot.wait(50)


def _pixel_extent(plot: pp.PreviewPlot) -> tuple[float, float]:
    """Width and height on screen (pixels) of the drawn covariance ellipse."""
    x, y = plot.ellipse.getData()
    vb = plot.plot.getViewBox()
    pts = [vb.mapViewToScene(pg_point) for pg_point in _points(x, y)]
    xs, ys = [p.x() for p in pts], [p.y() for p in pts]
    return max(xs) - min(xs), max(ys) - min(ys)


def _points(x, y):
    return [QPointF(float(a), float(b)) for a, b in zip(x, y, strict=True)]


def test_whitened_data_looks_round_on_equal_axes(qtbot, window):
    _open_preset(qtbot, window, ZCA_PRESET)
    preview = window.panels["data"].preview
    for plot in (preview.raw, preview.after):
        assert plot.plot.getViewBox().state["aspectLocked"] == 1.0
    w, h = _pixel_extent(preview.after)
    assert w == pytest.approx(h, rel=0.05)  # Cov = I: a circle, on screen too
    w, h = _pixel_extent(preview.raw)
    assert min(w, h) / max(w, h) < 0.8  # the correlated cloud stays an ellipse


def test_titles_are_whole_and_the_plots_readable(qtbot, window):
    _open_preset(qtbot, window, ZCA_PRESET)
    preview = window.panels["data"].preview
    title = preview.after.title
    assert title.text() == "after: zca whitening"
    assert title.wordWrap() and title.heightForWidth(title.width()) <= title.height()
    assert title.width() <= preview.after.width()
    for plot in (preview.raw, preview.after):
        assert plot.widget.height() >= pp.SMALL_HEIGHT


def test_a_click_opens_a_larger_picture_that_follows_the_run(qtbot, window):
    _open_preset(qtbot, window, ZCA_PRESET)
    preview = window.panels["data"].preview
    preview.raw.clicked.emit()
    dialog = preview.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitExposed(dialog)
    big = dialog.preview
    assert big.after.widget.width() > 1.5 * preview.after.widget.width()
    assert big.after.widget.height() > 2 * pp.SMALL_HEIGHT
    assert big.after.title.text() == preview.after.title.text()
    _edit_data(qtbot, window, lambda d: d.update(preprocessing=[{"name": "standardize"}]))
    assert big.after.title.text() == "after: standardize"
    dialog.close()


def _labels(preview) -> list[str]:
    return [p.plot.getAxis(side).labelString() for p in (preview.raw, preview.after)
            for side in ("left", "bottom")]


def test_tick_labels_are_never_rescaled_also_after_reopening(qtbot, window, tmp_path):
    # The spiral lies within +-1: pyqtgraph would label its axis "x2 (x0.001)".
    preview = window.panels["data"].preview
    window.show_panel("data")
    qtbot.wait(50)
    assert all("(x" not in s for s in _labels(preview)), _labels(preview)
    train_to(qtbot, window, 20)
    path = tmp_path / "spiral.opg"
    window.session.save(path)
    wait_saved(qtbot, window, path)
    window.files.new()
    assert window.files.open_path(path)
    qtbot.waitUntil(lambda: preview.info.run_id == window.session.run_id, timeout=10_000)
    qtbot.wait(100)
    for plot in (preview.raw, preview.after):
        for side in ("left", "bottom"):
            axis = plot.plot.getAxis(side)
            assert axis.autoSIPrefixScale == 1.0
    assert all("(x" not in s for s in _labels(preview)), _labels(preview)


def test_wide_data_is_shown_on_its_principal_components(qtbot, window):
    _edit_data(qtbot, window, lambda d: d.update(name="digits", preprocessing=[]))
    preview = window.panels["data"].preview
    info = preview.info
    assert info.train_X.shape[1] == 64
    x, y = preview.raw.scatter.getData()
    assert np.std(x) > 0 and np.std(y) > 0  # not a constant pixel column
    assert preview.raw.plot.getAxis("bottom").labelText.startswith("PC1 (")
    assert preview.raw.plot.getAxis("left").labelText.startswith("PC2 (")
    proj = pp.project(info.train_X, info.feature_names)
    C = np.cov(proj.points.T)
    assert abs(C[0, 1]) < 1e-6 * C[0, 0]  # principal components: uncorrelated
    assert C[0, 0] >= C[1, 1]
    # No other pair of directions carries more variance than the first two PCs.
    total = np.trace(np.cov(info.train_X.T))
    share = (C[0, 0] + C[1, 1]) / total
    assert f"{C[0, 0] / total:.0%}" in proj.names[0] and share < 1


def test_two_features_are_shown_as_they_are():
    X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 7.0]])
    proj = pp.project(X, ("a", "b"))
    assert proj.names == ("a", "b")
    np.testing.assert_array_equal(proj.points, X)


def test_the_eps_box_shows_the_eps_in_use(qtbot, window):
    panel = window.panels["data"]
    _open_preset(qtbot, window, ZCA_PRESET)
    assert window.session.document.config.data.preprocessing[0].eps == 1e-6
    assert panel.steps.currentRow() == -1  # nothing selected, still the step's value
    assert panel.eps.isEnabled() and panel.eps.value() == 1e-6
    # A whitening step without its own epsilon: the core's default for that step.
    panel._remove_step()
    panel._add_step("standardize")
    assert not panel.eps.isEnabled() and not panel.eps.isVisibleTo(panel)  # none in use
    panel._add_step("pca_whitening")
    panel.steps.setCurrentRow(0)  # the standardize step selected: still the whitening's
    qtbot.waitUntil(lambda: [s.name for s in window.session.document.config.data.preprocessing]
                    == ["standardize", "pca_whitening"], timeout=10_000)
    assert window.session.document.config.data.preprocessing[1].eps is None
    expected = preprocessing.create("pca_whitening").eps
    assert panel.eps.isEnabled() and panel.eps.isVisibleTo(panel)
    assert panel.eps.value() == expected
    assert panel.eps.text() == f"{expected:.6g}"


def test_editing_the_eps_box_sets_that_steps_eps(qtbot, window):
    panel = window.panels["data"]
    _open_preset(qtbot, window, ZCA_PRESET)
    run = window.session.run_id
    panel.eps.setValue(1e-4)
    qtbot.waitUntil(lambda: window.session.run_id > run, timeout=10_000)
    assert window.session.document.config.data.preprocessing[0].eps == 1e-4
    assert "\u03b5 = 0.0001" in panel.steps.item(0).text()
