"""No needless prompts (issue 11, item 8): leaving a preset trained as it came asks
nothing; the user's own edits, or progress on a file they saved, are asked about;
Enter never opens a file dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from playground.app import files
from tests.playground.helpers import train_to, wait_saved

VANISHING = files.PRESETS_DIR / "01_vanishing_gradients.json"
Btn = QMessageBox.StandardButton


def edit_lr(qtbot, window, lr: float = 0.02) -> None:
    window.panels["optimizer"].hyper["lr"].spin.setValue(lr)
    qtbot.waitUntil(lambda: window.session.config.optimizer.resolved()["lr"] == lr,
                    timeout=5_000)


def test_leaving_an_unedited_preset_after_training_asks_nothing(qtbot, window, dialogs):
    train_to(qtbot, window, 40)
    assert window.session.document.dirty  # trained: the title says modified ...
    window.files.open_preset(VANISHING)  # ... but nothing of the user's is lost
    assert dialogs.questions == []
    assert window.session.config.title.startswith("Vanishing gradients")


def test_a_new_seed_is_not_an_edit_worth_asking_about(qtbot, window, dialogs):
    window.controls.new_seed.trigger()
    train_to(qtbot, window, 20)
    window.files.open_preset(VANISHING)
    assert dialogs.questions == []


def test_leaving_after_an_edit_asks_and_cancel_keeps_the_session(qtbot, window, dialogs):
    edit_lr(qtbot, window)
    train_to(qtbot, window, 20)
    dialogs.answer = Btn.Cancel
    window.files.open_preset(VANISHING)
    assert len(dialogs.questions) == 1 and "unsaved changes" in dialogs.questions[0]
    assert window.session.config.optimizer.resolved()["lr"] == 0.02  # still here
    dialogs.answer = Btn.Discard
    window.files.open_preset(VANISHING)
    assert window.session.config.title.startswith("Vanishing gradients")


def test_enter_on_the_question_never_opens_a_file_dialog(qtbot, window, monkeypatch,
                                                         tmp_path):
    defaults = []

    def question(parent, title, text, buttons=None, default=None, *args, **kwargs):
        defaults.append(default)
        return default  # the user presses Enter

    def no_dialog(*args, **kwargs):
        raise AssertionError("a file dialog opened")

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", no_dialog)
    edit_lr(qtbot, window)
    # Untitled: Save would ask for a file name, so Enter cancels.
    window.files.open_preset(VANISHING)
    assert defaults == [Btn.Cancel]
    assert window.session.config.optimizer.resolved()["lr"] == 0.02
    # With a file of its own, Enter saves to it, without a dialog.
    path = tmp_path / "mine.opg"
    assert window.files._save(path, wait=True)
    wait_saved(qtbot, window, path)
    train_to(qtbot, window, 25)
    window.files.open_preset(VANISHING)
    assert defaults[-1] == Btn.Save
    assert window.session.config.title.startswith("Vanishing gradients")
    from core.train.session import load_session

    assert load_session(path).trainer().step == 25


def test_progress_on_a_saved_file_is_asked_about_and_a_saved_state_is_not(
        qtbot, window, dialogs, tmp_path):
    path = tmp_path / "run.opg"
    assert window.files._save(path, wait=True)
    wait_saved(qtbot, window, path)
    assert not window.session.document.would_lose_work(window.session.step)
    train_to(qtbot, window, 30)  # progress beyond the file
    dialogs.answer = Btn.Cancel
    window.files.open_preset(VANISHING)
    assert len(dialogs.questions) == 1
    assert window.files._save(path, wait=True)
    wait_saved(qtbot, window, path)
    window.files.open_preset(VANISHING)  # all of it is in the file now
    assert len(dialogs.questions) == 1


def test_a_reset_of_an_unedited_trained_preset_asks_nothing(qtbot, window, dialogs):
    window.files.open_preset(VANISHING)
    train_to(qtbot, window, 30)
    run = window.session.run_id
    window.panels["network"].batch_norm.setChecked(True)  # "turn batch norm on"
    qtbot.waitUntil(lambda: window.session.run_id != run, timeout=5_000)
    assert dialogs.questions == [] and window.session.config.network.batch_norm
