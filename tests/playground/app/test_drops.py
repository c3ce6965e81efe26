"""Files dropped on the window: a CSV becomes the data set (as Open CSV... does), a
session or preset opens, anything else is refused in the status bar, in words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from core.train.config import config_to_dict
from playground.app import files
from playground.panels.data_panel import OPEN_CSV

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(window, *paths: Path) -> QDropEvent:
    """Drag ``paths`` onto the window and let go; the drop event (accepted or not)."""
    mime = _mime(*paths)
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()  # every local file may be dropped: the drop says why not
    event = QDropEvent(QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    return event


def _data(window) -> dict:
    return config_to_dict(window.session.document.config)["data"]


def test_a_dropped_csv_becomes_the_data_set_as_open_csv_makes_it(qtbot, window, tmp_path,
                                                                 monkeypatch):
    csv = tmp_path / "measurements.csv"
    shutil.copy(FIXTURES / "fixture.csv", csv)
    assert drop(window, csv).isAccepted()
    qtbot.waitUntil(lambda: window.session.document.config.data.name == "csv", timeout=5_000)
    dropped = _data(window)
    assert Path(dropped["csv_path"]) == csv
    assert window.panels["data"].dataset.currentText() == "CSV: measurements.csv"
    assert "measurements.csv" in window.statusBar().currentMessage()
    assert window.session.info.train_X.shape[1] == 3  # the run trains on the file's columns

    # The same file through the data panel's Open CSV... gives the same data section.
    window.files.new()
    qtbot.waitUntil(lambda: window.session.document.config.data.name != "csv", timeout=5_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(csv), "CSV files (*.csv)")))
    panel = window.panels["data"]
    panel.dataset.setCurrentIndex(panel.dataset.findData(OPEN_CSV))
    qtbot.waitUntil(lambda: window.session.document.config.data.name == "csv", timeout=5_000)
    assert _data(window) == dropped


@pytest.mark.parametrize("name", ["main_28258dc_adam.opg", "fixture_session.json"])
def test_a_dropped_session_opens_as_that_file(qtbot, window, tmp_path, name):
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    shutil.copy(FIXTURES / "fixture.csv", tmp_path)  # the data the JSON session reads
    assert drop(window, path).isAccepted()
    qtbot.waitUntil(lambda: window.session.document.path == path.resolve(), timeout=10_000)
    assert str(path.resolve()) in [str(Path(p)) for p in
                                   window.settings.value("recent_files", [])]


def test_a_dropped_preset_opens_untitled(qtbot, window):
    preset = sorted(files.PRESETS_DIR.glob("*.json"))[-1]
    title = json.loads(preset.read_text(encoding="utf-8"))["title"]
    assert drop(window, preset).isAccepted()
    qtbot.waitUntil(lambda: window.session.document.config.title == title, timeout=10_000)
    assert window.session.document.path is None  # Save cannot overwrite the shipped file


@pytest.mark.parametrize("name", ["plot.png", "notes.txt", "archive.tar.gz", "no_suffix"])
def test_anything_else_is_named_in_the_status_bar_with_what_is_accepted(window, tmp_path,
                                                                        name):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG not a session")
    before = config_to_dict(window.session.document.config)
    drop(window, path)
    message = window.statusBar().currentMessage()
    assert name in message
    for accepted in (".opg", ".json", ".csv"):
        assert accepted in message
    assert config_to_dict(window.session.document.config) == before
    assert window.session.document.path is None


def test_only_local_files_can_be_dragged_in(window):
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.org/data.csv")])
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_a_session_whose_csv_is_gone_says_so(qtbot, window, dialogs, tmp_path):
    import json

    (tmp_path / "s.json").write_text(json.dumps(
        {"schema_version": 3, "data": {"name": "csv", "csv_path": "gone.csv"}}))
    before = window.session.config
    assert not window.files.open_path(tmp_path / "s.json")
    assert window.session.config == before
    assert dialogs.errors and "gone.csv" in dialogs.errors[-1][1]
