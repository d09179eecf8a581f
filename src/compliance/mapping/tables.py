"""Map grid rows onto template table rows and columns by their labels, and parse the cells.

Rows are found by label after normalisation, never by position alone (``row_matching``, ``labels``);
a row's values are then placed on the template's columns. Text extraction can drop empty cells, so a row whose values
cannot be placed unambiguously is marked ``ambiguous`` instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.document import Grid
from compliance.layout import TableSpec
from compliance.mapping.aligned import PrintedRow, place_by_columns
from compliance.mapping.by_sums import place_by_sums
from compliance.mapping.captions import CaptionIndex, under_captions
from compliance.mapping.cells import MappedTable, SplitRow, as_run, is_run, spec_cell, split_row
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.inference import row_identities
from compliance.mapping.labels import LabelIndex
from compliance.mapping.placement import GridConvention, place_trailing, place_values
from compliance.mapping.positional import doubt_positional_rows
from compliance.mapping.row_matching import MatchedRow, collect_rows, match_rows
from compliance.mapping.runcells import PendingRow, infer_cells, resolve_pending
from compliance.mapping.split_captions import join_split_captions
from compliance.mapping.unplaced_totals import record_unplaced_totals
from compliance.model import Cell, CellStatus, Note

__all__ = ["LabelIndex", "MappedTable", "PrintedHeaders", "SplitRow", "map_row_table", "split_row"]


def matched_row_ids(table: str, grids: list[Grid], index: LabelIndex, wanted: set[str]) -> set[str]:
    """The template rows the grids' labels name, without reading any cell (a cheap probe)."""
    rows = collect_rows(grids)
    match_rows(table, rows, index, wanted)
    return {row.row_id for row in rows if row.row_id is not None}


def map_row_table(
    table: str,
    grids: list[Grid],
    index: LabelIndex,
    spec_for_row: dict[str, TableSpec],
    printed: PrintedHeaders | None = None,
) -> MappedTable:
    """Map T2/T3-style tables: one grid row per template row, found by label.

    With ``printed``, a row under a column header of another template version takes that
    version's columns (a hybrid sub-table), and ``row_layouts`` records it.
    """
    mapped = MappedTable()
    if printed is not None:
        grids = [join_split_captions(grid, printed.vocabulary) for grid in grids]
    rows = collect_rows(grids, printed.vocabulary if printed else None)
    if printed is not None:
        spec_for_row = dict(spec_for_row)
        for row in rows:
            _use_printed_version(row, index, printed, spec_for_row)
    mapped.notes.extend(match_rows(table, rows, index, set(spec_for_row)))
    conventions = _conventions(rows, spec_for_row)
    captions = CaptionIndex(grids)
    pending: list[PendingRow] = []
    # Rows first seen printed with every cell empty: a later printing with figures is the row (a
    # heading line naming the row, such as ``(一) 予以公开`` above its own small table, prints no figures).
    blank_first: set[str] = set()
    printed_rows: list[PrintedRow] = []
    for row in rows:
        split = row.split
        if row.row_id is None:
            if row.label_key and not row.label_key.startswith("信息内容") and not row.blank:
                mapped.extra_rows.append(split.label.strip())
            continue
        row_id = row.row_id
        if row.blank:
            if row_id not in mapped.data and row_id in spec_for_row:
                columns = spec_for_row[row_id].columns_of(row_id)
                mapped.data[row_id] = {c: Cell(raw="", loc=split.loc, status=CellStatus.blank) for c in columns}
                mapped.versions[row_id] = row.versions
                blank_first.add(row_id)
            continue
        if row_id in blank_first:
            blank_first.discard(row_id)
            del mapped.data[row_id]
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
        version = row.header_version
        if printed is not None and version not in (None, printed.template) and spec is printed.specs.get(version):
            mapped.row_layouts[row_id] = version  # type: ignore[index]
        columns = spec.columns_of(row_id)
        cells = _row_cells(table, row_id, split, spec, columns, conventions.get(row.grid), mapped.notes, pending)
        if all(c.status is CellStatus.ambiguous for c in cells.values()) and table != "T2":
            # Layout text: figures placed under the captions they touch, when the identities confirm it.
            extents = captions.of(row.grid, spec, columns)
            cells = under_captions(table, row_id, split, spec, columns, extents, mapped.notes) or cells
        mapped.data[row_id] = cells
        mapped.versions[row_id] = row.versions
        printed_rows.append(PrintedRow(row_id, row.grid, split))
        if mapped.loc is None:
            mapped.loc = split.loc
    if pending:
        resolve_pending(table, mapped, pending, spec_for_row)
    _place_open_rows(table, mapped, printed_rows, spec_for_row)
    if table != "T2":
        record_unplaced_totals(table, mapped, printed_rows, spec_for_row)
    return mapped


def _place_open_rows(
    table: str, mapped: MappedTable, printed: list[PrintedRow], spec_for_row: dict[str, TableSpec]
) -> None:
    """Rows still ambiguous: read by the columns the table's own figures stand in, or by the sums
    alone, where the identities confirm it (``aligned``, ``by_sums``)."""
    if table == "T2" or not printed:
        return
    specs = {id(spec_for_row[r.row_id]): spec_for_row[r.row_id] for r in printed}
    if len(specs) == 1:  # a hybrid table's rows follow two specs: their identities do not mix
        spec = next(iter(specs.values()))
        # Rows laid into columns by position, doubted where the identities break (``positional``).
        doubt_positional_rows(table, mapped, printed, spec)
        place_by_columns(table, mapped, printed, spec)
        if place_by_sums(table, mapped, printed, spec):
            # Rows the sums placed anchor more columns and complete more identities.
            place_by_columns(table, mapped, printed, spec)


@dataclass(frozen=True)
class PrintedHeaders:
    """What a table's own column headers can tell: the vocabulary, every version's spec, the template."""

    vocabulary: HeaderVocabulary
    specs: dict[str, TableSpec]
    template: str


def _use_printed_version(row: MatchedRow, index: LabelIndex, printed: PrintedHeaders, spec_for_row: dict) -> None:
    """Let a row under another version's header take that version's spec, if the version has the row."""
    version = row.header_version
    if version is None or version == printed.template:
        return
    found = index.match(row.label_key) or index.match(row.pending + row.label_key)
    spec = printed.specs.get(version)
    if found is None or spec is None or spec.row(found[0]) is None:
        row.header_version = None
        return
    spec_for_row[found[0]] = spec


def _conventions(rows: list[MatchedRow], spec_for_row: dict[str, TableSpec]) -> dict[int, GridConvention]:
    conventions: dict[int, GridConvention] = {}
    for row in rows:
        spec = spec_for_row.get(row.row_id or "")
        if spec is None:
            continue
        width = len(spec.columns_of(row.row_id or ""))
        conventions.setdefault(row.grid, GridConvention()).learn(row.split.label_fields, row.split.values, width)
    return conventions


def _row_cells(
    table: str,
    row_id: str,
    split: SplitRow,
    spec: TableSpec,
    columns: list[str],
    convention: GridConvention | None,
    notes: list[Note],
    pending: list[PendingRow],
) -> dict[str, Cell]:
    label = split.label.strip()
    split = as_run(split, len(columns))
    if is_run(split.values, len(columns)):
        keys = [f"{row_id}/{c}" for c in columns]
        identities = row_identities(spec, table, keys, {k: row_id for k in keys})
        found = infer_cells(table, [row_id], split, spec, [(row_id, c) for c in columns], identities, notes, pending)
        return {column_id: found[(row_id, column_id)] for column_id in columns}
    if table == "T2":
        placed = place_trailing(split.values, len(columns))
    else:
        placed = place_values(split.values, len(columns), convention=convention, label_fields=split.label_fields)
    if placed is None:
        notes.append(
            Note(
                code="ambiguous-row",
                message=f"表格行“{label}”的数值个数与{len(columns)}列不符，无法确定各数值所在列",
                table=table,
                row=row_id,
                loc=split.loc,
            )
        )
        placed = [None] * len(columns)
    cells: dict[str, Cell] = {}
    for column_id, grid_cell in zip(columns, placed, strict=True):
        cells[column_id] = spec_cell(spec, column_id, grid_cell, split.loc)
    return cells
