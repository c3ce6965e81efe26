"""The training worker without a main window: its commands, the hand-over of copies,
and its pacing, on a real small Trainer."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from core.train.config import SessionConfig
from core.train.trainer import Trainer
from playground.session.handover import Pending, RunState
from playground.session.worker import Frame, TrainingWorker

CONFIG = SessionConfig()  # spiral, 400 points, a small tanh network, Adam


class Probe(QObject):
    """Receives the worker's frames in the GUI thread, as the window does, and says at
    once that each is drawn (a GUI that draws instantly)."""

    def __init__(self, worker: TrainingWorker) -> None:
        super().__init__()
        self.worker = worker
        self.frames: list[tuple[float, Frame]] = []
        self.failures: list[str] = []
        worker.frame_ready.connect(self.on_frame)
        worker.failed.connect(self.on_failed)

    @Slot(object)
    def on_frame(self, frame: Frame) -> None:
        self.frames.append((time.perf_counter(), frame))
        self.worker.ack()

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.failures.append(message)

    @property
    def last(self) -> Frame:
        return self.frames[-1][1]


def start(qtbot, max_fps: float = 30.0) -> tuple[TrainingWorker, Probe]:
    worker = TrainingWorker(max_fps=max_fps)
    probe = Probe(worker)
    worker.start()
    worker.set_trainer(Trainer(CONFIG), 1, None)
    qtbot.waitUntil(lambda: bool(probe.frames), timeout=10_000)
    return worker, probe


@pytest.fixture
def running(qtbot):
    worker, probe = start(qtbot)
    yield worker, probe
    assert worker.stop(2.0)


def ask(qtbot, request) -> object:
    """The value a request_* hands over (delivered in this, the GUI, thread)."""
    got = []
    request(got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def test_a_new_trainer_is_published_paused_at_step_0(running):
    _, probe = running
    f = probe.last
    assert (f.run_id, f.snapshot.step, f.playing, f.view) == (1, 0, False, None)


def test_step_trains_exactly_n_steps_and_stays_paused(qtbot, running):
    worker, probe = running
    worker.step(3)
    qtbot.waitUntil(lambda: probe.last.snapshot.step == 3, timeout=10_000)
    qtbot.wait(300)
    assert probe.last.snapshot.step == 3 and not probe.last.playing
    assert ask(qtbot, worker.request_state).step == 3


def test_play_until_pauses_at_the_limit(qtbot, running):
    worker, probe = running
    worker.play(until_step=150)
    qtbot.waitUntil(lambda: probe.last.snapshot.step == 150 and not probe.last.playing,
                    timeout=20_000)
    assert probe.last.limit_reached
    assert any(f.playing for _, f in probe.frames)


def test_the_last_frame_arrives_even_if_an_acknowledgement_is_lost(qtbot):
    """A GUI that never says a frame is drawn still gets the paused run's last step,
    within about ACK_LOST_SECONDS, and never a frame before that is acknowledged."""
    from playground.session.worker import ACK_LOST_SECONDS

    worker = TrainingWorker()
    frames: list[tuple[float, Frame]] = []
    worker.frame_ready.connect(lambda f: frames.append((time.perf_counter(), f)))  # no ack
    worker.start()
    try:
        worker.set_trainer(Trainer(CONFIG), 1, None)
        qtbot.waitUntil(lambda: bool(frames), timeout=10_000)
        worker.step(5)  # trains at once; its frame waits for the lost acknowledgement
        qtbot.waitUntil(lambda: frames[-1][1].snapshot.step == 5, timeout=5_000)
        (t0, first), (t1, last) = frames[0], frames[-1]
        assert len(frames) == 2 and first.snapshot.step == 0 and not last.playing
        assert t1 - t0 >= 0.9 * ACK_LOST_SECONDS  # it did wait for the acknowledgement
    finally:
        assert worker.stop(2.0)


def test_frames_come_at_most_max_fps(qtbot):
    fps = 8.0  # below 10 a frame would come every 0.1 s if the cap ignored max_fps
    worker, probe = start(qtbot, max_fps=fps)
    try:
        worker.play()
        qtbot.waitUntil(lambda: probe.last.playing, timeout=10_000)
        qtbot.wait(300)  # the first chunks size themselves
        t0 = time.perf_counter()
        qtbot.wait(1500)
        t1 = time.perf_counter()
        times = [t for t, f in probe.frames if t0 <= t <= t1 and f.playing]
        assert 3 <= len(times) <= fps * (t1 - t0) + 1
        gaps = np.diff(times)
        assert gaps.min() >= 0.8 / fps  # allowing for the timer resolution
    finally:
        assert worker.stop(2.0)


def test_pause_acts_within_a_fraction_of_a_second(qtbot, running):
    worker, probe = running
    worker.play()
    qtbot.waitUntil(lambda: probe.last.playing and probe.last.snapshot.step > 0,
                    timeout=10_000)
    t0 = time.perf_counter()
    worker.pause()
    qtbot.waitUntil(lambda: not probe.last.playing, timeout=5_000)
    assert time.perf_counter() - t0 < 0.5
    paused_at = ask(qtbot, worker.request_state).step
    qtbot.wait(300)
    assert ask(qtbot, worker.request_state).step == paused_at == probe.last.snapshot.step


def test_set_hyper_tunes_the_running_optimizer_and_keeps_its_state(qtbot, running):
    worker, _ = running
    worker.step(5)
    before = ask(qtbot, worker.request_state)
    worker.set_hyper(lr=0.05)
    after = ask(qtbot, worker.request_state)
    assert before.meta["optimizer"]["lr"] != 0.05 and after.meta["optimizer"]["lr"] == 0.05
    assert after.step == before.step == 5
    assert after.meta["optimizer"]["step"] == before.meta["optimizer"]["step"] == 5
    np.testing.assert_array_equal(after.arrays["opt.m"], before.arrays["opt.m"])
    np.testing.assert_array_equal(after.arrays["params"], before.arrays["params"])


def test_set_optimizer_goes_on_with_the_same_weights(qtbot, running):
    worker, probe = running
    worker.step(5)
    before = ask(qtbot, worker.request_state)
    worker.set_optimizer("rmsprop", {"lr": 0.01})
    after = ask(qtbot, worker.request_state)
    opt = after.meta["optimizer"]
    assert (opt["name"], opt["lr"], opt["step"]) == ("rmsprop", 0.01, 0)  # fresh state
    assert after.step == 5
    np.testing.assert_array_equal(after.arrays["params"], before.arrays["params"])
    worker.step(2)
    qtbot.waitUntil(lambda: probe.last.snapshot.step == 7, timeout=10_000)
    assert ask(qtbot, worker.request_state).meta["optimizer"]["name"] == "rmsprop"
    assert not probe.failures


def test_the_state_handed_over_is_an_exact_independent_copy(qtbot, running):
    worker, probe = running
    worker.step(20)
    state = ask(qtbot, worker.request_state)
    assert isinstance(state, RunState) and (state.run_id, state.step) == (1, 20)
    params = state.arrays["params"].copy()
    assert not state.arrays["params"].flags.writeable
    worker.step(10)
    later = ask(qtbot, worker.request_state)
    np.testing.assert_array_equal(state.arrays["params"], params)  # training went on
    copy = state.trainer(CONFIG)
    copy.run(10)  # ... and a trainer built from the copy goes on bit for bit
    assert copy.step == later.step == 30
    np.testing.assert_array_equal(copy.network.params, later.arrays["params"])
    snap = ask(qtbot, worker.request_snapshot)
    assert snap.step == 30
    np.testing.assert_array_equal(snap.train_loss, copy.snapshot().train_loss)


def test_requests_without_a_run_hand_over_none(qtbot):
    worker = TrainingWorker()
    worker.start()
    try:
        assert ask(qtbot, worker.request_state) is None
        assert ask(qtbot, worker.request_snapshot) is None
    finally:
        assert worker.stop(2.0)
    with pytest.raises(RuntimeError, match="not running"):
        worker.request_state(lambda _: None)


def test_a_failing_command_is_reported_and_the_worker_goes_on(qtbot, running):
    worker, probe = running
    worker.set_optimizer("no-such-optimizer", {})
    qtbot.waitUntil(lambda: bool(probe.failures), timeout=5_000)
    assert "optimizer" in probe.failures[0]
    assert worker.is_alive()
    assert ask(qtbot, worker.request_state).meta["optimizer"]["name"] == "adam"


def test_a_pending_action_fails_after_its_timeout_and_ignores_a_late_answer(qtbot):
    pending = Pending("a test", timeout=0.05)
    results = []
    pending.finished.connect(lambda ok, error: results.append((ok, error)))
    assert not pending.wait()
    assert "did not hand over" in pending.error and len(results) == 1
    pending.succeed("late")
    assert not pending.ok and pending.result is None and len(results) == 1
    done = Pending("another")
    done.succeed(42)
    assert done.wait() and done.result == 42
