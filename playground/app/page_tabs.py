"""The window's central tabs, whose pages scroll instead of forcing the window wide.

A QTabWidget is at least as large as its largest page's minimum, so one wide
page (the optimizer lab needs ~820 px, the loss landscape ~940) made the whole
window wider than a 1024x768 projector and squeezed the docks to "Netw...".
Here each page sits in a frameless scroll area: a page larger than the room
it gets scrolls, and the others are unaffected. The tab widget's page lookups
(``widget``, ``currentWidget``, ``indexOf``, ``setCurrentWidget``) see the
pages themselves, not their scroll areas, so callers never notice the wrapper.
"""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabWidget, QWidget


class _PageArea(QScrollArea):
    def __init__(self, page: QWidget) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(page)


class PageTabs(QTabWidget):
    def addTab(self, page: QWidget, text: str) -> int:  # noqa: N802 - Qt API
        return super().addTab(_PageArea(page), text)

    def insertTab(self, index: int, page: QWidget, text: str) -> int:  # noqa: N802
        return super().insertTab(index, _PageArea(page), text)

    def widget(self, index: int) -> QWidget | None:
        area = super().widget(index)
        return area.widget() if isinstance(area, _PageArea) else area

    def area(self, index: int) -> QWidget | None:
        """The scroll area holding page ``index``."""
        return super().widget(index)

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self.widget(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:  # noqa: N802
        for i in range(self.count()):
            if page is self.widget(i) or page is super().widget(i):
                return i
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:  # noqa: N802
        i = self.indexOf(page)
        if i >= 0:
            self.setCurrentIndex(i)
