"""Map one-row tables (T4: 行政复议 ×5 | 直接起诉 ×5 | 复议后起诉 ×5) in every printed shape.

The table is printed as one row of 15 cells, as one run of 15+ digits (crawler dumps), or as
three fragments of five cells each under their own caption ("### 行政复议", OCR conversions).
"""

from __future__ import annotations

from compliance.document import Grid, GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable, SplitRow, is_run, make_cell, split_row
from compliance.mapping.inference import row_identities
from compliance.mapping.normalize import key
from compliance.mapping.placement import place_values
from compliance.mapping.runcells import infer_cells
from compliance.model import Cell, Note


def map_single_row_table(
    table: str, grids: list[Grid], spec: TableSpec, captions: dict[int, list[str]] | None = None
) -> MappedTable:
    """Map T4 from a full row, a digit run or per-group fragments (``captions``: texts above each grid)."""
    mapped = MappedTable()
    width = len(spec.rows) * len(spec.columns)
    for grid in grids:
        for row in grid.rows:
            split = split_row(row)
            if is_run(split.values, width):
                _from_run(table, spec, split, mapped)
                return mapped
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
            _fill(mapped, spec, placed, split)
            return mapped
    _from_fragments(table, grids, spec, captions or {}, mapped)
    return mapped


def _fill(mapped: MappedTable, spec: TableSpec, placed: list[GridCell | None], split: SplitRow) -> None:
    for r_index, row_spec in enumerate(spec.rows):
        cells: dict[str, Cell] = {}
        for c_index, column in enumerate(spec.columns):
            cell = make_cell(placed[r_index * len(spec.columns) + c_index])
            if cell.loc is None or cell.loc.line is None:
                cell = cell.model_copy(update={"loc": split.loc})
            cells[column.id] = cell
        mapped.data[row_spec.id] = cells
    mapped.loc = split.loc


def _from_run(table: str, spec: TableSpec, split: SplitRow, mapped: MappedTable) -> None:
    targets = [(r.id, c.id) for r in spec.rows for c in spec.columns]
    keys = [f"{r}/{c}" for r, c in targets]
    identities = row_identities(spec, table, keys, {f"{r}/{c}": r for r, c in targets})
    row_ids = [r.id for r in spec.rows]
    found = infer_cells(table, row_ids, split, spec, targets, identities, mapped.notes)
    for row_id in row_ids:
        mapped.data[row_id] = {c.id: found[(row_id, c.id)] for c in spec.columns}
    mapped.loc = split.loc


def _from_fragments(
    table: str, grids: list[Grid], spec: TableSpec, captions: dict[int, list[str]], mapped: MappedTable
) -> None:
    """Rows of exactly one group's width, named by their own label or the caption before the grid."""
    width = len(spec.columns)
    fragments: list[tuple[str | None, SplitRow]] = []
    for grid in grids:
        for row in grid.rows:
            split = split_row(row)
            # An empty label column printed before the values (a grid built from positions) is not a value.
            while len(split.values) > width and not split.values[0].text.strip():
                split.values = split.values[1:]
            if len(split.values) != width or not any(c.text.strip() for c in split.values):
                continue
            named = _group_named(key(split.label), spec) or next(
                (n for text in captions.get(id(grid), []) if (n := _group_named(key(text), spec))), None
            )
            fragments.append((named, split))
    names = [name for name, _ in fragments]
    if len(names) == len(spec.rows) and all(n is None for n in names):
        # Unnamed fragments: only the template's own order can place them, and only all of them.
        names = [r.id for r in spec.rows]
    for name, (_, split) in zip(names, fragments, strict=True):
        if name is None or name in mapped.data:
            continue
        mapped.data[name] = {
            c.id: _located(make_cell(v), split) for c, v in zip(spec.columns, split.values, strict=True)
        }
        if mapped.loc is None:
            mapped.loc = split.loc
    if mapped.data and len(mapped.data) < len(spec.rows):
        mapped.notes.append(
            Note(
                code="ambiguous-row",
                message="复议诉讼表分段印刷，部分分段无法对应到行政复议、直接起诉或复议后起诉",
                table=table,
                loc=mapped.loc,
            )
        )


def _group_named(text_key: str, spec: TableSpec) -> str | None:
    """The T4 group whose label the text contains (longest label wins: 复议后起诉 is not 行政复议)."""
    hits = sorted(((len(key(r.label)), r.id) for r in spec.rows if key(r.label) in text_key), reverse=True)
    if not hits:
        return None
    if len(hits) > 1 and hits[0][0] == hits[1][0]:
        return None
    return hits[0][1]


def _located(cell: Cell, split: SplitRow) -> Cell:
    if cell.loc is None or cell.loc.line is None:
        return cell.model_copy(update={"loc": split.loc})
    return cell
