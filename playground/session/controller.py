"""The session's behaviour: panels' edits -> document -> trainer -> worker -> frames.

Owns the SessionDocument (the config's one owner) and the TrainingWorker. Every
new run (reset, new seed, a structural change, an opened file) builds a Trainer
here, reads what the views need from it (RunInfo), and hands it to the worker;
frames coming back are passed on only if they belong to the current run.

The controller knows no view: it emits signals (a run installed, a frame, the
play state, status messages, refused edits) that the window connects to the
views, and asks the user through the ``Prompts`` it is given. It never waits
on the worker: saving, the metrics export and the loss landscape's copy of the
run ask the worker for a copy and finish when it arrives.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from core.train.config import SessionConfig
from core.train.session import LoadedSession, SessionError
from core.train.status import RunStatus
from core.train.trainer import Snapshot, Trainer
from playground.compare.runner import SweepRunner
from playground.session import pins
from playground.session.document import SessionDocument
from playground.session.edits import MAX_SEED, SECTION_LABELS, Edit, FieldError
from playground.session.handover import Pending, RunState
from playground.session.run_info import RunInfo, describe_run
from playground.session.worker import Frame, TrainingWorker


class Prompts(Protocol):
    """The questions the session asks the user (the app answers with dialogs)."""

    def error(self, title: str, text: str) -> None: ...

    def confirm_reset(self, what: str, step: int) -> bool: ...

    def confirm_data_outside(self, csv: str) -> bool: ...


class SessionController(QObject):
    run_installed = Signal(object)  # RunInfo of the new current run (paused)
    frame_ready = Signal(object)  # Frame of the current run
    snapshot_ready = Signal(object)  # ... its Snapshot, for the plots
    view_ready = Signal(object)  # a new View (network output on the boundary grid)
    frame_handled = Signal()  # every view has the frame (the paint gate arms)
    playing_changed = Signal(bool)
    message = Signal(str, int)  # status-bar text, milliseconds
    edit_rejected = Signal(str, object)  # section, list[FieldError]
    edit_accepted = Signal(str)  # section
    pins_changed = Signal(object)  # list[str | None]: each pin's label (None: hidden)

    def __init__(self, prompts: Prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prompts = prompts
        self.document = SessionDocument(parent=self)
        self.worker = TrainingWorker(self)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.failed.connect(self._on_failed)
        self.worker.start()
        self.compare_runner = SweepRunner(self)
        self.run_id = 0
        self.info: RunInfo | None = None
        self.frame: Frame | None = None
        self.playing = False
        self.pace: float | None = None  # steps per second; None: as fast as possible
        self.pins: list[pins.Pin] = []
        self.document.config_changed.connect(self._relabel_pins)
        self._view = None

    # -- runs ------------------------------------------------------------------------
    @property
    def config(self) -> SessionConfig:
        return self.document.config

    @property
    def snapshot(self) -> Snapshot | None:
        """The latest drawn snapshot of the current run (None before the first frame)."""
        f = self.frame
        return f.snapshot if f is not None and f.run_id == self.run_id else None

    @property
    def step(self) -> int:
        s = self.snapshot
        return s.step if s is not None else 0

    def build_trainer(self, config: SessionConfig, raw=None) -> Trainer:
        return Trainer(config, raw=raw)

    def install(self, trainer: Trainer, config: SessionConfig) -> None:
        """Make ``trainer`` the current run (paused) and reset the views for it."""
        self.run_id += 1
        self.info = describe_run(trainer, self.run_id, config)
        self.frame = None
        self._view = None
        self._set_playing(False)
        self.run_installed.emit(self.info)
        self.worker.set_trainer(trainer, self.run_id, self.info.view_spec)

    def load(self, loaded: LoadedSession, path: Path | None) -> bool:
        """Open a loaded session (file or preset); False (and nothing changed) on error."""
        try:
            trainer = loaded.trainer()
        except (ValueError, OSError) as err:  # e.g. the CSV it names is gone
            why = err.strerror and f"{err.filename}: {err.strerror}" if isinstance(
                err, OSError) else str(err)
            self.prompts.error("Cannot open the session", why or str(err))
            return False
        self.document.load(loaded.config, path, loaded.raw, data_outside=loaded.data_outside,
                           step=trainer.step)
        self.install(trainer, loaded.config)
        return True

    def reset(self) -> None:
        """Same config, same seed: the very same initial weights and batches."""
        try:
            trainer = self.build_trainer(self.config, self.document.raw)
        except ValueError as err:
            self.prompts.error("Cannot start a new run", str(err))
            return
        self.install(trainer, self.config)
        self.document.mark_dirty()

    def reset_new_seed(self) -> None:
        edit = self.document.propose("training", {"seed": secrets.randbelow(MAX_SEED + 1)})
        if not edit.ok:
            return
        self.document.replace(edit.new, by_user=False)  # a run control, not an edit
        self.reset()

    # -- run control -----------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self, until: int | None = None) -> None:
        """Train until paused, or until step ``until`` (default: the end of the current
        block of ``training.steps``)."""
        snap = self.snapshot
        if snap is not None and snap.status in (RunStatus.DIVERGED, RunStatus.EARLY_STOPPED):
            self.message.emit(
                "This run has ended \u2014 press R to reset it, or Shift+R for a new seed.", 5000)
            return
        if until is None:
            # Play runs in blocks of the configured run length, then pauses.
            steps = self.config.training.steps
            until = (self.step // steps + 1) * steps
        self._set_playing(True)
        self.worker.play(until)

    def pause(self) -> None:
        self._set_playing(False)
        self.worker.pause()

    def single_step(self) -> None:
        self._set_playing(False)
        self.worker.step(1)

    def set_pace(self, steps_per_sec: float | None) -> None:
        """Train at most ``steps_per_sec`` steps per second (None: as fast as possible);
        it stays for every later run until changed."""
        self.pace = steps_per_sec
        self.worker.set_pace(steps_per_sec)

    def _set_playing(self, playing: bool) -> None:
        self.playing = playing
        self.playing_changed.emit(playing)

    # -- frames ----------------------------------------------------------------------
    def _on_frame(self, frame: Frame) -> None:
        try:
            if frame.run_id != self.run_id:
                return  # a late frame of a run that was replaced
            self.frame = frame
            self.playing = frame.playing
            self.frame_ready.emit(frame)
            self.snapshot_ready.emit(frame.snapshot)
            if frame.view is not self._view:
                self._view = frame.view
                self.view_ready.emit(frame.view)
            if frame.snapshot.step != self.document.saved_step:
                self.document.mark_dirty()
        finally:
            self.frame_handled.emit()

    def _on_failed(self, message: str) -> None:
        self._set_playing(False)
        self.prompts.error("Training error", message)

    # -- edits -----------------------------------------------------------------------
    def on_panel_edit(self, section: str, value: dict) -> None:
        edit = self.document.propose(section, value)
        if not edit.ok:
            self._reject(section, list(edit.errors), "Not applied: " + edit.errors[0].message,
                         6000)
        elif edit.unchanged:
            self.edit_accepted.emit(section)
        elif not edit.needs_reset:
            self._apply_live(edit)
        else:
            self._apply_with_reset(edit)

    def _reject(self, section: str, errors: list[FieldError], text: str, ms: int) -> None:
        self.edit_rejected.emit(section, errors)
        self.message.emit(text, ms)

    def _apply_live(self, edit: Edit) -> None:
        """Same network, same run: the worker is told what changed."""
        switch, hyper = edit.optimizer_switch, edit.hyper
        self.document.replace(edit.new, origin=edit.section)
        if switch is not None:
            self.worker.set_optimizer(*switch)
        elif hyper:
            self.worker.set_hyper(**hyper)
        self.edit_accepted.emit(edit.section)

    def _apply_with_reset(self, edit: Edit) -> None:
        section, old, new = edit.section, edit.old, edit.new
        step = self.step
        # Asked only when the fresh network would lose progress on a saved session
        # file: the user's edits stay (issue 11: no needless prompts).
        if self.document.progress_unsaved(step) and not self.prompts.confirm_reset(
                SECTION_LABELS[section], step):
            self.document.revert(section)  # declined: the widgets show the running config
            return
        raw = self.document.raw_for(new)
        outside = self.document.needs_consent(new, raw)
        if outside is not None:
            if not self.prompts.confirm_data_outside(outside):
                self.document.revert(section)
                return
            self.document.untrusted_csv = None
        try:
            trainer = self.build_trainer(new, raw)
        except ValueError as err:
            if section == "data" and new.data.name == "csv" and new.data != old.data:
                # A file that cannot be used: say so, and go back to the data we had.
                self.document.revert(section)
                self.prompts.error("Cannot use this CSV file", str(err))
                return
            self._reject(section, [FieldError((section,), str(err))], f"Not applied: {err}",
                         8000)
            return
        self.document.replace(new, origin=section)
        self.edit_accepted.emit(section)
        self.install(trainer, new)

    # -- pins and compare ------------------------------------------------------------
    def pin(self) -> str | None:
        """Pin the current run: its label (what differs from the current run: nothing
        yet), or None if there is nothing to pin."""
        snap = self.snapshot
        if snap is None or snap.steps.size == 0:
            return None
        pin = pins.Pin(len(self.pins) + 1, self.config, snap.step)
        self.pins.append(pin)
        return pins.label(pin, self.config)

    def clear_pins(self) -> None:
        self.pins.clear()
        self.pins_changed.emit([])

    def pin_labels(self) -> list[str | None]:
        """Each pin's label beside the current config (None: made on other data)."""
        return [pins.label(p, self.config) for p in self.pins]

    def _relabel_pins(self, *_args) -> None:
        if self.pins:
            self.pins_changed.emit(self.pin_labels())

    def start_compare(self, choices: list, seeds: int, steps: int, workers: int) -> None:
        """A comparison of the session: ``choices`` = [(catalog setting key, values)]."""
        from core.train.sweep import catalog
        from core.train.sweep.spec import make_spec

        try:
            axes = [catalog.axis(self.config, key, values) for key, values in choices]
            spec = make_spec(self.config, axes, seeds=seeds, steps=steps)
        except ValueError as err:
            self.compare_runner.refused.emit(f"Cannot compare: {err}")
            return
        self.compare_runner.start(spec, raw=self.document.raw, workers=workers)

    def stop_compare(self) -> None:
        self.compare_runner.cancel()

    def open_variant(self, config: dict) -> bool:
        """Open a comparison's variant (a full config dict) as the session."""
        from core.train.config import parse_config

        try:
            cfg = parse_config(config)
        except ValueError as err:
            self.prompts.error("Cannot open the variant", str(err))
            return False
        return self.load(LoadedSession(cfg, None, self.compare_runner.raw_for(config)), None)

    # -- copies of the run -----------------------------------------------------------
    def save(self, path: Path) -> Pending:
        """Save the session with the run's exact state, once the worker hands it over;
        the returned Pending finishes when the file is written (or failed).
        RuntimeError if the worker is not running."""
        config, pending = self.config, Pending(f"saving {path.name}")

        def write(state: RunState | None) -> None:
            if pending.done:
                return  # timed out: reported already, and the user may have moved on
            try:
                self.document.write(path, config, state)
            except (SessionError, OSError) as err:
                pending.fail(str(err))
                return
            pending.succeed(path)

        self.worker.request_state(write, pending.fail)
        return pending

    def request_snapshot(self, on_ready: Callable[[Snapshot | None], None],
                         on_error: Callable[[str], None] | None = None) -> None:
        """``on_ready`` gets a fresh snapshot of the run (exactly its current state)."""
        self.worker.request_snapshot(on_ready, on_error)

    def trainer_copy(self) -> Trainer | None:
        """An independent Trainer in the current run's exact state (for views that
        compute on a network, e.g. the loss landscape; called in the GUI thread),
        built from a state the worker hands over, so that nothing is shared with the
        training. Waits for it in a local event loop (the window keeps painting);
        RuntimeError if it does not come."""
        config, pending = self.config, Pending("a copy of the run")
        self.worker.request_state(pending.succeed, pending.fail)
        if not pending.wait():
            raise RuntimeError(pending.error)
        state: RunState | None = pending.result
        return None if state is None else state.trainer(config)

    def shutdown(self, timeout: float = 1.0) -> bool:
        self.compare_runner.shutdown(timeout / 2)
        return self.worker.stop(timeout)
