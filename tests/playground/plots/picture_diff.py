"""How different two pictures are: the share of the drawn pixels that differ.

Both images are blurred over 5x5 pixels (antialiasing moves an edge by a pixel
fraction, and renderers antialias the lines the screen draws aliased); then a
pixel differs when one of its channels differs by more than 36 of 255, and the
count is divided by the pixels drawn (not white) in either image, so a thin
curve that moves counts as much as a big one. Moving a whole plot by one pixel
scores about 0.15; the same picture scores 0.
"""

from __future__ import annotations

import subprocess

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

TOLERANCE = 36
THRESHOLD = 0.01  # a correct export scores ~0; each of the old exports scored more


def pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())
    rows = raw.reshape(img.height(), img.bytesPerLine())[:, :img.width() * 3]
    return rows.reshape(img.height(), img.width(), 3).astype(float)


BLUR = 5


def _blur(a: np.ndarray) -> np.ndarray:
    r = BLUR // 2
    padded = np.pad(a, ((r, r), (r, r), (0, 0)), mode="edge")
    return sliding_window_view(padded, (BLUR, BLUR), axis=(0, 1)).mean(axis=(-1, -2))


def difference(a: QImage, b: QImage) -> float:
    """Share of the drawn pixels of ``a`` or ``b`` that differ (same size required)."""
    assert (a.width(), a.height()) == (b.width(), b.height())
    pa, pb = _blur(pixels(a)), _blur(pixels(b))
    differ = np.abs(pa - pb).max(axis=-1) > TOLERANCE
    drawn = (pa.min(axis=-1) < 245) | (pb.min(axis=-1) < 245)
    return float(differ.sum() / max(1, drawn.sum()))


def render_svg(path, width: int, height: int) -> QImage:
    """The SVG file drawn by QtSvg at ``width`` x ``height``, on white."""
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), path
    img = QImage(width, height, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return img


def render_svg_librsvg(path, width: int, height: int, out) -> QImage:
    """The SVG file drawn by librsvg (``rsvg-convert``) at ``width`` x ``height``."""
    subprocess.run(["rsvg-convert", "-w", str(width), "-h", str(height), "-b", "white",
                    str(path), "-o", str(out)], check=True, timeout=60)
    return QImage(str(out))
