"""Make the SVG that Qt's paint engine writes for one plot item draw the same
picture in every renderer (:func:`flatten`; :mod:`playground.plots.svg_export`
paints the items).

Qt's ``QSvgGenerator`` records exactly what the item paints, but leans on what
renderers do not share:

- **cosmetic pens**: a curve is drawn in data coordinates under the view's matrix,
  with ``vector-effect="non-scaling-stroke"`` to keep the line 1-2 px wide. librsvg
  ignores that attribute and scales the stroke by the matrix -- a line plot turns
  into a filled band. Here every shape's coordinates are mapped to the page (the
  matrix baked in), so the stroke is as wide as on screen everywhere; the
  attribute stays, keeping lines hairlines when zoomed where it is understood
  (as in the PNG export, whose pixel ratio does not widen cosmetic pens either).
- **clipping**: the view box clips its curves, bars and images, which QtSvg's
  renderer ignores -- curves run past the axes. Here every shape is cut to the
  item's clip: open lines segment by segment, filled areas by intersection,
  images by re-rendering the visible part as a new embedded image.
- **text**: renderers lay text out with their own (unhinted) advances, so legend
  labels came out up to a tenth narrower than on screen. Text becomes the
  outlines of its glyphs where Qt's layout placed them (as matplotlib's SVGs
  do), at the cost of text one cannot select.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QFont, QImage, QPainter, QPainterPath, QPicture, QTransform

from playground.plots import svg_geometry as geo

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
HREF = f"{{{XLINK_NS}}}href"
IMAGE_SCALE = 2.0  # resolution of a re-rendered (clipped) image, per page unit
SHAPES = ("path", "polyline", "polygon", "rect")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _new(tag: str, attrib: dict[str, str]) -> ET.Element:
    return ET.Element(f"{{{SVG_NS}}}{tag}", attrib)


def flatten(svg: bytes | str, clip: QRectF | None) -> list[ET.Element]:
    """The drawing of ``svg`` (Qt's output for one item) with transforms baked into the
    shapes and every shape cut to ``clip`` (page coordinates; None: not cut). Qt's own
    clip paths are dropped: its generator leaves a clip in force after the painter
    restores it (a legend's label clip then hides the next legend line), so the caller
    clips with the item's clip, which it knows."""
    root = ET.fromstring(svg)
    body = [el for el in root if _tag(el) not in ("title", "desc", "defs")]
    for el in body:
        for node in el.iter():
            node.attrib.pop("clip-path", None)
    parents = {child: parent for el in body for parent in el.iter() for child in parent}
    dpi = QPicture().logicalDpiY()
    for text in [t for el in body for t in el.iter(f"{{{SVG_NS}}}text")]:
        parent = parents[text]
        outline = _outline(text, parent, dpi)
        index = list(parent).index(text)
        parent.remove(text)
        if outline is not None:
            parent.insert(index, outline)
            parents[outline] = parent
    for el in body:
        groups = [g for g in el.iter(f"{{{SVG_NS}}}g") if "transform" in g.attrib]
        for group in groups:
            t = geo.parse_matrix(group.get("transform"))
            # Qt writes one level of transform, the whole world matrix; anything
            # nested is left alone rather than mapped by a wrong matrix.
            if t is None or group not in parents or _nested(group, parents):
                continue
            _split(group, parents[group], t, clip)
    return body


def _outline(el: ET.Element, group: ET.Element, dpi: float) -> ET.Element | None:
    """``<text>`` as a path of its glyphs, placed as Qt's layout placed them on
    screen: renderers lay text out with their own (unhinted) advances, which made
    legend labels up to a tenth narrower than on screen."""
    text = "".join(el.itertext())
    if not text.strip():
        return None

    def get(key: str, default: str) -> str:
        return el.get(key, group.get(key, default))

    font = QFont(get("font-family", "Sans Serif"))
    font.setPointSizeF(float(get("font-size", "12")) * 72.0 / dpi)  # Qt wrote px at dpi
    font.setWeight(QFont.Weight(int(float(get("font-weight", "400")))))
    font.setItalic(get("font-style", "normal") in ("italic", "oblique"))
    path = geo.text_outline(text, float(el.get("x", "0")), float(el.get("y", "0")), font)
    if path.isEmpty():
        return None
    return _new("path", {"fill": get("fill", "#000000"), "fill-opacity": get("fill-opacity", "1"),
                         "stroke": "none", "fill-rule": "nonzero", "d": geo.path_data(path)})


def _nested(group: ET.Element, parents: dict) -> bool:
    node = parents.get(group)
    while node is not None:
        if "transform" in node.attrib:
            return True
        node = parents.get(node)
    return any("transform" in g.attrib for g in group.iter(f"{{{SVG_NS}}}g") if g is not group)


def _split(group: ET.Element, parent: ET.Element, t: QTransform, clip: QRectF | None) -> None:
    """Replace ``group`` (transform ``t``) by runs of groups in the same order: shapes
    and cut images mapped to the page in groups without the transform, anything
    else (whole images) in copies of the group that keep it."""
    attrs = {k: v for k, v in group.attrib.items() if k != "transform"}
    runs: list[tuple[bool, list[ET.Element]]] = []  # (baked?, elements)
    for child in list(group):
        baked = _bake(child, t, clip, group)
        if baked is None:
            out, is_baked = [child], False
        else:
            out, is_baked = baked, True
        if not out:
            continue
        if runs and runs[-1][0] == is_baked:
            runs[-1][1].extend(out)
        else:
            runs.append((is_baked, out))
    index = list(parent).index(group)
    parent.remove(group)
    for offset, (is_baked, elements) in enumerate(runs):
        g = _new("g", attrs if is_baked else dict(group.attrib))
        g.text, g.tail = "\n", "\n"
        g.extend(elements)
        parent.insert(index + offset, g)


def _bake(el: ET.Element, t: QTransform, clip: QRectF | None,
          group: ET.Element) -> list[ET.Element] | None:
    """``el`` on the page: a list of replacement elements (empty: all clipped away),
    or None to keep ``el`` as it is, under the transform."""
    tag = _tag(el)
    if tag == "image":
        return _image(el, t, clip)
    if tag not in SHAPES:
        return None
    cosmetic = el.get("vector-effect") == "non-scaling-stroke"
    # A cosmetic line keeps its vector-effect (see the module's docstring).
    attrs = {k: v for k, v in el.attrib.items()
             if k not in ("d", "points", "x", "y", "width", "height")}
    if not cosmetic:  # the stroke was drawn in local units: keep its width on the page
        width = float(el.get("stroke-width", group.get("stroke-width", "1")))
        attrs["stroke-width"] = geo.fmt(width * geo.stroke_scale(t))
    if tag == "polyline":
        pts = geo.transform_points(t, geo.parse_points(el.get("points", "")))
        runs = [pts] if clip is None else geo.clip_polyline(pts, clip)
        if not runs:
            return []
        attrs["fill"] = "none"  # a polyline's fill is its group's, which Qt leaves none
        return [_new("path", {**attrs, "d": geo.polylines_data(runs)})]
    path = _shape_path(el, tag)
    path = t.map(path)
    return _cut(path, attrs, clip, el, group)


def _shape_path(el: ET.Element, tag: str) -> QPainterPath:
    if tag == "path":
        return geo.parse_path(el.get("d", ""))
    if tag == "rect":
        return geo.rect_path(*(float(el.get(k, "0")) for k in ("x", "y", "width", "height")))
    pts = geo.parse_points(el.get("points", ""))  # polygon
    path = QPainterPath()
    if len(pts):
        path.moveTo(*pts[0])
        for x, y in pts[1:]:
            path.lineTo(x, y)
        path.closeSubpath()
    return path


def _paint(el: ET.Element, group: ET.Element, key: str) -> bool:
    value = el.get(key, group.get(key, "none"))
    return value not in ("none", "")


def _cut(path: QPainterPath, attrs: dict, clip: QRectF | None, el: ET.Element,
         group: ET.Element) -> list[ET.Element]:
    """``path`` (on the page) cut to ``clip``: the fill by intersection, the stroke by
    cutting its lines -- two elements when both are drawn and the shape is cut."""
    if path.isEmpty():
        return []
    if clip is None or geo.rect_contains(clip, path.boundingRect()):
        return [_new("path", {**attrs, "d": geo.path_data(path)})]
    if not clip.intersects(path.boundingRect()):
        return []
    out = []
    if _paint(el, group, "fill"):
        if el.get("fill-rule", group.get("fill-rule")) == "nonzero":
            path.setFillRule(path.fillRule().WindingFill)
        area = path.intersected(geo.rect_path(clip.x(), clip.y(), clip.width(),
                                              clip.height()))
        if not area.isEmpty():
            out.append(_new("path", {**attrs, "stroke": "none", "d": geo.path_data(area)}))
    if _paint(el, group, "stroke"):
        runs = [r for sub in geo.subpaths(path) for r in geo.clip_polyline(sub, clip)]
        if runs:
            out.append(_new("path", {**attrs, "fill": "none", "d": geo.polylines_data(runs)}))
    return out


def _image(el: ET.Element, t: QTransform, clip: QRectF | None) -> list[ET.Element] | None:
    """An image that crosses its clip, re-rendered as just its visible part (on the
    page); None (keep it) when it is inside its clip or cannot be placed."""
    if clip is None or not geo.is_axis_aligned(t):
        return None
    local = QRectF(*(float(el.get(k, "0")) for k in ("x", "y", "width", "height")))
    page = t.mapRect(local)
    if geo.rect_contains(clip, page):
        return None
    visible = page.intersected(clip)
    if visible.isEmpty():
        return []
    href = el.get(HREF, "")
    if not href.startswith("data:image/") or "base64," not in href:
        return None
    source = QImage.fromData(base64.b64decode(href.split("base64,", 1)[1]))
    if source.isNull():
        return None
    out = QImage(max(1, round(visible.width() * IMAGE_SCALE)),
                 max(1, round(visible.height() * IMAGE_SCALE)),
                 QImage.Format.Format_ARGB32_Premultiplied)
    out.fill(0)
    painter = QPainter(out)
    try:
        smooth = el.get("image-rendering") != "optimizeSpeed"
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
        painter.scale(IMAGE_SCALE, IMAGE_SCALE)
        painter.translate(-visible.x(), -visible.y())
        painter.setTransform(t, combine=True)
        painter.drawImage(local, source)
    finally:
        painter.end()
    attrs = {k: v for k, v in el.attrib.items() if k not in ("x", "y", "width", "height", HREF)}
    attrs.update(x=geo.fmt(visible.x()), y=geo.fmt(visible.y()),
                 width=geo.fmt(visible.width()), height=geo.fmt(visible.height()))
    attrs[HREF] = "data:image/png;base64," + _png_base64(out)
    return [_new("image", attrs)]


def _png_base64(img: QImage) -> str:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return base64.b64encode(bytes(data)).decode("ascii")
