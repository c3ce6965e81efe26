"""The Compare view on its own, fed a sweep run here: the learning-rate view's points,
the smoothing, the exports, the value choosers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest

from core.train.smoothing import ema
from core.train.sweep import catalog, curves, tables
from core.train.sweep.driver import SweepResults, run_sweep
from core.train.sweep.executors import SerialExecutor
from core.train.sweep.spec import Axis, make_spec
from playground.compare import drawing
from playground.compare.axis_editor import AxisEditor
from playground.compare.view import CompareView

ROOT = Path(__file__).resolve().parents[3]
BASE = {"title": "lr study", "data": {"name": "moons", "n_samples": 120, "noise": 0.2},
        "network": {"hidden": [6], "activation": "tanh"},
        "optimizer": {"name": "sgd", "hyper": {"lr": 0.1}},
        "training": {"batch_size": 16, "seed": 5, "eval_every": 5}}


@pytest.fixture(scope="module")
def sweep():
    spec = make_spec(BASE, [Axis("optimizer.name", ["sgd", "momentum", "adam"]),
                            Axis("optimizer.hyper.lr", [1e-3, 1e-2, 1e-1, 1e4])],
                     seeds=3, steps=40)
    return run_sweep(spec, SerialExecutor())


@pytest.fixture
def view(qtbot, sweep):
    from core.train.config import parse_config

    v = CompareView()
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    v.started(SweepResults(sweep.spec), parse_config(sweep.spec.base))
    for r in sweep.finished():
        v.run_done(r)
    v.finished(sweep)
    return v


def test_the_lr_view_points_are_the_summary_table(view, sweep):
    summary = tables.cell_summary(sweep)
    for stat in ("final", "best"):
        view.lr_view.stat.setCurrentIndex(view.lr_view.stat.findData(stat))
        lines = view.lr_view.point_data()
        assert len(lines) == 3  # one curve per optimizer
        for g, (x, y) in enumerate(lines):
            cells = [g * 4 + i for i in range(4)]
            assert x.tolist() == [1e-3, 1e-2, 1e-1, 1e4]
            assert y.tolist() == summary.column(f"train_loss_{stat}_mean")[cells].tolist()
    assert [label.text for _, label in view.lr_view.legend.items] == ["sgd", "momentum", "adam"]
    assert view.lr_view.plot.getAxis("bottom").logMode  # log x


def test_diverged_runs_are_marked_in_the_lr_view_not_dropped(view, sweep):
    summary = tables.cell_summary(sweep)
    diverged_cells = [i for i, n in enumerate(summary.column("n_diverged")) if n]
    assert diverged_cells, "lr 1e4 should diverge"
    crosses = [item for item in view.lr_view.items
               if getattr(item, "opts", {}).get("symbol") == "x"]
    xs = sorted(float(x) for item in crosses for x in item.xData)
    assert xs == sorted(summary.column("optimizer.hyper.lr")[i] for i in diverged_cells)
    for x, y in view.lr_view.point_data():
        assert x.size == 4 and np.isfinite(y).all()  # every cell keeps its point
    assert "diverged runs" in view.lr_view.note.text()


def test_the_curves_are_the_smoothed_mean_with_the_raw_mean_behind(view, sweep):
    view.smoothing.setValue(80)
    c = curves.cell_curves(sweep, "train_loss", "minmax")[5]
    items = view.cell_items[5]
    np.testing.assert_array_equal(items.mean.yData, ema(c.mean, 0.8))
    raw = [i for i in items.items if i is not items.mean and i not in items.band
           and getattr(i, "yData", None) is not None and i.opts.get("symbol") is None]
    assert any(np.array_equal(i.yData, c.mean) for i in raw)
    view.band_box.setCurrentIndex(view.band_box.findData("std"))
    c = curves.cell_curves(sweep, "train_loss", "std")[5]
    lo, hi = view.cell_items[5].band
    np.testing.assert_array_equal(hi.yData, ema(c.hi, 0.8))
    view.metric_box.setCurrentIndex(view.metric_box.findData("val_acc"))
    assert not view.plot.getAxis("left").logMode  # accuracy: linear
    xs = view.cell_items[0].mean.xData
    assert xs.tolist() == sweep.results[0].eval_steps.tolist()


def test_exports_png_svg_and_csv(view, sweep, tmp_path):
    png = view.export_figure(tmp_path / "cmp.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = view.export_figure(tmp_path / "cmp.svg")
    assert b"<svg" in svg.read_bytes()[:2000]
    written = view.export_csv(tmp_path / "cmp.csv")
    assert [p.name for p in written] == ["cmp.csv", "cmp_runs.csv", "cmp_cells.csv"]
    rows = list(csv.DictReader(written[2].open()))
    assert len(rows) == 12 and rows[0]["label"] == "sgd, lr 0.001"
    assert view.export_item() is view._figure.ci
    with pytest.raises(ValueError, match="a figure is a .png or .svg"):
        view.export_figure(tmp_path / "cmp.jpg")


def test_the_figure_puts_the_legend_below_the_plots(sweep, qtbot):
    from playground.compare import figure

    w = figure.build(sweep)
    qtbot.addWidget(w)
    plots = [i for i in w.ci.items if isinstance(i, pg.PlotItem)]
    legends = [i for i in w.ci.items if isinstance(i, pg.LegendItem)]
    assert len(plots) == 2 and len(legends) == 2
    for plot in plots:
        box = plot.getViewBox().sceneBoundingRect()
        for legend in legends:
            assert not box.intersects(legend.sceneBoundingRect())  # never over the data


def test_the_value_chooser_gives_checked_values_or_a_range(qtbot):
    e = AxisEditor()
    qtbot.addWidget(e)
    e.set_setting("lr")
    assert e.choice() == ("lr", [1e-3, 1e-2, 1e-1])  # the catalog's first ticks
    e.set_range(1e-4, 1.0, 5)
    assert e.choice() == ("lr", [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert "5 values, log scale" in e.hint.text()
    e.set_setting("batch_size")
    e.set_range(8, 64, 4)
    assert e.choice() == ("batch_size", [8, 16, 32, 64])
    e.set_setting("preprocessing")
    e.set_checked([[], [{"name": "zca_whitening"}]])
    assert e.choice() == ("preprocessing", [[], [{"name": "zca_whitening"}]])
    assert not e.range_row.isVisibleTo(e)
    optional = AxisEditor(optional=True)
    qtbot.addWidget(optional)
    assert optional.choice() is None


def test_every_catalog_setting_makes_a_valid_axis_for_the_default_session():
    from core.train.config import parse_config

    base = parse_config(BASE)
    for s in catalog.settings():
        values = list(s.checked)
        axis = catalog.axis(base, s.key, values)
        if s.path.startswith("optimizer.hyper.") and s.key != "lr":
            continue  # momentum, beta, rho belong to some optimizers only (named errors)
        make_spec(base, [axis], seeds=1, steps=5)
    with pytest.raises(ValueError, match="optimizer.hyper.beta1=0.0: .*'beta1'"):
        make_spec(base, [catalog.axis(base, "beta1", [0.0, 0.9])])
    lecture = catalog.axis(base, catalog.LECTURE_RATES, ["sgd", "adadelta"])
    assert lecture.path == "optimizer" and lecture.labels == ("sgd (lr 0.1)",
                                                               "adadelta (lr 1)")


def test_results_grey_when_the_config_changes_and_recover_when_it_comes_back(view, sweep):
    from core.train.config import parse_config

    view.show_config(parse_config({**BASE, "training": {**BASE["training"], "l2": 0.5}}))
    assert view.stale and view.banner.isVisibleTo(view)
    assert {items.color for items in view.cell_items.values()} == {drawing.GREY}
    assert all(c == drawing.GREY for c in _lr_colors(view))
    view.show_config(parse_config({**BASE, "title": "renamed"}))  # a title is no setting
    assert not view.stale and not view.banner.isVisibleTo(view)
    assert view.cell_items[1].color == drawing.cell_color(sweep.spec, 1)
    variant = {**BASE, "optimizer": {"name": "adam", "hyper": {"lr": 0.01}},
               "training": {**BASE["training"], "seed": 6}}
    view.show_config(parse_config(variant))  # one of the runs: not stale, named
    assert not view.stale and "variant \u201cadam, lr 0.01\u201d (seed 6)" in view.banner.text()


def _lr_colors(view):
    return [item.opts["pen"].color().name() for item in view.lr_view.items
            if isinstance(item, pg.PlotDataItem) and item.name()]


def test_every_lecture_comparison_fills_the_editors_with_a_valid_sweep(qtbot):
    from core.train.session import load_session
    from playground.compare.controls import SweepControls

    base = load_session(ROOT / "resources/presets/00_default_spiral.json").config
    c = SweepControls()
    qtbot.addWidget(c)
    titles = []
    for i in range(1, c.lecture.count()):
        titles.append(c.lecture.itemText(i))
        c.lecture.activated.emit(i)
        assert c.lecture.currentIndex() == 0  # a menu of fillings, not a mode
        choices = c.choices()
        assert 1 <= len(choices) <= 2 and all(values for _, values in choices)
        make_spec(base, [catalog.axis(base, k, v) for k, v in choices], seeds=1, steps=5)
    assert "Batch norm vs L2" in titles
    c.apply_comparison(catalog.lecture_comparisons()[4][1])  # optimizer x learning rate
    assert c.choices()[1] == ("lr", [1e-4, 3.16227766017e-4, 1e-3, 3.16227766017e-3, 1e-2,
                                     3.16227766017e-2, 0.1, 0.316227766017, 1.0])


def test_the_file_menus_export_draws_the_figure(view, tmp_path):
    from playground.plots import export

    path = export.export_plot(view.export_item(), tmp_path / "menu.png")
    assert path.read_bytes()[:4] == b"\x89PNG"
