"""Row totals that every placement of an unplaced row's figures agrees on.

Text without positions (``pdftotext -raw``, copy and paste) prints a row's figures one space apart and
its blank cells not at all. When several rows of a table lack their blanks at once, the column sums
cannot tell one naming of the columns from another (``by_sums``) and the rows' cells stay ambiguous.
A row's *total* can still be certain. Each left-to-right placement of its figures either puts a figure
in the total column, which must then be the sum of the parts placed (the row total identity), or
leaves the total column blank, and the rules derive a blank total as the sum of its parts (BLANK-POLICY).
Where every placement that keeps the identity gives the total the same value, that value does not
depend on which column holds which figure: ``（一）予以公开 258 12 1 1`` under six parts and a total can
only total 272, since no figure is the sum of the others.

A row given with more cells than its columns has lost its structure, and perhaps a figure with it:
no total is derived from it.

The value is recorded for the rules (``TableInfo.unplaced_totals``); the cells stay ambiguous. When the
total is printed and equals the sum of the other figures, the total is *not* known: the same figures
with a blank total would total twice as much, and text does not tell the two apart.
"""

from __future__ import annotations

from itertools import combinations

from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable
from compliance.mapping.confirm import PrintedRow, all_ambiguous, integer, row_total_identities, with_row_totals

# Placements are enumerated: C(n, k) for a row of n columns; a template row has at most 15.
MAX_COLUMNS = 16


def record_unplaced_totals(
    table: str, mapped: MappedTable, printed: list[PrintedRow], spec_for_row: dict[str, TableSpec]
) -> None:
    """For each row still ambiguous, the totals every admissible placement of its figures agrees on."""
    for row in printed:
        if not all_ambiguous(mapped.data.get(row.row_id)):
            continue
        spec = spec_for_row.get(row.row_id)
        if spec is None:
            continue
        totals = agreed_totals(spec, row, table)
        if not totals:
            continue
        mapped.unplaced_totals[row.row_id] = totals
        said = "，".join(f"“{spec.column_label(c)}”为 {v}" for c, v in totals.items())
        for note in mapped.notes:
            if note.code == "ambiguous-row" and note.table == table and note.row == row.row_id:
                note.message += f"；无论各数值在哪一列，{said}"


def agreed_totals(spec: TableSpec, row: PrintedRow, table: str = "") -> dict[str, int]:
    """Total column id → the value every placement keeping the row's totals gives it."""
    columns = spec.columns_of(row.row_id)
    identities = row_total_identities(spec, table, columns)
    figures = [integer(cell.text) for cell in row.split.values if cell.text.strip()]
    if len(row.split.values) > len(columns):
        # More cells than the row has columns: its text kept blank cells and still the row fits
        # no placement, so its cells are not where the text put them (a figure printed apart from
        # its row, between the lines of a wrapped label); its figures may be incomplete.
        return {}
    if not identities or not figures or len(columns) > MAX_COLUMNS or len(figures) >= len(columns):
        return {}
    counts = [figure for figure in figures if figure is not None]
    if len(counts) < len(figures):
        return {}  # a decimal, a sign, a unit: not a count this reasoning holds for
    seen: dict[int, set[int]] = {target: set() for _, target, _ in identities}
    for choice in combinations(range(len(columns)), len(counts)):
        complete = with_row_totals(dict(zip(choice, counts, strict=True)), identities)
        if complete is None:
            continue  # a printed total that is not the sum of its parts
        for target in seen:
            seen[target].add(complete[target])
    return {columns[target]: next(iter(values)) for target, values in seen.items() if len(values) == 1}
