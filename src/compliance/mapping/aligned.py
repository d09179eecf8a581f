"""Place rows' figures by the columns the table's own figures stand in, when its identities confirm it.

Layout text (``pdftotext -layout``, space-aligned exports) prints a row without its blank cells:
``258    12             1   1`` under seven columns. Where the header's captions are scrambled or
wrapped out of place, they cannot say which figure is whose; the figures themselves can. On one page
of one grid, figures printed in the same column overlap one another (numbers are right-aligned or
centred in their cell), so the figures of every row fall into column *clusters*: runs of overlapping
character extents (a character's rounding allowed), set apart by empty gutters. Each cluster is one
template column. Which one is not known, except where a row already read with certainty (every cell
printed, or placed under its captions) prints a figure in it.

Every way of giving the clusters template columns left to right (the anchored ones fixed) is tried
on all pages together, and each is judged by the table's identities — the per-row totals where the
total is printed, and the per-column sums and balances with blank cells as zero and a blank row total
as the sum of its parts (the way the rules derive it). A row is placed only when every placement
that passes gives it the same cells and one of the column identities checks it; its cells are then
``inferred`` and the identities that confirmed them are recorded, so the rules report them as
unverifiable there, never as passed. Anything less stays ambiguous. Clusters that run two figures
of one row together, or two anchored columns together, leave their page unread. The identities hold
column by column, so they cannot tell apart two namings of columns no read row anchors: rows with
figures there stay unread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from math import prod

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable
from compliance.mapping.confirm import Identities, PrintedRow, all_ambiguous, integer, write_placed, zero_rows
from compliance.model import CellStatus

__all__ = ["PrintedRow", "place_by_columns"]

# More placements than this (all pages together) carry too little information to be worth trying.
LIMIT = 5000
# Layout text rounds every position to whole characters: figures of one column may stand a character
# apart (``0`` at 26 under ``0`` at 27); figures of two columns stand further apart than that.
REACH = 1
MESSAGE = "的数值按本表各行数值所在的列位置放入各列"


@dataclass
class _Figure:
    start: int
    end: int  # inclusive: the character column of the figure's last character
    row: str
    column: int | None  # the template column index, for a figure of a row already read
    cell: GridCell | None = None
    value: int = 0  # the open row's figure, parsed once


@dataclass
class _Page:
    """The figures of one grid on one page, in clusters, and the ways to give the clusters columns."""

    clusters: list[list[_Figure]] = field(default_factory=list)
    options: list[tuple[int, ...]] = field(default_factory=list)


def place_by_columns(table: str, mapped: MappedTable, printed: list[PrintedRow], spec: TableSpec) -> None:
    """Read the ambiguous rows of ``printed`` by their figures' column clusters, where confirmed."""
    open_rows = [r for r in printed if all_ambiguous(mapped.data.get(r.row_id))]
    if not open_rows:
        return
    columns = spec.columns_of(open_rows[0].row_id)
    if any(spec.columns_of(r.row_id) != columns for r in open_rows):
        return
    pages = _pages(mapped, printed, open_rows, columns)
    if not pages:
        return
    solved = {fig.row for page in pages.values() for cluster in page.clusters for fig in cluster if fig.column is None}
    checks = Identities.build(spec, table, mapped, columns, solved, zero_rows(printed))
    if checks is None:
        return
    if prod(len(page.options) for page in pages.values()) > LIMIT:
        return
    outcomes: dict[str, set[tuple[tuple[int, int], ...]]] = {row: set() for row in solved}
    for choice in _choices(list(pages.values())):
        placed = _placement(list(pages.values()), choice)
        if placed is None or not checks.hold(placed):
            continue
        for row in solved:
            outcomes[row].add(tuple(sorted(placed.get(row, {}).items())))
    by_row = {r.row_id: r for r in open_rows}
    for row, found in outcomes.items():
        if len(found) != 1 or row not in checks.checked_rows:
            continue
        slots = dict(next(iter(found)))
        figures = sorted(
            (
                f.cell
                for page in pages.values()
                for cluster in page.clusters
                for f in cluster
                if f.row == row and f.cell
            ),
            key=lambda cell: cell.loc.column or 0,
        )
        cells = dict(zip(sorted(slots), figures, strict=True))
        write_placed(table, mapped, by_row[row], spec, columns, cells, checks, MESSAGE)


def _pages(
    mapped: MappedTable, printed: list[PrintedRow], open_rows: list[PrintedRow], columns: list[str]
) -> dict[tuple[int, int | None], _Page]:
    """Figures by (grid, page): the open rows' (column unknown) and the read rows' (column known)."""
    figures: dict[tuple[int, int | None], list[_Figure]] = {}
    for row in open_rows:
        cells = [c for c in row.split.values if c.text.strip()]
        if not cells or any(integer(c.text) is None or c.loc.column is None for c in cells):
            continue
        for cell in cells:
            start = cell.loc.column or 0
            figure = _Figure(start, start + len(cell.text.strip()) - 1, row.row_id, None, cell, integer(cell.text) or 0)
            figures.setdefault((row.grid, cell.loc.page), []).append(figure)
    open_ids = {r.row_id for r in open_rows}
    for row in printed:
        if row.row_id in open_ids:
            continue
        for number, column_id in enumerate(columns):
            read = mapped.data.get(row.row_id, {}).get(column_id)
            if read is None or read.status not in (CellStatus.read, CellStatus.inferred) or read.loc is None:
                continue
            at = (row.grid, read.loc.page)
            if at in figures and read.loc.column is not None and read.raw:
                start = read.loc.column
                figures[at].append(_Figure(start, start + len(read.raw) - 1, row.row_id, number))
    pages: dict[tuple[int, int | None], _Page] = {}
    for at, found in figures.items():
        page = _clustered(found, len(columns))
        if page is not None:
            pages[at] = page
    return pages


def _clustered(figures: list[_Figure], width: int) -> _Page | None:
    """Overlapping figures in one cluster; None when a cluster holds two figures of one row or two
    known columns, or there are more clusters than columns (the page's columns are not clear)."""
    clusters: list[list[_Figure]] = []
    end = -1
    for figure in sorted(figures, key=lambda f: f.start):
        if clusters and figure.start <= end + REACH:
            clusters[-1].append(figure)
            end = max(end, figure.end)
        else:
            clusters.append([figure])
            end = figure.end
    if len(clusters) > width:
        return None
    fixed: list[int | None] = []
    for cluster in clusters:
        rows = [f.row for f in cluster]
        known = {f.column for f in cluster if f.column is not None}
        if len(rows) != len(set(rows)) or len(known) > 1:
            return None
        fixed.append(known.pop() if known else None)
    options = [
        choice
        for choice in combinations(range(width), len(clusters))
        if all(f is None or f == c for f, c in zip(fixed, choice, strict=True))
    ]
    return _Page(clusters, options) if options else None


def _choices(pages: list[_Page]) -> Iterator[tuple[tuple[int, ...], ...]]:
    if not pages:
        yield ()
        return
    for head in pages[0].options:
        for rest in _choices(pages[1:]):
            yield (head, *rest)


def _placement(pages: list[_Page], choice: tuple[tuple[int, ...], ...]) -> dict[str, dict[int, int]] | None:
    """Open row → {column index: value} under one choice; None if a row gets two figures in one column
    (its figures stand on two pages or grids that the choice does not keep apart)."""
    placed: dict[str, dict[int, int]] = {}
    for page, mapping in zip(pages, choice, strict=True):
        for cluster, column in zip(page.clusters, mapping, strict=True):
            for figure in cluster:
                if figure.column is not None or figure.cell is None:
                    continue
                row = placed.setdefault(figure.row, {})
                if column in row:
                    return None
                row[column] = figure.value
    return placed
