"""Rows of layout text placed by where their figures stand, doubted where that placement cannot be trusted.

Layout text (``pdftotext -layout``, space-aligned exports) prints a row without its blank cells; the
position reader puts each figure in the column it stands under and keeps the others as empty slots
(a slot of its own making: no character column, no box). That is an inference from positions, and
positions in such text are only roughly kept: ``pdftotext`` lays every block of a page out afresh,
closing up the columns a block leaves empty, so a figure can stand where another block prints a
different column. A total was then read in the 其他 column, and the column sums failed — an error
the agency never made.

A row placed so (``placed_by_position``) is read again as ambiguous when
- a figure stands with the figures of another column in the nearest row that prints every column
  (on its page), and with none of its own;
- it leaves its total blank in a table that prints its totals (judged from the figures as printed:
  most rows end with the sum of their other figures);
- an identity of the table (row totals, column sums, balances, as ``confirm.Identities`` judges
  them) fails with it as read, unless each of its figures stands with its own column's figure in
  that nearest full row — then the positions hold, and the broken identity is the agency's.
The placements by clusters and by sums (``aligned``, ``by_sums``) then place those the identities
confirm, ``inferred``; the rest stay ambiguous, so the check says "cannot verify" instead of
blaming the agency. Rows that print every column are placed by count and never doubted here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable
from compliance.mapping.confirm import Identities, PrintedRow, all_ambiguous, integer, zero_rows
from compliance.model import Cell, CellStatus, Note

MESSAGE = "的数值所在位置与本表其他行不一致或与本表勾稽关系不符；版面文本中位置不足为凭，不能确定各数值所在列"


def placed_by_position(row: PrintedRow, width: int) -> bool:
    """Did a position reader lay this row's figures into columns, with slots of its own making between?

    The row prints fewer figures than its ``width`` columns, its figures carry a character column
    (text read by position), and at least one value slot is empty with neither a column nor a box:
    a cell no text printed, inferred from where the others stand. A row printing every column is
    placed by count, whatever its positions.
    """
    values = row.split.values
    figures = [c for c in values if c.text.strip()]
    made = [c for c in values if not c.text.strip() and _unplaced(c)]
    if not figures or not made or len(figures) >= width:
        return False
    return all(c.loc.column is not None and c.loc.bbox is None for c in figures)


def _unplaced(cell: GridCell) -> bool:
    return cell.loc.column is None and cell.loc.bbox is None and not cell.span_copy


def _total_left_blank(cells: dict[str, Cell], spec: TableSpec, columns: list[str]) -> bool | None:
    """Does the row print figures in parts of a row total whose total is blank? None when the row prints
    no part of any row total."""
    found: bool | None = None
    for total in spec.totals:
        target = total.target.column
        if total.along != "row" or target not in columns or cells.get(target) is None:
            continue
        if any(cells[c].value is not None for c in spec.expand(total.parts) if c in cells):
            found = bool(found) or cells[target].status is CellStatus.blank
    return found


def _totals_printed(printed: list[PrintedRow]) -> bool:
    """Does the table print the total of most rows that print parts (rather than leave totals blank)?

    Judged from the figures as printed, not from where they were placed (a misplaced total would
    look like a blank one): a row of two figures or more whose last is the sum of the others prints
    its total; one whose last is not leaves it blank (or errs). A row of zeros says neither.
    """
    votes = []
    for row in printed:
        figures = [integer(c.text) for c in row.split.values if c.text.strip()]
        if len(figures) >= 2 and all(f is not None for f in figures) and any(figures):
            votes.append(figures[-1] == sum(f or 0 for f in figures[:-1]))
    return sum(votes) * 2 > len(votes)


# Layout text rounds every position to whole characters (see ``aligned.REACH``).
REACH = 1


@dataclass
class _Support:
    """The figures of the rows that print every column: where each column stands, near a given row.

    Measured by character or by display column (a CJK character two wide), whichever lines the
    table's figures up best (the reader measured the text one of the two ways). A row is compared
    with the nearest such row on its page only: text extraction lays out each block of a page
    afresh, so a row further away may stand at other positions.
    """

    measure: str
    full: list[tuple[int | None, int, list[tuple[int, int, str]]]]  # (page, line, [(start, end, column)])

    @classmethod
    def of(cls, mapped: MappedTable, printed: list[PrintedRow], columns: list[str]) -> _Support:
        measure = min(("chars", "display"), key=lambda m: _spread(printed, m))
        full = []
        for row in printed:
            if not _prints_every_column(row, mapped, columns):
                continue
            figures = [c for c in row.split.values if c.text.strip()]
            extents = [(*_extent(row, cell, measure), column) for column, cell in zip(columns, figures, strict=True)]
            full.append((figures[0].loc.page, figures[0].loc.line or 0, extents))
        return cls(measure, full)

    def _columns_under(self, row: PrintedRow, cells: dict[str, Cell]) -> list[tuple[str, set[str]]]:
        """Each figure's column as placed, with the columns of the nearest full row's figures it stands with."""
        out = []
        for column, cell in cells.items():
            if cell.value is None or cell.loc is None or cell.loc.column is None:
                continue
            grid_cell = next((c for c in row.split.values if c.loc == cell.loc and c.text.strip()), None)
            if grid_cell is None:
                continue
            near = [f for f in self.full if f[0] == grid_cell.loc.page]
            if not near:
                continue
            line = grid_cell.loc.line or 0
            anchors = min(near, key=lambda f: abs(f[1] - line))[2]
            extent = _extent(row, grid_cell, self.measure)
            out.append((column, {a[2] for a in anchors if _overlap(extent, a[:2])}))
        return out

    def contradicts(self, row: PrintedRow, cells: dict[str, Cell]) -> bool:
        """Does a figure stand with another column's figures only?"""
        return any(under and column not in under for column, under in self._columns_under(row, cells))

    def confirms(self, row: PrintedRow, cells: dict[str, Cell]) -> bool:
        """Does every figure stand with its own column's figure, and no other's?"""
        placed = self._columns_under(row, cells)
        return bool(placed) and all(under == {column} for column, under in placed)


def _spread(printed: list[PrintedRow], measure: str) -> int:
    """How many distinct left and right edges the table's figures have in a measure: fewer, better aligned."""
    edges: set[tuple[str, int]] = set()
    for row in printed:
        for cell in row.split.values:
            if cell.text.strip() and cell.loc.column is not None:
                start, end = _extent(row, cell, measure)
                edges |= {("start", start), ("end", end)}
    return len(edges)


def _prints_every_column(row: PrintedRow, mapped: MappedTable, columns: list[str]) -> bool:
    figures = [c for c in row.split.values if c.text.strip()]
    cells = mapped.data.get(row.row_id, {})
    return (
        len(figures) == len(columns)
        and all(c.loc.column is not None for c in figures)
        and all(cells.get(c) is not None and cells[c].status is CellStatus.read for c in columns)
    )


def _wide(text: str) -> int:
    return sum(1 for char in text if unicodedata.east_asian_width(char) in "WF")


def _extent(row: PrintedRow, cell: GridCell, measure: str) -> tuple[int, int]:
    """Where a figure stands on its line: by character, or by display column (counting the CJK
    characters of the row's own cells left of it on that line twice)."""
    start = cell.loc.column or 0
    if measure == "display":
        start += sum(
            _wide(c.text)
            for c in (*row.split.label_cells, *row.split.values)
            if c.loc.line == cell.loc.line and c.loc.column is not None and c.loc.column < start and not c.span_copy
        )
    return start, start + len(cell.text.strip()) - 1


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] + REACH and b[0] <= a[1] + REACH


def doubt_positional_rows(table: str, mapped: MappedTable, printed: list[PrintedRow], spec: TableSpec) -> set[str]:
    """Read as ambiguous the rows placed by position that the rules above doubt; the rows doubted."""
    suspects = [
        r
        for r in printed
        if r.row_id in mapped.data
        and not all_ambiguous(mapped.data[r.row_id])
        and placed_by_position(r, len(spec.columns_of(r.row_id)))
    ]
    if not suspects:
        return set()
    columns = spec.columns_of(suspects[0].row_id)
    suspects = [r for r in suspects if spec.columns_of(r.row_id) == columns]
    doubted: set[str] = set()
    if _totals_printed(printed):
        # A row that prints its parts prints their total: a blank one more likely means the positions
        # put the total in a part's column.
        doubted = {r.row_id for r in suspects if _total_left_blank(mapped.data[r.row_id], spec, columns)}
    support = _Support.of(mapped, printed, columns)
    doubted |= {r.row_id for r in suspects if support.contradicts(r, mapped.data[r.row_id])}
    checks = Identities.build(spec, table, mapped, columns, set(), zero_rows(printed))
    if checks is not None:
        broken = checks.failing()
        # A row whose every figure stands with the figures of its column in rows that print every
        # column is placed as well as positions can place it: an identity it breaks is the table's.
        doubted |= {r.row_id for r in suspects if r.row_id in broken and not support.confirms(r, mapped.data[r.row_id])}
    for row in suspects:
        if row.row_id not in doubted:
            continue
        cells = mapped.data[row.row_id]
        mapped.data[row.row_id] = {
            column: Cell(value=None, raw=None, loc=cell.loc, status=CellStatus.ambiguous)
            for column, cell in cells.items()
        }
        mapped.notes.append(
            Note(
                code="ambiguous-row",
                message=f"表格行“{row.split.label.strip()[:40]}”{MESSAGE}",
                table=table,
                row=row.row_id,
                loc=row.split.loc,
            )
        )
    return doubted
