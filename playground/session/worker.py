"""The training worker: one background thread that owns the running Trainer.

The GUI hands a freshly built trainer over with ``set_trainer`` and never
touches it again; everything else (play, pause, step, live hyper-parameters,
another optimizer, a copy of the state for saving) is a command queued to the
thread and executed between chunks of training, in the order sent. No command
blocks the GUI: a copy it asks for (``request_state``, ``request_snapshot``)
comes back through ``handed_over`` and is delivered to the requester's
callback in the GUI thread. Chunks are sized to ~20 ms and the trainer checks
``should_stop`` between compiled calls of a few milliseconds, so every command
acts within a fraction of a second. The numba kernels release the GIL, so the GUI stays
responsive meanwhile.

Results flow back as immutable ``Frame``s (a Snapshot plus, for 2-D data, the
network's output on the boundary grid) through ``frame_ready``, at most
``max_fps`` per second and never more than one in flight: the worker pauses
until the GUI's ``ack()`` that the frame is drawn, then trains at least
TRAIN_PER_DRAW times as long as the drawing took before it publishes the next
one, so a slow GUI sees fewer frames rather than a growing backlog or a slower
training.

The pace (``set_pace``, see ``pace``) caps the steps per second; at a slow pace
every step is a frame of its own, its boundary grid computed for it.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from playground.session.frames import (
    ACK_LOST_SECONDS,
    DRAW_WAIT_SECONDS,
    MAX_FRAME_GAP_SECONDS,
    TRAIN_PER_DRAW,
    Frame,
)
from playground.session.handover import RunState
from playground.session.pace import Pace
from playground.session.run_info import View, ViewSpec, compute_view

CHUNK_SECONDS = 0.02  # target duration of one trainer.run call
MIN_CHUNK_SECONDS = 0.002  # ... when it is cut short to end when a frame is due
# trainer.run asks should_stop() between its compiled calls; each call is sized to
# about KERNEL_SECONDS (at least CHECK_EVERY steps): shorter calls cost ~10% more
# per step, longer ones would delay commands.
CHECK_EVERY = 8
KERNEL_SECONDS = 0.005
Reply = Callable[[object], None]


class TrainingWorker(QObject):
    frame_ready = Signal(object)  # Frame
    failed = Signal(str)  # a message for an error dialog
    # (request id, RunState | Snapshot | None, error message or ""); emitted in the
    # worker thread, delivered to the requester in the GUI thread by _deliver.
    handed_over = Signal(int, object, str)

    def __init__(self, parent: QObject | None = None, *, max_fps: float = 30.0,
                 view_interval: float = 0.25) -> None:
        super().__init__(parent)
        self._min_frame_gap = 1.0 / max_fps
        # Training time between the GUI's ack and the next frame; grows when frames
        # are slow to draw.
        self._frame_gap = self._min_frame_gap
        self._base_view_interval = view_interval
        self._view_interval = view_interval
        self._cond = threading.Condition()
        self._commands: deque[tuple] = deque()
        self._interrupt = False  # read lock-free by should_stop (a bool is atomic)
        self._stop = False
        self._pending = False  # a frame was emitted and not yet acknowledged
        self._pending_since = 0.0
        self._unsent: Frame | None = None
        # Owned by the worker thread:
        self._trainer = None
        self._run_id = 0
        self._spec: ViewSpec | None = None
        self._view: View | None = None
        self._view_time = 0.0
        self._frame_time = 0.0
        self._playing = False
        self._limit: int | None = None
        self._rate = 0.0
        self._speed = 0.0
        self._rate_mark: tuple[float, int] | None = None
        self._pace = Pace()
        # GUI side: the callbacks of the requests not yet answered, by request id.
        self._replies: dict[int, tuple[Reply, Reply | None]] = {}
        self._next_request = 0
        self.handed_over.connect(self._deliver)  # queued: this object lives in the GUI
        # A daemon thread: a wedged kernel can never keep the process alive at exit.
        self._thread = threading.Thread(target=self._loop, name="training-worker", daemon=True)

    # -- GUI side --------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _send(self, *command) -> None:
        with self._cond:
            self._commands.append(command)
            self._interrupt = True
            self._cond.notify()

    def set_trainer(self, trainer, run_id: int, spec: ViewSpec | None) -> None:
        """Hand ``trainer`` over (paused); the caller must not use it afterwards."""
        self._send("trainer", trainer, run_id, spec)

    def play(self, until_step: int | None = None) -> None:
        self._send("play", until_step)

    def pause(self) -> None:
        self._send("pause")

    def step(self, n: int = 1) -> None:
        self._send("step", n)

    def set_pace(self, steps_per_sec: float | None) -> None:
        """Train at most ``steps_per_sec`` steps per second (None: as fast as possible)."""
        self._send("pace", Pace.check(steps_per_sec))

    def set_hyper(self, **hyper: float) -> None:
        """New hyper-parameters for the running optimizer (its state is kept)."""
        self._send("hyper", hyper)

    def set_optimizer(self, name: str, hyper: dict[str, float]) -> None:
        """Go on with another optimizer: same weights, fresh optimizer state."""
        self._send("optimizer", name, dict(hyper))

    def request_state(self, on_ready: Reply, on_error: Reply | None = None) -> None:
        """``on_ready(RunState | None)`` (None: no run) in the GUI thread, with the state
        the run has once the commands sent before are done; ``on_error(message)`` if
        the copy failed (default: the ``failed`` signal)."""
        self._request("state", on_ready, on_error)

    def request_snapshot(self, on_ready: Reply, on_error: Reply | None = None) -> None:
        """As ``request_state``, with a fresh ``Snapshot`` of the run (or None)."""
        self._request("snapshot", on_ready, on_error)

    def _request(self, kind: str, on_ready: Reply, on_error: Reply | None) -> None:
        if not self.is_alive():
            raise RuntimeError("the training worker is not running")
        self._next_request += 1
        self._replies[self._next_request] = (on_ready, on_error)
        self._send(kind, self._next_request)

    @Slot(int, object, str)
    def _deliver(self, request: int, value: object, error: str) -> None:
        on_ready, on_error = self._replies.pop(request, (None, None))
        if on_ready is None:
            return
        if not error:
            on_ready(value)
        elif on_error is not None:
            on_error(error)
        else:
            self.failed.emit(error)

    def ack(self) -> None:
        """The GUI has drawn the last frame: the next one may be emitted."""
        with self._cond:
            if self._pending:
                # Train at least TRAIN_PER_DRAW times as long as the frame took to
                # draw before sending the next one, and keep to max_fps when
                # drawing is quick.
                now = time.perf_counter()
                drawn = now - self._pending_since
                self._frame_gap = min(max(self._min_frame_gap - drawn, TRAIN_PER_DRAW * drawn),
                                      max(MAX_FRAME_GAP_SECONDS, self._min_frame_gap))
                self._frame_time = now
            self._pending = False
            self._cond.notify()

    def stop(self, timeout: float = 1.0) -> bool:
        """End the thread; True if it ended within ``timeout`` seconds."""
        with self._cond:
            self._stop = True
            self._interrupt = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    # -- worker thread -----------------------------------------------------------------
    def _should_stop(self) -> bool:
        return self._interrupt

    def _busy(self) -> bool:
        t = self._trainer
        return self._playing and t is not None and not t.finished

    def _drawing(self) -> bool:
        """The GUI is drawing the last frame (give it the interpreter)."""
        return self._pending and time.perf_counter() - self._pending_since < DRAW_WAIT_SECONDS

    def _may_train(self) -> bool:
        return self._busy() and not self._drawing() and not self._pace.due_in(
            self._trainer.step)

    def _may_send(self) -> bool:
        """The GUI is free for the next frame: it acknowledged the last one, or the
        acknowledgement is overdue (ACK_LOST_SECONDS)."""
        return not self._pending or (
            time.perf_counter() - self._pending_since >= ACK_LOST_SECONDS)

    def _wait_seconds(self) -> float | None:
        """How long to wait for a command: until the next step is due, if playing, and
        no longer than an overdue acknowledgement, if a frame is waiting for one."""
        waits = []
        if self._busy():
            due = self._pace.due_in(self._trainer.step)
            waits.append(min(DRAW_WAIT_SECONDS, due or DRAW_WAIT_SECONDS))
        if self._unsent is not None and self._pending:
            overdue = self._pending_since + ACK_LOST_SECONDS - time.perf_counter()
            waits.append(max(overdue, 0.01))
        return min(waits) if waits else None

    def _loop(self) -> None:
        while True:
            with self._cond:
                while (not self._stop and not self._commands and not self._may_train()
                       and not (self._unsent is not None and self._may_send())):
                    self._cond.wait(self._wait_seconds())
                if self._stop:
                    return
                commands = list(self._commands)
                self._commands.clear()
                self._interrupt = False
                unsent = self._unsent if self._may_send() else None
                if unsent is not None:
                    self._unsent = None
                    self._pending = True
                    self._pending_since = time.perf_counter()
            if unsent is not None:
                self.frame_ready.emit(unsent)
            force = False
            for cmd in commands:
                try:
                    force |= self._execute(cmd)
                except Exception as err:  # noqa: BLE001 - any failure must reach the user
                    self._fail(cmd[0], err)
                    force = True
            if self._may_train():
                try:
                    force |= self._train_chunk()
                except Exception as err:  # noqa: BLE001
                    self._fail("train", err)
                    force = True
            if force or (self._busy() and not self._pending and
                         time.perf_counter() - self._frame_time >= self._frame_gap):
                try:
                    self._publish(force)
                except Exception as err:  # noqa: BLE001
                    self._playing = False
                    self.failed.emit(f"Drawing data could not be computed:\n{err}")

    def _fail(self, what: str, err: Exception) -> None:
        self._playing = False
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        self.failed.emit(f"The training run stopped ({what}):\n{detail}")

    def _execute(self, cmd: tuple) -> bool:
        """Run one command; True if a fresh frame should be published."""
        kind = cmd[0]
        if kind == "trainer":
            _, self._trainer, self._run_id, self._spec = cmd
            self._playing = False
            self._view = None
            self._rate, self._speed, self._rate_mark = 0.0, 0.0, None
            return True
        if kind in ("state", "snapshot"):
            self._hand_over(kind, cmd[1])
            return False
        if self._trainer is None:
            return False
        if kind == "pace":
            self._pace.set(cmd[1])
            self._rate_mark = None
            return False
        if kind == "play":
            self._limit = cmd[1]
            self._playing = not self._trainer.finished
            self._rate_mark = None
            self._pace.restart()
            return True
        if kind == "pause":
            self._playing = False
            return True
        if kind == "step":
            self._playing = False
            self._trainer.run(cmd[1])
            return True
        if kind == "hyper":
            self._trainer.set_optimizer_hyper(**cmd[1])
            return False
        if kind == "optimizer":
            self._trainer.set_optimizer(cmd[1], **cmd[2])
            return False
        raise ValueError(f"unknown worker command {kind!r}")

    def _hand_over(self, kind: str, request: int) -> None:
        """Answer a request with a copy that nothing in this thread will change."""
        t = self._trainer
        try:
            if t is None:
                value = None
            elif kind == "state":
                value = RunState.of(t, self._run_id)
            else:
                value = t.snapshot()
        except Exception as err:  # noqa: BLE001 - handed to the requester
            detail = "".join(traceback.format_exception_only(type(err), err)).strip()
            self.handed_over.emit(request, None, f"Copying the run failed:\n{detail}")
            return
        self.handed_over.emit(request, value, "")

    def _train_chunk(self) -> bool:
        slow = False
        t = self._trainer
        speed = self._speed  # steps per second of training time alone
        n = max(1, min(20_000, int(speed * CHUNK_SECONDS))) if speed else 16
        if speed and not self._pending:  # end the chunk when the next frame is due
            left = self._frame_time + self._frame_gap - time.perf_counter()
            n = min(n, max(1, int(speed * max(left, MIN_CHUNK_SECONDS))))
        if self._pace.rate is not None:
            n = min(n, self._pace.steps_due(t.step))
        if self._limit is not None:
            n = min(n, self._limit - t.step)
        if n > 0:
            t0 = time.perf_counter()
            per_call = max(CHECK_EVERY, min(4096, int(speed * KERNEL_SECONDS)))
            done = t.run(n, should_stop=self._should_stop, chunk=per_call)
            if done:
                # Size chunks by training time only: waits for the GUI must not
                # shrink the chunks (fewer steps per frame, more frames, more waits).
                self._speed = done / max(time.perf_counter() - t0, 1e-6)
            self._update_rate(t0, done)
            slow = bool(done) and self._pace.slow  # every step a frame, boundary included
        if t.finished:
            self._playing = False
            return True
        if self._limit is not None and t.step >= self._limit:
            self._playing = False
            return True
        return slow

    def _update_rate(self, t0: float, done: int) -> None:
        """The steps/s readout: wall-clock steps per second over half a second."""
        now = time.perf_counter()
        if self._rate_mark is None:
            self._rate_mark = (t0, self._trainer.step - done)
            return
        t_mark, s_mark = self._rate_mark
        if now - t_mark >= 0.5:  # average over half a second for a steady readout
            self._rate = (self._trainer.step - s_mark) / (now - t_mark)
            self._rate_mark = (now, self._trainer.step)

    def _publish(self, force: bool) -> None:
        t = self._trainer
        if t is None:
            return
        now = time.perf_counter()
        # The boundary grid costs a forward pass over thousands of points: refresh it
        # a few times a second, and for big networks no more than 10% of the time.
        if force or self._view is None or now - self._view_time >= self._view_interval:
            self._view = compute_view(t, self._spec)
            cost = time.perf_counter() - now
            self._view_interval = max(self._base_view_interval, 10.0 * cost)
            self._view_time = now
        playing = self._busy()
        frame = Frame(self._run_id, t.snapshot(), self._view,
                      self._rate if playing else 0.0, playing,
                      limit_reached=self._limit is not None and t.step >= self._limit)
        self._frame_time = now
        with self._cond:
            if self._pending:
                self._unsent = frame  # keep only the newest; sent after ack()
                return
            self._pending = True
            self._pending_since = time.perf_counter()  # drawing time starts now
        self.frame_ready.emit(frame)
