"""The Lessons dock's content: one lesson at a time, read from top to bottom.

    ◀  [ Lesson 3 of 27 ▾ ]  ▶                   previous, any lesson (by section), next
    ACTIVATION FUNCTIONS                        the lecture's section
    Sigmoid vs tanh                             the title
    a few sentences                             the text
    ┌ typeset formula ┐                         one equation per line
    Corrected: ...                              when the slide prints it differently
    What to notice                              the claim in words
    ✓ checked headless on 3 seeds               (the claim as data, in the tooltip)
    Try this: [Switch to tanh] [Back to ...]    one-click experiments

The view holds no session state: it shows the lesson it is given and emits
what the user asks for (``previous``, ``next``, ``chosen``, ``reopen``,
``try_requested``); ``playground.lessons.controller`` does the rest. Everything
scrolls vertically, so nothing is cut off in a narrow or short dock.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.lessons import Lesson, TryThis
from playground.lessons.formula import FormulaView

NOTE_STYLE = ("QLabel { background: #fff4e5; border-left: 3px solid #e65100; padding: 4px 6px;"
              " color: #5d4037; }")
NOTICE_STYLE = ("QLabel { background: #e8f5e9; border-left: 3px solid #2e7d32; padding: 4px 6px;"
                " }")
FORMULA_STYLE = "QFrame#formula { background: white; border: 1px solid #d0d0d0; }"


def _label(text: str = "", *, style: str = "", rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    if style:
        label.setStyleSheet(style)
    return label


def _font(label: QLabel, scale: float = 1.0, bold: bool = False) -> None:
    """``label`` in the application's font, ``scale`` times its size; kept so when the
    application's font changes (presentation mode: ``LessonView.changeEvent``)."""
    label.setProperty("font_scale", scale)
    label.setProperty("font_bold", bold)
    _refont(label)


def _refont(label: QLabel) -> None:
    f = QFont(QApplication.font())
    f.setPointSizeF(f.pointSizeF() * float(label.property("font_scale")))
    f.setBold(bool(label.property("font_bold")))
    label.setFont(f)


class WrapButton(QPushButton):
    """A push button whose text wraps onto more lines in a narrow dock instead of
    setting the dock's minimum width (a QPushButton's text never wraps)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(text)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(self.label)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:  # the label holds it
        return self.label.text()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self.label.heightForWidth(max(width - 16, 1)) + 10, 26)

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = self.label.sizeHint()
        return QSize(hint.width() + 16, max(hint.height() + 10, 26))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, 26)


class LessonView(QWidget):
    previous = Signal()
    next = Signal()
    chosen = Signal(int)  # a lesson picked in the list
    reopen = Signal()  # show the lesson's setup again
    try_requested = Signal(object)  # TryThis

    def _app_font_changed(self, _font: QFont) -> None:
        """Presentation mode: the headings follow the application's font, the formula
        the plots' scale."""
        for label in self.findChildren(QLabel):
            if label.property("font_scale") is not None:
                _refont(label)
        self.formula.rescale()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # keys work with the dock focused
        QApplication.instance().fontChanged.connect(self._app_font_changed)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        outer.addLayout(self._build_navigation())
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        page = QWidget()
        self.body = QVBoxLayout(page)
        self.body.setContentsMargins(6, 2, 6, 6)
        self.body.setSpacing(8)
        self._build_body()
        self.scroll.setWidget(page)
        outer.addWidget(self.scroll, 1)
        self.buttons: list[WrapButton] = []
        self.actions: list[QAction] = []
        self._count = 0

    def _build_navigation(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        self.prev_button = QToolButton()
        self.prev_button.setText("\u25c0")
        self.prev_button.setToolTip("Previous lesson (Page Up, \u2190 or \u2191)")
        self.next_button = QToolButton()
        self.next_button.setText("\u25b6")
        self.next_button.setToolTip("Next lesson (Page Down, \u2192 or \u2193)")
        # Every lesson under its section's heading; the title itself shows below, so the
        # button need not hold it (a combo box would elide it in a narrow dock).
        self.menu = QMenu(self)
        self.menu.setToolTipsVisible(True)
        self.list = QToolButton()
        self.list.setToolTip("Go to any lesson")
        self.list.setMenu(self.menu)
        self.list.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.list.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for w in (self.prev_button, self.next_button, self.list):
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prev_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        row.addWidget(self.prev_button)
        row.addWidget(self.list, 1)
        row.addWidget(self.next_button)
        return row

    def _build_body(self) -> None:
        b = self.body
        self.section = _label(style="color: #607d8b; letter-spacing: 1px;")
        _font(self.section, 0.85, bold=True)
        self.title = _label()
        _font(self.title, 1.45, bold=True)
        self.text = _label()
        self.formula_box = QFrame()
        self.formula_box.setObjectName("formula")
        self.formula_box.setStyleSheet(FORMULA_STYLE)
        box = QVBoxLayout(self.formula_box)
        box.setContentsMargins(6, 6, 6, 6)
        self.formula = FormulaView()
        box.addWidget(self.formula)
        self.formula_note = _label(style=NOTE_STYLE)
        notice_head = _label("What to notice")
        _font(notice_head, 1.1, bold=True)
        self.notice = _label(style=NOTICE_STYLE)
        self.checked = _label(style="color: #607d8b;")
        _font(self.checked, 0.9)
        self.try_head = _label("Try this")
        _font(self.try_head, 1.1, bold=True)
        self.try_box = QVBoxLayout()
        self.try_box.setSpacing(4)
        self.reopen_button = WrapButton("\u21ba Start this lesson again")
        self.reopen_button.setToolTip("Open the lesson's preset (or race) again, as it started")
        self.reopen_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reopen_button.clicked.connect(self.reopen)
        for w in (self.section, self.title, self.text, self.formula_box, self.formula_note,
                  notice_head, self.notice, self.checked, self.try_head):
            b.addWidget(w)
        b.addLayout(self.try_box)
        b.addSpacing(6)
        b.addWidget(self.reopen_button)
        b.addStretch(1)

    # -- showing -----------------------------------------------------------------------
    def set_lessons(self, lessons: list[Lesson]) -> None:
        """The menu of every lesson, under the lecture's section headings."""
        self.menu.clear()
        self.actions: list[QAction] = []
        self._count = len(lessons)
        section = None
        for i, lesson in enumerate(lessons):
            if lesson.section != section:
                section = lesson.section
                self.menu.addSection(lesson.section_title)
            act = self.menu.addAction(f"{i + 1}. {lesson.title}")
            act.setCheckable(True)
            act.setToolTip(lesson.note)
            act.triggered.connect(lambda _=False, k=i: self.chosen.emit(k))
            self.actions.append(act)

    def show_lesson(self, index: int, lesson: Lesson, checked: str) -> None:
        """Lesson ``index`` (0-based); ``checked``: the claims in words (a tooltip)."""
        self.list.setText(f"Lesson {index + 1} of {self._count}")
        for i, act in enumerate(self.actions):
            act.setChecked(i == index)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self._count - 1)
        self.section.setText(lesson.section_title.upper())
        self.title.setText(lesson.title)
        self.text.setText(lesson.text)
        self.formula.set_formula(lesson.formula)
        self.formula_note.setText(lesson.formula_note)
        self.formula_note.setVisible(bool(lesson.formula_note))
        self.notice.setText(lesson.notice)
        n = len(lesson.claims)
        self.checked.setText("\u2713 " + ("This claim is" if n == 1 else f"These {n} claims are")
                             + " checked by a headless test (hover for the numbers it checks).")
        self.checked.setToolTip(checked)
        self._show_buttons(lesson.try_this)
        self.scroll.verticalScrollBar().setValue(0)

    def _show_buttons(self, items: list[TryThis]) -> None:
        for button in self.buttons:  # gone at once, not only when the event loop deletes it
            self.try_box.removeWidget(button)
            button.hide()
            button.setParent(None)
            button.deleteLater()
        self.buttons = []
        for t in items:
            button = WrapButton(t.label)
            button.setToolTip(t.tip or _default_tip(t))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, item=t: self.try_requested.emit(item))
            self.try_box.addWidget(button)
            button.show()  # now, not at the next turn of the event loop
            self.buttons.append(button)
        self.try_head.setVisible(bool(items))


def _default_tip(t: TryThis) -> str:
    if t.changes is not None:
        return "Changes " + ", ".join(f"{k} to {v!r}" for k, v in t.changes.items())
    if t.preset is not None:
        return f"Opens the preset {t.preset}"
    if t.lab is not None:
        racers = ", ".join(t.lab.racers) if t.lab.racers else "its racers"
        return f"Races {racers} in the Optimizer lab ({t.lab.preset})"
    from core.train.sweep import catalog

    varied = " and ".join(catalog.by_key(a.setting).label for a in t.compare.vary)
    return (f"Compares variants of the session over {varied} on the Compare tab "
            f"({t.compare.seeds} seeds each)")
