"""Map grid rows onto template table rows and columns by their labels, and parse the cells.

Rows are found by label after normalisation (never by position alone); a row's values are then
placed on the template's columns. Text extraction can drop empty cells, so a row whose values
cannot be placed unambiguously is marked ``ambiguous`` instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.document import Grid, GridCell
from compliance.layout import TableSpec, TemplateLayout
from compliance.mapping.normalize import key
from compliance.mapping.numbers import looks_numeric, parse_cell
from compliance.model import Cell, CellStatus, Loc, Note, TableData


@dataclass
class LabelIndex:
    """Every row label of one table across template versions: key → (row id, versions)."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (label key, row id, version)

    @classmethod
    def build(cls, layouts: list[TemplateLayout], table: str) -> LabelIndex:
        index = cls()
        for layout in layouts:
            spec = layout.tables.get(table)
            if spec is None:
                continue
            for row in spec.rows:
                for label in (row.label, *row.aliases):
                    index.entries.append((key(label), row.id, layout.id))
        # Longest labels first so that "（七）总计" beats "总计" and "行政规范性文件" beats "规范性文件".
        index.entries.sort(key=lambda e: -len(e[0]))
        return index

    def match(self, label_key: str) -> tuple[str, set[str]] | None:
        """Return (row id, versions having that exact label) or None."""
        if not label_key:
            return None
        for strategy in (_exact, _suffix, _prefix):
            hits = [(row, version, k) for k, row, version in self.entries if strategy(label_key, k)]
            if hits:
                best_len = len(hits[0][2])
                best = [h for h in hits if len(h[2]) == best_len]
                rows = {row for row, _, _ in best}
                if len(rows) == 1:
                    return best[0][0], {version for _, version, _ in best}
                return None
        return None


def _exact(label: str, candidate: str) -> bool:
    return label == candidate


def _suffix(label: str, candidate: str) -> bool:
    # Group labels printed in front of a row label: "三、本年度办理结果（一）予以公开".
    return len(candidate) >= 2 and label.endswith(candidate)


def _prefix(label: str, candidate: str) -> bool:
    # Local annotations after a label: "规章（设区的市、自治州人民政府应提供相关数据）".
    return len(candidate) >= 2 and label.startswith(candidate)


@dataclass
class SplitRow:
    label: str
    values: list[GridCell]
    loc: Loc


def split_row(row: list[GridCell]) -> SplitRow:
    """Separate the label cells (leading, non-numeric) from the value cells that follow."""
    cells = [c for c in row if not c.span_copy]
    last_label = -1
    for index, cell in enumerate(cells):
        if not looks_numeric(cell.text):
            last_label = index
    label = "".join(c.text for c in cells[: last_label + 1])
    values = cells[last_label + 1 :]
    loc = cells[0].loc if cells else Loc()
    return SplitRow(label, values, loc)


def place_values(values: list[GridCell], width: int) -> list[GridCell | None] | None:
    """Fit value cells onto ``width`` columns; None when the placement is ambiguous.

    Empty cells at the edges may be layout padding or blank data cells. Try every window of
    ``width`` consecutive cells that keeps all non-empty cells; exactly one window is a safe
    placement.
    """
    filled = [i for i, cell in enumerate(values) if cell.text.strip()]
    if not filled:
        return None
    if len(values) == width:
        return list(values)
    first, last = filled[0], filled[-1]
    if last - first + 1 > width:
        return None
    windows = [
        start for start in range(0, max(len(values) - width, 0) + 1) if start <= first and start + width - 1 >= last
    ]
    if len(values) < width:
        # Fewer cells than columns: text extraction dropped blanks somewhere unknown.
        return None
    if len(windows) == 1:
        return values[windows[0] : windows[0] + width]
    # Several windows only differ in edge padding; if all of them agree on every column,
    # the placement is still unique (cannot happen with distinct offsets), so it is ambiguous.
    return None


def make_cell(grid_cell: GridCell | None, *, money: bool = False, default_unit: str | None = None) -> Cell:
    if grid_cell is None:
        return Cell(value=None, raw=None, status=CellStatus.ambiguous)
    parsed = parse_cell(grid_cell.text, money=money, default_unit=default_unit)
    raw = grid_cell.text.strip()
    # Every field is already typed (parse_cell gives int/Decimal, the reader a Loc): skip
    # re-validation, the largest cost of mapping a table.
    return Cell.model_construct(value=parsed.value, raw=raw, loc=grid_cell.loc, status=parsed.status, unit=parsed.unit)


@dataclass
class MappedTable:
    data: TableData = field(default_factory=dict)
    versions: dict[str, set[str]] = field(default_factory=dict)  # row id → versions with that label
    extra_rows: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    loc: Loc | None = None


def map_row_table(table: str, grids: list[Grid], index: LabelIndex, spec_for_row: dict[str, TableSpec]) -> MappedTable:
    """Map T2/T3-style tables: one grid row per template row, found by label."""
    mapped = MappedTable()
    pending_label = ""
    for grid in grids:
        for row in grid.rows:
            split = split_row(row)
            label_key = key(split.label)
            has_values = any(c.text.strip() for c in split.values)
            if not has_values:
                # A group label on its own line ("（三）不予公开") or a header row: remember it so
                # a label split over two lines can still be matched.
                pending_label = label_key
                continue
            found = index.match(label_key) or index.match(pending_label + label_key)
            pending_label = ""
            if found is None:
                if label_key and not label_key.startswith("信息内容"):
                    mapped.extra_rows.append(split.label.strip())
                continue
            row_id, versions = found
            if row_id in mapped.data:
                mapped.notes.append(
                    Note(
                        code="duplicate-row",
                        message=f"表格行“{split.label.strip()}”重复出现，仅采用第一次出现的数据",
                        table=table,
                        row=row_id,
                        loc=split.loc,
                    )
                )
                continue
            spec = spec_for_row.get(row_id)
            if spec is None:
                continue
            columns = spec.columns_of(row_id)
            placed = place_trailing(split.values, len(columns)) if table == "T2" else None
            if table != "T2":
                placed = place_values(split.values, len(columns))
            if placed is None:
                mapped.notes.append(
                    Note(
                        code="ambiguous-row",
                        message=(
                            f"表格行“{split.label.strip()}”的数值个数与{len(columns)}列不符，无法确定各数值所在列"
                        ),
                        table=table,
                        row=row_id,
                        loc=split.loc,
                    )
                )
                placed = [None] * len(columns)
            cells: dict[str, Cell] = {}
            for column_id, grid_cell in zip(columns, placed, strict=True):
                column = spec.column(column_id)
                money = column is not None and column.type == "money"
                unit = column.default_unit if column is not None else None
                cell = make_cell(grid_cell, money=money, default_unit=unit)
                if cell.loc is None or cell.loc.line is None:
                    cell = cell.model_copy(update={"loc": split.loc})
                cells[column_id] = cell
            mapped.data[row_id] = cells
            mapped.versions[row_id] = versions
            if mapped.loc is None:
                mapped.loc = split.loc
    return mapped


def place_trailing(values: list[GridCell], width: int) -> list[GridCell | None] | None:
    """T2 rows: value cells are left-aligned after the label; trailing cells are blank by design."""
    cells = list(values)
    while len(cells) > width and not cells[-1].text.strip():
        cells.pop()
    while len(cells) > width and not cells[0].text.strip():
        cells.pop(0)
    if len(cells) == width:
        return list(cells)
    if len(cells) < width and all(c.text.strip() for c in cells):
        return None
    return None


def map_single_row_table(table: str, grids: list[Grid], spec: TableSpec) -> MappedTable:
    """Map T4: one data row of rows × columns values (15 for the review/litigation table)."""
    mapped = MappedTable()
    width = len(spec.rows) * len(spec.columns)
    for grid in grids:
        for row in grid.rows:
            split = split_row(row)
            numbers = [c for c in split.values if c.text.strip()]
            if len(numbers) < len(spec.columns) + 1:
                continue
            placed = place_values(split.values, width)
            if placed is None:
                mapped.notes.append(
                    Note(
                        code="ambiguous-row",
                        message=f"复议诉讼表数据行有{len(numbers)}个数值，无法对应{width}列",
                        table=table,
                        loc=split.loc,
                    )
                )
                placed = [None] * width
            for r_index, row_spec in enumerate(spec.rows):
                cells: dict[str, Cell] = {}
                for c_index, column in enumerate(spec.columns):
                    grid_cell = placed[r_index * len(spec.columns) + c_index]
                    cell = make_cell(grid_cell)
                    if cell.loc is None or cell.loc.line is None:
                        cell = cell.model_copy(update={"loc": split.loc})
                    cells[column.id] = cell
                mapped.data[row_spec.id] = cells
            mapped.loc = split.loc
            return mapped
    return mapped
