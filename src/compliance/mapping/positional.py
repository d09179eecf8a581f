"""Rows of layout text placed by where their figures stand, doubted where the table's identities break.

Layout text (``pdftotext -layout``, space-aligned exports) prints a row without its blank cells; the
position reader puts each figure in the column it stands under and keeps the others as empty slots
(a slot of its own making: no character column, no box). That is an inference from positions, and
positions in such text are only roughly kept: ``pdftotext`` lays every block of a page out afresh,
closing up the columns a block leaves empty, so a figure can stand where another block prints a
different column. A total is then read in the 其他 column, and the column sums fail — an error the
agency never made.

So where the table's identities (row totals, column sums, balances, as ``confirm.Identities``
judges them) fail with such rows as read, the rows of the failing identities that were placed by
position are read again as ambiguous. The placements by clusters and by sums (``aligned``,
``by_sums``) then place those the identities confirm, ``inferred``; the rest stay ambiguous, so that
the check says "cannot verify" instead of blaming the agency. Rows that print every column, and
tables whose identities hold, are left as read.
"""

from __future__ import annotations

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable
from compliance.mapping.confirm import Identities, PrintedRow, all_ambiguous, integer, zero_rows
from compliance.model import Cell, CellStatus, Note

MESSAGE = "的数值按所在位置放入各列后本表勾稽关系不成立；版面文本中位置不足为凭，不能确定各数值所在列"


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


def doubt_broken_rows(table: str, mapped: MappedTable, printed: list[PrintedRow], spec: TableSpec) -> set[str]:
    """Read as ambiguous the rows placed by position whose identities fail as read; the rows doubted."""
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
    checks = Identities.build(spec, table, mapped, columns, set(), zero_rows(printed))
    if checks is not None:
        broken = checks.failing()
        doubted |= {r.row_id for r in suspects if r.row_id in broken}
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
