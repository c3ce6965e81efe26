"""A lesson's formula, typeset: LaTeX → SVG with ziamath, drawn with QtSvg.

ziamath (pure Python: latex2mathml, then its own math layout with the STIX Two
Math font it ships) turns each equation into SVG paths, so nothing depends on
a TeX installation or on the fonts of the machine. It is asked for plain SVG
1.1 (``svg2 = False``): Qt's SVG renderer (SVG Tiny 1.2) does not draw the
``<symbol>``/``<use>`` glyph reuse of the SVG 2 output.

``FormulaView`` stacks one rendered equation per line and scales them down
(never up past ``size``) to the width it has, all by the same factor, so a
long equation stays whole in a narrow dock -- smaller, never cut off -- and
the dock's minimum width does not depend on the formula. (A sideways-scrolling
box was tried: its height never followed the scaled equations reliably.)
"""

from __future__ import annotations

import functools
import re
import warnings

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.plots import style

FONT_PX = 17  # the size of an equation's text at scale 1
# latex2mathml keeps an unknown command as an identifier "\foo": we refuse it.
_UNKNOWN = re.compile(r">\\[A-Za-z]+<")


class FormulaError(ValueError):
    """A formula that cannot be typeset (the message says why)."""


@functools.lru_cache(maxsize=256)
def latex_svg(tex: str, size: int = FONT_PX, color: str = "black") -> bytes:
    """The equation ``tex`` as SVG bytes; FormulaError when it cannot be typeset."""
    import latex2mathml.converter

    with warnings.catch_warnings():  # ziamath 0.13 finds its font the deprecated way
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath
    ziamath.config.svg2 = False  # SVG 1.1 for QtSvg
    try:
        mathml = latex2mathml.converter.convert(tex)
    except Exception as err:  # the parser raises many types on bad input
        raise FormulaError(f"cannot read the formula {tex[:40]!r}: {err}") from None
    unknown = _UNKNOWN.search(mathml)
    if unknown:
        raise FormulaError(f"unknown command {unknown.group(0)[1:-1]} in {tex[:40]!r}")
    try:
        svg = ziamath.Latex(tex, size=size, color=color).svg()
    except Exception as err:
        raise FormulaError(f"cannot typeset {tex[:40]!r}: {err}") from None
    return svg.encode("utf-8")


class Equation(QWidget):
    """One typeset equation, scaled to the available width (aspect kept). The
    equations of one formula share a scale: that of the widest (``group_width``),
    so that their symbols keep one size."""

    def __init__(self, svg: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svg = svg
        self.renderer = QSvgRenderer(QByteArray(svg), self)
        self.renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self._natural = self.renderer.defaultSize()
        self.group_width = self._natural.width()
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _scale(self, width: int) -> float:
        # At most the plots' scale: bigger in presentation mode, as the text around it.
        return max(0.05, min(style.scale(), width / max(self.group_width, 1)))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return int(round(self._natural.height() * self._scale(width))) + 2

    def sizeHint(self) -> QSize:  # noqa: N802
        s = style.scale()
        return QSize(round(self._natural.width() * s), round(self._natural.height() * s) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(40, 8)

    def paintEvent(self, _event) -> None:  # noqa: N802
        s = self._scale(self.width())
        w, h = self._natural.width() * s, self._natural.height() * s
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.renderer.render(p, QRectF(0.0, 1.0, w, h))
        p.end()


class FormulaView(QWidget):
    """A lesson's equations, one per line; an equation that cannot be typeset shows
    the reason in red instead (never the raw LaTeX)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(4, 4, 4, 4)
        self.lay.setSpacing(6)
        self.equations: list[Equation] = []
        self.errors: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_formula(self, lines: list[str], size: int = FONT_PX) -> None:
        while self.lay.count():
            item = self.lay.takeAt(0)
            old = item.widget()
            if old is not None:  # gone at once, not only when the event loop deletes it
                old.hide()
                old.setParent(None)
                old.deleteLater()
        self.equations, self.errors = [], []
        for tex in lines:
            try:
                eq = Equation(latex_svg(tex, size))
            except FormulaError as err:
                self.errors.append(str(err))
                label = QLabel(f"(formula not shown: {err})")
                label.setWordWrap(True)
                label.setStyleSheet("color: #c62828;")
                self.lay.addWidget(label)
                label.show()
                continue
            self.equations.append(eq)
            self.lay.addWidget(eq)
            eq.show()  # now, not at the next turn of the loop: the box's height counts it
        self.rescale()

    def rescale(self) -> None:
        """Lay the equations out again at the current scale and width."""
        widest = max((eq._natural.width() for eq in self.equations), default=1)
        for eq in self.equations:
            eq.group_width = widest
            eq.updateGeometry()  # the layouts' cached heights were for the old scale
            eq.update()

