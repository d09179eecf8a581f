"""Helpers every table-reading format shares: cell text clean-up and rowspan/colspan expansion.

HTML, DOCX and PDF tables all arrive as rows of cells that may span several rows or columns.
``expand_spans`` turns them into a rectangular grid in which a spanned cell is printed once and
its other slots are copies flagged ``span_copy`` (so a value is never counted twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from compliance.document import GridCell
from compliance.model import Loc
from compliance.readers import RADICALS
from compliance.readers.limits import check_table_cells

# Limits that keep a hostile table (colspan="100000") from exhausting memory.
MAX_COLSPAN = 200
MAX_ROWSPAN = 2000
MAX_GRID_CELLS = 400_000

_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line break between two CJK characters is not a space (CSS Text 3 drops it too).
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v\u00a0\u3000]*\n\s*(?=[{_CJK}])")
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# A cell that is a number once spaces are gone: runs split by markup or wide letter-spacing.
_NUMBERISH = re.compile(r"^[+\-−]{0,2}[\d.,，]+(?:万元|元|%)?$")


# Column bars of text tables besides "|": full-width (an IME's pipe) and box-drawing bars.
_BARS = str.maketrans({"｜": "|", "│": "|", "┃": "|", "║": "|"})
# Characters of a rule line between rows of a text table: box drawing, ASCII +---+ and ===.
_RULE_CHARS = frozenset("─━═┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬╒╕╘╛╞╡╤╧╪┏┓┗┛┣┫┳┻╋+-=:|｜│┃║ \t")
_RULE_STROKES = frozenset("─━═-=")


def with_ascii_bars(line: str) -> str:
    """A text table row with its column bars written "|" (``｜ 行政许可 ｜ 12 ｜``, ``│ … │``)."""
    stripped = line.strip()
    if stripped and stripped[0] in "｜│┃║" and stripped[-1] in "｜│┃║|":
        return line.translate(_BARS)
    return line


def is_rule_line(line: str) -> bool:
    """A line that only draws a table's ruling (``├──┼──┤``, ``+----+----+``): no cell, no text."""
    stripped = line.strip()
    strokes = sum(1 for char in stripped if char in _RULE_STROKES)
    return strokes >= 3 and all(char in _RULE_CHARS for char in stripped)


def label_spans(rows: list[list[GridCell]]) -> list[list[GridCell]]:
    """Rows whose empty label cells are marked as spanned by the label beside or above them.

    A table written without merged cells (a Markdown pipe table, text under a rule of dashes) prints a
    merged label cell once and leaves the other slots it covered empty. The columns left of the first
    column that holds a figure in any row hold labels: an empty cell there is the merged label, not a
    blank figure (what ``span_copy`` says of HTML and Word tables).
    """
    from compliance.readers.geometry import is_number_shaped

    width = max((len(row) for row in rows), default=0)
    first_figures = next(
        (c for c in range(width) if any(c < len(row) and is_number_shaped(row[c].text) for row in rows if row)),
        width,
    )
    return [
        [
            GridCell(cell.text, cell.loc, span_copy=True) if c < first_figures and not cell.text else cell
            for c, cell in enumerate(row)
        ]
        for row in rows
    ]


def caption_spans(rows: list[list[GridCell]]) -> list[list[GridCell]]:
    """Rows whose columns without a caption are read as part of the captioned column to their left.

    Text drawn from a table with merged cells gives a caption spanning two grid columns one column,
    the other left without caption (``本年增/减`` over two columns), and a row's figure stands in
    either. Under each block of caption rows (rows without figures), a figure in an uncaptioned column
    goes to the captioned column on its left when that one is empty there; the uncaptioned slot is
    then a copy of the merged cell. Two figures in the pair leave the row as printed.
    """
    from compliance.readers.geometry import is_number_shaped

    def has_figures(row: list[GridCell]) -> bool:
        return any(is_number_shaped(cell.text) for cell in row if cell.text)

    out: list[list[GridCell]] = []
    captioned: set[int] = set()
    in_captions = False
    for row in rows:
        if not has_figures(row):
            if not in_captions:
                captioned = set()
            captioned |= {c for c, cell in enumerate(row) if cell.text}
            in_captions = True
            out.append(row)
            continue
        in_captions = False
        out.append(_under_captions(row, captioned) if captioned else row)
    return out


def _under_captions(row: list[GridCell], captioned: set[int]) -> list[GridCell]:
    from compliance.readers.geometry import is_number_shaped

    cells = list(row)
    first_figure = next((c for c, cell in enumerate(cells) if cell.text and is_number_shaped(cell.text)), len(cells))
    for c in range(first_figure + 1, len(cells)):
        if c in captioned:
            continue
        owner = max((p for p in captioned if first_figure <= p < c), default=None)
        if owner is None or any(q in captioned for q in range(owner + 1, c)):
            continue
        if cells[c].text and cells[owner].text:
            continue  # two figures under one caption: left as printed
        if cells[c].text:
            cells[owner] = GridCell(cells[c].text, cells[c].loc)
        cells[c] = GridCell("", cells[c].loc, span_copy=True)
    return cells


def clean_inline(text: str) -> str:
    """Collapse whitespace the way a browser shows it, without spaces between CJK lines."""
    text = _CJK_BREAK.sub("", text.translate(RADICALS))
    return _SPACES.sub(" ", text).strip()


def clean_cell(text: str) -> str:
    """A table cell's text: lines joined, blanks (``&nbsp;``) empty, digits split by runs rejoined."""
    text = clean_inline(text)
    squeezed = text.replace(" ", "")
    if _NUMBERISH.match(squeezed):
        return squeezed
    return text


@dataclass
class SpanCell:
    """One printed cell before expansion."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    loc: Loc = field(default_factory=Loc)


@dataclass
class _Pending:
    cell: SpanCell
    rows_left: int


def _bounded(value: int, upper: int) -> int:
    return max(1, min(value, upper))


def _fill_carried(out: list[GridCell], pending: dict[int, _Pending], carried: dict[int, _Pending]) -> None:
    """Put copies of spans carried down from rows above into the next free slots of ``out``."""
    while len(out) in pending:
        span = pending[len(out)]
        carried[len(out)] = span
        out.append(GridCell(span.cell.text, span.cell.loc, span_copy=True))


def expand_spans(rows: list[list[SpanCell]]) -> list[list[GridCell]]:
    """Expand spans into a rectangular grid of GridCells (copies flagged ``span_copy``).

    Word splits long tables and repeats a spanning label cell after the break, while the
    original ``rowspan`` still reaches over the following rows. Honouring both would push the
    rest of those rows one column right. So a carried-down span gives way when the row fills
    the table's width on its own, or when the row re-prints the spanning cell's text.
    """
    for row in rows:
        for cell in row:
            cell.colspan = _bounded(cell.colspan, MAX_COLSPAN)
    width = max((sum(c.colspan for c in row) for row in rows), default=0)
    check_table_cells(width * len(rows), f"{len(rows)} × {width}")  # before any cell is built
    if width * len(rows) > MAX_GRID_CELLS:
        rows = rows[: max(1, MAX_GRID_CELLS // max(width, 1))]
    pending: dict[int, _Pending] = {}
    grid: list[list[GridCell]] = []
    for index, row in enumerate(rows):
        remaining_rows = len(rows) - index
        own = sum(c.colspan for c in row)
        if pending and own >= width:
            pending.clear()
        elif pending and own + len(pending) > width:
            printed = {_SPACES.sub("", c.text) for c in row if c.text.strip()}
            for column in [c for c, p in pending.items() if _SPACES.sub("", p.cell.text) in printed]:
                del pending[column]
            if own + len(pending) > width:
                pending.clear()
        out: list[GridCell] = []
        carried: dict[int, _Pending] = {}
        for cell in row:
            _fill_carried(out, pending, carried)
            start = len(out)
            out.append(GridCell(cell.text, cell.loc))
            out.extend(GridCell(cell.text, cell.loc, span_copy=True) for _ in range(cell.colspan - 1))
            rowspan = _bounded(cell.rowspan, min(MAX_ROWSPAN, remaining_rows))
            if rowspan > 1:
                for column in range(start, start + cell.colspan):
                    carried[column] = _Pending(cell, rowspan)
        # Spans that reach past this row's own cells, with gaps (missing cells) left blank.
        while len(out) < width or any(c >= len(out) for c in pending):
            if len(out) in pending:
                _fill_carried(out, pending, carried)
            else:
                out.append(GridCell("", row[-1].loc if row else Loc()))
        grid.append(out)
        pending = {c: _Pending(p.cell, p.rows_left - 1) for c, p in carried.items() if p.rows_left - 1 > 0}
    return grid
