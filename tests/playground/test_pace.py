"""The pace control (issue 11, item 3): steps per second from 1 to as fast as possible,
honoured by the real training worker on a real trainer; at a slow pace every step
is drawn (decision boundary included); pause still acts at once."""

from __future__ import annotations

import time

import pytest

from playground.app.controls import PACES
from tests.playground.helpers import fresh_snapshot
from tests.playground.session.test_worker import start


def measured_rate(qtbot, probe, seconds: float) -> float:
    """Steps per second over ``seconds`` of a playing run, from its frames."""
    qtbot.waitUntil(lambda: probe.last.playing and probe.last.snapshot.step > 0,
                    timeout=10_000)
    qtbot.wait(300)  # the pace's clock starts with the first steps
    s0, t0 = probe.last.snapshot.step, time.perf_counter()
    qtbot.wait(int(seconds * 1000))
    return (probe.last.snapshot.step - s0) / (time.perf_counter() - t0)


@pytest.mark.parametrize("pace", [5.0, 20.0])
def test_the_worker_trains_at_the_pace_it_is_given(qtbot, pace):
    worker, probe = start(qtbot)
    try:
        worker.set_pace(pace)
        worker.play()
        rate = measured_rate(qtbot, probe, 1.5)
        # Frames are counted, so the count is off by at most a step at either end.
        assert pace * 0.7 <= rate <= pace * 1.2 + 1.5, rate
        worker.set_pace(None)  # as fast as possible: far beyond any slow stop
        fast = measured_rate(qtbot, probe, 0.8)
        assert fast > 10 * pace, fast
    finally:
        assert worker.stop(2.0)


def test_at_a_slow_pace_every_step_is_a_frame_with_its_own_boundary(qtbot):
    from core.train.config import SessionConfig
    from core.train.trainer import Trainer
    from playground.session.run_info import describe_run

    worker, probe = start(qtbot)
    try:
        trainer = Trainer(SessionConfig())
        spec = describe_run(trainer, 2, SessionConfig()).view_spec
        assert spec is not None  # the spiral is 2-D: a boundary grid
        worker.set_trainer(trainer, 2, spec)
        worker.set_pace(10.0)
        worker.play()
        qtbot.waitUntil(lambda: probe.last.run_id == 2 and probe.last.snapshot.step >= 8,
                        timeout=10_000)
        worker.pause()
        frames = [f for _, f in probe.frames if f.run_id == 2 and f.playing]
        steps = [f.snapshot.step for f in frames]
        assert steps == list(range(steps[0], steps[0] + len(steps)))  # none skipped
        views = [f.view for f in frames]
        assert all(v is not None for v in views)
        assert len({id(v) for v in views}) == len(views)  # computed anew for each step
    finally:
        assert worker.stop(2.0)


def test_pause_acts_at_once_at_the_slowest_pace(qtbot):
    worker, probe = start(qtbot)
    try:
        worker.set_pace(1.0)
        worker.play()
        qtbot.waitUntil(lambda: probe.last.snapshot.step == 1, timeout=10_000)
        t0 = time.perf_counter()
        worker.pause()
        qtbot.waitUntil(lambda: not probe.last.playing, timeout=5_000)
        assert time.perf_counter() - t0 < 0.5
        qtbot.wait(1300)  # a second step would have been due by now
        assert probe.last.snapshot.step == 1
    finally:
        assert worker.stop(2.0)


def test_the_toolbar_pace_sets_the_steps_per_second_of_the_window_run(qtbot, window):
    c = window.controls
    assert c.pace is None and c.pace_box.isVisible()  # as fast as possible by default
    assert [c.pace_box.itemData(i) for i in range(c.pace_box.count())] == list(PACES)
    c.pace_box.setCurrentIndex(PACES.index(5))  # as the user picks it
    assert window.session.pace == 5
    window.session.play()
    qtbot.waitUntil(lambda: window.session.step >= 2, timeout=10_000)
    s0, t0 = fresh_snapshot(qtbot, window).step, time.perf_counter()
    qtbot.wait(1600)
    s1, t1 = fresh_snapshot(qtbot, window).step, time.perf_counter()
    rate = (s1 - s0) / (t1 - t0)
    assert 3.0 <= rate <= 7.5, rate
    # Every step is drawn: the plots show the step the run is at.
    qtbot.waitUntil(lambda: window.views.loss.train_curve.xData is not None
                    and window.views.loss.train_curve.xData[-1] == window.session.step,
                    timeout=2_000)
    c.move_pace(+1)  # "]": the next stop
    assert window.session.pace == 10
    window.session.pause()
    qtbot.waitUntil(lambda: not window.session.playing, timeout=2_000)
