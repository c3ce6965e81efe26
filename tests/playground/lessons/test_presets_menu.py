"""The Presets menu follows the lecture (grouped by section, in the lessons' order,
each entry with its one-line note), and every optimizer's tooltip has its update rule."""

from __future__ import annotations

from core.lessons import SECTIONS, load_lessons
from core.optim import OPTIMIZERS
from playground.app import files
from playground.panels.optimizer_panel import OptimizerPanel


def menu_rows(window):
    """(section heading or None, text, tooltip, status tip, file name) per row."""
    rows = []
    for act in window.files.presets_menu.actions():
        if act.isSeparator():
            rows.append((act.text(), None, None, None, None))
        else:
            rows.append((None, act.text(), act.toolTip(), act.statusTip(), act.data()))
    return rows


def test_presets_are_grouped_under_the_lectures_sections_in_order(window):
    rows = menu_rows(window)
    headings = [r[0] for r in rows if r[0] is not None]
    assert headings == [*SECTIONS.values(), files.OTHER_PRESETS]
    names = [r[4] for r in rows if r[0] is None]
    shipped = sorted(p.name for p in files.PRESETS_DIR.glob("*.json"))
    assert sorted(names) == shipped  # every preset, once
    # In each section: the presets in the order the lessons name them.
    expected = []
    for _, lesson in load_lessons():
        expected += [n for n in lesson.presets() if n not in expected]
    assert names[:len(expected)] == expected
    assert names.index("04_he_deep_relu.json") < names.index("04_xavier_deep_relu.json")
    assert set(names[len(expected):]) == {"00_default_spiral.json", "12_digits.json"}


def test_each_entry_has_its_one_line_note(window):
    notes, seen = {}, set()  # the note of the lesson that names a preset first and opens it
    for _, lesson in load_lessons():
        for name in lesson.presets():
            if name not in seen and name == lesson.opens.preset:
                notes[name] = lesson.note
            seen.add(name)
    for heading, text, tip, status, name in menu_rows(window):
        if heading is not None:
            continue
        assert tip and tip == status and "\n" not in tip, text
        if name in notes:
            assert tip == notes[name]
    rows = {r[4]: r for r in menu_rows(window) if r[0] is None}
    assert rows["10_gradient_noise.json"][2].endswith("Xavier initialization.")  # et al. kept


def test_a_menu_entry_opens_its_preset(window, qtbot):
    act = next(a for a in window.files.presets_menu.actions()
               if a.data() == "07_batch_norm_on.json")
    act.trigger()
    assert window.session.config.network.batch_norm
    assert window.session.config.title == act.text()


def test_every_optimizer_choice_shows_its_update_rule(qtbot):
    panel = OptimizerPanel()
    qtbot.addWidget(panel)
    combo = panel.name
    seen = set()
    for i in range(combo.count()):
        name = combo.itemData(i)
        if name is None:  # the separator after the lecture's seven
            continue
        rule = OPTIMIZERS.get(name).update_rule
        tip = combo.itemData(i, 3)  # Qt.ToolTipRole
        assert rule and tip.splitlines()[0] == rule, name
        seen.add(name)
    assert seen == set(OPTIMIZERS.names())
