"""Place rows' figures by the columns the table's own figures stand in, when its identities confirm it.

Layout text (``pdftotext -layout``, space-aligned exports) prints a row without its blank cells:
``258    12             1   1`` under seven columns. Where the header's captions are scrambled or
wrapped out of place, they cannot say which figure is whose; the figures themselves can. On one page
of one grid, figures printed in the same column overlap one another (numbers are right-aligned or
centred in their cell), so the figures of every row fall into column *clusters*: runs of overlapping
character extents, set apart by empty gutters. Each cluster is one template column. Which one is not
known, except where a row already read with certainty (every cell printed, or placed under its
captions) prints a figure in it.

Every way of giving the clusters template columns left to right (the anchored ones fixed) is tried
on all pages together, and each is judged by the table's identities — the per-row totals where the
total is printed, and the per-column sums and balances with blank cells as zero and a blank row total
as the sum of its parts (the way the rules derive it). A row is placed only when every placement
that passes gives it the same cells and one of the column identities checks it; its cells are then
``inferred`` and the identities that confirmed them are recorded, so the rules report them as
unverifiable there, never as passed. Anything less stays ambiguous. Clusters that run two figures
of one row together, or two anchored columns together, leave their page unread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable, SplitRow, spec_cell
from compliance.mapping.runcells import inferred_note
from compliance.model import Cell, CellStatus, Note

# More placements than this (all pages together) carry too little information to be worth trying.
LIMIT = 20000
# Layout text rounds every position to whole characters: figures of one column may stand a character
# apart (``0`` at 26 under ``0`` at 27); figures of two columns stand further apart than that.
REACH = 1


@dataclass(frozen=True)
class PrintedRow:
    """A table row as printed: its template row, the grid it stands in, and its label and values."""

    row_id: str
    grid: int
    split: SplitRow


@dataclass
class _Figure:
    start: int
    end: int  # inclusive: the character column of the figure's last character
    row: str
    column: int | None  # the template column index, for a figure of a row already read
    cell: GridCell | None = None


@dataclass
class _Page:
    """The figures of one grid on one page, in clusters, and the ways to give the clusters columns."""

    clusters: list[list[_Figure]] = field(default_factory=list)
    options: list[tuple[int, ...]] = field(default_factory=list)


def place_by_columns(table: str, mapped: MappedTable, printed: list[PrintedRow], spec: TableSpec) -> None:
    """Read the ambiguous rows of ``printed`` by their figures' column clusters, where confirmed."""
    open_rows = [r for r in printed if _ambiguous(mapped.data.get(r.row_id))]
    if not open_rows:
        return
    columns = spec.columns_of(open_rows[0].row_id)
    if any(spec.columns_of(r.row_id) != columns for r in open_rows):
        return
    pages = _pages(mapped, printed, open_rows, columns)
    if not pages:
        return
    solved = {fig.row for page in pages.values() for cluster in page.clusters for fig in cluster if fig.column is None}
    checks = _Checks.build(spec, table, mapped, columns, solved)
    if checks is None:
        return
    outcomes: dict[str, set[tuple[tuple[int, int], ...]]] = {row: set() for row in solved}
    count = 0
    for choice in _choices(list(pages.values())):
        count += 1
        if count > LIMIT:
            return
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
        _write(table, mapped, by_row[row], spec, columns, slots, pages, checks)


def _ambiguous(cells: dict[str, Cell] | None) -> bool:
    return bool(cells) and all(c.status is CellStatus.ambiguous for c in cells.values())  # type: ignore[union-attr]


def _pages(
    mapped: MappedTable, printed: list[PrintedRow], open_rows: list[PrintedRow], columns: list[str]
) -> dict[tuple[int, int | None], _Page]:
    """Figures by (grid, page): the open rows' (column unknown) and the read rows' (column known)."""
    figures: dict[tuple[int, int | None], list[_Figure]] = {}
    for row in open_rows:
        cells = [c for c in row.split.values if c.text.strip()]
        if not cells or any(_integer(c.text) is None or c.loc.column is None for c in cells):
            continue
        for cell in cells:
            start = cell.loc.column or 0
            figure = _Figure(start, start + len(cell.text.strip()) - 1, row.row_id, None, cell)
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
                row[column] = _integer(figure.cell.text) or 0
    return placed


def _integer(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isascii() and text.isdigit() else None


@dataclass
class _Checks:
    """The identities that judge a placement: per-row totals, per-column sums and balances."""

    columns: list[str]
    known: dict[str, dict[int, int]]  # row → column index → value, for rows already read
    row_totals: list[tuple[str, int, list[int]]]  # (identity id, target column, part columns)
    column_sums: list[tuple[str, list[str], list[str]]]  # (identity id, lhs rows, rhs rows)
    checked_rows: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls, spec: TableSpec, table: str, mapped: MappedTable, columns: list[str], solved: set[str]
    ) -> _Checks | None:
        index = {c: n for n, c in enumerate(columns)}
        known: dict[str, dict[int, int]] = {}
        unusable: set[str] = set()
        for row_id, cells in mapped.data.items():
            if row_id in solved:
                continue
            values: dict[int, int] = {}
            for column_id, cell in cells.items():
                if isinstance(cell.value, int) and column_id in index:
                    values[index[column_id]] = cell.value
                elif cell.status is not CellStatus.blank:
                    unusable.add(row_id)
            known[row_id] = values
        row_totals = []
        column_sums = []
        for number, total in enumerate(spec.totals):
            name = total.id or f"{table}-total-{number + 1}"
            if total.along == "row" and total.target.column in index:
                parts = [index[p] for p in spec.expand(total.parts) if p in index]
                row_totals.append((name, index[total.target.column], parts))
            elif total.along == "column" and total.target.row is not None:
                column_sums.append((name, [total.target.row], spec.expand(total.parts)))
        column_sums.extend((b.id, spec.expand(b.lhs), spec.expand(b.rhs)) for b in spec.balances)
        # An identity judges only when every row of it is printed and read (or being placed).
        readable = (set(known) - unusable) | solved
        column_sums = [s for s in column_sums if all(r in readable for r in (*s[1], *s[2]))]
        if not column_sums:
            return None
        checked = {r for s in column_sums for r in (*s[1], *s[2])} & solved
        return cls(columns, known, row_totals, column_sums, checked)

    def hold(self, placed: dict[str, dict[int, int]]) -> bool:
        values: dict[str, dict[int, int]] = {**self.known}
        for row, cells in placed.items():
            for _, target, parts in self.row_totals:
                # A printed total must be the sum of its parts; a blank one is taken as that sum.
                if target in cells and cells[target] != sum(cells.get(p, 0) for p in parts):
                    return False
            values[row] = cells
        derived = {row: self._derived(cells) for row, cells in values.items()}
        for _, lhs, rhs in self.column_sums:
            for column in range(len(self.columns)):
                left = sum(derived[r].get(column, 0) for r in lhs)
                if left != sum(derived[r].get(column, 0) for r in rhs):
                    return False
        return True

    def _derived(self, cells: dict[int, int]) -> dict[int, int]:
        out = dict(cells)
        for _, target, parts in self.row_totals:
            if target not in out:
                out[target] = sum(out.get(p, 0) for p in parts)
        return out

    def confirming(self, row: str) -> list[str]:
        return [name for name, lhs, rhs in self.column_sums if row in (*lhs, *rhs)]


def _write(
    table: str,
    mapped: MappedTable,
    row: PrintedRow,
    spec: TableSpec,
    columns: list[str],
    slots: dict[int, int],
    pages: dict[tuple[int, int | None], _Page],
    checks: _Checks,
) -> None:
    figures: dict[int, GridCell] = {
        id(f.cell): f.cell
        for page in pages.values()
        for cluster in page.clusters
        for f in cluster
        if f.row == row.row_id and f.cell is not None
    }
    by_column: dict[int, GridCell] = {}
    ordered = sorted(figures.values(), key=lambda c: c.loc.column or 0)
    for (column, _), figure in zip(sorted(slots.items()), ordered, strict=True):
        by_column[column] = figure
    split = row.split
    cells: dict[str, Cell] = {}
    for number, column_id in enumerate(columns):
        grid_cell = by_column.get(number)
        # A column with no figure on this row: a blank cell (unknown, never 0).
        cell = spec_cell(spec, column_id, grid_cell or GridCell("", split.loc), split.loc)
        if grid_cell is not None and cell.status is CellStatus.read:
            cell = cell.model_copy(update={"status": CellStatus.inferred})
        cells[column_id] = cell
    mapped.data[row.row_id] = cells
    mapped.notes[:] = [
        n for n in mapped.notes if not (n.code == "ambiguous-row" and n.row == row.row_id and n.table == table)
    ]
    label = split.label.strip()[:40]
    message = f"表格行“{label}”的数值按本表各行数值所在的列位置放入各列"
    notes: list[Note] = []
    for name in checks.confirming(row.row_id):
        notes += [inferred_note(table, row.row_id, columns[c], name, message, split) for c in sorted(by_column)]
    for name, target, _ in checks.row_totals:
        if target in by_column:
            notes.append(inferred_note(table, row.row_id, None, name, message, split))
    mapped.notes.extend(notes)
