"""File menu behaviour: New, Open, Save, Save As, recent files, presets, drag and
drop, export; and the prompt before unsaved changes are thrown away.

Saving and the metrics export need the run's exact state, which the training
worker hands over: they finish when it arrives, and the GUI never waits for
it -- except when the session is about to be replaced or the window closed
after "Save", which must not happen before the file is written (a local
event loop keeps the window painting meanwhile).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from core.train.session import DataOutsideError, SessionError, load_session
from playground.app import dialogs, files, settings
from playground.plots import export


class FileController(QObject):
    def __init__(self, window, session, qsettings) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.settings = qsettings
        self.recent_menu = QMenu("Open &Recent", window)
        self.presets_menu = QMenu("&Presets", window)
        self.presets_menu.setToolTipsVisible(True)
        self._fill_presets()
        self.refresh_recent()

    # -- menus -----------------------------------------------------------------------
    def build_menu(self, menu: QMenu) -> None:
        def add(text, key, slot):
            act = QAction(text, self.window)
            if key is not None:
                act.setShortcut(QKeySequence(key))
            act.triggered.connect(slot)
            menu.addAction(act)
            return act

        add("&New", QKeySequence.StandardKey.New, self.new)
        add("&Open\u2026", QKeySequence.StandardKey.Open, self.open)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        add("&Save", QKeySequence.StandardKey.Save, self.save)
        add("Save &As\u2026", QKeySequence.StandardKey.SaveAs, self.save_as)
        menu.addSeparator()
        export_menu = menu.addMenu("&Export")
        for name, view in self.window.exportable_views().items():
            act = export_menu.addAction(f"{name} plot\u2026")
            act.triggered.connect(lambda _=False, n=name, v=view: self.export_plot(n, v))
        export_menu.addSeparator()
        act = export_menu.addAction("Metrics as CSV\u2026")
        act.triggered.connect(self.export_metrics)
        menu.addSeparator()
        add("&Quit", QKeySequence.StandardKey.Quit, self.window.close)

    def _fill_presets(self) -> None:
        """The presets under the lecture's section headings (``files.preset_groups``);
        each entry's note is its tooltip and status tip."""
        self.presets_menu.clear()
        for group in files.preset_groups():
            self.presets_menu.addSection(group.title)
            for preset in group.presets:
                act = self.presets_menu.addAction(preset.title)
                act.setToolTip(preset.note or preset.path.name)
                act.setStatusTip(preset.note)
                act.setData(preset.path.name)
                act.triggered.connect(lambda _=False, p=preset.path: self.open_preset(p))

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = settings.recent_files(self.settings)
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.setStatusTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])
        self.refresh_recent()

    # -- unsaved changes -------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True if the current session may be replaced: nothing of the user's would be
        lost (a preset trained as it came is discarded without asking), or they
        saved or discarded it. The question's default (Enter) is Save only when
        that writes the session's own file; otherwise Cancel, so that Enter never
        opens a file dialog."""
        doc = self.session.document
        if not doc.would_lose_work(self.session.step):
            return True
        answer = dialogs.ask_save_changes(self.window, doc.title, has_file=doc.path is not None)
        if answer == "save":
            return self.save(wait=True)
        return answer == "discard"

    # -- actions ---------------------------------------------------------------------
    def new(self) -> None:
        if self.maybe_save():
            self._load(files.DEFAULT_PRESET, as_file=False)

    def open(self) -> None:
        if not self.maybe_save():
            return
        start = str(self.session.document.path.parent) if self.session.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open a session", start,
                                              f"{files.SESSION_FILTER};;All files (*)")
        if path:
            self._load(Path(path), as_file=True)

    def open_path(self, path: str | Path) -> bool:
        """Open ``path`` (recent files, drag and drop, command line)."""
        if not self.maybe_save():
            return False
        return self._load(Path(path), as_file=True)

    def open_preset(self, path: Path) -> None:
        if self.maybe_save():
            self._load(path, as_file=False)

    def _load(self, path: Path, *, as_file: bool) -> bool:
        try:
            try:
                loaded = load_session(path)
            except DataOutsideError as err:
                if not dialogs.confirm_data_outside(self.window, str(err.csv)):
                    self.window.statusBar().showMessage(
                        f"Not opened: {path.name} reads data outside its folder.", 6000)
                    return False
                loaded = load_session(path, allow_data_outside=True)
        except SessionError as err:
            dialogs.show_error(self.window, "Cannot open the session", str(err))
            if as_file and not path.exists():
                settings.remove_recent_file(self.settings, str(path.resolve()))
                self.refresh_recent()
            return False
        # Presets open as untitled sessions: Save must not overwrite a shipped file.
        ok = self.session.load(loaded, path.resolve() if as_file else None)
        if ok and as_file:
            settings.add_recent_file(self.settings, path)
            self.refresh_recent()
        return ok

    def save(self, *, wait: bool = False) -> bool:
        """Save to the session's file (Save As if it has none). True if the save started
        (with ``wait``: if the file was written)."""
        path = self.session.document.path
        if path is None:
            return self.save_as(wait=wait)
        return self._save(path, wait=wait)

    def save_as(self, *, wait: bool = False) -> bool:
        doc = self.session.document
        start = str(doc.path) if doc.path else doc.config.title.replace("/", "-") + ".opg"
        path, selected = QFileDialog.getSaveFileName(self.window, "Save the session as", start,
                                                     files.SAVE_FILTERS)
        if not path:
            return False
        return self._save(files.with_suffix_for_filter(path, selected or ""), wait=wait)

    def _save(self, path: Path, *, wait: bool) -> bool:
        try:
            pending = self.session.save(path)
        except RuntimeError as err:  # no worker to hand the run over
            dialogs.show_error(self.window, "Cannot save the session", str(err))
            return False
        self.window.statusBar().showMessage(f"Saving {path.name}\u2026")
        pending.finished.connect(lambda ok, error: self._saved(path, ok, error))
        return pending.wait() if wait else True

    def _saved(self, path: Path, ok: bool, error: str) -> None:
        if not ok:
            self.window.statusBar().clearMessage()
            dialogs.show_error(self.window, "Cannot save the session", error)
            return
        settings.add_recent_file(self.settings, path)
        self.refresh_recent()
        self.window.statusBar().showMessage(f"Saved {path}", 4000)

    def export_plot(self, name: str, view) -> None:
        path, selected = QFileDialog.getSaveFileName(
            self.window, f"Export the {name.lower()} plot",
            name.lower().replace(" ", "_") + ".png", export.PLOT_FILTERS)
        if not path:
            return
        if Path(path).suffix.lower() not in (".png", ".svg"):
            path += ".svg" if "svg" in (selected or "").lower() else ".png"
        try:
            export.export_plot(view.export_item(), path)
        except (OSError, ValueError, RuntimeError) as err:
            dialogs.show_error(self.window, "Export failed", str(err))
            return
        self.window.statusBar().showMessage(f"Exported {path}", 4000)

    def export_metrics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export the metrics", "metrics.csv",
                                              export.METRICS_FILTERS)
        if not path:
            return

        def failed(message: str) -> None:
            dialogs.show_error(self.window, "Export failed", message)

        def write(snap) -> None:
            try:
                if snap is None:
                    raise ValueError("there is no run to export")
                written = export.export_metrics(snap, path)
            except (OSError, ValueError, SessionError) as err:
                failed(str(err))
                return
            self.window.statusBar().showMessage(f"Exported the metrics to {written}", 4000)

        try:
            self.session.request_snapshot(write, failed)  # exactly the current state
        except RuntimeError as err:
            failed(str(err))
