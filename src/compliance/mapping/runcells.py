"""Cells of run-together digit runs: split per row, then jointly across rows, with notes.

``inference`` finds the candidate splits; this module turns the chosen one into cells marked
``inferred`` and records, as ``inferred-split`` notes, which identity chose it, so that the
identity rules report that identity as unverifiable there instead of as passing.
"""

from __future__ import annotations

from compliance.document import GridCell
from compliance.layout import TableSpec
from compliance.mapping.cells import MappedTable, SplitRow, spec_cell
from compliance.mapping.inference import Pending, RowIdentity, infer_split, resolve_jointly
from compliance.model import Cell, CellStatus, Loc, Note

PendingRow = tuple[Pending, SplitRow, list[tuple[str, str]]]


def infer_cells(
    table: str,
    row_ids: list[str],
    split: SplitRow,
    spec: TableSpec,
    targets: list[tuple[str, str]],
    identities: list[RowIdentity],
    notes: list[Note],
    pending: list[PendingRow] | None = None,
) -> dict[tuple[str, str], Cell]:
    """Cells of one run of digits, keyed (row, column); notes say how the split was decided."""
    run = split.values[0].text
    result = infer_split(run, [f"{r}/{c}" for r, c in targets], identities)
    label = split.label.strip()[:40]
    cells: dict[tuple[str, str], Cell] = {}
    if result.cells is None:
        if pending is not None and len(row_ids) == 1 and result.survivors:
            columns = [c for _, c in targets]
            candidates = [[int(v) for v in cells] for cells in result.survivors]
            pending.append((Pending(row_ids[0], columns, candidates), split, result.identities))
        for row_id in row_ids:
            notes.append(
                Note(
                    code="ambiguous-row",
                    message=f"表格行“{label}”的数字连写为“{run}”，有{result.candidates}种拆分方式，无法确定各列数值",
                    table=table,
                    row=row_id if table != "T4" else None,
                    loc=split.loc,
                )
            )
            if table == "T4":
                break
        for row_id, column_id in targets:
            cells[(row_id, column_id)] = Cell(value=None, raw=run, loc=split.loc, status=CellStatus.ambiguous)
        return cells
    for (row_id, column_id), text, loc in zip(targets, result.cells, part_locs(split, result.cells), strict=True):
        cell = spec_cell(spec, column_id, GridCell(text=text, loc=loc), split.loc)
        if not result.printed and cell.status is CellStatus.read:
            cell = cell.model_copy(update={"status": CellStatus.inferred})
        cells[(row_id, column_id)] = cell
    if result.printed:
        return cells
    decided: list[tuple[str | None, str]] = list(result.identities) or [(None, row_id) for row_id in row_ids]
    message = f"表格行“{label}”的数字连写为“{run}”，拆分为 {' / '.join(result.cells)}"
    for identity, row_id in decided:
        notes.append(inferred_note(table, row_id, None, identity, message, split))
    return cells


def resolve_pending(
    table: str,
    mapped: MappedTable,
    pending: list[PendingRow],
    spec_for_row: dict[str, TableSpec],
) -> None:
    """Rows left open by their own identities: let the table's column totals choose, if uniquely."""
    spec = spec_for_row[pending[0][0].row]
    open_rows = {item.row for item, _, _ in pending}
    known: dict[tuple[str, str], int] = {}
    unusable: set[str] = set()
    for row_id, cells in mapped.data.items():
        if row_id in open_rows:
            continue
        for column_id, cell in cells.items():
            if isinstance(cell.value, int):
                known[(row_id, column_id)] = cell.value
            elif cell.status is not CellStatus.blank:
                unusable.add(row_id)
    identities: list[tuple[str, list[str], list[str]]] = []
    for number, total in enumerate(spec.totals):
        if total.along == "column" and total.target.row is not None:
            name = total.id or f"{table}-total-{number + 1}"
            identities.append((name, [total.target.row], spec.expand(total.parts)))
    identities.extend((b.id, spec.expand(b.lhs), spec.expand(b.rhs)) for b in spec.balances)
    # Every row of an identity must be printed and readable, or it cannot decide anything.
    identities = [i for i in identities if all(r in mapped.data and r not in unusable for r in (*i[1], *i[2]))]
    chosen = resolve_jointly([item for item, _, _ in pending], known, identities)
    if chosen is None:
        return
    mapped.notes[:] = [n for n in mapped.notes if not (n.code == "ambiguous-row" and n.row in open_rows)]
    for item, split, row_deciding in pending:
        values, column_deciding = chosen[item.row]
        texts = [str(v) for v in values]
        for column_id, text, loc in zip(item.columns, texts, part_locs(split, texts), strict=True):
            cell = spec_cell(spec, column_id, GridCell(text=text, loc=loc), split.loc)
            mapped.data[item.row][column_id] = cell.model_copy(update={"status": CellStatus.inferred})
        message = f"表格行“{split.label.strip()[:40]}”的数字连写为“{split.values[0].text}”，拆分为 {' / '.join(texts)}"
        for identity, _ in row_deciding:
            mapped.notes.append(inferred_note(table, item.row, None, identity, message, split))
        for identity, column_id in column_deciding:
            mapped.notes.append(inferred_note(table, item.row, column_id, identity, message, split))


def inferred_note(
    table: str, row: str, column: str | None, identity: str | None, message: str, split: SplitRow
) -> Note:
    how = f"按勾稽关系 {identity} 唯一确定" if identity else "按列数唯一确定"
    return Note(
        code="inferred-split",
        message=f"{message}（{how}）",
        table=table,
        row=row,
        column=column,
        loc=split.loc,
        identity=identity,
    )


def part_locs(split: SplitRow, parts: list[str]) -> list[Loc]:
    """Where each part of a split run stands: the run's location moved to the part's first digit."""
    run_cell = split.values[0]
    base = run_cell.loc
    run = run_cell.text
    locs: list[Loc] = []
    index = 0
    for part in parts:
        while index < len(run) and run[index].isspace():
            index += 1
        moved = {"column": base.column + index if base.column is not None else None}
        if base.offset is not None:
            moved["offset"] = base.offset + index
        locs.append(base.model_copy(update=moved))
        taken = 0
        while index < len(run) and taken < len(part):
            taken += 0 if run[index].isspace() else 1
            index += 1
    return locs
