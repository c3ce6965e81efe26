"""Small waits shared by the GUI tests (all with timeouts: a test never hangs)."""

from __future__ import annotations


def train_to(qtbot, window, step: int, timeout: int = 20_000) -> None:
    """Play until exactly ``step`` and wait until the run is paused and drawn there."""
    window.session.play(until=step)
    qtbot.waitUntil(lambda: window.session.step >= step and not window.session.playing,
                    timeout=timeout)


def curve_data(item):
    """The data a PlotDataItem was given (not its downsampled display copy)."""
    return item.xData, item.yData


def run_state(qtbot, window, timeout: int = 5_000):
    """The run's exact state (a RunState), handed over by the worker once the commands
    sent before are done; the GUI keeps running meanwhile."""
    got = []
    window.worker.request_state(got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[0]


def fresh_snapshot(qtbot, window, timeout: int = 5_000):
    """A snapshot of exactly the run's current state, handed over by the worker."""
    got = []
    window.session.request_snapshot(got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[0]


def wait_saved(qtbot, window, path, timeout: int = 20_000) -> None:
    """Saving finishes once the worker has handed the run over and the file is written."""
    qtbot.waitUntil(lambda: path.exists() and not window.session.document.dirty
                    and "Saving" not in window.statusBar().currentMessage(), timeout=timeout)
