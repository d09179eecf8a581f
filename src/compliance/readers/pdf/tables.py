"""Finding a PDF page's tables: ruled tables by their cell geometry, unruled ones by alignment.

Ruled tables come from pdfplumber's table finder, helped where a table is broken by a page edge
(``closing_rules``); a ruled table is cut into runs of data rows with spans expanded
(``table_segments``). A row drawn as two or more cells is table data even when only its label is
filled (its values are blank, not missing); a row drawn as one cell across the frame is prose that
sits inside a ruled frame (some word processors draw the whole page as a one-column table). What
is printed outside ruled tables and aligned in columns goes through the geometric grid builder
that layout text, OCR and OFD use (``unruled_tables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.document import Grid, GridCell
from compliance.model import Loc
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped
from compliance.readers.grid import clean_cell, clean_inline


@dataclass
class PageTable:
    """A table found on one page: its grid rows, where it starts and where each row starts."""

    rows: list[list[GridCell]]
    top: float
    page: int
    row_tops: list[float] = field(default_factory=list)


# A page needs this many figures outside its ruled tables before it is searched for unruled ones.
_MIN_LOOSE_FIGURES = 6


def unruled_tables(page: Any, number: int) -> list[PageTable]:
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
        tables.append(PageTable(rows=rows, top=min(tops), page=number, row_tops=tops))
    return tables


def grid_box(rows: list[list[GridCell]]) -> tuple[float, float, float, float]:
    boxes = [c.loc.bbox for row in rows for c in row if c.loc.bbox is not None]
    return (
        min(b[0] for b in boxes) - 1,
        min(b[1] for b in boxes) - 1,
        max(b[2] for b in boxes) + 1,
        max(b[3] for b in boxes) + 1,
    )


def closing_rules(page: Any) -> list[dict]:
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


def table_segments(table: Any, page: int) -> list[PageTable]:
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
    segments: list[PageTable] = []
    current: list[list[GridCell]] = []
    tops: list[float] = []

    def close() -> None:
        nonlocal current, tops
        if current:
            segments.append(PageTable(rows=current, top=tops[0], page=page, row_tops=tops))
        current, tops = [], []

    for row, row_text in zip(rows, texts, strict=False):
        filled = sum(1 for t in row_text if t and t.strip())
        drawn = [index for index, cell in enumerate(row.cells) if cell is not None]
        if filled == 0 and current:
            continue  # an empty ruled row inside a table neither ends it nor adds to it
        # One filled cell in a row drawn as several cells is a row printed with blank values when
        # it is text, not a figure, with drawn cells after it: its label (cells to its left are
        # empty group-label cells, or slots of group labels spanning down from above). Such a row
        # may also be the rest of a row broken by a page edge, which the assembly joins. One cell
        # across the frame is prose.
        drawn_texts = [(row_text[i] or "").strip() for i in drawn]
        label_at = next((k for k, text in enumerate(drawn_texts) if text), None)
        label_only = (
            filled == 1
            and label_at is not None
            and label_at < len(drawn_texts) - 1
            and not is_number_shaped(drawn_texts[label_at])
        )
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


def segment_bbox(table: Any, segment: PageTable) -> tuple[float, float, float, float]:
    boxes = [c.loc.bbox for row in segment.rows for c in row if c.loc.bbox is not None]
    x0, _, x1, _ = table.bbox
    top = min((b[1] for b in boxes), default=segment.top)
    bottom = max((b[3] for b in boxes), default=segment.top)
    return (x0, top, x1, bottom)
