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
