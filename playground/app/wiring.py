"""How the window's views follow the session: every connection in one place.

The session (SessionController and its SessionDocument) knows no view. Here
its signals are connected to the views' slots -- the document's config to the
panels, a new run and each frame to the plots and the toolbar -- and the views'
requests (a panel's edit, the Compare tab's buttons) to the session.
"""

from __future__ import annotations

from playground.app import dialogs
from playground.plots.paint_gate import PaintGate


def connect(window, session, views) -> PaintGate:
    """Wire ``session`` to ``views`` (main_window.Views) in ``window``; returns the gate
    that tells the worker when a frame has been painted."""
    _connect_edits(window, session, views)
    _connect_runs(window, session, views)
    _connect_compare(window, session, views)
    _connect_pace(session, views)
    gate = PaintGate([views.loss.widget.viewport(), views.grad.viewport(),
                      views.hists.viewport(), views.boundary.viewport()],
                     session.worker.ack, window)
    session.frame_handled.connect(gate.arm)
    return gate


def _connect_edits(window, session, views) -> None:
    doc = session.document
    for panel in views.panels.values():
        doc.config_changed.connect(panel.show_config)
        panel.edited.connect(session.on_panel_edit)
        session.edit_rejected.connect(panel.show_errors)
        session.edit_accepted.connect(panel.edit_accepted)
    session.edit_rejected.connect(lambda section, _errors: window.show_panel(section))
    doc.title_changed.connect(window.update_title)
    doc.dirty_changed.connect(window.update_title)
    session.message.connect(window.statusBar().showMessage)


def _connect_runs(window, session, views) -> None:
    v = views
    for view in (v.loss, v.grad, v.hists, v.boundary, v.network, v.panels["data"],
                 v.controls):
        session.run_installed.connect(view.set_run)
    session.playing_changed.connect(v.controls.show_playing)
    session.frame_ready.connect(v.controls.show_frame)
    session.frame_ready.connect(v.status.show_frame)
    for plot in (v.loss, v.grad, v.hists, v.boundary, v.network):
        session.snapshot_ready.connect(plot.set_snapshot)
    session.view_ready.connect(v.boundary.set_view)
    session.pins_changed.connect(v.loss.show_pins)
    v.loss.smoothing.changed.connect(v.grad.set_smoothing)


def _connect_pace(session, views) -> None:
    views.controls.pace_changed.connect(session.set_pace)
    views.controls.pace_changed.connect(views.hists.set_pace)


def _connect_compare(window, session, views) -> None:
    view, runner = views.compare, session.compare_runner
    view.run_requested.connect(session.start_compare)
    view.cancel_requested.connect(session.stop_compare)
    runner.started.connect(lambda results: view.started(results, session.config))
    runner.run_done.connect(view.run_done)
    runner.finished.connect(view.finished)
    runner.refused.connect(view.refuse)
    session.document.config_changed.connect(view.show_config)

    def open_variant(config: dict, label: str) -> None:
        # like opening a preset: unsaved changes are asked about first
        if window.files.maybe_save() and session.open_variant(config):
            window.statusBar().showMessage(
                f"Opened the variant {label} as the session (see the Training tab)", 8000)

    view.open_requested.connect(open_variant)

    def failed(message: str) -> None:
        view.failed(message)
        dialogs.show_error(window, "Comparison failed", message)

    runner.failed.connect(failed)
