"""The session's behaviour: panels' edits -> config -> trainer -> worker -> frames -> plots.

Owns the SessionDocument and the TrainingWorker. Every new run (reset, new
seed, a structural change, an opened file) builds a Trainer here, reads what
the plots need from it (RunInfo), and hands it to the worker; frames coming
back are drawn only if they belong to the current run.
"""

from __future__ import annotations

import copy
import secrets
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.train.config import SessionConfig
from core.train.session import LoadedSession, save_session
from core.train.trainer import Snapshot, Trainer
from playground.app import dialogs
from playground.compare import runner as compare
from playground.panels.training_panel import MAX_SEED
from playground.plots.paint_gate import PaintGate
from playground.session.document import (
    SECTION_LABELS,
    FieldError,
    SessionDocument,
    data_changed,
    live_hyper_changes,
    needs_reset,
    optimizer_switched,
    validate,
)
from playground.session.run_info import RunInfo, describe_run
from playground.session.worker import Frame, TrainingWorker


class SessionController(QObject):
    changed = Signal()  # title / dirty state changed

    def __init__(self, window, views) -> None:
        super().__init__(window)
        self.window = window
        self.views = views
        self.document = SessionDocument(SessionConfig())
        self.worker = TrainingWorker(self)
        self.worker.frame_ready.connect(self._on_frame)
        self.worker.failed.connect(self._on_failed)
        self.worker.start()
        self.compare_runner = compare.CompareRunner(self)
        self.compare_runner.progress.connect(views.compare.update_curves)
        self.compare_runner.done.connect(lambda: views.compare.finished("Done."))
        self.compare_runner.failed.connect(self._on_compare_failed)
        views.compare.run_requested.connect(self.start_compare)
        views.compare.stop_requested.connect(self.stop_compare)
        self.run_id = 0
        self.info: RunInfo | None = None
        self.frame: Frame | None = None
        self.playing = False
        self.saved_step = 0
        self._view = None
        self._paint_gate = PaintGate(
            [views.loss.widget.viewport(), views.grad.viewport(), views.hists.viewport(),
             views.boundary.viewport()], self.worker.ack, self)
        for panel in views.panels.values():
            panel.edited.connect(self.on_panel_edit)

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
        """Make ``trainer`` the current run (paused) and reset the plots for it."""
        self.run_id += 1
        info = describe_run(trainer, self.run_id, config)
        self.info = info
        self.frame = None
        self._view = None
        v = self.views
        v.loss.clear()
        v.grad.set_layers(info.layer_names)
        v.hists.set_layers(info.hidden_names, info.layer_names)
        v.boundary.set_run(info)
        v.panels["data"].set_run(info)
        v.controls.show_counts(trainer.step, trainer.epoch)
        v.controls.show_rate(0.0)
        self.playing = False
        v.controls.show_playing(False)
        self.worker.set_trainer(trainer, self.run_id, info.view_spec)

    def load(self, loaded: LoadedSession, path: Path | None) -> bool:
        """Open a loaded session (file or preset); False (and nothing changed) on error."""
        try:
            trainer = loaded.trainer()
        except ValueError as err:
            dialogs.show_error(self.window, "Cannot open the session", str(err))
            return False
        self.document = SessionDocument(loaded.config, path, loaded.raw,
                                        data_outside=loaded.data_outside)
        for panel in self.views.panels.values():
            panel.set_config(loaded.config)
        self.install(trainer, loaded.config)
        self.saved_step = trainer.step
        self.changed.emit()
        return True

    def reset(self) -> None:
        """Same config, same seed: the very same initial weights and batches."""
        try:
            trainer = self.build_trainer(self.config, self.document.raw)
        except ValueError as err:
            dialogs.show_error(self.window, "Cannot start a new run", str(err))
            return
        self.install(trainer, self.config)
        self._mark_dirty()

    def reset_new_seed(self) -> None:
        seed = secrets.randbelow(MAX_SEED + 1)
        proposal = validate(self.config, "training",
                            {**self.config.training.model_dump(mode="json"), "seed": seed})
        if not proposal.ok:
            return
        self.document.replace(proposal.config)
        self.views.panels["training"].set_config(proposal.config)
        self._sync_panel_configs()
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
        if snap is not None and snap.status in ("diverged", "early_stopped"):
            self.window.statusBar().showMessage(
                "This run has ended \u2014 press R to reset it, or Shift+R for a new seed.", 5000)
            return
        if until is None:
            # Play runs in blocks of the configured run length, then pauses.
            steps = self.config.training.steps
            until = (self.step // steps + 1) * steps
        self.playing = True
        self.views.controls.show_playing(True)
        self.worker.play(until)

    def pause(self) -> None:
        self.playing = False
        self.views.controls.show_playing(False)
        self.worker.pause()

    def single_step(self) -> None:
        self.playing = False
        self.views.controls.show_playing(False)
        self.worker.step(1)

    # -- frames ----------------------------------------------------------------------
    def _on_frame(self, frame: Frame) -> None:
        try:
            if frame.run_id != self.run_id:
                return  # a late frame of a run that was replaced
            self.frame = frame
            snap = frame.snapshot
            v = self.views
            self.playing = frame.playing
            v.controls.show_playing(frame.playing)
            v.controls.show_counts(snap.step, snap.epoch)
            v.controls.show_rate(frame.steps_per_sec)
            v.status.show_frame(snap, frame.playing, frame.limit_reached)
            v.loss.set_snapshot(snap)
            v.grad.set_snapshot(snap)
            v.hists.set_snapshot(snap)
            v.boundary.set_snapshot(snap)
            if frame.view is not self._view:
                v.boundary.set_view(frame.view)
                self._view = frame.view
            if snap.step != self.saved_step:
                self._mark_dirty()
        finally:
            self._paint_gate.arm()

    def _on_failed(self, message: str) -> None:
        self.playing = False
        self.views.controls.show_playing(False)
        dialogs.show_error(self.window, "Training error", message)

    # -- edits -----------------------------------------------------------------------
    def on_panel_edit(self, section: str, value: dict) -> None:
        panel = self.views.panels[section]
        old = self.config
        proposal = validate(old, section, value)
        if not proposal.ok:
            panel.flag_errors(proposal.errors)
            self._show_panel(section)
            self.window.statusBar().showMessage("Not applied: " + proposal.errors[0].message,
                                                6000)
            return
        new = proposal.config
        if not needs_reset(old, new):
            hyper = live_hyper_changes(old, new)
            self.document.replace(new)
            if optimizer_switched(old, new):
                opt = new.optimizer
                self.worker.config = self.worker.call(
                    lambda t: (t.set_optimizer(opt.name, **opt.hyper), t.config)[1])
            elif hyper:
                self.worker.set_hyper(**hyper)
            panel.clear_errors()
            self._sync_panel_configs()
            self._mark_dirty()
            return
        step = self.step
        if step > 0 and not dialogs.confirm_reset(self.window, SECTION_LABELS[section], step):
            panel.set_config(old)  # declined: the widget goes back to the running config
            return
        raw = None if data_changed(old, new) else self.document.raw
        outside = self.document.needs_consent(new, raw)
        if outside is not None:
            if not dialogs.confirm_data_outside(self.window, outside):
                panel.set_config(old)
                return
            self.document.untrusted_csv = None
        try:
            trainer = self.build_trainer(new, raw)
        except ValueError as err:
            if section == "data" and new.data.name == "csv" and new.data != old.data:
                # A file that cannot be used: say so, and go back to the data we had.
                panel.set_config(old)
                dialogs.show_error(self.window, "Cannot use this CSV file", str(err))
                return
            panel.flag_errors([FieldError((section,), str(err))])
            self._show_panel(section)
            self.window.statusBar().showMessage(f"Not applied: {err}", 8000)
            return
        self.document.replace(new)
        panel.clear_errors()
        self._sync_panel_configs()
        self.install(trainer, new)
        self._mark_dirty()

    def _show_panel(self, section: str) -> None:
        dock = getattr(self.window, "docks", {}).get(section)
        if dock is not None:
            dock.show()
            dock.raise_()

    def _sync_panel_configs(self) -> None:
        # Panels build their section on top of their own copy of the config.
        for p in self.views.panels.values():
            p.config = self.config

    def _mark_dirty(self) -> None:
        if not self.document.dirty:
            self.document.dirty = True
            self.changed.emit()

    # -- pins and compare ------------------------------------------------------------
    def pin_label(self) -> str:
        c = self.config
        lr = c.optimizer.resolved().get("lr")
        acts = sorted(set(c.network.activations())) or ["linear"]
        parts = [f"{c.optimizer.name} lr {lr:g}" if lr is not None else c.optimizer.name,
                 "/".join(acts), c.network.initializer]
        if c.network.batch_norm:
            parts.append("BN")
        return f"#{len(self.views.loss.ghosts) + 1} " + ", ".join(parts) + f" @{self.step}"

    def pin(self) -> bool:
        return self.views.loss.pin(self.pin_label())

    def start_compare(self, kind: str, names: list[str], steps: int) -> None:
        try:
            runs = compare.variants(self.config, kind, names)
        except ValueError as err:
            self.views.compare.status.setText(f"Cannot compare: {err}")
            return
        self.views.compare.started([label for label, _ in runs])
        self.compare_runner.start(runs, steps, raw=self.document.raw)

    def stop_compare(self) -> None:
        self.compare_runner.stop()
        self.views.compare.finished("Stopped.")

    def _on_compare_failed(self, message: str) -> None:
        self.views.compare.finished("Failed.")
        dialogs.show_error(self.window, "Comparison failed", message)

    # -- files -----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Save the session with the run's exact state; SessionError on failure."""
        config = self.config

        def job(trainer):
            save_session(path, config, trainer)
            return trainer.step if trainer is not None else 0

        step = self.worker.call(job)
        if path.suffix.lower() != ".json" or self.document.path is None:
            self.document.path = path
        self.document.dirty = False
        self.saved_step = step
        self.changed.emit()

    def trainer_copy(self) -> Trainer | None:
        """An independent Trainer in the current run's exact state (for views that
        compute on a network, e.g. the loss landscape), built from the run's state
        dict so that nothing is shared with the training worker."""

        def state(trainer):
            if trainer is None:
                return None
            meta, arrays = trainer.state_dict()
            return copy.deepcopy(meta), {k: np.array(v) for k, v in arrays.items()}

        got = self.worker.call(state)
        if got is None:
            return None
        trainer = self.build_trainer(self.config, self.document.raw)
        trainer.load_state_dict(*got)
        return trainer

    def current_snapshot(self) -> Snapshot | None:
        """A fresh snapshot from the worker (exactly the current state)."""
        return self.worker.call(lambda t: t.snapshot() if t is not None else None)

    def shutdown(self, timeout: float = 1.0) -> bool:
        self.compare_runner.stop(timeout / 2)
        return self.worker.stop(timeout)
