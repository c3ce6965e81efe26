"""The Compare tab in the real window: a comparison on worker processes, its bands,
the table, results tied to their config, opening a variant, cancelling."""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.train.sweep import tables
from playground.compare import drawing


def run_comparison(qtbot, window, first, values, *, second=None, seeds=2, steps=60,
                   timeout=60_000):
    view = window.views.compare
    window.compare_action.trigger()
    c = view.controls
    c.first.set_setting(first)
    c.first.set_checked(values)
    if second is not None:
        c.second.set_setting(second[0])
        c.second.set_checked(second[1])
    c.seeds.setValue(seeds)
    c.steps.setValue(steps)
    c.workers.setValue(2)
    c.run_button.click()
    qtbot.waitUntil(lambda: c.run_button.isEnabled() and view.results is not None
                    and not c.cancel_button.isEnabled(), timeout=timeout)
    return view


def test_two_values_two_seeds_give_two_bands_and_a_table(qtbot, window):
    view = run_comparison(qtbot, window, "optimizer", ["sgd", "adam"])
    assert window.tabs.currentWidget() is view
    r = view.results
    assert r.complete and len(r.results) == 4 and r.executor == "local processes, 2 workers"
    assert [cell.label for cell in r.spec.cells] == ["sgd", "adam"]
    assert r.spec.seeds == (0, 1)  # the session's seed and the next
    assert "Done: 4 of 4 runs" in view.controls.status.text()
    assert view.controls.progress.value() == 4
    assert set(view.cell_items) == {0, 1}
    for cell, items in view.cell_items.items():
        fills = [i for i in items.items if isinstance(i, pg.FillBetweenItem)]
        assert len(fills) == 1
        lo, hi = items.band
        assert np.all(lo.yData <= hi.yData + 1e-12)
        assert np.any(hi.yData - lo.yData > 1e-6)  # two seeds differ: a real band
        assert items.color == drawing.cell_color(r.spec, cell)
        assert items.mean.name() == r.spec.cells[cell].label
        assert len(items.mean.xData) == 60
    t = view.table
    assert t.rowCount() == 2
    assert [t.item(i, 0).text() for i in range(2)] == ["sgd", "adam"]
    assert [t.item(i, 1).text() for i in range(2)] == ["2", "2"]
    summary = tables.cell_summary(r)
    mean, std = summary.column("train_loss_final_mean")[1], summary.column(
        "train_loss_final_std")[1]
    assert t.item(1, 3).text() == f"{mean:.4g} \u00b1 {std:.2g}"
    assert not view.banner.isVisible()


def test_results_are_greyed_and_labelled_when_the_session_changes(qtbot, window):
    view = run_comparison(qtbot, window, "batch_norm", [False, True], seeds=2, steps=30)
    assert not view.stale
    window.session.on_panel_edit("optimizer", {"hyper": {"lr": 0.05}})
    assert view.stale and view.banner.isVisible()
    assert "earlier config" in view.banner.text()
    assert all(items.color == drawing.GREY for items in view.cell_items.values())
    assert view.table.item(0, 0).foreground().color().name() == drawing.GREY
    # A new session altogether: still the old results, still greyed and labelled.
    from playground.app import files

    window.files.open_preset(files.list_presets()[3].path)
    assert view.stale and "earlier config" in view.banner.text()
    view.clear()
    assert not view.banner.isVisible() and view.table.rowCount() == 0
    assert view.cell_items == {}


def test_double_clicking_a_variant_opens_it_as_the_session(qtbot, window):
    view = run_comparison(qtbot, window, "activation", ["relu", "sigmoid"], seeds=2, steps=30)
    base_title = window.session.config.title
    row = next(i for i in range(view.table.rowCount())
               if view.table.item(i, 0).text() == "sigmoid")
    view.table.cellDoubleClicked.emit(row, 0)
    cfg = window.session.config
    assert cfg.network.activations() == ["sigmoid"] * len(cfg.network.hidden)
    assert cfg.training.seed == view.results.spec.seeds[0]
    assert cfg.title == f"{base_title} \u2014 sigmoid"
    assert window.session.step == 0  # a fresh run of that variant
    assert not view.stale and "is now the variant \u201csigmoid\u201d" in view.banner.text()
    assert "Opened the variant sigmoid" in window.statusBar().currentMessage()


def test_an_impossible_comparison_is_refused_before_anything_runs(qtbot, window):
    window.session.on_panel_edit("training", {"batch_size": 1})
    view = window.views.compare
    c = view.controls
    c.first.set_setting("batch_norm")
    c.first.set_checked([False, True])
    c.run_button.click()
    assert "Cannot compare: axis network.batch_norm=on" in c.status.text()
    assert c.run_button.isEnabled() and view.results is None
    c.first.set_checked([])
    c.run_button.click()
    assert "Tick at least one value" in c.status.text()


def test_cancel_stops_a_long_comparison_and_the_window_stays_responsive(qtbot, window):
    view = window.views.compare
    c = view.controls
    c.first.set_setting("l2")
    c.first.set_checked([0.0, 1e-3])
    c.seeds.setValue(4)
    c.steps.setValue(2_000_000)
    c.workers.setValue(2)
    c.run_button.click()
    assert c.cancel_button.isEnabled() and not c.run_button.isEnabled()
    gaps, last = [], time.perf_counter()
    end = last + 2.0
    while time.perf_counter() < end:  # the GUI thread never waits on the runs
        qtbot.wait(20)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    assert max(gaps) < 0.5
    t0 = time.perf_counter()
    c.cancel_button.click()
    assert time.perf_counter() - t0 < 0.1
    qtbot.waitUntil(lambda: c.run_button.isEnabled(), timeout=20_000)
    assert view.results.interrupted and "Cancelled" in c.status.text()
    assert len(view.results.results) < 8


def test_the_second_axis_makes_a_grid_and_feeds_the_lr_view(qtbot, window):
    view = run_comparison(qtbot, window, "optimizer", ["sgd", "adam"],
                          second=("lr", [1e-3, 1e-1]), seeds=2, steps=30)
    assert len(view.results.spec.cells) == 4 and len(view.results.results) == 8
    view.tabs.setCurrentWidget(view.lr_view)
    labels = [label.text for _, label in view.lr_view.legend.items]
    assert labels == ["sgd", "adam"]
    assert view.table.item(3, 0).text() == "adam, lr 0.1"
    view.table.sortItems(3, Qt.SortOrder.AscendingOrder)  # by final loss
    finals = [view.table.item(i, 3).data(Qt.ItemDataRole.UserRole + 1) for i in range(4)]
    assert finals == sorted(finals)


def test_closing_the_window_during_a_comparison_ends_it_promptly(qtbot, window):
    view = window.views.compare
    c = view.controls
    c.first.set_setting("batch_norm")
    c.first.set_checked([False, True])
    c.steps.setValue(5_000_000)
    c.workers.setValue(2)
    c.run_button.click()
    runner = window.session.compare_runner
    qtbot.waitUntil(lambda: runner.running(), timeout=5_000)
    qtbot.wait(500)
    t0 = time.perf_counter()
    window.close()
    qtbot.waitUntil(lambda: not runner.running(), timeout=5_000)
    assert time.perf_counter() - t0 < 5.0
    assert runner._executor is None  # the worker processes were told to end
