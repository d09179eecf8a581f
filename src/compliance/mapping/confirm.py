"""What confirms a table row's figures placed without their blank cells: the table's identities.

Shared by the placements by column position (``aligned``) and by sums alone (``by_sums``). A placement is
judged by the per-row totals where the total is printed and by the per-column sums and balances, blank
cells counting as zero and a blank row total as the sum of its parts (as the rules derive it). A row
placed this way is written ``inferred``, with the confirming identities noted as unverifiable there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable, SplitRow, spec_cell
from compliance.mapping.numbers import whole_count
from compliance.mapping.runcells import inferred_note
from compliance.model import Cell, CellStatus, Note


@dataclass(frozen=True)
class PrintedRow:
    """A table row as printed: its template row, the grid it stands in, and its label and values."""

    row_id: str
    grid: int
    split: SplitRow


def all_ambiguous(cells: dict[str, Cell] | None) -> bool:
    """A row mapped but none of whose figures could be placed."""
    return bool(cells) and all(c.status is CellStatus.ambiguous for c in cells.values())  # type: ignore[union-attr]


def zero_rows(printed: list[PrintedRow]) -> set[str]:
    """Rows whose printed figures are all 0: whatever their placement, they add nothing to a sum."""
    out = set()
    for row in printed:
        figures = [integer(cell.text) for cell in row.split.values if cell.text.strip()]
        if figures and all(figure == 0 for figure in figures):
            out.add(row.row_id)
    return out


def integer(text: str) -> int | None:
    """A printed count (digits, thousands commas); None for anything else (decimals, signs, units)."""
    return whole_count(text)


@dataclass
class Identities:
    """The identities that judge a placement: per-row totals, per-column sums and balances.

    ``solved`` rows are the ones being placed; every other row of an identity must be printed and
    read (blank cells count as zero), or the identity judges nothing. A row left unplaced whose
    figures are all 0 (``zero_rows``) adds nothing to any sum wherever its zeros stand, so it does
    not stop an identity from judging (its cells stay unplaced).
    """

    columns: list[str]
    known: dict[str, dict[int, int]]  # row → column index → value, for rows already read
    row_totals: list[tuple[str, int, list[int]]]  # (identity id, target column, part columns)
    column_sums: list[tuple[str, list[str], list[str]]]  # (identity id, lhs rows, rhs rows)
    checked_rows: set[str] = field(default_factory=set)
    # The read rows with their blank totals derived, once: placements are judged by the thousand.
    _known_derived: dict[str, dict[int, int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._known_derived = {row: self._derived(cells) for row, cells in self.known.items()}

    @classmethod
    def build(
        cls,
        spec: TableSpec,
        table: str,
        mapped: MappedTable,
        columns: list[str],
        solved: set[str],
        zero_rows: set[str] | None = None,
    ) -> Identities | None:
        index = {c: n for n, c in enumerate(columns)}
        known: dict[str, dict[int, int]] = {}
        unusable: set[str] = set()
        for row_id, cells in mapped.data.items():
            if row_id in solved:
                continue
            values: dict[int, int] = {}
            if zero_rows and row_id in zero_rows and all_ambiguous(cells):
                known[row_id] = values
                continue
            for column_id, cell in cells.items():
                if isinstance(cell.value, int) and column_id in index:
                    values[index[column_id]] = cell.value
                elif cell.status is not CellStatus.blank:
                    unusable.add(row_id)
            known[row_id] = values
        row_totals = row_total_identities(spec, table, columns)
        column_sums = []
        for number, total in enumerate(spec.totals):
            name = total.id or f"{table}-total-{number + 1}"
            if total.along == "column" and total.target.row is not None:
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
        derived = dict(self._known_derived)
        for row, cells in placed.items():
            complete = with_row_totals(cells, self.row_totals)
            if complete is None:
                return False
            derived[row] = complete
        for _, lhs, rhs in self.column_sums:
            for column in range(len(self.columns)):
                left = sum(derived[r].get(column, 0) for r in lhs)
                if left != sum(derived[r].get(column, 0) for r in rhs):
                    return False
        return True

    def _derived(self, cells: dict[int, int]) -> dict[int, int]:
        return derived_totals(cells, self.row_totals)

    def failing(self) -> set[str]:
        """The rows of every identity the read rows break as they stand (a printed row total that is
        not the sum of its parts, a column sum or balance that does not hold)."""
        rows: set[str] = set()
        for row, cells in self.known.items():
            for _, target, parts in self.row_totals:
                if target in cells and cells[target] != sum(cells.get(p, 0) for p in parts):
                    rows.add(row)
        derived = self._known_derived
        for _, lhs, rhs in self.column_sums:
            for column in range(len(self.columns)):
                if sum(derived[r].get(column, 0) for r in lhs) != sum(derived[r].get(column, 0) for r in rhs):
                    rows.update((*lhs, *rhs))
                    break
        return rows

    def confirming(self, row: str) -> list[str]:
        return [name for name, lhs, rhs in self.column_sums if row in (*lhs, *rhs)]


def row_total_identities(spec: TableSpec, table: str, columns: list[str]) -> list[tuple[str, int, list[int]]]:
    """The table's per-row totals over a row of ``columns``: (identity id, total column, part columns)."""
    index = {c: n for n, c in enumerate(columns)}
    out = []
    for number, total in enumerate(spec.totals):
        if total.along == "row" and total.target.column in index:
            parts = [index[p] for p in spec.expand(total.parts) if p in index]
            out.append((total.id or f"{table}-total-{number + 1}", index[total.target.column], parts))
    return out


def with_row_totals(cells: dict[int, int], row_totals: list[tuple[str, int, list[int]]]) -> dict[int, int] | None:
    """A placed row's cells with each blank total taken as the sum of its parts (as the rules derive
    it); None when a printed total is not the sum of its parts."""
    for _, target, parts in row_totals:
        if target in cells and cells[target] != sum(cells.get(p, 0) for p in parts):
            return None
    return derived_totals(cells, row_totals)


def derived_totals(cells: dict[int, int], row_totals: list[tuple[str, int, list[int]]]) -> dict[int, int]:
    """The row's cells with each blank total taken as the sum of its parts."""
    out = dict(cells)
    for _, target, parts in row_totals:
        if target not in out:
            out[target] = sum(out.get(p, 0) for p in parts)
    return out


def write_placed(
    table: str,
    mapped: MappedTable,
    row: PrintedRow,
    spec: TableSpec,
    columns: list[str],
    by_column: dict[int, GridCell],
    checks: Identities,
    how: str,
) -> None:
    """The row's cells from its figures by column index, ``inferred``; the ambiguity note replaced
    by notes naming the identities that confirmed the placement (the rules cannot verify them there)."""
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
    message = f"表格行“{label}”{how}"
    notes: list[Note] = []
    for name in checks.confirming(row.row_id):
        notes += [inferred_note(table, row.row_id, columns[c], name, message, split) for c in sorted(by_column)]
    for name, target, _ in checks.row_totals:
        if target in by_column:
            notes.append(inferred_note(table, row.row_id, None, name, message, split))
    mapped.notes.extend(notes)
