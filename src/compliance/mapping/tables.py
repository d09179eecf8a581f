"""Map grid rows onto template table rows and columns by their labels, and parse the cells.

Rows are found by label after normalisation (never by position alone); a row's values are then
placed on the template's columns. Text extraction can drop empty cells, so a row whose values
cannot be placed unambiguously is marked ``ambiguous`` instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.document import Grid
from compliance.layout import TableSpec, TemplateLayout
from compliance.mapping.aligned import PrintedRow, place_by_columns
from compliance.mapping.captions import CaptionIndex, under_captions
from compliance.mapping.cells import MappedTable, SplitRow, as_run, is_run, spec_cell, split_row
from compliance.mapping.fuzzy import fuzzy_row, strip_numbering
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.inference import row_identities
from compliance.mapping.label_lines import figures_above_label, join_label_tails
from compliance.mapping.normalize import key
from compliance.mapping.placement import GridConvention, place_trailing, place_values
from compliance.mapping.runcells import PendingRow, infer_cells, resolve_pending
from compliance.mapping.split_captions import join_split_captions
from compliance.model import Cell, CellStatus, Note

__all__ = ["LabelIndex", "MappedTable", "PrintedHeaders", "SplitRow", "map_row_table", "split_row"]


@dataclass
class LabelIndex:
    """Every row label of one table across template versions: key → (row id, versions)."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)  # (label key, row id, version)
    order: list[str] = field(default_factory=list)  # row ids in template order, all versions merged
    # Labels repeat across rows and reports: each distinct label key is matched once.
    _memo: dict[str, tuple[str, set[str]] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, layouts: list[TemplateLayout], table: str) -> LabelIndex:
        cache_key = (tuple(id(layout) for layout in layouts), table)
        cached = _INDEXES.get(cache_key)
        if cached is not None and cached[0] == layouts:
            return cached[1]
        index = cls._build(layouts, table)
        _INDEXES[cache_key] = (list(layouts), index)
        return index

    @classmethod
    def _build(cls, layouts: list[TemplateLayout], table: str) -> LabelIndex:
        index = cls()
        for layout in layouts:
            spec = layout.tables.get(table)
            if spec is None:
                continue
            previous: str | None = None
            for row in spec.rows:
                for label in (row.label, *row.aliases):
                    index.entries.append((key(label), row.id, layout.id))
                if row.id not in index.order:
                    # A version-specific row goes right after its predecessor in that version.
                    at = index.order.index(previous) + 1 if previous in index.order else len(index.order)
                    index.order.insert(at, row.id)
                previous = row.id
        # Longest labels first so that "（七）总计" beats "总计" and "行政规范性文件" beats "规范性文件".
        index.entries.sort(key=lambda e: -len(e[0]))
        return index

    def labels_of(self, row_id: str) -> list[str]:
        return [k for k, row, _ in self.entries if row == row_id]

    def match(self, label_key: str) -> tuple[str, set[str]] | None:
        """Return (row id, versions having that exact label) or None."""
        if not label_key:
            return None
        if label_key not in self._memo:
            if len(self._memo) >= _MEMO_SIZE:  # the index lives as long as the process: keep it bounded
                self._memo.clear()
            self._memo[label_key] = self._match(label_key)
        found = self._memo[label_key]
        return (found[0], set(found[1])) if found is not None else None

    def match_whole(self, label_key: str) -> bool:
        """Whether the key is one row's label exactly (numbering aside): no group label, no annotation."""
        if not label_key:
            return False
        bare = strip_numbering(label_key)
        rows = {row for k, row, _ in self.entries if k == label_key or (len(bare) >= 4 and strip_numbering(k) == bare)}
        return len(rows) == 1

    def _match(self, label_key: str) -> tuple[str, set[str]] | None:
        for strategy in (_exact, _suffix, _prefix, _bare):
            hits = [(row, version, k) for k, row, version in self.entries if strategy(label_key, k)]
            if hits:
                best_len = len(hits[0][2])
                best = [h for h in hits if len(h[2]) == best_len]
                rows = {row for row, _, _ in best}
                if len(rows) == 1:
                    return best[0][0], {version for _, version, _ in best}
                return None
        return None


_MEMO_SIZE = 65536
# Indexes are built once per set of template layouts (the layouts live as long as the process).
_INDEXES: dict[tuple[tuple[int, ...], str], tuple[list[TemplateLayout], LabelIndex]] = {}


def _exact(label: str, candidate: str) -> bool:
    return label == candidate


def _suffix(label: str, candidate: str) -> bool:
    # Group labels printed in front of a row label: "三、本年度办理结果（一）予以公开".
    return len(candidate) >= 2 and label.endswith(candidate)


def _prefix(label: str, candidate: str) -> bool:
    # Local annotations after a label: "规章（设区的市、自治州人民政府应提供相关数据）".
    return len(candidate) >= 2 and label.startswith(candidate)


def _bare(label: str, candidate: str) -> bool:
    # Labels printed without their numbering: "本年新收政府信息公开申请数量", "予以公开".
    bare = strip_numbering(label)
    return len(bare) >= 4 and bare == label and bare == strip_numbering(candidate)


@dataclass
class _Row:
    split: SplitRow
    label_key: str
    pending: str
    grid: int
    row_id: str | None = None
    versions: set[str] = field(default_factory=set)
    # A printed row whose value cells are all empty (grid formats keep empty cells in place).
    blank: bool = False
    # The version the sub-table's printed column header follows, when it names one (see headers).
    header_version: str | None = None
    # Matched by the label-only line before it rather than by its own label.
    by_pending: bool = False


def _collect_rows(grids: list[Grid], vocabulary: HeaderVocabulary | None = None) -> list[_Row]:
    """Rows that carry values, each with the label-only line before it (a label split in two)."""
    rows: list[_Row] = []
    for grid_number, grid in enumerate(grids):
        pending_label = ""
        header: str | None = None
        for row in grid.rows:
            if vocabulary is not None:
                shown = vocabulary.header_version(row)
                if shown is not False:
                    header = shown if isinstance(shown, str) else None
                    pending_label = ""
                    continue
            split = split_row(row)
            label_key = key(split.label)
            if not any(c.text.strip() for c in split.values):
                # A group label on its own line ("（三）不予公开"), a header row, or a data row
                # printed with every cell empty; the matching decides which.
                if label_key and len(split.values) >= 2:
                    rows.append(_Row(split, label_key, pending_label, grid_number, blank=True, header_version=header))
                pending_label = label_key
                continue
            rows.append(_Row(split, label_key, pending_label, grid_number, header_version=header))
            pending_label = ""
    return rows


def _match_rows(table: str, rows: list[_Row], index: LabelIndex, wanted: set[str]) -> list[Note]:
    """Exact label matching first; then fuzzy matching inside the gap the matched rows leave."""
    for row in rows:
        found = index.match(row.label_key) if row.blank else None
        if row.blank:
            if found is not None and found[0] in wanted:
                row.row_id, row.versions = found[0], found[1]
            continue
        found = index.match(row.label_key)
        if found is None and row.pending:
            found = index.match(row.pending + row.label_key)
            row.by_pending = found is not None
        if found is not None:
            row.row_id, row.versions = found[0], found[1]
    join_label_tails(rows, index)
    notes_above = figures_above_label(table, rows)
    order = {row_id: number for number, row_id in enumerate(index.order)}
    _drop_out_of_order(rows, order)
    notes: list[Note] = []
    # The matched rows around each row, kept as the loop goes (one pass each way, not a search per
    # row: a table of many thousands of rows stays linear). Rows after the current one are not
    # changed by the loop, so their matches can be listed once, before it.
    after_at: list[str | None] = [None] * len(rows)
    following: str | None = None
    for number in range(len(rows) - 1, -1, -1):
        after_at[number] = following
        if rows[number].row_id in order:
            following = rows[number].row_id
    before: str | None = None
    taken = {r.row_id for r in rows}
    for number, row in enumerate(rows):
        if row.row_id is not None or not row.label_key or row.blank:
            if row.row_id in order:
                before = row.row_id
            continue
        after = after_at[number]
        low = order[before] if before is not None else -1
        high = order[after] if after is not None else len(order)
        open_rows = [r for r in index.order[low + 1 : high] if r in wanted and r not in taken]
        chosen = fuzzy_row(row.label_key, {r: index.labels_of(r) for r in open_rows})
        if chosen is None:
            continue
        row.row_id = chosen
        taken.add(chosen)
        before = chosen if chosen in order else before
        row.versions = {version for k, r, version in index.entries if r == chosen}
        notes.append(
            Note(
                code="fuzzy-label",
                message=f"表格行“{row.split.label.strip()}”与模板行标签不完全一致，按位置与相似度对应为该行",
                table=table,
                row=chosen,
                loc=row.split.loc,
            )
        )
    notes.extend(_blank_in_gap(table, rows, index, wanted, order))
    if table == "T3":
        notes.extend(_assign_by_position(table, rows, index, wanted))
    return notes_above + notes


def _blank_in_gap(
    table: str, rows: list[_Row], index: LabelIndex, wanted: set[str], order: dict[str, int]
) -> list[Note]:
    """A row printed blank whose label lines were broken apart (``4.保护第三方合法权`` / ``（三）益``).

    Between two matched rows the template lacks exactly one row, and every grid row standing there
    prints no figure: that row is printed blank wherever its label's pieces went. It is taken when one
    of those label lines is similar to its label (fuzzy, as for rows with figures); a gap holding a
    row of figures, or lacking more than one row, is left alone.
    """
    notes: list[Note] = []
    taken = {r.row_id for r in rows if r.row_id is not None}
    low = -1
    run: list[_Row] = []
    for row in [*rows, None]:
        if row is not None and row.row_id is None:
            run.append(row)
            continue
        high = order.get(row.row_id or "", len(order)) if row is not None else len(order)
        if run and row is not None and all(r.blank for r in run):
            open_rows = [r for r in index.order[low + 1 : high] if r in wanted and r not in taken]
            if len(open_rows) == 1:
                labels = {open_rows[0]: index.labels_of(open_rows[0])}
                chosen = next((r for r in run if r.label_key and fuzzy_row(r.label_key, labels)), None)
                if chosen is not None:
                    chosen.row_id = open_rows[0]
                    chosen.versions = {version for _, r, version in index.entries if r == open_rows[0]}
                    taken.add(open_rows[0])
                    notes.append(
                        Note(
                            code="fuzzy-label",
                            message=f"表格行“{chosen.split.label.strip()}”与模板行标签不完全一致，按位置与相似度对应为该行",
                            table=table,
                            row=open_rows[0],
                            loc=chosen.split.loc,
                        )
                    )
        run = []
        if row is not None:
            low = max(low, order.get(row.row_id or "", low))
    return notes


def _drop_out_of_order(rows: list[_Row], order: dict[str, int]) -> None:
    """Unmatch rows labelled from the line above them whose row falls outside the template order of
    the rows matched by their own labels around them: the line belonged to another row."""
    own = [(n, order[r.row_id]) for n, r in enumerate(rows) if not r.by_pending and r.row_id in order and not r.blank]
    before: list[int | None] = [None] * len(rows)
    after: list[int | None] = [None] * len(rows)
    last: int | None = None
    at = 0
    for number in range(len(rows)):
        while at < len(own) and own[at][0] < number:
            last = own[at][1]
            at += 1
        before[number] = last
    last = None
    at = len(own) - 1
    for number in range(len(rows) - 1, -1, -1):
        while at >= 0 and own[at][0] > number:
            last = own[at][1]
            at -= 1
        after[number] = last
    for number, row in enumerate(rows):
        if not row.by_pending or row.row_id not in order:
            continue
        place = order[row.row_id]
        low, high = before[number], after[number]
        if (low is not None and place <= low) or (high is not None and place >= high):
            row.row_id, row.versions, row.by_pending = None, set(), False


def _assign_by_position(table: str, rows: list[_Row], index: LabelIndex, wanted: set[str]) -> list[Note]:
    """Give unlabelled rows the template rows left open between two matched rows, in order.

    PDF-to-Markdown and OCR conversions separate labels from their numbers. Table 三's rows are
    fixed by the template, so when a gap holds exactly as many unmatched value rows as it lacks
    template rows, position is a safe guide; any other count leaves the rows unmatched.
    """
    order = {row_id: number for number, row_id in enumerate(index.order)}
    taken = {r.row_id for r in rows if r.row_id is not None}
    notes: list[Note] = []
    gap: list[_Row] = []
    low = -1
    for row in [*rows, None]:
        if row is not None and row.blank:
            continue
        if row is not None and row.row_id is None:
            gap.append(row)
            continue
        high = order.get(row.row_id or "", len(order)) if row is not None else len(order)
        open_rows = [r for r in index.order[low + 1 : high] if r in wanted and r not in taken]
        if gap and len(gap) == len(open_rows):
            for unmatched, row_id in zip(gap, open_rows, strict=True):
                unmatched.row_id = row_id
                unmatched.versions = {version for _, r, version in index.entries if r == row_id}
                notes.append(
                    Note(
                        code="positional-row",
                        message=(
                            f"表格行“{unmatched.split.label.strip() or '（无标签）'}”未能按标签识别，"
                            "按所在位置对应为模板行"
                        ),
                        table=table,
                        row=row_id,
                        loc=unmatched.split.loc,
                    )
                )
        gap = []
        if row is not None:
            low = max(low, order.get(row.row_id or "", low))
    return notes


def matched_row_ids(table: str, grids: list[Grid], index: LabelIndex, wanted: set[str]) -> set[str]:
    """The template rows the grids' labels name, without reading any cell (a cheap probe)."""
    rows = _collect_rows(grids)
    _match_rows(table, rows, index, wanted)
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
    rows = _collect_rows(grids, printed.vocabulary if printed else None)
    if printed is not None:
        spec_for_row = dict(spec_for_row)
        for row in rows:
            _use_printed_version(row, index, printed, spec_for_row)
    mapped.notes.extend(_match_rows(table, rows, index, set(spec_for_row)))
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
    return mapped


def _place_open_rows(
    table: str, mapped: MappedTable, printed: list[PrintedRow], spec_for_row: dict[str, TableSpec]
) -> None:
    """Rows still ambiguous: read by the columns the table's own figures stand in, where confirmed."""
    if table == "T2" or not printed:
        return
    specs = {id(spec_for_row[r.row_id]): spec_for_row[r.row_id] for r in printed}
    if len(specs) == 1:  # a hybrid table's rows follow two specs: their identities do not mix
        place_by_columns(table, mapped, printed, next(iter(specs.values())))


@dataclass(frozen=True)
class PrintedHeaders:
    """What a table's own column headers can tell: the vocabulary, every version's spec, the template."""

    vocabulary: HeaderVocabulary
    specs: dict[str, TableSpec]
    template: str


def _use_printed_version(row: _Row, index: LabelIndex, printed: PrintedHeaders, spec_for_row: dict) -> None:
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


def _conventions(rows: list[_Row], spec_for_row: dict[str, TableSpec]) -> dict[int, GridConvention]:
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
