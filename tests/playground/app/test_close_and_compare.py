"""Closing during training."""

from __future__ import annotations

import time

from PySide6.QtCore import QSettings

from tests.playground.conftest import TEST_APP


def test_closing_the_window_during_training_ends_the_worker_within_a_second(qtbot, window):
    window.session.play()
    qtbot.waitUntil(lambda: window.session.step > 0 and window.session.playing,
                    timeout=10_000)
    t0 = time.perf_counter()
    window.close()  # unsaved run: the prompt is answered "discard" by the fixture
    while window.worker.is_alive() and time.perf_counter() - t0 < 1.0:
        time.sleep(0.01)
    assert not window.worker.is_alive()
    assert time.perf_counter() - t0 < 1.0
    # The layout was remembered for the next launch.
    from playground.app import settings

    assert settings.make_settings(TEST_APP).value("window/state") is not None
    assert isinstance(settings.make_settings(TEST_APP), QSettings)


# The Compare tab's own tests: tests/playground/compare/.
