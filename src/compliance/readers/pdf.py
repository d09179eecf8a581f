"""PDF with a text layer, read with pdfplumber: ruled tables by cell geometry, prose in reading order.

Each page's ruled tables are found from their drawn lines. A row drawn as two or more cells is table
data, even when only its label is filled (its values are blank, not missing); a row drawn as one cell
across the frame is prose that happens to sit inside a ruled frame (some word processors draw the
whole page as a one-column table), so it is read as text. Text
outside tables becomes paragraphs: wrapped lines are joined when a line runs to the right margin
and the next is not indented. Page numbers and running headers in the margins are dropped.
Every location carries its page and a running line number. pdfplumber is imported only here,
when a PDF is actually read, so start-up stays light.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from compliance.document import Block, Document, Grid, GridCell, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.model import Loc
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped
from compliance.readers.grid import clean_cell, clean_inline
from compliance.readers.limits import current
from compliance.readers.pdf_limits import check_page_count, check_page_objects, check_streams
from compliance.readers.pdf_objects import PageObjects

# Share of the page height at the top and bottom where page numbers and running heads live.
_MARGIN = 0.08
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–－·•]*$"
)
# An enumeration at the start of a line begins a new paragraph even after a full line.
_ENUMERATION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、])"
)


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


@dataclass
class _Table:
    rows: list[list[GridCell]]
    top: float
    page: int
    row_tops: list[float] = field(default_factory=list)


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
        blocks = read_pdf(data)
        return Document(blocks=blocks, format="pdf", path=path, sha256=hashlib.sha256(data).hexdigest())


def read_pdf(data: bytes) -> list[Block]:
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
            tables, lines, chars = _read_pages(pages, data)
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
    if chars == 0:
        raise LoadError(
            "PDF 没有文字层（可能是扫描件或图片），需要先进行 OCR 文字识别才能核验",
            "the PDF has no text layer (a scan or images); OCR is needed before it can be checked",
        )
    return _assemble(_drop_running_heads(lines), tables)


def _read_pages(pages: list[Any], data: bytes) -> tuple[list[_Table], list[_Line], int]:
    """Tables, text lines and the character count of every page."""
    lines: list[_Line] = []
    tables: list[_Table] = []
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


def _read_page(page: Any) -> tuple[list[_Table], list[_Line]]:
    number = page.page_number
    tables: list[_Table] = []
    masks: list[tuple[float, float, float, float]] = []
    closing = _closing_rules(page)
    for found in page.find_tables({"explicit_horizontal_lines": closing} if closing else None):
        for segment in _table_segments(found, number):
            tables.append(segment)
            masks.append(_segment_bbox(found, segment))

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in masks)

    text_page = page.filter(outside) if masks else page
    unruled = _unruled_tables(text_page, number)
    if unruled:
        tables.extend(unruled)
        masks.extend(_grid_box(t.rows) for t in unruled)
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


# A page needs this many figures outside its ruled tables before it is searched for unruled ones.
_MIN_LOOSE_FIGURES = 6


def _unruled_tables(page: Any, number: int) -> list[_Table]:
    """Tables printed without rules (a borderless Word table, a report typeset in columns).

    The words outside ruled tables go through the geometric grid builder that layout text and
    OCR use; whatever it finds aligned in columns becomes a table, the rest stays prose.
    """
    found = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    if sum(1 for w in found if is_number_shaped(w["text"])) < _MIN_LOOSE_FIGURES:
        return []
    words = [
        Word(clean_inline(w["text"]), float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]), number)
        for w in found
    ]
    tables = []
    for block in blocks_from_words(words):
        if not isinstance(block, Grid):
            continue
        rows = [[GridCell(c.text, Loc(page=number, bbox=c.loc.bbox), c.span_copy) for c in row] for row in block.rows]
        tops = [min((c.loc.bbox[1] for c in row if c.loc.bbox), default=0.0) for row in block.rows]
        tables.append(_Table(rows=rows, top=min(tops), page=number, row_tops=tops))
    return tables


def _grid_box(rows: list[list[GridCell]]) -> tuple[float, float, float, float]:
    boxes = [c.loc.bbox for row in rows for c in row if c.loc.bbox is not None]
    return (
        min(b[0] for b in boxes) - 1,
        min(b[1] for b in boxes) - 1,
        max(b[2] for b in boxes) + 1,
        max(b[3] for b in boxes) + 1,
    )


def _closing_rules(page: Any) -> list[dict]:
    """Horizontal rules a table broken by a page edge lacks, where its vertical rules end.

    Browsers and word processors draw a border shared by two rows once: when the rows fall on
    two pages, the row at the top of the next page (or the bottom of this one) has its side rules
    but no rule closing it, and the table finder would drop it. A vertical rule ending above all
    of its table's horizontal rules (or below them all) marks such a row; a rule is added there.
    """
    edges = page.edges
    # Borders drawn as thin filled rectangles bring hairline edges across their ends: not rules.
    horizontals = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 2]
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 2]
    if not horizontals or len(verticals) < 2:
        return []
    added: list[dict] = []
    for end in ("top", "bottom"):
        ends: dict[int, list[dict]] = {}
        for edge in verticals:
            ends.setdefault(round(edge[end]), []).append(edge)
        for y, group in ends.items():
            if len(group) < 2:
                continue
            x0, x1 = min(e["x0"] for e in group), max(e["x1"] for e in group)
            across = [h["top"] for h in horizontals if h["x0"] < x1 - 1 and h["x1"] > x0 + 1]
            if not across:
                continue
            beyond = y < min(across) - 2 if end == "top" else y > max(across) + 2
            if beyond:
                added.append(
                    {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0}
                )
    return added


def _table_segments(table: Any, page: int) -> list[_Table]:
    """Split a ruled table into runs of data rows (two or more filled cells) and expand spans."""
    texts = table.extract()
    rows = table.rows
    # pdfplumber aligns each row's cells on the sorted distinct left edges of all cells.
    xs = sorted({cell[0] for cell in table.cells})
    right = table.bbox[2]
    origins = [
        (cell, text)
        for row, row_text in zip(rows, texts, strict=False)
        for cell, text in zip(row.cells, row_text, strict=False)
        if cell is not None
    ]
    segments: list[_Table] = []
    current: list[list[GridCell]] = []
    tops: list[float] = []

    def close() -> None:
        nonlocal current, tops
        if current:
            segments.append(_Table(rows=current, top=tops[0], page=page, row_tops=tops))
        current, tops = [], []

    for row, row_text in zip(rows, texts, strict=False):
        filled = sum(1 for t in row_text if t and t.strip())
        drawn = [index for index, cell in enumerate(row.cells) if cell is not None]
        if filled == 0 and current:
            continue  # an empty ruled row inside a table neither ends it nor adds to it
        # One filled cell in a row drawn as several cells is a row printed with blank values when
        # it is the row's first drawn cell, its label (slots to its left are group labels spanning
        # down from above); one cell across the frame is prose.
        label_only = filled == 1 and len(drawn) >= 2 and bool((row_text[drawn[0]] or "").strip())
        if filled < 2 and not label_only:
            close()
            continue
        # The row's own height is its shortest cell; taller cells span down into later rows.
        top = row.bbox[1]
        bottom = min(cell[3] for cell in row.cells if cell is not None)
        grid_row: list[GridCell] = []
        for index, (cell, text) in enumerate(zip(row.cells, row_text, strict=False)):
            if cell is not None:
                grid_row.append(GridCell(clean_cell(text or ""), Loc(page=page, bbox=_box(cell))))
                continue
            # A slot covered by a cell spanning from the left or from above: a copy.
            x_start = xs[index] if index < len(xs) else right
            x_end = xs[index + 1] if index + 1 < len(xs) else right
            cx, cy = (x_start + x_end) / 2, (top + bottom) / 2
            cover = next(
                ((c, t) for c, t in origins if c[0] <= cx <= c[2] and c[1] <= cy <= c[3]),
                None,
            )
            if cover is None:
                grid_row.append(GridCell("", Loc(page=page)))
            else:
                grid_row.append(
                    GridCell(clean_cell(cover[1] or ""), Loc(page=page, bbox=_box(cover[0])), span_copy=True)
                )
        current.append(grid_row)
        tops.append(top)
    close()
    return segments


def _box(cell: tuple) -> tuple[float, float, float, float]:
    return (round(cell[0], 1), round(cell[1], 1), round(cell[2], 1), round(cell[3], 1))


def _segment_bbox(table: Any, segment: _Table) -> tuple[float, float, float, float]:
    boxes = [c.loc.bbox for row in segment.rows for c in row if c.loc.bbox is not None]
    x0, _, x1, _ = table.bbox
    top = min((b[1] for b in boxes), default=segment.top)
    bottom = max((b[3] for b in boxes), default=segment.top)
    return (x0, top, x1, bottom)


def _drop_running_heads(lines: list[_Line]) -> list[_Line]:
    """Drop margin lines printed identically on several pages (running headers and footers)."""
    pages = {line.page for line in lines}
    if len(pages) < 3:
        return lines
    margin_texts = Counter(re.sub(r"\d+", "#", line.text) for line in lines if line.in_margin)
    repeated = {text for text, count in margin_texts.items() if count >= max(3, len(pages) // 2)}
    return [line for line in lines if not (line.in_margin and re.sub(r"\d+", "#", line.text) in repeated)]


def _assemble(lines: list[_Line], tables: list[_Table]) -> list[Block]:
    """Interleave text and tables by page and position; join wrapped lines into paragraphs."""
    items: list[tuple[int, float, int, _Line | _Table]] = [(ln.page, ln.top, 0, ln) for ln in lines]
    items += [(t.page, t.top, 1, t) for t in tables]
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    page_edges = _page_edges(lines)
    blocks: list[Block] = []
    line_number = 0
    previous: _Line | None = None
    for _, _, _, item in items:
        if isinstance(item, _Table):
            rows = []
            first = line_number + 1
            for row in item.rows:
                line_number += 1
                rows.append(
                    [GridCell(c.text, c.loc.model_copy(update={"line": line_number}), c.span_copy) for c in row]
                )
            last = blocks[-1] if blocks else None
            if isinstance(last, Grid) and _continued(last, item, rows):
                # The same table carried over a page break, nothing printed between: one grid, so
                # that a caption or header row above the first part still speaks for the rest.
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


def _continued(grid: Grid, table: _Table, rows: list[list[GridCell]]) -> bool:
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


def _page_edges(lines: list[_Line]) -> dict[int, tuple[float, float]]:
    edges: dict[int, tuple[float, float]] = {}
    for line in lines:
        left, right = edges.get(line.page, (line.x0, line.x1))
        edges[line.page] = (min(left, line.x0), max(right, line.x1))
    return edges


def _continues(previous: _Line, line: _Line, edges: dict[int, tuple[float, float]]) -> bool:
    """Is ``line`` the wrapped continuation of ``previous``?"""
    size = max(previous.bottom - previous.top, 6.0)
    _, right = edges[previous.page]
    left, _ = edges[line.page]
    if previous.x1 < right - 1.5 * size:
        return False  # the previous line stopped short: it ended its paragraph
    if line.x0 > left + 0.5 * size:
        return False  # indented: a new paragraph
    if line.page == previous.page and line.top - previous.bottom > 1.5 * size:
        return False
    return not _ENUMERATION.match(line.text)


@hookimpl
def compliance_readers() -> list[object]:
    return [PdfReader()]
