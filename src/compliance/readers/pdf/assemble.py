"""A PDF's text lines and tables put in reading order, wrapped lines joined into paragraphs.

Used for printed pages and OCR'd ones alike: lines are joined when the one above runs to the
prose margin (the typical full line of its page) and the next is not indented and opens no
enumeration; a table carried over a page break, nothing printed between, stays one grid.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from compliance.document import Block, Grid, GridCell, Paragraph, least_sure
from compliance.model import Loc
from compliance.readers.geometry import is_number_shaped
from compliance.readers.geometry.words import NUMBERED
from compliance.readers.grid import clean_inline
from compliance.readers.pdf.tables import PageTable

# Share of the page height at the top and bottom where page numbers and running heads live.
_MARGIN = 0.08
# An enumeration at the start of a line begins a new paragraph even after a full line.
_ENUMERATION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、])"
)
# Marks that may not open a line (CJK line breaking): the character before one goes down with it,
# so the line above can stop a character or two short of the margin without ending its paragraph.
_NO_LINE_START = frozenset("、，。；：！？）」』】》”’…")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    height: float
    # Set only for a line read by OCR: the confidence of its least sure box, 0–1.
    confidence: float | None = None

    @property
    def in_margin(self) -> bool:
        return self.top < self.height * _MARGIN or self.bottom > self.height * (1 - _MARGIN)


def drop_running_heads(lines: list[Line]) -> list[Line]:
    """Drop margin lines printed identically on several pages (running headers and footers)."""
    pages = {line.page for line in lines}
    if len(pages) < 3:
        return lines
    margin_texts = Counter(re.sub(r"\d+", "#", line.text) for line in lines if line.in_margin)
    repeated = {text for text, count in margin_texts.items() if count >= max(3, len(pages) // 2)}
    return [line for line in lines if not (line.in_margin and re.sub(r"\d+", "#", line.text) in repeated)]


def assemble(lines: list[Line], tables: list[PageTable]) -> list[Block]:
    """Interleave text and tables by page and position; join wrapped lines into paragraphs."""
    items: list[tuple[int, float, int, Line | PageTable]] = [(ln.page, ln.top, 0, ln) for ln in lines]
    items += [(t.page, t.top, 1, t) for t in tables]
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    page_edges = _page_edges(lines, tables)
    blocks: list[Block] = []
    line_number = 0
    previous: Line | None = None
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
            if isinstance(last, Grid) and (repeated := _repeated_head(last, rows)):
                # Header rows a word processor prints again at the top of each page (Word's
                # 重复标题行): the table's own, said once; what follows them carries the table on.
                rows = rows[repeated:]
                if not rows:
                    previous = None
                    continue
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
            paragraph.confidence = least_sure((paragraph.confidence, item.confidence))
        else:
            loc = Loc(page=item.page, line=line_number)
            blocks.append(Paragraph(text=item.text, loc=loc, confidence=item.confidence))
        previous = item
    return blocks


def _rest_of_row(above: list[GridCell], below: list[GridCell]) -> bool:
    """Is ``below`` (first row on a page, only text) the rest of ``above`` (last row before, with figures)?

    A row that opens with a numbering mark (``7.``, ``（四）``) is a row of its own whose figures are
    blank, not the rest of a label.
    """
    has_figures = any(is_number_shaped(c.text) for c in above if c.text)
    texts = [c.text for c in below if c.text and not c.span_copy]
    if not has_figures or not texts or any(is_number_shaped(t) for t in texts):
        return False
    return not any(NUMBERED.match(t) for t in texts)


def _repeated_head(grid: Grid, rows: list[list[GridCell]]) -> int:
    """How many of ``rows`` (a table at the top of the next page) repeat ``grid``'s first rows, cell for cell.

    Only rows without figures count (header rows), and only a table's opening rows, so that a
    data row that happens to equal the first one is never dropped.
    """
    page = grid.rows[-1][0].loc.page
    if not rows or page is None or rows[0][0].loc.page != page + 1:
        return 0
    count = 0
    for head, row in zip(grid.rows, rows, strict=False):
        texts = [_squeezed(c.text) for c in row]
        if texts != [_squeezed(c.text) for c in head] or not any(texts):
            break
        if any(is_number_shaped(c.text) for c in row if c.text and not c.span_copy):
            break
        count += 1
    # A whole table equal to the one before is a second table, not a repeated header.
    return count if count < len(grid.rows) else 0


def _squeezed(text: str) -> str:
    return "".join(text.split())


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


def _page_edges(lines: list[Line], tables: list[PageTable]) -> dict[int, tuple[float, float]]:
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


def _prose_margin(lines: list[Line], left: float, right: float) -> float | None:
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


def _continues(previous: Line, line: Line, edges: dict[int, tuple[float, float]]) -> bool:
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
