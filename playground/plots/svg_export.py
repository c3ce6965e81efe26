"""A plot as SVG: each item of the scene painted, as the scene would paint it, into
Qt's SVG generator, made renderer-independent by
:func:`playground.plots.svg_flatten.flatten` and cut to the clip the scene gives it.

Items are painted one by one, not with ``QGraphicsScene.render``, because Qt's SVG
generator loses clips: once a painter restores a clip (after a legend label, a
view box), the generator keeps writing the old one, and the next items (a
legend's sample line, the axes) vanish in renderers that clip. Painting an item
alone, with its transform and opacity, and computing its clip from its
ancestors (``ItemClipsChildrenToShape``, as the scene does) needs no clip from
the generator at all.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPicture, QTransform
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from playground.plots import svg_flatten
from playground.plots.svg_flatten import SVG_NS
from playground.plots.svg_geometry import fmt

Flag = QGraphicsItem.GraphicsItemFlag


def svg_document(items: list[QGraphicsItem], source: QRectF, title: str) -> bytes:
    """An SVG of the scene's ``source`` rectangle (page units: scene pixels) drawing
    ``items`` in their stacking order, on white."""
    w, h = max(1.0, source.width()), max(1.0, source.height())
    page = QRectF(0, 0, w, h)
    to_page = QTransform.fromTranslate(-source.x(), -source.y())
    root = ET.Element(f"{{{SVG_NS}}}svg", {
        "version": "1.1", "width": f"{fmt(w)}px", "height": f"{fmt(h)}px",
        "viewBox": f"0 0 {fmt(w)} {fmt(h)}"})
    ET.SubElement(root, f"{{{SVG_NS}}}title").text = title
    defs = ET.SubElement(root, f"{{{SVG_NS}}}defs")
    ET.SubElement(root, f"{{{SVG_NS}}}rect", {"x": "0", "y": "0", "width": fmt(w),
                                              "height": fmt(h), "fill": "#ffffff"})
    clip_ids: dict[tuple, str] = {}
    for item in items:
        clip = _clip(item, to_page, page)
        if clip is None:
            continue  # clipped away entirely
        body = svg_flatten.flatten(_paint_alone(item, to_page, page), clip)
        if not body:
            continue
        key = (clip.x(), clip.y(), clip.width(), clip.height())
        if key not in clip_ids:
            clip_ids[key] = _add_clip(defs, clip, len(clip_ids) + 1)
        g = ET.SubElement(root, f"{{{SVG_NS}}}g", {"clip-path": f"url(#{clip_ids[key]})"})
        g.extend(body)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def paint_order(scene, source: QRectF) -> list[QGraphicsItem]:
    """The visible items that draw into ``source``, bottom first (as the scene paints)."""
    out = []
    for it in scene.items(source, Qt.ItemSelectionMode.IntersectsItemBoundingRect,
                          Qt.SortOrder.AscendingOrder):
        if (not it.isVisible() or it.effectiveOpacity() <= 0.0
                or it.flags() & Flag.ItemHasNoContents):
            continue
        out.append(it)
    return out


def _clip(item: QGraphicsItem, to_page: QTransform, page: QRectF) -> QRectF | None:
    """The page rectangle ``item`` may draw in: the page, cut by its own shape
    (``ItemClipsToShape``) and every ancestor's (``ItemClipsChildrenToShape``); None
    if nothing is left. (Shapes of plot items are rectangles: their bounds are used.)"""
    rect = QRectF(page)
    node, own = item, True
    while node is not None:
        flag = Flag.ItemClipsToShape if own else Flag.ItemClipsChildrenToShape
        if node.flags() & flag:
            shape = to_page.map(node.mapToScene(node.shape())).boundingRect()
            rect = rect.intersected(shape)
        node, own = node.parentItem(), False
    return None if rect.isEmpty() else rect


def _paint_alone(item: QGraphicsItem, to_page: QTransform, page: QRectF) -> bytes:
    """``item`` painted alone into an SVG the size of the page. (The axes paint without
    antialiasing; the SVG leaves that to the renderer: engines disagree on which
    pixel an aliased line between two pixels takes.)"""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    gen.setOutputDevice(buf)
    # The resolution the axes and bars cached their drawing at: a QPicture replays
    # scaled by the ratio of the two (at the generator's 72 dpi, axes shrink to 3/4).
    gen.setResolution(QPicture().logicalDpiX())
    gen.setSize(QSize(round(page.width()), round(page.height())))
    gen.setViewBox(page)
    painter = QPainter(gen)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.setTransform(item.deviceTransform(to_page))
        painter.setOpacity(item.effectiveOpacity())
        option = QStyleOptionGraphicsItem()
        option.exposedRect = item.boundingRect()
        item.paint(painter, option, None)
    finally:
        painter.end()
    buf.close()
    return bytes(data)


def _add_clip(defs: ET.Element, rect: QRectF, n: int) -> str:
    name = f"clip{n}"
    cp = ET.SubElement(defs, f"{{{SVG_NS}}}clipPath", {"id": name})
    ET.SubElement(cp, f"{{{SVG_NS}}}rect", {"x": fmt(rect.x()), "y": fmt(rect.y()),
                                            "width": fmt(rect.width()),
                                            "height": fmt(rect.height())})
    return name
