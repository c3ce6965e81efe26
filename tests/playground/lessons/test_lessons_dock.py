"""The Lessons dock in the real window: navigation by buttons, menu and keys, what
opening a lesson applies, the "try this" buttons, the typeset formula."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtSvg import QSvgRenderer

from core.lessons import apply, load_preset
from playground.lessons.formula import Equation

LESSONS = {"vanishing": 0, "lab_nag": 15, "xavier_vs_he": 12, "bn": 25, "comparison": 20}


@pytest.fixture
def lessons(window, qtbot):
    c = window.lessons
    c.dock.toggleViewAction().trigger()  # View > Lessons
    qtbot.waitUntil(c.dock.isVisible, timeout=5000)
    return c


def preset(name: str):
    return load_preset(name)


def click(qtbot, lessons, label: str) -> None:
    """Click the lesson's "try this" button whose text starts with ``label``, once it
    shows (a widget added to a shown layout appears at the next turn of the loop)."""
    button = next(b for b in lessons.view.buttons if b.text().startswith(label))
    qtbot.waitUntil(button.isVisible, timeout=3000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_view_menu_has_the_lessons_entry_with_a_shortcut(window):
    action = window.lessons.dock.toggleViewAction()
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view.actions()
    assert action.shortcut().toString() == "Ctrl+L"
    assert not window.lessons.dock.isVisible()  # hidden until asked for
    # the keys move lessons only while the dock is open
    assert not any(sc.isEnabled() for sc in window.lessons.keys.shortcuts)


def test_showing_the_dock_shows_the_first_lesson_without_replacing_the_session(window,
                                                                                 lessons):
    assert lessons.index == 0 and lessons.view.title.text() == "Vanishing gradients"
    assert window.session.config == preset("00_default_spiral.json")
    assert all(sc.isEnabled() for sc in lessons.keys.shortcuts)


def test_buttons_move_and_opening_a_lesson_applies_its_preset(window, lessons, qtbot):
    view = lessons.view
    assert not view.prev_button.isEnabled()
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert lessons.index == 1
    assert window.session.config == preset(lessons.lesson.opens.preset)
    assert window.session.document.path is None  # a preset opens untitled
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert window.session.config == preset("03_activations_sigmoid.json")
    assert window.tabs.currentIndex() == 0
    qtbot.mouseClick(view.prev_button, Qt.MouseButton.LeftButton)
    assert lessons.index == 1 and view.title.text() == "Exploding gradients"


def test_the_menu_lists_every_lesson_under_its_section(window, lessons):
    view = lessons.view
    sections = [a.text() for a in view.menu.actions() if a.isSeparator()]
    assert sections[0] == "Vanishing and exploding gradients"
    assert sections[-1] == "Batch normalization"
    assert len(view.actions) == len(lessons.lessons)
    view.actions[25].trigger()
    assert lessons.index == 25 and view.actions[25].isChecked()
    assert window.session.config == preset("07_batch_norm_off.json")
    assert view.list.text() == f"Lesson 26 of {len(lessons.lessons)}"
    assert not view.actions[0].isChecked()


@pytest.mark.parametrize("forward, back", [(Qt.Key.Key_PageDown, Qt.Key.Key_PageUp),
                                           (Qt.Key.Key_Right, Qt.Key.Key_Left),
                                           (Qt.Key.Key_Down, Qt.Key.Key_Up)])
def test_keys_move_between_lessons(window, lessons, qtbot, forward, back):
    lessons.view.setFocus()
    qtbot.keyClick(lessons.view, forward)
    qtbot.keyClick(lessons.view, forward)
    assert lessons.index == 2
    assert window.session.config == preset("03_activations_sigmoid.json")
    qtbot.keyClick(lessons.view, back)
    assert lessons.index == 1


def test_keys_work_when_the_main_window_or_a_plot_has_focus(window, lessons, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert lessons.index == 1
    plot = window.views.loss.widget
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_PageDown)
    assert lessons.index == 2
    qtbot.keyClick(plot, Qt.Key.Key_PageUp)
    assert lessons.index == 1


@pytest.mark.parametrize("key, step", [(Qt.Key.Key_Up, 500), (Qt.Key.Key_PageUp, 5000)])
def test_keys_keep_their_meaning_in_a_number_box(window, lessons, qtbot, key, step):
    window.show_panel("training")
    box = window.panels["training"].steps  # the run length: changes apply live
    box.setFocus()
    qtbot.waitUntil(box.hasFocus, timeout=3000)
    before = box.value()
    qtbot.keyClick(box, key)
    assert lessons.index == 0  # no lesson moved
    assert box.value() == before + step  # the box stepped as it always does
    qtbot.waitUntil(lambda: window.session.config.training.steps == before + step)


def test_arrows_keep_their_meaning_in_a_list(window, lessons, qtbot):
    window.tabs.setCurrentWidget(window.views.compare)
    lst = window.views.compare.controls.first.values
    lst.setCurrentRow(0)
    lst.setFocus()
    qtbot.waitUntil(lst.hasFocus, timeout=3000)
    qtbot.keyClick(lst, Qt.Key.Key_Down)
    assert lst.currentRow() == 1 and lessons.index == 0


def test_keys_do_nothing_once_the_dock_is_closed(window, lessons, qtbot):
    lessons.dock.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: not lessons.dock.isVisible(), timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert lessons.index == 0
    assert window.session.config == preset("00_default_spiral.json")


def test_a_lab_lesson_sets_up_the_race(window, lessons):
    lessons.open(LESSONS["lab_nag"])
    lab = window.lab
    assert window.tabs.currentWidget() is lab
    assert lab.model.surface_name == "ill_conditioned"
    assert lab.model.enabled == {"momentum", "nesterov"}
    assert {lab.table.names[r] for r in range(lab.table.rowCount())
            if lab.table.is_checked(lab.table.names[r])} == {"momentum", "nesterov"}


def test_a_try_this_button_changes_the_config_through_the_document(window, lessons, qtbot):
    lessons.open(LESSONS["bn"])
    assert not window.session.config.network.batch_norm
    run_before = window.session.run_id
    click(qtbot, lessons, "Turn batch norm on")
    config = window.session.config
    assert config == apply(preset("07_batch_norm_off.json"), {"network.batch_norm": True})
    assert window.session.run_id == run_before + 1  # a fresh network with BN
    assert window.panels["network"].batch_norm.isChecked()  # the panel shows it
    assert window.session.document.dirty


def test_a_try_this_optimizer_switch_applies_live(window, lessons, qtbot):
    lessons.open(16)  # Adagrad
    run = window.session.run_id
    click(qtbot, lessons, "RMSProp")
    assert window.session.config.optimizer.name == "rmsprop"
    assert window.session.config.optimizer.hyper == {"lr": 0.05}
    assert window.session.run_id == run  # same weights, another optimizer
    assert window.panels["optimizer"].name.currentData() == "rmsprop"


def test_a_try_this_comparison_runs_on_the_compare_tab(window, lessons, qtbot):
    lessons.open(LESSONS["xavier_vs_he"])
    click(qtbot, lessons, "Compare Xavier vs He")
    view = window.views.compare
    c = view.controls
    assert window.tabs.currentWidget() is view
    assert c.choices() == [("initializer", ["xavier_uniform", "he_normal"])]
    assert c.steps.value() == 600 and c.seeds.value() == 3
    qtbot.waitUntil(lambda: c.run_button.isEnabled() and view.results is not None
                    and view.results.complete, timeout=120_000)
    assert [cell.label for cell in view.results.spec.cells] == ["xavier_uniform", "he_normal"]
    assert len(view.results.results) == 6 and set(view.cell_items) == {0, 1}


def test_a_try_this_preset_and_the_reopen_button(window, lessons, qtbot):
    lessons.open(13)  # SGD, in the lab
    click(qtbot, lessons, "Train the spiral")
    assert window.session.config == preset("06_optimizer_1_sgd.json")
    assert window.tabs.currentIndex() == 0
    qtbot.mouseClick(lessons.view.reopen_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.lab


def test_the_formula_is_typeset(window, lessons):
    eqs = lessons.view.formula.equations
    assert len(eqs) == len(lessons.lesson.formula) == 2 and not lessons.view.formula.errors
    for eq in eqs:
        assert eq.svg.startswith(b"<svg") and b"<path" in eq.svg
        assert QSvgRenderer(QByteArray(eq.svg)).isValid()
        assert eq.isVisible() and eq.height() > 10
    image = lessons.view.formula.grab().toImage()
    dark = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 50  # ink on the page: the glyphs were drawn


def test_a_corrected_formula_says_so(window, lessons):
    lessons.open(10)  # Xavier
    assert lessons.view.formula_note.isVisible()
    assert lessons.view.formula_note.text().startswith("Corrected")
    lessons.open(0)
    assert not lessons.view.formula_note.isVisible()


def test_switching_lessons_leaves_no_old_widgets(window, lessons, qtbot):
    lessons.open(26)
    lessons.open(5)
    page = lessons.view.scroll.widget()
    qtbot.waitUntil(lambda: all(e.isVisible() for e in lessons.view.formula.equations))
    shown = [e for e in page.findChildren(Equation) if e.isVisible()]
    assert len(shown) == len(lessons.lesson.formula)
    buttons = [b.text() for b in lessons.view.buttons]
    assert buttons == [t.label for t in lessons.lesson.try_this]


def test_a_lesson_whose_preset_the_user_declines_to_open_keeps_the_session(window, lessons,
                                                                            dialogs):
    from PySide6.QtWidgets import QMessageBox

    from core.train.config import config_to_dict

    training = config_to_dict(window.session.config)["training"]
    training["steps"] += 1
    window.session.on_panel_edit("training", training)  # the user's own edit: the app asks
    mine = window.session.config
    assert mine != preset("00_default_spiral.json")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    lessons.open(25)
    assert dialogs.questions  # it asked
    assert window.session.config == mine
    assert "was not opened" in window.statusBar().currentMessage()
    assert lessons.index == 25  # the lesson itself shows
