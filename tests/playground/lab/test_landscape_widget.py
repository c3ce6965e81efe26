"""The network-landscape view (issue 5, item 4): computes in a background thread
with progress and Cancel, draws the slice with the path ending at the origin, and
says so clearly when there is no run."""

from __future__ import annotations

import os
import sys
import threading
import time
import types
from dataclasses import dataclass

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from playground.lab import LandscapeWidget  # noqa: E402


@dataclass(frozen=True)
class FakeSlice:
    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    center_loss: float
    path: np.ndarray
    mode: str


class FakeLandscape:
    """Stands in for core.lab.landscape: a bowl, a straight path into the origin."""

    def __init__(self, *, delay: float = 0.0, fail: str | None = None,
                 forever: bool = False) -> None:
        self.delay = delay
        self.fail = fail
        self.forever = forever
        self.calls: list[dict] = []
        self.threads: list[str] = []
        self.progress_seen: list[tuple[int, int]] = []

    def module(self) -> types.ModuleType:
        mod = types.ModuleType("core.lab.landscape")
        mod.compute_slice = self.compute_slice
        mod.LandscapeSlice = FakeSlice
        return mod

    def compute_slice(self, trainer, *, mode="random", resolution=41, span=1.0, seed=0,
                      progress=None, should_stop=None):
        self.calls.append(dict(trainer=trainer, mode=mode, resolution=resolution, span=span,
                               seed=seed))
        self.threads.append(threading.current_thread().name)
        if self.fail:
            raise ValueError(self.fail)
        n = resolution
        a = np.linspace(-span, span, n)
        losses = np.empty((n, n))
        t_end = time.monotonic() + 30.0
        for j in range(n):
            while self.forever and time.monotonic() < t_end:
                if should_stop():
                    return None
                time.sleep(0.005)
            if should_stop():
                return None
            losses[j] = 0.1 + a ** 2 + 3 * a[j] ** 2
            time.sleep(self.delay)
            progress((j + 1) * n, n * n)
            self.progress_seen.append(((j + 1) * n, n * n))
        path = np.column_stack([np.linspace(0.8, 0.0, 6), np.linspace(-0.5, 0.0, 6)])
        return FakeSlice(a, a.copy(), losses, 0.1, path, mode)


@pytest.fixture
def widget(qtbot):
    w = LandscapeWidget()
    qtbot.addWidget(w)
    w.resize(900, 650)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.shutdown()
    assert not w.is_computing()


@pytest.fixture
def fake(monkeypatch):
    f = FakeLandscape()
    monkeypatch.setitem(sys.modules, "core.lab.landscape", f.module())
    return f


def test_without_a_run_it_says_so(widget, qtbot):
    with qtbot.waitSignal(widget.finished, timeout=1000) as sig:
        qtbot.mouseClick(widget.compute_button, Qt.MouseButton.LeftButton)
    assert sig.args == ["unavailable"]
    assert not widget.is_computing()
    assert "No network" in widget.info.text()
    assert "No network" in widget.message.toPlainText() and widget.message.isVisible()
    widget.set_trainer_provider(lambda: None)
    assert widget.compute() is False
    assert "No network" in widget.info.text()
    assert widget.compute_button.isEnabled()


def test_a_provider_that_raises_is_reported(widget):
    def broken():
        raise RuntimeError("worker busy")

    widget.set_trainer_provider(broken)
    assert widget.compute() is False
    assert "worker busy" in widget.info.text()


def test_computes_in_the_background_and_draws_the_slice(widget, fake, qtbot):
    trainer = object()
    widget.set_trainer_provider(lambda: trainer)
    widget.mode_box.setCurrentIndex(widget.mode_box.findData("pca"))
    widget.resolution_box.setValue(15)
    widget.span_box.setValue(2.0)
    widget.seed_box.setValue(3)
    fake.delay = 0.01
    with qtbot.waitSignal(widget.finished, timeout=10_000) as sig:
        qtbot.mouseClick(widget.compute_button, Qt.MouseButton.LeftButton)
        assert widget.is_computing()
        assert not widget.compute_button.isEnabled() and widget.cancel_button.isEnabled()
    assert sig.args == ["done"]
    assert fake.calls == [dict(trainer=trainer, mode="pca", resolution=15, span=2.0, seed=3)]
    assert fake.threads[0] != threading.main_thread().name  # not on the GUI thread
    assert not widget.is_computing() and widget.compute_button.isEnabled()
    assert widget.progress.value() == widget.progress.maximum()
    # The grid as a log-coloured image with isolines...
    sl = widget.result
    assert sl is not None and sl.losses.shape == (15, 15)
    assert widget.layer.image.image.shape == (15, 15)
    assert len(widget.layer.lines.getData()[0]) > 0
    rect = widget.layer.image.mapRectToParent(widget.layer.image.boundingRect())
    assert rect.left() < -2.0 < 2.0 < rect.right()
    # ... and the projected path drawn on top, ending at the marked origin.
    x, y = widget.path_item.getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), sl.path)
    assert (x[-1], y[-1]) == (0.0, 0.0)
    origin = widget.origin_item.points()[0].pos()
    assert (origin.x(), origin.y()) == (0.0, 0.0)
    assert not widget.message.isVisible()
    assert "0.1" in widget.info.text() and "PC 1" in widget.plot.getAxis("bottom").labelText


def test_the_provider_is_asked_on_every_compute_and_not_before(widget, fake, qtbot):
    # The app hands over a fresh copy of the run each time: one call per Compute.
    handed = []

    def provider():
        handed.append(object())
        return handed[-1]

    widget.set_trainer_provider(provider)
    widget.resolution_box.setValue(5)
    assert handed == []
    for n in (1, 2):
        with qtbot.waitSignal(widget.finished, timeout=10_000) as sig:
            qtbot.mouseClick(widget.compute_button, Qt.MouseButton.LeftButton)
        assert sig.args == ["done"] and len(handed) == n
        assert fake.calls[-1]["trainer"] is handed[-1]


def test_progress_is_reported(widget, fake, qtbot):
    widget.set_trainer_provider(lambda: object())
    widget.resolution_box.setValue(21)
    fake.delay = 0.02
    seen = []
    widget.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(widget.finished, timeout=10_000):
        widget.compute()
    assert widget.progress.maximum() == 21 * 21
    assert len(set(seen)) >= 5 and max(seen) == 21 * 21


def test_cancel_stops_the_computation(widget, fake, qtbot):
    fake.forever = True
    widget.set_trainer_provider(lambda: object())
    assert widget.compute()
    qtbot.wait(50)
    assert widget.is_computing()
    t0 = time.monotonic()
    with qtbot.waitSignal(widget.finished, timeout=5000) as sig:
        qtbot.mouseClick(widget.cancel_button, Qt.MouseButton.LeftButton)
    assert sig.args == ["cancelled"]
    assert time.monotonic() - t0 < 2.0
    assert not widget.is_computing()
    assert widget.compute_button.isEnabled() and not widget.cancel_button.isEnabled()
    assert widget.info.text() == "Cancelled." and widget.result is None
    # And it can compute again afterwards.
    fake.forever = False
    with qtbot.waitSignal(widget.finished, timeout=10_000) as sig:
        widget.compute()
    assert sig.args == ["done"] and widget.result is not None


def test_shutdown_while_computing_returns_promptly(widget, fake):
    fake.forever = True
    widget.set_trainer_provider(lambda: object())
    assert widget.compute()
    t0 = time.monotonic()
    widget.shutdown()
    assert time.monotonic() - t0 < 2.0
    assert not widget.is_computing()


def test_a_failure_is_shown_not_raised(widget, fake, qtbot):
    fake.fail = "the weight trajectory holds fewer than two distinct points"
    widget.set_trainer_provider(lambda: object())
    with qtbot.waitSignal(widget.finished, timeout=5000) as sig:
        widget.compute()
    assert sig.args == ["failed"]
    assert "fewer than two distinct points" in widget.info.text()
    assert widget.compute_button.isEnabled()


def test_every_control_has_a_tooltip(widget):
    for w in (widget.mode_box, widget.resolution_box, widget.span_box, widget.seed_box,
              widget.compute_button, widget.cancel_button, widget.progress,
              widget.plot_widget):
        assert w.toolTip()


# ------------------------------------------------------------------ the real thing


def tiny_trainer():
    from core.train.config import parse_config
    from core.train.trainer import Trainer

    cfg = parse_config({"schema_version": 2,
                        "data": {"name": "circle", "n_samples": 120, "noise": 0.1},
                        "network": {"hidden": [4], "activation": "tanh"},
                        "optimizer": {"name": "adam", "hyper": {"lr": 0.02}},
                        "training": {"batch_size": 16, "eval_every": 5, "seed": 1}})
    t = Trainer(cfg)
    t.run(40)
    return t


@pytest.mark.parametrize("mode", ["random", "pca"])
def test_real_trainer_slice(widget, qtbot, mode):
    landscape = pytest.importorskip("core.lab.landscape")
    trainer = tiny_trainer()
    params = trainer.network.params.copy()
    widget.set_trainer_provider(lambda: trainer)
    widget.mode_box.setCurrentIndex(widget.mode_box.findData(mode))
    widget.resolution_box.setValue(9)
    widget.span_box.setValue(0.5)
    with qtbot.waitSignal(widget.finished, timeout=60_000) as sig:
        widget.compute()
    assert sig.args == ["done"], widget.info.text()
    sl = widget.result
    assert isinstance(sl, landscape.LandscapeSlice) and sl.mode == mode
    assert sl.losses.shape == (9, 9) and np.all(np.isfinite(sl.losses))
    # The middle of the grid is the current weights, and the path ends there.
    assert sl.alphas[4] == 0.0 and sl.betas[4] == 0.0
    assert sl.losses[4, 4] == pytest.approx(sl.center_loss)
    np.testing.assert_array_equal(sl.path[-1], [0.0, 0.0])
    x, y = widget.path_item.getData()
    assert (x[-1], y[-1]) == (0.0, 0.0) and len(x) == sl.path.shape[0] >= 2
    assert widget.layer.image.image.shape == (9, 9)
    np.testing.assert_array_equal(trainer.network.params, params)  # the run is untouched
