"""One printed row split into label and value cells, and the parsed cells of the report.

Shared by the row-table mapping (``tables``), the one-row tables (``single_row``) and the
splitting of run-together digits (``runcells``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.inference import digit_count, run_groups
from compliance.mapping.numbers import looks_numeric, parse_cell
from compliance.model import Cell, CellStatus, Loc, Note, TableData


@dataclass
class SplitRow:
    label: str
    values: list[GridCell]
    loc: Loc
    label_fields: int = 0  # how many leading cells the label occupies
    label_cells: list[GridCell] = field(default_factory=list)  # the label's own cells, where they stand


def split_row(row: list[GridCell], label_width: int = 0) -> SplitRow:
    """Separate the label cells (leading, non-numeric) from the value cells that follow. The first
    ``label_width`` cells are label cells whatever they hold (``label_width`` of the grid)."""
    head = [c for c in row[:label_width] if not c.span_copy]
    cells = [c for c in row[label_width:] if not c.span_copy]
    last_label = -1
    for index, cell in enumerate(cells):
        if not _is_value(cell.text):
            last_label = index
    label_cells = head + cells[: last_label + 1]
    label = "".join(c.text for c in label_cells)
    values = cells[last_label + 1 :]
    first = head or cells
    loc = first[0].loc if first else Loc()
    return SplitRow(label, values, loc, len(label_cells), label_cells)


def label_width(rows: list[list[GridCell]]) -> int:
    """How many leading columns of a grid are label columns: as far as a row with figures prints its
    label text. An empty cell there is a group label's blank (``二、上年结转…`` beside the group column
    of ``1.属于国家秘密``), never a blank value: taking it for one would shift the row's figures a
    column right. Only for a grid whose columns line up (a column holds labels or figures, not both):
    tab-separated text drops merged cells, so its rows' fields do not stand in common columns (0)."""
    extent = 0
    first_figure: int | None = None
    for row in rows:
        figures = [i for i, c in enumerate(row) if not c.span_copy and c.text.strip() and _is_value(c.text)]
        if not figures:
            continue
        first_figure = figures[0] if first_figure is None else min(first_figure, figures[0])
        labels = [i for i, c in enumerate(row[: figures[0]]) if c.text.strip() and not _is_value(c.text)]
        if labels:
            extent = max(extent, labels[-1] + 1)
    return extent if first_figure is not None and extent <= first_figure else 0


def _is_value(text: str) -> bool:
    return looks_numeric(text) or run_groups(text) is not None


def make_cell(grid_cell: GridCell | None, *, money: bool = False, default_unit: str | None = None) -> Cell:
    if grid_cell is None:
        return Cell(value=None, raw=None, status=CellStatus.ambiguous)
    parsed = parse_cell(grid_cell.text, money=money, default_unit=default_unit)
    raw = grid_cell.text.strip()
    # Every field is already typed (parse_cell gives int/Decimal, the reader a Loc).
    return Cell.typed(parsed.value, raw, grid_cell.loc, parsed.status, parsed.unit, grid_cell.confidence)


@dataclass
class MappedTable:
    data: TableData = field(default_factory=dict)
    versions: dict[str, set[str]] = field(default_factory=dict)  # row id → versions with that label
    extra_rows: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    loc: Loc | None = None
    # Rows printed under another version's column header: row id → that version.
    row_layouts: dict[str, str] = field(default_factory=dict)
    # Rows whose figures could not be placed but whose totals every placement agrees on:
    # row id → total column id → value (``unplaced_totals``).
    unplaced_totals: dict[str, dict[str, int]] = field(default_factory=dict)


def spec_cell(spec: TableSpec, column_id: str, grid_cell: GridCell | None, loc: Loc) -> Cell:
    column = spec.column(column_id)
    money = column is not None and column.type == "money"
    unit = column.default_unit if column is not None else None
    cell = make_cell(grid_cell, money=money, default_unit=unit)
    if cell.loc is None or cell.loc.line is None:
        cell = cell.model_copy(update={"loc": loc})
    return cell


def is_run(values: list[GridCell], width: int) -> bool:
    """One value cell holding at least as many digits as the row has columns: run-together cells."""
    return width > 1 and len(values) == 1 and digit_count(values[0].text) >= width


def as_run(split: SplitRow, width: int) -> SplitRow:
    """The row with its one filled value cell alone when that cell is a run of ``width`` digits or more:
    empty fields around it (a blank group-label column, padding) are no cells of their own."""
    filled = [cell for cell in split.values if cell.text.strip()]
    if len(filled) == 1 and len(split.values) > 1 and is_run(filled, width):
        return replace(split, values=filled)
    return split
