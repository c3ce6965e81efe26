"""The session being edited, and the one owner of its config.

Nothing else in the app keeps a copy of the config: panels and views are told
of every change through ``config_changed`` (napari's model-events pattern) and
render from what it carries; the worker is sent commands. The document also
knows where the session lives on disk, whether it has unsaved changes, the
data a session file carried, and writes the file from a state the worker
handed over.

``config_changed(config, sections, origin)``: the new config, the frozenset of
sections that may differ (all four when a session is opened), and the section
whose panel made the edit ("" for anything else: a file, a new seed, a refused
edit going back) -- that panel shows the new values already.

Two flags say what leaving the session would cost. ``dirty`` (the title's "*"):
the session differs from its file (a new config, another step). ``edited``:
the user changed settings by hand since it was opened or saved. Only the
user's own edits, or progress on a session file they saved, are worth a
question (``would_lose_work``): a preset trained as it came is discarded
without asking.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.data import datasets
from core.train.config import SessionConfig
from core.train.session import save_session
from playground.session.edits import SECTIONS, Edit, changed_sections, data_changed, validate
from playground.session.handover import RunState

ALL_SECTIONS = frozenset(SECTIONS)


class SessionDocument(QObject):
    """Config + file path + dirty flag + the data a session file carried."""

    config_changed = Signal(object, object, str)  # SessionConfig, frozenset[str], origin
    dirty_changed = Signal(bool)
    title_changed = Signal(str)

    def __init__(self, config: SessionConfig | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._config = config if config is not None else SessionConfig()
        self.path: Path | None = None
        self.raw: datasets.Dataset | None = None  # a CSV embedded in an .opg file
        self._dirty = False
        self.edited = False  # settings changed by the user since opened or saved
        self.saved_step = 0  # the run's step in the file last saved or opened
        self.untrusted_csv: str | None = None

    # -- state -----------------------------------------------------------------------
    @property
    def config(self) -> SessionConfig:
        return self._config

    @property
    def dirty(self) -> bool:
        return self._dirty

    @dirty.setter
    def dirty(self, value: bool) -> None:
        if bool(value) != self._dirty:
            self._dirty = bool(value)
            self.dirty_changed.emit(self._dirty)

    def mark_dirty(self) -> None:
        self.dirty = True

    def would_lose_work(self, step: int) -> bool:
        """Replacing the session now (another preset, a file, a reset) would lose the
        user's own edits, or progress beyond the session file they saved (a run at
        ``step``; a config-only .json file holds no progress)."""
        return self.edited or self.progress_unsaved(step)

    def progress_unsaved(self, step: int) -> bool:
        """A fresh network would lose progress beyond the session file (see above);
        the user's edits stay, so they do not count."""
        on_file = self.path is not None and self.path.suffix.lower() != ".json"
        return on_file and step > 0 and step != self.saved_step

    @property
    def title(self) -> str:
        return self.path.name if self.path else self._config.title

    # -- opening -------------------------------------------------------------------------
    def load(self, config: SessionConfig, path: Path | None = None,
             raw: datasets.Dataset | None = None, *, data_outside: bool = False,
             step: int = 0) -> None:
        """Another session (a file, a preset): everything is new, nothing unsaved."""
        self._config, self.path, self.raw = config, path, raw
        # The embedded CSV's path lies outside the file's folder and was never read:
        # reading it takes the user's consent (see needs_consent).
        self.untrusted_csv = config.data.csv_path if data_outside else None
        self.saved_step = step
        self.dirty = False
        self.edited = False
        self.config_changed.emit(config, ALL_SECTIONS, "")
        self.title_changed.emit(self.title)

    def needs_consent(self, config: SessionConfig, raw) -> str | None:
        """The CSV path ``config`` would make the app read for the first time although
        it came from a file and lies outside that file's folder; else None."""
        d = config.data
        if raw is None and d.name == "csv" and d.csv_path == self.untrusted_csv:
            return d.csv_path
        return None

    def raw_for(self, config: SessionConfig) -> datasets.Dataset | None:
        """The embedded data a run of ``config`` uses (None: load or generate it)."""
        return None if data_changed(self._config, config) else self.raw

    # -- edits ---------------------------------------------------------------------------
    def propose(self, section: str, value: dict) -> Edit:
        """Judge a panel's ``value`` for ``section`` (see ``edits``); changes nothing."""
        return validate(self._config, section, value)

    def replace(self, config: SessionConfig, origin: str = "", *, by_user: bool = True) -> None:
        """Make ``config`` the session's config (dirty). ``by_user``: an edit of the
        user's own, worth asking about before it is thrown away (a new seed, or a
        lesson's one-click change, is not)."""
        old = self._config
        if config == old:
            return
        if self.raw is not None and data_changed(old, config):
            self.raw = None
        self._config = config
        self.dirty = True
        self.edited = self.edited or by_user
        self.config_changed.emit(config, changed_sections(old, config), origin)
        if self.path is None and old.title != config.title:
            self.title_changed.emit(self.title)

    def revert(self, section: str) -> None:
        """An edit of ``section`` was refused: its panel shows the config again."""
        self.config_changed.emit(self._config, frozenset({section}), "")

    # -- saving --------------------------------------------------------------------------
    def write(self, path: Path, config: SessionConfig, state: RunState | None) -> None:
        """Write ``config`` and the handed-over ``state`` (None: config only) to ``path``;
        SessionError or OSError on failure, and then nothing here changes. The
        session is clean afterwards unless the config changed since ``config`` was
        taken."""
        save_session(path, config, state)
        old_title = self.title
        if path.suffix.lower() != ".json" or self.path is None:
            self.path = path
        self.saved_step = state.step if state is not None else 0
        self.dirty = config is not self._config
        self.edited = self.edited and self.dirty
        if self.title != old_title:
            self.title_changed.emit(self.title)
