"""Views show the current session only (issue 11, item 6): loading a preset, a file or
new data resets the plot ranges; pins name what differs from the current run and
are hidden when they were made on other data.

The scenario of the issue: a CSV whose values lie between 150 and 200 (a
regression: losses of ~10^4), then the circle data (losses below 1)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.app import files
from tests.playground.helpers import fresh_snapshot, train_to, wait_saved

VANISHING = files.PRESETS_DIR / "01_vanishing_gradients.json"  # circle data


@pytest.fixture
def big_csv(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(150, 200, size=(200, 2))
    y = 150 + (x[:, 0] - 150) * 0.6 + (x[:, 1] - 150) * 0.4
    path = tmp_path / "big.csv"
    rows = "\n".join(f"{a:.3f},{b:.3f},{c:.3f}" for (a, b), c in zip(x, y, strict=True))
    path.write_text("x1,x2,y\n" + rows + "\n")
    return path


def open_csv(qtbot, window, path) -> None:
    run = window.session.run_id
    window.panels["data"].open_csv(path)
    qtbot.waitUntil(lambda: window.session.run_id != run
                    and window.session.config.data.name == "csv", timeout=10_000)


def legend_texts(legend) -> list[str]:
    return [label.text for _, label in legend.items]


def visible_curves(plot):
    return [c for c in plot.listDataItems() if c.isVisible() and c.yData is not None
            and len(c.yData)]


def assert_range_follows(view_range, lo: float, hi: float) -> None:
    """The view shows [lo, hi] (the data's bounds) and not much else: at most twice
    the data's span, plus a decade."""
    v0, v1 = view_range
    assert v0 <= lo and hi <= v1, (view_range, lo, hi)
    assert v1 - v0 <= 2 * (hi - lo) + 1.0, (view_range, lo, hi)


def assert_plots_follow_the_run(qtbot, window) -> None:
    snap = fresh_snapshot(qtbot, window)
    try:
        qtbot.waitUntil(lambda: window.session.step == snap.step, timeout=5_000)
    except Exception:  # say what was drawn and what the worker holds
        w = window.worker
        held = None if w._unsent is None else w._unsent.snapshot.step
        raise AssertionError(f"drawn step {window.session.step}, run at {snap.step}; the "
                             f"worker: frame pending {w._pending}, held back {held}") from None
    loss, grad = window.views.loss, window.views.grad
    logs = np.log10(snap.train_loss)
    val = snap.val_loss[np.isfinite(snap.val_loss)]
    lo, hi = min(logs.min(), np.log10(val).min()), max(logs.max(), np.log10(val).max())
    assert_range_follows(loss.plot.viewRange()[1], lo, hi)
    g = np.log10(snap.grad_norms[snap.grad_norms > 0])
    assert_range_follows(grad.lines.viewRange()[1], g.min(), g.max())
    assert loss.plot.viewRange()[0][1] <= 2.5 * snap.step  # steps of this run, not of the last


@pytest.mark.parametrize("how", ["preset", "file", "new data"])
def test_loading_a_preset_a_file_or_new_data_resets_the_plot_ranges(
        qtbot, window, big_csv, tmp_path, monkeypatch, how):
    if how == "file":  # a session of circle data, saved before the CSV run
        window.files.open_preset(VANISHING)
        train_to(qtbot, window, 40)
        saved = tmp_path / "circle.opg"
        assert window.files._save(saved, wait=True)
        wait_saved(qtbot, window, saved)
    open_csv(qtbot, window, big_csv)
    train_to(qtbot, window, 300)
    assert window.views.loss.plot.viewRange()[1][1] > 3  # losses of ~10^4
    assert window.views.loss.plot.viewRange()[0][1] >= 300
    if how == "preset":
        window.files.open_preset(VANISHING)
    elif how == "file":
        assert window.files.open_path(saved)
    else:
        panel, run = window.panels["data"], window.session.run_id
        panel.dataset.setCurrentIndex(panel.dataset.findData("circle"))
        qtbot.waitUntil(lambda: window.session.run_id != run, timeout=10_000)
    train_to(qtbot, window, window.session.step + 30)
    assert_plots_follow_the_run(qtbot, window)


def test_a_pin_made_on_other_data_is_hidden_and_leaves_the_range_alone(qtbot, window,
                                                                        big_csv):
    open_csv(qtbot, window, big_csv)
    train_to(qtbot, window, 200)
    window.controls.pin.trigger()
    loss = window.views.loss
    assert len(legend_texts(loss.legend)) == 3  # train, validation, the pin
    window.files.open_preset(VANISHING)
    train_to(qtbot, window, 30)
    assert legend_texts(loss.legend) == ["train", "validation"]
    assert all(np.nanmax(c.yData) < 100 for c in visible_curves(loss.plot))
    assert_plots_follow_the_run(qtbot, window)
    # Back on that data, the pin shows again.
    open_csv(qtbot, window, big_csv)
    assert len(legend_texts(loss.legend)) == 3


def test_pins_name_what_differs_from_the_current_run(qtbot, window):
    train_to(qtbot, window, 40)
    window.controls.pin.trigger()
    loss = window.views.loss
    assert legend_texts(loss.legend)[-1] == "#1 same settings @40"
    opt = window.panels["optimizer"]
    opt.hyper["lr"].spin.setValue(0.05)  # the current run changes: the pin had 0.01
    qtbot.waitUntil(lambda: window.session.config.optimizer.resolved()["lr"] == 0.05,
                    timeout=5_000)
    assert legend_texts(loss.legend)[-1] == "#1 lr 0.01 @40"
    opt.name.setCurrentIndex(opt.name.findData("sgd"))
    qtbot.waitUntil(lambda: window.session.config.optimizer.name == "sgd", timeout=5_000)
    lr = window.session.config.optimizer.resolved()["lr"]
    label = legend_texts(loss.legend)[-1]
    assert label.startswith("#1 adam") and ("lr 0.01" in label) == (lr != 0.01)
    assert "beta" not in label  # another optimizer: its own hyper-parameters go unnamed
    window.panels["network"].batch_norm.setChecked(True)  # a fresh run, same data
    qtbot.waitUntil(lambda: window.session.config.network.batch_norm, timeout=5_000)
    label = legend_texts(loss.legend)[-1]
    assert label.startswith("#1 ") and "BN off" in label and "adam" in label


def test_pin_labels_name_init_hidden_layers_and_data_preprocessing():
    from core.train.config import SessionConfig
    from playground.session import pins

    base = SessionConfig()
    other = base.model_copy(update={"network": base.network.model_copy(
        update={"initializer": "he_normal", "hidden": [16, 16, 16]})})
    pin = pins.Pin(3, base, 120)
    assert pins.label(pin, other) == "#3 hidden 8\u00d78, init xavier_uniform @120"
    circle = base.model_copy(update={"data": base.data.model_copy(update={"name": "circle"})})
    assert pins.label(pin, circle) is None  # other data: hidden
