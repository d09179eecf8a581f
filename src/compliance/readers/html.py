"""HTML: government pages and Word-exported HTML, parsed with lxml (never with regexes over markup).

The page chrome (scripts, navigation, menus, footers) is set aside by finding the article body:
the smallest element that still holds nearly all of the page's non-link text. Inside it, block
elements become paragraphs (``h1``–``h6`` carry their level) and data tables become grids with
their ``rowspan``/``colspan`` expanded. Inline runs (``<span>``, ``<font>``) are joined as a browser
shows them, so Word's ``20``+``23`` is read as ``2023``.
"""

from __future__ import annotations

import functools
import hashlib
import re

from lxml import etree

from compliance.document import Block, Document, Grid, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.model import Loc
from compliance.readers import decode_text
from compliance.readers.grid import SpanCell, clean_cell, clean_inline, expand_spans
from compliance.readers.limits import check_table_cells

_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "head",
        "title",
        "meta",
        "link",
        "map",
        "audio",
        "video",
        "nav",
        "aside",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
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
        "center",
        "address",
        "figure",
        "figcaption",
        "caption",
        "hr",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "tfoot",
        "body",
    ]
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# Class or id words that mark navigation, menus and footers on government sites.
_CHROME = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|breadcrumb|crumbs?|footer|foot|topbar|sidebar|share|copyright|"
    r"position|location|dqwz|print|related|xgxx|xglj)(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]{2,40})""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_\-.]{2,40})""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SNIFF_STRONG = (b"<!doctype html", b"<html", b"<head", b"<body")
# poppler's ``pdftohtml -xml``: a PDF's text runs with their boxes (readers/positioned_html/pdf2xml.py).
_PDF2XML = b"<pdf2xml"
_SNIFF_WEAK = (b"<table", b"<meta", b"<div", b"<p>", b"<p ")
_SPAN_NUMBER = re.compile(r"\s*(\d{1,6})")
# The article body must hold at least this share of the page's non-link text.
_BODY_SHARE = 0.85


class HtmlReader:
    name = "html"
    extensions = (".html", ".htm", ".shtml", ".xhtml")

    def sniff(self, data: bytes, path: str) -> int:
        head = _head_bytes(data)
        if any(marker in head for marker in _SNIFF_STRONG) or _PDF2XML in head:
            return 95
        named = path.lower().endswith(self.extensions)
        if any(marker in head for marker in _SNIFF_WEAK):
            return 90 if named else 70
        return 85 if named else 0

    def read(self, data: bytes, path: str) -> Document:
        if not data.strip():
            raise LoadError("文件为空", "the file is empty")
        if _PDF2XML in _head_bytes(data):
            return _pdf2xml_document(data, path)
        text = decode_text(data, declared_charset(data)).text
        root = parse_html(text)
        blocks = _positioned(root, text) or html_blocks(root, path)
        if not blocks:
            raise LoadError("网页中没有可读取的正文内容", "the web page has no readable body text")
        return Document(
            blocks=blocks,
            format="html",
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            meta=page_meta(root),
        )


def _pdf2xml_document(data: bytes, path: str) -> Document:
    """``pdftohtml -xml`` output: the same positioned runs as its web pages, with real widths."""
    from compliance.readers.positioned_html.pdf2xml import pdf2xml_blocks

    blocks = pdf2xml_blocks(data)
    if not blocks:
        raise LoadError("文件中没有可读取的文字", "the file has no readable text")
    return Document(blocks=blocks, format="xml", path=path, sha256=hashlib.sha256(data).hexdigest())


def _positioned(root: etree._Element, text: str) -> list[Block] | None:
    """The page read by position when its text is placed by absolute position (a PDF converted to
    HTML): see ``readers.positioned_html``. Only pages that mention absolute positioning are tried."""
    if "absolute" not in text and "ABSOLUTE" not in text.upper():
        return None
    from compliance.readers.positioned_html import positioned_blocks

    try:
        return positioned_blocks(root)
    except RecursionError as exc:
        raise LoadError("网页嵌套层级过深，无法读取", "the web page is nested too deeply to read") from exc


def _head_bytes(data: bytes) -> bytes:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return head.lower()


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<?xml encoding>`` or ``<meta charset>`` / http-equiv."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _CHARSET.search(head)
    return match.group(1).decode("ascii", errors="ignore") if match else None


def parse_html(text: str) -> etree._Element:
    """Parse with no network access and libxml2's default size limits; LoadError when hopeless."""
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise LoadError("文件为空", "the file is empty")
    # Plain etree elements: lxml.html's element classes cost a lookup per node for nothing here.
    parser = etree.HTMLParser(no_network=True, huge_tree=False, remove_comments=True, remove_pis=True, recover=True)
    try:
        root = etree.fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise LoadError(f"网页无法解析：{exc}", f"the web page cannot be parsed: {exc}") from exc
    if root is None:
        raise LoadError("网页无法解析", "the web page cannot be parsed")
    return root


def page_meta(root: etree._Element) -> dict[str, str]:
    """The page's own idea of its title: ArticleTitle meta, the first ``<h1>``, or ``<title>``."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        if (element.get("name") or "").lower() == "articletitle" and (element.get("content") or "").strip():
            meta["title"] = clean_inline(element.get("content") or "")
            return meta
    for tag in ("h1", "title"):
        found = next(iter(root.iter(tag)), None)
        if found is not None:
            title = clean_inline(_text_of(found))
            if tag == "title":
                # Site names follow the article title: "标题_栏目_网站" or "标题 - 网站".
                title = re.split(r"\s*[_|｜]\s*|\s+-\s+", title)[0]
            if title:
                meta["title"] = title
                return meta
    return meta


def _text_of(element: etree._Element) -> str:
    return "".join(element.itertext())


def _tag(element: etree._Element) -> str:
    # libxml2's HTML parser already lower-cases tag names; comments and PIs are removed.
    tag = element.tag
    return tag if isinstance(tag, str) else ""


def _is_chrome(element: etree._Element) -> bool:
    tag = _tag(element)
    if tag in _SKIP or not tag:
        return True
    if tag in ("header", "footer"):
        return True
    attributes = element.attrib
    if not attributes:
        return False
    return _is_chrome_hint(f"{attributes.get('class') or ''} {attributes.get('id') or ''}")


@functools.lru_cache(maxsize=4096)
def _is_chrome_hint(hint: str) -> bool:
    # Word pages repeat a handful of class names (MsoNormal…) thousands of times.
    return bool(hint.strip()) and bool(_CHROME.search(hint))


def find_body(root: etree._Element) -> etree._Element:
    """The smallest element holding nearly all non-link, non-chrome text of the page."""
    body = next(iter(root.iter("body")), root)
    # Elements whose text does not count: chrome, links, and everything inside them.
    elements = list(body.iter())
    excluded: set[etree._Element] = set()
    for element in elements:
        if element is not body and (element.tag == "a" or _is_chrome(element) or element.getparent() in excluded):
            excluded.add(element)
    # One pass, children before parents: an element weighs its own text, its children and
    # the text that follows each child (the child's tail belongs to it).
    weight: dict[etree._Element, int] = {}
    for element in reversed(elements):
        if element in excluded:
            continue
        text = element.text
        total = len(text.strip()) if text and isinstance(element.tag, str) else 0
        for child in element:
            tail = child.tail
            total += weight.get(child, 0) + (len(tail.strip()) if tail else 0)
        weight[element] = total
    total = weight.get(body, 0)
    chosen = body
    while total:
        heavier = next(
            (child for child in chosen if weight.get(child, 0) >= _BODY_SHARE * total and _tag(child) != "table"),
            None,
        )
        if heavier is None:
            break
        chosen = heavier
    return chosen


class _Collector:
    """Gathers inline text into paragraphs while walking the body in document order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.line: int | None = None
        # Pictures met on the way: (index in blocks, src, source line), for readers.ocr.pictures.
        self.pictures: list[tuple[int, str, int | None]] = []

    def add(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        if self.line is None and text.strip():
            self.line = line
        self.parts.append(text)

    def flush(self, heading_level: int | None = None) -> None:
        text = clean_inline("".join(self.parts))
        if text:
            self.blocks.append(Paragraph(text=text, loc=Loc(line=self.line), heading_level=heading_level))
        self.parts, self.line = [], None


def html_blocks(root: etree._Element, path: str = "") -> list[Block]:
    """Paragraphs and grids of the page's article body, in document order.

    With the page's ``path``, tables shown as pictures saved beside it are read by OCR.
    """
    body = find_body(root)
    collector = _Collector()
    title = next(iter(root.iter("h1")), None)
    if title is not None and body is not title and title not in body.iterancestors() and not _inside(title, body):
        # A page title printed above the article body belongs to the report.
        collector.add(_text_of(title), title.sourceline)
        collector.flush(heading_level=1)
    try:
        _walk(body, collector, top=True)
    except RecursionError as exc:
        raise LoadError("网页嵌套层级过深，无法读取", "the web page is nested too deeply to read") from exc
    collector.flush()
    if path and collector.pictures:
        from compliance.readers.ocr.pictures import with_pictures

        return with_pictures(collector.blocks, collector.pictures, path)
    return collector.blocks


def _inside(element: etree._Element, container: etree._Element) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def _walk(element: etree._Element, out: _Collector, top: bool = False) -> None:
    tag = _tag(element)
    if not top and _is_chrome(element):
        return
    if tag == "table" and not _is_layout_table(element):
        out.flush()
        grid = table_grid(element)
        if grid is not None:
            out.blocks.append(grid)
        return
    if tag == "br":
        out.flush()
        return
    if tag == "img" and element.get("src"):
        out.flush()
        out.pictures.append((len(out.blocks), str(element.get("src")), element.sourceline))
        return
    block = tag in _BLOCK or tag == "table"
    if block:
        out.flush()
    out.add(element.text, element.sourceline)
    for child in element:
        _walk(child, out)
        out.add(child.tail, child.sourceline)
    if block:
        out.flush(_HEADINGS.get(tag))


def _rows_of(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested inside its cells)."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _cells_of(row: etree._Element) -> list[etree._Element]:
    return [c for c in row if _tag(c) in ("td", "th")]


def _is_layout_table(table: etree._Element) -> bool:
    """A table used for page layout: it nests tables, or has a single column of content."""
    if any(True for _ in table.iterdescendants("table")):
        return True
    rows = _rows_of(table)
    return bool(rows) and all(len(_cells_of(r)) <= 1 for r in rows)


def _span(value: str | None) -> int:
    if value is None:
        return 1  # most cells: no rowspan/colspan attribute at all
    match = _SPAN_NUMBER.match(value)
    if not match:
        return 1
    number = int(match.group(1))
    return number if number > 0 else 1


def cell_text(cell: etree._Element) -> str:
    """A cell's visible text; paragraphs and line breaks inside it joined CJK-aware."""
    parts: list[str] = []

    def visit(node: etree._Element) -> None:
        tag = _tag(node)
        if tag in _SKIP:
            return
        if tag in ("br", "p", "div", "li") and parts:
            parts.append("\n")
        parts.append(node.text or "")
        for child in node:
            visit(child)
            parts.append(child.tail or "")

    visit(cell)
    return clean_cell("".join(parts))


def table_grid(table: etree._Element) -> Grid | None:
    rows: list[list[SpanCell]] = []
    printed = _rows_of(table)
    check_table_cells(sum(len(_cells_of(row)) for row in printed))  # before any cell's text is read
    for row in printed:
        cells = [
            SpanCell(cell_text(c), _span(c.get("rowspan")), _span(c.get("colspan")), Loc(line=c.sourceline))
            for c in _cells_of(row)
        ]
        if cells:
            rows.append(cells)
    if not rows:
        return None
    grid = expand_spans(rows)
    lines = [r[0].loc.line for r in grid if r and r[0].loc.line is not None]
    return Grid(rows=grid, loc=Loc(line=table.sourceline, line_end=max(lines, default=table.sourceline)))


@hookimpl
def compliance_readers() -> list[object]:
    return [HtmlReader()]
