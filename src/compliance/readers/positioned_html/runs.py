"""The text runs of a page whose text is placed by absolute position, each with its page and place.

A run is an element positioned ``absolute`` (or ``fixed``) with its inline content: text, inline
children (links, font spans) and line breaks, but not positioned children, which are runs of their
own. Its place adds its ``left``/``top`` to those of its positioned ancestors; a ``bottom`` is
turned into a top by the height of the box it is measured in. An element positioned ``relative``
outside any absolute one is a page: converters stack pages in the flow and place the text of each
within it, so every page has its own origin. Text outside any positioned element is not a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from compliance.readers.positioned_html.css import StyleSheet, length, scale

# Elements whose content is never shown as text.
_HIDDEN = frozenset(
    ["script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "canvas", "select", "object"]
)
_POSITIONED = ("absolute", "fixed")
# Elements that make a flow of blocks: a positioned element holding them with text is a container.
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "table",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "form",
        "fieldset",
    ]
)
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f]+")
# The font size a browser uses when none is given.
DEFAULT_SIZE = 16.0


@dataclass
class Piece:
    """Text set in one font size, after ``gap`` px of explicit space (an empty spacer element)."""

    text: str
    size: float
    gap: float = 0.0


@dataclass
class Run:
    """One positioned element's text: a line of pieces per ``<br>``."""

    origin: int  # the page it is placed on (an index into the pages, in order of appearance)
    left: float
    top: float
    size: float  # font size, px, after the element's transform
    line_height: float
    width: float | None  # the box width when the page states it: the text's real extent
    sourceline: int | None
    lines: list[list[Piece]] = field(default_factory=lambda: [[]])

    @property
    def text(self) -> str:
        return "\n".join("".join(p.text for p in line) for line in self.lines)


@dataclass(frozen=True)
class _Context:
    x: float
    y: float
    height: float | None  # the height of the box positions are measured in, when given
    origin: int
    size: float
    scale: float
    inside_run: bool  # below an absolutely positioned element (a relative one is then no page)


@dataclass
class PositionedText:
    """The runs of a page and how much visible text the page holds in all (for sniffing)."""

    runs: list[Run] = field(default_factory=list)
    pages: int = 0
    visible_chars: int = 0  # non-space characters of all visible text
    positioned_chars: int = 0  # of them, those inside an absolutely positioned element


def positioned_text(root: etree._Element, sheet: StyleSheet) -> PositionedText:
    """Every run of the page (in document order) and the visible text counts."""
    found = PositionedText()
    body = next(iter(root.iter("body")), root)
    start = _Context(0.0, 0.0, None, 0, DEFAULT_SIZE, 1.0, False)
    _visit(body, start, sheet, found, [0])
    # Pages numbered in the order their first run appears; origins that hold no run are dropped.
    order: dict[int, int] = {}
    for run in found.runs:
        run.origin = order.setdefault(run.origin, len(order) + 1)
    found.pages = len(order)
    return found


def _visit(
    element: etree._Element,
    context: _Context,
    sheet: StyleSheet,
    found: PositionedText,
    origins: list[int],
) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag.lower() in _HIDDEN:
        return
    style = sheet.computed(element)
    if style.get("display") == "none" or style.get("visibility") == "hidden":
        return
    size = _font_size(style, context.size)
    position = style.get("position", "").lower()
    context = _Context(context.x, context.y, context.height, context.origin, size, context.scale, context.inside_run)
    run: Run | None = None
    if position in _POSITIONED and _holds_blocks(element, sheet):
        # A positioned box around a flow of paragraphs or tables (a web page's article placed
        # by CSS) is no run of text: only what is positioned inside it is.
        context = _placed(style, context)
        context = _Context(context.x, context.y, context.height, context.origin, size, context.scale, False)
    elif position in _POSITIONED:
        context = _placed(style, context)
        run = Run(
            context.origin,
            context.x,
            context.y,
            size * context.scale,
            _line_height(style, size) * context.scale,
            _width(style, context.scale),
            element.sourceline,
        )
        _inline(element, run, sheet, size, context.scale, top=True)
        if run.text.strip():
            found.runs.append(run)
    elif position == "relative" and not context.inside_run:
        origins[0] += 1  # pages counted in document order
        origin = origins[0]
        context = _Context(0.0, 0.0, length(style.get("height")), origin, size, context.scale, False)
    elif position == "relative":
        context = _Context(
            context.x + (length(style.get("left")) or 0.0),
            context.y + (length(style.get("top")) or 0.0),
            context.height,
            context.origin,
            size,
            context.scale,
            True,
        )
    own = _count(element.text) + sum(_count(child.tail) for child in element)
    found.visible_chars += own
    if context.inside_run:
        found.positioned_chars += own
    for child in element:
        _visit(child, context, sheet, found, origins)


def _holds_blocks(element: etree._Element, sheet: StyleSheet) -> bool:
    """Does the element hold block elements (paragraphs, tables, list items) with text of their
    own, not counting those inside positioned descendants (runs of their own)?"""
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag or tag in _HIDDEN:
            continue
        if sheet.computed(child).get("position", "").lower() in _POSITIONED:
            continue
        if tag in _BLOCKS and _count(child.text) + sum(_count(c.tail) for c in child):
            return True
        if _holds_blocks(child, sheet):
            return True
    return False


def _count(text: str | None) -> int:
    return len("".join(text.split())) if text else 0


def _placed(style: dict[str, str], context: _Context) -> _Context:
    """The context inside an absolutely positioned element: its origin moved to the element's box."""
    factor = scale(style.get("transform"))
    left = length(style.get("left"))
    top = length(style.get("top"))
    height = length(style.get("height"))
    x = context.x + (left or 0.0)
    if top is not None:
        y = context.y + top
    else:
        bottom = length(style.get("bottom"))
        if bottom is not None and context.height is not None:
            # Converters that measure from the bottom (PDF's own axis) set the box's baseline there.
            y = context.y + context.height - bottom - (height if height is not None else context.size * factor)
        elif bottom is not None:
            y = context.y - bottom
        else:
            y = context.y
    return _Context(x, y, height, context.origin, context.size, context.scale * factor, True)


def _font_size(style: dict[str, str], inherited: float) -> float:
    value = style.get("font-size")
    if not value:
        return inherited
    if value.endswith("em") and not value.endswith("rem"):
        try:
            return inherited * float(value[:-2])
        except ValueError:
            return inherited
    if value.endswith("%"):
        try:
            return inherited * float(value[:-1]) / 100
        except ValueError:
            return inherited
    found = length(value)
    return found if found is not None and found > 0 else inherited


def _line_height(style: dict[str, str], size: float) -> float:
    value = style.get("line-height", "")
    found = length(value)
    if found is not None and found > 0 and value.strip()[-1:].isalpha():
        return found
    try:
        factor = float(value)  # unitless: a multiple of the font size
    except ValueError:
        return 1.2 * size
    return factor * size if factor > 0 else 1.2 * size


def _width(style: dict[str, str], factor: float) -> float | None:
    found = length(style.get("width"))
    return found * factor if found is not None and found > 0 else None


def _inline(element: etree._Element, run: Run, sheet: StyleSheet, size: float, factor: float, top: bool) -> None:
    """Add the element's inline content to ``run``: text, spacers, line breaks, inline children.

    ``size`` is the CSS font size in force, ``factor`` the scale of the run's transform.
    """
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not top:
        if not tag or tag in _HIDDEN:
            return
        style = sheet.computed(element)
        if style.get("display") == "none" or style.get("position", "").lower() in _POSITIONED:
            return  # a positioned child is a run of its own
        if tag == "br":
            run.lines.append([])
            return
        size = _font_size(style, size)
        spacer = _spacer(style, factor)
        if spacer and not (element.text or "").strip() and len(element) == 0:
            run.lines[-1].append(Piece("", size * factor, spacer))
            return
    _text(run, element.text, size * factor)
    for child in element:
        _inline(child, run, sheet, size, factor, top=False)
        _text(run, child.tail, size * factor)


def _spacer(style: dict[str, str], factor: float) -> float:
    """Space an empty inline element stands for: its width (inline-block) or its left margin."""
    width = length(style.get("width")) if "inline" in style.get("display", "") else None
    margin = length(style.get("margin-left"))
    return ((width or 0.0) + (margin or 0.0)) * factor


def _text(run: Run, text: str | None, size: float) -> None:
    if not text:
        return
    text = _COLLAPSIBLE.sub(" ", text)
    line = run.lines[-1]
    if not line or not "".join(p.text for p in line).strip(" "):
        # Collapsible space at the start of a line is not shown (a no-break space is).
        text = text.lstrip(" ")
    if text:
        line.append(Piece(text, size))
