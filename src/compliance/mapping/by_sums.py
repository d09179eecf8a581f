"""Rows printed without their blank cells and without positions, placed by the table's sums alone.

Text in reading order (``pdftotext -raw``, copy and paste) prints a row's figures one space apart and
its blank cells not at all: ``（一）予以公开 10 3 1 1 15`` under seven columns. No position tells
which column is blank. The table's identities sometimes do: where a row is the only unread row of a
column sum or balance whose other rows are all read, each left-to-right placement of its figures
is tried, and the row is placed when exactly one makes every identity evaluable there true (blank
cells as zero, a blank row total as the sum of its parts; an unplaced row of zeros adds nothing to
any sum wherever its zeros stand, so it counts as read for the sums). Placing one row may leave another the
only unread row of its identities, so the rows are tried again until none is placed. The cells are
``inferred`` and the identities that chose them are recorded as unverifiable there. A row that
shares its identities with another unread row stays ambiguous: naming columns for two rows at
once, the sums cannot tell one naming from another.
"""

from __future__ import annotations

from itertools import combinations

from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable
from compliance.mapping.confirm import Identities, PrintedRow, all_ambiguous, integer, write_placed, zero_rows

MESSAGE = "的数值未印出空白单元格，按本表勾稽关系唯一确定所在列"


def place_by_sums(table: str, mapped: MappedTable, printed: list[PrintedRow], spec: TableSpec) -> bool:
    """Place each ambiguous row that is the only unread row of an identity, when exactly one
    placement of its figures makes the identities hold; repeat while rows get placed. Whether any was."""
    zeros = zero_rows(printed)
    placed = False
    progress = True
    while progress:
        progress = False
        for row in printed:
            if not all_ambiguous(mapped.data.get(row.row_id)):
                continue
            if _place(table, mapped, row, spec, zeros):
                progress = placed = True
    return placed


def _place(table: str, mapped: MappedTable, row: PrintedRow, spec: TableSpec, zeros: set[str]) -> bool:
    columns = spec.columns_of(row.row_id)
    figures = [cell for cell in row.split.values if cell.text.strip()]
    values = [integer(cell.text) for cell in figures]
    if not figures or len(figures) >= len(columns) or any(v is None for v in values):
        return False
    checks = Identities.build(spec, table, mapped, columns, {row.row_id}, zeros)
    if checks is None or row.row_id not in checks.checked_rows:
        return False
    passing = [
        choice
        for choice in combinations(range(len(columns)), len(figures))
        if checks.hold({row.row_id: {c: v for c, v in zip(choice, values, strict=True) if v is not None}})
    ]
    if len(passing) != 1:
        return False
    write_placed(table, mapped, row, spec, columns, dict(zip(passing[0], figures, strict=True)), checks, MESSAGE)
    return True
