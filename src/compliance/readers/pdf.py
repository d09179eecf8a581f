"""PDF read with pdfplumber: ruled tables by cell geometry, prose in reading order; scans by OCR.

Each page's tables are found by ``pdf_tables`` (ruled ones by their drawn lines, unruled ones by
alignment). A table carried over a page break with nothing between becomes one grid. Text
outside tables becomes paragraphs: wrapped lines are joined when a line runs to the right margin
and the next is not indented. Page numbers and running headers in the margins are dropped.
Every location carries its page and a running line number. pdfplumber is imported only here,
when a PDF is actually read, so start-up stays light. Pages without a text layer (scans) are
rendered and read by OCR (``readers.ocr``, imported only then) into the same tables and lines.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from compliance.document import Block, Document, Grid, GridCell, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.model import Loc
from compliance.readers.geometry import is_number_shaped
from compliance.readers.grid import clean_inline
from compliance.readers.limits import current
from compliance.readers.pdf_limits import check_page_count, check_page_objects, check_streams
from compliance.readers.pdf_objects import PageObjects
from compliance.readers.pdf_tables import (
    PageTable,
    closing_rules,
    grid_box,
    segment_bbox,
    table_segments,
    unruled_tables,
)

# Share of the page height at the top and bottom where page numbers and running heads live.
_MARGIN = 0.08
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–－·•]*$"
)
# An enumeration at the start of a line begins a new paragraph even after a full line.
_ENUMERATION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、])"
)
# Marks that may not open a line (CJK line breaking): the character before one goes down with it,
# so the line above can stop a character or two short of the margin without ending its paragraph.
_NO_LINE_START = frozenset("、，。；：！？）」』】》”’…")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    height: float

    @property
    def in_margin(self) -> bool:
        return self.top < self.height * _MARGIN or self.bottom > self.height * (1 - _MARGIN)


class PdfReader:
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, data: bytes, path: str) -> int:
        if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
            return 100
        return 50 if path.lower().endswith(".pdf") else 0

    def read(self, data: bytes, path: str) -> Document:
        if b"%PDF-" not in data[:1024]:
            raise LoadError("不是有效的 PDF 文件（缺少 %PDF 文件头）", "not a PDF file (no %PDF header)")
        blocks = read_pdf(data, os.path.basename(path))
        return Document(blocks=blocks, format="pdf", path=path, sha256=hashlib.sha256(data).hexdigest())


def read_pdf(data: bytes, name: str = "") -> list[Block]:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    encrypted = b"/Encrypt" in data
    limits = current()
    check_streams(data, limits)  # before any parser inflates one whole
    check_page_count(data, limits)  # before pdfplumber builds every page
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages
            if not pages:
                raise LoadError(
                    "PDF 文件没有页面，可能已损坏或被截断", "the PDF has no pages; it may be damaged or truncated"
                )
            if len(pages) > limits.max_pages:
                raise LoadError(
                    f"PDF 页数过多（{len(pages)} 页，上限 max-pages = {limits.max_pages} 页）",
                    f"the PDF has too many pages ({len(pages)}; limit max-pages = {limits.max_pages})",
                )
            tables, lines, _ = _read_pages(pages, data)
            scanned = [index for index, page in enumerate(pages) if not page.chars]
    except LoadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise LoadError(
            "PDF 文件已加密，无法读取；请提供未加密的文件", "the PDF is encrypted and cannot be read"
        ) from exc
    except Exception as exc:
        if encrypted:
            raise LoadError(
                "PDF 文件已加密，无法读取；请提供未加密的文件", "the PDF is encrypted and cannot be read"
            ) from exc
        raise LoadError(
            f"PDF 文件已损坏或被截断，无法读取（{type(exc).__name__}）",
            f"the PDF is damaged or truncated and cannot be read ({type(exc).__name__})",
        ) from exc
    if scanned:
        try:
            ocr_tables, ocr_lines = _ocr_pages(data, scanned, name)
        except (LoadError, MemoryError):
            raise
        except (RuntimeError, ValueError, OSError) as exc:  # pdfium (PdfiumError) refuses what pdfminer read
            raise LoadError(
                "PDF 文件已损坏：没有文字层的页面无法渲染以进行 OCR",
                "the PDF is damaged: its pages without a text layer cannot be rendered for OCR",
            ) from exc
        tables += ocr_tables
        lines += ocr_lines
    if not lines and not tables:
        raise LoadError(
            "PDF 没有文字层（可能是扫描件或图片），需要先进行 OCR 文字识别才能核验",
            "the PDF has no text layer (a scan or images); OCR is needed before it can be checked",
        )
    return _assemble(_drop_running_heads(lines), tables)


def _ocr_pages(data: bytes, indexes: list[int], name: str) -> tuple[list[PageTable], list[_Line]]:
    """Pages without a text layer (scans), read by OCR into the same tables and lines (``name``:
    the file, for the OCR progress lines)."""
    from compliance.readers.ocr.scanned import pdf_pages, require_engine

    require_engine()
    tables: list[PageTable] = []
    lines: list[_Line] = []
    for page in pdf_pages(data, indexes, hashlib.sha256(data).hexdigest(), name):
        page_tables, page_lines = ocr_items(page)
        tables += page_tables
        lines += page_lines
    return tables, lines


def ocr_items(page: Any) -> tuple[list[PageTable], list[_Line]]:
    """One OCR'd page (``ocr.scanned.PageItems``) as this reader's tables and text lines."""
    tables: list[PageTable] = []
    lines: list[_Line] = []
    for table in page.tables:
        # As for text-layer tables: a row with one filled cell is prose inside a frame.
        current: list[list[GridCell]] = []
        for row in table.rows:
            filled = [c for c in row if c.text and not c.span_copy]
            if len(filled) >= 2:
                current.append(row)
                continue
            if current:
                tables.append(PageTable(rows=current, top=_row_top(current[0]), page=page.number))
                current = []
            if filled and filled[0].loc.bbox:
                x0, top, x1, bottom = filled[0].loc.bbox
                lines.append(_Line(filled[0].text, x0, x1, top, bottom, page.number, page.height))
        if current:
            tables.append(PageTable(rows=current, top=_row_top(current[0]), page=page.number))
    for found in page.lines:
        text = clean_inline(found.text)
        line = _Line(text, found.x0, found.x1, found.top, found.bottom, page.number, page.height)
        if text and not (line.in_margin and _PAGE_NUMBER.match(text)):
            lines.append(line)
    return tables, lines


def _row_top(row: list[GridCell]) -> float:
    return min((c.loc.bbox[1] for c in row if c.loc.bbox), default=0.0)


def assemble_ocr(pages: list[Any]) -> list[Block]:
    """Blocks of OCR'd pages (image files), assembled exactly like a PDF's."""
    tables: list[PageTable] = []
    lines: list[_Line] = []
    for page in pages:
        page_tables, page_lines = ocr_items(page)
        tables += page_tables
        lines += page_lines
    return _assemble(_drop_running_heads(lines), tables)


def _read_pages(pages: list[Any], data: bytes) -> tuple[list[PageTable], list[_Line], int]:
    """Tables, text lines and the character count of every page."""
    lines: list[_Line] = []
    tables: list[PageTable] = []
    chars = 0
    try:
        fast: PageObjects | None = PageObjects(data)
    except Exception:  # pdfium refuses what pdfminer may still read: then pdfminer reads it all
        fast = None
    try:
        for index, page in enumerate(pages):
            if fast is not None:  # pdfminer would build a dict per object, whatever their number
                check_page_objects(fast.object_count(index), index + 1, current())
            objects = _fast_objects(fast, index, page)
            if objects is not None:
                # pdfplumber caches a page's parsed objects here; filling the cache with
                # pdfium's equivalents spares pdfminer's slow interpreter. Should the cache
                # ever be renamed, pdfplumber simply parses the page itself, as before.
                page._objects = objects
            chars += len(page.chars)
            page_tables, page_lines = _read_page(page)
            tables.extend(page_tables)
            lines.extend(page_lines)
    finally:
        if fast is not None:
            fast.close()
    return tables, lines, chars


def _fast_objects(fast: PageObjects | None, index: int, page: Any) -> dict[str, list[dict]] | None:
    if fast is None:
        return None
    try:
        return fast.objects(index, page)
    except Exception:  # a page pdfium stumbles on is still pdfminer's to read
        return None


def _read_page(page: Any) -> tuple[list[PageTable], list[_Line]]:
    number = page.page_number
    tables: list[PageTable] = []
    masks: list[tuple[float, float, float, float]] = []
    closing = closing_rules(page)
    for found in page.find_tables({"explicit_horizontal_lines": closing} if closing else None):
        for segment in table_segments(found, number):
            tables.append(segment)
            masks.append(segment_bbox(found, segment))

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in masks)

    text_page = page.filter(outside) if masks else page
    unruled = unruled_tables(text_page, number)
    if unruled:
        tables.extend(unruled)
        masks.extend(grid_box(t.rows) for t in unruled)
        text_page = page.filter(outside)
    lines = []
    height = float(page.height)
    for raw in text_page.extract_text_lines(strip=True, return_chars=False):
        text = clean_inline(raw["text"])
        if not text:
            continue
        line = _Line(text, raw["x0"], raw["x1"], raw["top"], raw["bottom"], number, height)
        if line.in_margin and _PAGE_NUMBER.match(text):
            continue
        lines.append(line)
    return tables, lines


def _drop_running_heads(lines: list[_Line]) -> list[_Line]:
    """Drop margin lines printed identically on several pages (running headers and footers)."""
    pages = {line.page for line in lines}
    if len(pages) < 3:
        return lines
    margin_texts = Counter(re.sub(r"\d+", "#", line.text) for line in lines if line.in_margin)
    repeated = {text for text, count in margin_texts.items() if count >= max(3, len(pages) // 2)}
    return [line for line in lines if not (line.in_margin and re.sub(r"\d+", "#", line.text) in repeated)]


def _assemble(lines: list[_Line], tables: list[PageTable]) -> list[Block]:
    """Interleave text and tables by page and position; join wrapped lines into paragraphs."""
    items: list[tuple[int, float, int, _Line | PageTable]] = [(ln.page, ln.top, 0, ln) for ln in lines]
    items += [(t.page, t.top, 1, t) for t in tables]
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    page_edges = _page_edges(lines, tables)
    blocks: list[Block] = []
    line_number = 0
    previous: _Line | None = None
    for _, _, _, item in items:
        if isinstance(item, PageTable):
            rows = []
            first = line_number + 1
            for row in item.rows:
                line_number += 1
                rows.append(
                    [
                        GridCell(c.text, c.loc.model_copy(update={"line": line_number}), c.span_copy, c.confidence)
                        for c in row
                    ]
                )
            last = blocks[-1] if blocks else None
            if isinstance(last, Grid) and _continued(last, item, rows):
                # The same table carried over a page break, nothing printed between: one grid, so
                # that a caption or header row above the first part still speaks for the rest.
                if _rest_of_row(last.rows[-1], rows[0]):
                    # A row broken by the page edge: its label goes on at the top of this page.
                    for above, below in zip(last.rows[-1], rows[0], strict=True):
                        if below.text and not below.span_copy:
                            above.text = f"{above.text}{below.text}"
                    rows = rows[1:]
                last.rows.extend(rows)
                last.loc = last.loc.model_copy(update={"line_end": line_number})
            else:
                blocks.append(Grid(rows=rows, loc=Loc(page=item.page, line=first, line_end=line_number)))
            previous = None
            continue
        line_number += 1
        if previous is not None and isinstance(blocks[-1], Paragraph) and _continues(previous, item, page_edges):
            paragraph = blocks[-1]
            paragraph.text = clean_inline(paragraph.text + "\n" + item.text)
            paragraph.loc = paragraph.loc.model_copy(update={"line_end": line_number})
        else:
            blocks.append(Paragraph(text=item.text, loc=Loc(page=item.page, line=line_number)))
        previous = item
    return blocks


def _rest_of_row(above: list[GridCell], below: list[GridCell]) -> bool:
    """Is ``below`` (first row on a page, only text) the rest of ``above`` (last row before, with figures)?"""
    has_figures = any(is_number_shaped(c.text) for c in above if c.text)
    texts = [c.text for c in below if c.text and not c.span_copy]
    return has_figures and bool(texts) and not any(is_number_shaped(t) for t in texts)


def _continued(grid: Grid, table: PageTable, rows: list[list[GridCell]]) -> bool:
    """Does ``table`` (first on its page) carry on ``grid`` (last on the page before), column for column?"""
    pages = {cell.loc.page for cell in grid.rows[-1]}
    if pages != {table.page - 1} or not rows:
        return False
    width = len(grid.rows[-1])
    if any(len(row) != width for row in rows):
        return False
    # Same columns: every column's left edge within a few points of the part above.
    above = [cell.loc.bbox for cell in grid.rows[-1]]
    below = [cell.loc.bbox for cell in rows[0]]
    return all(a is None or b is None or abs(a[0] - b[0]) <= 3 for a, b in zip(above, below, strict=True))


def _page_edges(lines: list[_Line], tables: list[PageTable]) -> dict[int, tuple[float, float]]:
    """The left and right edges of each page's text block, tables included.

    A page holding mostly a table has few prose lines; measured by them alone, a short heading
    would seem to run to the right margin and swallow the line after it.
    """
    spans: list[tuple[int, float, float]] = [(line.page, line.x0, line.x1) for line in lines]
    for table in tables:
        boxes = [c.loc.bbox for row in table.rows for c in row if c.loc.bbox is not None]
        if boxes:
            spans.append((table.page, min(b[0] for b in boxes), max(b[2] for b in boxes)))
    edges: dict[int, tuple[float, float]] = {}
    for page, x0, x1 in spans:
        left, right = edges.get(page, (x0, x1))
        edges[page] = (min(left, x0), max(right, x1))
    for page, (left, right) in edges.items():
        margin = _prose_margin([line for line in lines if line.page == page], left, right)
        if margin is not None:
            edges[page] = (left, margin)
    return edges


def _prose_margin(lines: list[_Line], left: float, right: float) -> float | None:
    """Where the page's full prose lines end, when enough of them agree; else None.

    The widest line is no margin: a line may hang its last punctuation mark past it (CJK
    typesetting does), and a table may be wider than the text. Measured from such a line, every
    full line would seem to stop short and each would end a paragraph.
    """
    wide = sorted(line.x1 for line in lines if line.x1 > (left + right) / 2)
    if len(wide) < 3:
        return None
    middle = wide[len(wide) // 2]
    size = sorted(max(line.bottom - line.top, 6.0) for line in lines)[len(lines) // 2]
    # The typical full line: lines a character short of it (kinsoku: a mark may not open the next
    # line) or hanging a mark past it are full lines too, within the caller's tolerance.
    agreeing = [x1 for x1 in wide if abs(x1 - middle) <= size]
    return middle if len(agreeing) >= 3 else None


def _continues(previous: _Line, line: _Line, edges: dict[int, tuple[float, float]]) -> bool:
    """Is ``line`` the wrapped continuation of ``previous``?"""
    size = max(previous.bottom - previous.top, 6.0)
    _, right = edges[previous.page]
    left, _ = edges[line.page]
    short = right - previous.x1
    carried_down = len(line.text) > 1 and line.text[1] in _NO_LINE_START and short <= 3 * size
    if short > 1.5 * size and not carried_down:
        return False  # the previous line stopped short: it ended its paragraph
    if line.x0 > left + 0.5 * size:
        return False  # indented: a new paragraph
    if line.page == previous.page and line.top - previous.bottom > 1.5 * size:
        return False
    return not _ENUMERATION.match(line.text)


@hookimpl
def compliance_readers() -> list[object]:
    return [PdfReader()]
