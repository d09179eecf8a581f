"""Place a row's figures under the column captions printed above them, when that is certain.

Layout text prints a row's figures without its blank cells (``26 … 26`` for 自然人 and 总计,
the five columns between left blank), so the count of figures cannot place them. Where the
table's header prints every template column caption, each where it stands, a figure can belong
only to a caption its characters touch (one or two of them). Position alone is no proof: layout
text shifts rows, so a shifted figure can stand under another caption. Of the left-to-right
choices the positions allow, the placement is taken only when exactly one makes the row's
identities all evaluable and true with the blank cells as zero (the total printed and equal to
the sum of its parts), and only on the page the captions are printed on (layout text lays out
every page at its own scale). The cells are then ``inferred`` and the identity that
confirmed them is recorded, so the rules report it as unverifiable on that row, never as passed
or failed. Anything less stays ambiguous.
"""

from __future__ import annotations

from itertools import pairwise, product

from compliance.document import Grid, GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import SplitRow, spec_cell
from compliance.mapping.inference import RowIdentity, row_identities
from compliance.mapping.normalize import key
from compliance.mapping.numbers import is_number, whole_count
from compliance.mapping.runcells import inferred_note
from compliance.model import Cell, CellStatus, Note

# (start, end) in characters, and the page the caption is printed on.
Extent = tuple[float, float, int | None]
# How far (in characters) a figure may stand from a caption it can belong to: layout text rounds
# every position to whole characters.
REACH = 1


def caption_extents(grid: Grid, spec: TableSpec, columns: list[str]) -> list[Extent] | None:
    """Where each of ``columns`` is captioned in the grid's header: one row printing every column's
    caption, in template order and side by side, each cell with its character column."""
    wanted = [{key(label) for label in _labels(spec, column)} for column in columns]
    for row in grid.rows:
        filled = [cell for cell in row if cell.text.strip()]
        for start in range(len(filled) - len(columns) + 1):
            run = filled[start : start + len(columns)]
            if all(key(cell.text) in labels for cell, labels in zip(run, wanted, strict=True)):
                return _extents(run)
    return None


def _labels(spec: TableSpec, column: str) -> list[str]:
    found = spec.column(column)
    return [found.label, *found.aliases] if found is not None else []


def _extents(captions: list[GridCell]) -> list[Extent] | None:
    """Each caption from where it starts, as wide as its text but never into the next caption (a
    caption wrapped over lines is joined into one cell, its text longer than it is wide)."""
    starts = [cell.loc.column for cell in captions]
    if any(start is None for start in starts):
        return None
    out: list[Extent] = []
    for number, cell in enumerate(captions):
        start = float(starts[number] or 0)
        width = float(len(cell.text.strip()))
        if number + 1 < len(captions):
            width = min(width, float(starts[number + 1] or 0) - start)
        out.append((start, start + width, cell.loc.page))
    return out


def place_under_captions(
    values: list[GridCell], extents: list[Extent], spec: TableSpec, table: str, row_id: str, columns: list[str]
) -> tuple[list[GridCell | None], list[str]] | None:
    """The row's cells by caption, and the identities that confirmed them; None unless certain.

    Each figure may belong to any caption its printed characters touch (within ``REACH``); of all
    left-to-right choices, exactly one must make every identity of the row evaluable and true.
    """
    figures = [cell for cell in values if cell.text.strip()]
    if not figures or len(figures) >= len(columns) or not all(is_number(c.text.strip()) for c in figures):
        return None
    options: list[list[int]] = []
    for cell in figures:
        if cell.loc.column is None:
            return None
        left, right = cell.loc.column, cell.loc.column + len(cell.text.strip())
        # Layout text lays out every page on its own: captions place only figures on their page.
        near = [
            n
            for n, (x0, x1, page) in enumerate(extents)
            if max(left, x0) - min(right, x1) <= REACH and page == cell.loc.page
        ]
        if not near or len(near) > 2:
            return None  # under no caption, or so many that position says nothing
        options.append(near)
    keys = [f"{row_id}/{c}" for c in columns]
    identities = row_identities(spec, table, keys, {k: row_id for k in keys})
    if not identities:
        return None
    confirmed = [
        choice
        for choice in product(*options)
        if all(a < b for a, b in pairwise(choice)) and _confirmed(choice, figures, keys, identities)
    ]
    if len(confirmed) != 1:
        return None
    slots: list[GridCell | None] = [None] * len(columns)
    for slot, cell in zip(confirmed[0], figures, strict=True):
        slots[slot] = cell
    return slots, [identity.id for identity in identities]


def _confirmed(
    choice: tuple[int, ...], figures: list[GridCell], keys: list[str], identities: list[RowIdentity]
) -> bool:
    """Every identity evaluable (its total printed) and true, the blank cells counted as zero."""
    known: dict[str, int | None] = dict.fromkeys(keys)
    for slot, cell in zip(choice, figures, strict=True):
        known[keys[slot]] = _integer(cell)
    if any(known[identity.target] is None for identity in identities):
        return False
    values = {k: v if v is not None else 0 for k, v in known.items()}
    return all(identity.holds(values) for identity in identities)


def _integer(cell: GridCell | None) -> int | None:
    if cell is None:
        return None
    return whole_count(cell.text)


class CaptionIndex:
    """Each grid's column caption extents, measured once per grid and column set."""

    def __init__(self, grids: list[Grid]) -> None:
        self._grids = grids
        self._found: dict[tuple[int, tuple[str, ...]], list[Extent] | None] = {}

    def of(self, grid: int, spec: TableSpec, columns: list[str]) -> list[Extent] | None:
        at = (grid, tuple(columns))
        if at not in self._found:
            self._found[at] = caption_extents(self._grids[grid], spec, columns)
        return self._found[at]


def under_captions(
    table: str,
    row_id: str,
    split: SplitRow,
    spec: TableSpec,
    columns: list[str],
    extents: list[Extent] | None,
    notes: list[Note],
) -> dict[str, Cell] | None:
    """An ambiguous row's figures placed under the captions they stand beneath, when confirmed."""
    if extents is None:
        return None
    found = place_under_captions(split.values, extents, spec, table, row_id, columns)
    if found is None:
        return None
    slots, identities = found
    cells: dict[str, Cell] = {}
    for column_id, grid_cell in zip(columns, slots, strict=True):
        # A caption with no figure under it on this row: a blank cell (unknown, never 0).
        cell = spec_cell(spec, column_id, grid_cell or GridCell("", split.loc), split.loc)
        if grid_cell is not None and cell.status is CellStatus.read:
            cell = cell.model_copy(update={"status": CellStatus.inferred})
        cells[column_id] = cell
    # The placement replaces the ambiguity note; the identities that confirmed it cannot verify it.
    label = split.label.strip()[:40]
    notes[:] = [n for n in notes if not (n.code == "ambiguous-row" and n.row == row_id and n.table == table)]
    message = f"表格行“{label}”的数值按其上方的列标题位置放入各列"
    for identity in identities:
        notes.append(inferred_note(table, row_id, None, identity, message, split))
    return cells
