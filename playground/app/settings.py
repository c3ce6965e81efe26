"""Where the app keeps what it remembers between launches (QSettings).

One INI file per user, under an organization/application name. Tests point
QSettings at a temporary folder (``QSettings.setPath``) or pass their own
application name, so runs never read or clobber each other's state.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "OptimizerPlayground"
APPLICATION = "Optimizer Playground"
MAX_RECENT = 8


def make_settings(application: str = APPLICATION) -> QSettings:
    # IniFormat everywhere: the same readable file on every platform, and
    # QSettings.setPath(IniFormat, ...) redirects it for tests.
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     application)


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a bare string for a one-item list
        value = [value]
    return [str(v) for v in (value or []) if str(v)]


def add_recent_file(settings: QSettings, path: str | Path) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files(settings) if f != path]
    files = files[:MAX_RECENT]
    settings.setValue("recent_files", files)
    return files


def remove_recent_file(settings: QSettings, path: str) -> list[str]:
    files = [f for f in recent_files(settings) if f != path]
    settings.setValue("recent_files", files)
    return files
