"""Grid rows to template rows: collect the printed rows of one table and match them by label.

Rows are found by label after normalisation (never by position alone): exact labels first, then label
pieces printed apart (``label_lines``), then fuzzy matching inside the gap the matched rows leave, a
row printed blank whose label broke apart, and — table 三 only — position, when a gap holds exactly as
many unlabelled rows as it lacks template rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compliance.document import Grid
from compliance.mapping.cells import SplitRow, label_width, split_row
from compliance.mapping.fuzzy import fuzzy_row
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.label_lines import figures_above_label, join_label_tails
from compliance.mapping.labels import LabelIndex
from compliance.mapping.normalize import key
from compliance.model import Note

__all__ = ["MatchedRow", "collect_rows", "match_rows"]


@dataclass
class MatchedRow:
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


def collect_rows(grids: list[Grid], vocabulary: HeaderVocabulary | None = None) -> list[MatchedRow]:
    """Rows that carry values, each with the label-only line before it (a label split in two)."""
    rows: list[MatchedRow] = []
    for grid_number, grid in enumerate(grids):
        pending_label = ""
        header: str | None = None
        width = label_width(grid.rows)
        for row in grid.rows:
            if vocabulary is not None:
                shown = vocabulary.header_version(row)
                if shown is not False:
                    header = shown if isinstance(shown, str) else None
                    pending_label = ""
                    continue
            split = split_row(row, width)
            label_key = key(split.label)
            if not any(c.text.strip() for c in split.values):
                # A group label on its own line ("（三）不予公开"), a header row, or a data row
                # printed with every cell empty; the matching decides which.
                if label_key and len(split.values) >= 2:
                    rows.append(
                        MatchedRow(split, label_key, pending_label, grid_number, blank=True, header_version=header)
                    )
                pending_label = label_key
                continue
            rows.append(MatchedRow(split, label_key, pending_label, grid_number, header_version=header))
            pending_label = ""
    return rows


def match_rows(table: str, rows: list[MatchedRow], index: LabelIndex, wanted: set[str]) -> list[Note]:
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
    table: str, rows: list[MatchedRow], index: LabelIndex, wanted: set[str], order: dict[str, int]
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
    run: list[MatchedRow] = []
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


def _drop_out_of_order(rows: list[MatchedRow], order: dict[str, int]) -> None:
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


def _assign_by_position(table: str, rows: list[MatchedRow], index: LabelIndex, wanted: set[str]) -> list[Note]:
    """Give unlabelled rows the template rows left open between two matched rows, in order.

    PDF-to-Markdown and OCR conversions separate labels from their numbers. Table 三's rows are
    fixed by the template, so when a gap holds exactly as many unmatched value rows as it lacks
    template rows, position is a safe guide; any other count leaves the rows unmatched.
    """
    order = {row_id: number for number, row_id in enumerate(index.order)}
    taken = {r.row_id for r in rows if r.row_id is not None}
    notes: list[Note] = []
    gap: list[MatchedRow] = []
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
