"""Rows printed without their blank cells, read by the columns the table's own figures stand in.

Our V2019 sample's table 三 is shaped as the layout reader gives 2019-era layout text: every 0 printed
blank, so a row's grid holds only its figures, each with its character column, and no caption row
tells which column is whose. Rows that print every column (as they must to be read by count) anchor
the columns; the table's identities confirm the rest (``mapping/aligned.py``)."""

from __future__ import annotations

from pathlib import Path

from compliance.document import Grid, GridCell
from compliance.engine import get_registry
from compliance.mapping.tables import MappedTable
from compliance.model import CellStatus, Loc
from helpers import map_v2019_t3

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2019-clean-2020.txt"
# Where each column's figures end (right-aligned, as layout text prints them), in characters.
COLUMN_ENDS = [30, 38, 46, 54, 62, 70, 78]
FULL = ("一、本年新收", "（七）总计")


def _sample_rows() -> list[list[str]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("一、本年新收"))
    last = next(n for n in range(first, len(lines)) if lines[n].startswith("四、结转下年度"))
    return [line.split("\t") for line in lines[first : last + 1]]


def _grid(full: tuple[str, ...] = FULL, moved: dict[str, int] | None = None) -> Grid:
    """The table as layout text gives it: zeros blank (never printed) except in the ``full`` rows;
    ``moved`` shifts a row's figures by that many characters."""
    rows = [[GridCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", Loc(line=1, column=1))]]
    for number, cells in enumerate(_sample_rows(), start=2):
        label, figures = cells[0], cells[1:]
        row = [GridCell(label, Loc(line=number, column=1, page=1))]
        shift = (moved or {}).get(label, 0)
        for end, text in zip(COLUMN_ENDS, figures, strict=False):
            if text and (text != "0" or label.startswith(full)):
                at = end - len(text) + 1 + shift
                row.append(GridCell(text, Loc(line=number, column=at, page=1)))
        if len(row) == 1 and len(cells) > 1:  # a row printed with no figure keeps its empty cells
            row += [GridCell("", Loc(line=number, page=1)) for _ in COLUMN_ENDS]
        rows.append(row)
    return Grid(rows=rows, loc=Loc(line=1, line_end=len(rows)))


def _values(mapped: MappedTable, row: str) -> list[int | None]:
    spec = get_registry().layouts["V2019"].tables["T3"]
    return [mapped.data[row][c].value for c in spec.columns_of(row)]  # type: ignore[misc]


def _sample_values() -> dict[str, list[int | None]]:
    """Row label → the sample's figures, zeros as the blanks the grid prints them as (full rows aside)."""
    return {
        cells[0]: [int(v) if v and (v != "0" or cells[0].startswith(FULL)) else None for v in cells[1:]]
        for cells in _sample_rows()
    }


def test_rows_with_blank_cells_are_read_by_the_columns_of_the_full_rows() -> None:
    mapped = map_v2019_t3(_grid())
    # （一）予以公开 prints 10 3 1 · 1 · 15: placed, its blanks stay blank (unknown, never 0).
    assert _values(mapped, "granted") == [10, 3, 1, None, 1, None, 15]
    assert mapped.data["granted"]["natural"].status is CellStatus.inferred
    assert mapped.data["granted"]["ngo"].status is CellStatus.blank
    # 8.属于行政查询事项 prints only its 法律服务机构 figure and its total.
    assert _values(mapped, "deny.query") == [None, None, None, None, 1, None, 1]
    # The column identities that confirmed the placement are recorded: the rules cannot verify them there.
    confirming = {n.identity for n in mapped.notes if n.code == "inferred-split" and n.row == "granted"}
    assert {"T3-RESULT-SUM"} <= confirming
    assert not [n for n in mapped.notes if n.code == "ambiguous-row"]


def test_every_figure_placed_is_the_sample_s_own() -> None:
    mapped = map_v2019_t3(_grid())
    sample = _sample_values()
    spec = get_registry().layouts["V2019"].tables["T3"]
    labels = {row.id: row.label for row in spec.rows}
    checked = 0
    for row_id, cells in mapped.data.items():
        printed = next((v for k, v in sample.items() if k.endswith(labels[row_id])), None)
        assert printed is not None, row_id
        assert [cells[c].value for c in spec.columns_of(row_id)] == printed, row_id
        checked += 1
    assert checked >= 20


def test_a_row_standing_between_the_columns_is_never_guessed() -> None:
    # （一）予以公开 printed four characters right of its columns: its figures stand in no column.
    mapped = map_v2019_t3(_grid(moved={"（一）予以公开": 4}))
    assert {cell.status for cell in mapped.data["granted"].values()} == {CellStatus.ambiguous}
    sample = _sample_values()
    for label, row in (("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),):
        assert _values(mapped, row) in (sample[label], [None] * 7)


def test_figures_that_break_the_column_sums_are_not_placed() -> None:
    # 8.属于行政查询事项 printed a whole column to the left: · · · · 1 · 1 stands as · · · 1 · 1 ·, which
    # the column sums refute; no placement passes, so no row is read from positions.
    mapped = map_v2019_t3(_grid(moved={"8.属于行政查询事项": -8}))
    assert {cell.status for cell in mapped.data["deny.query"].values()} == {CellStatus.ambiguous}
    assert {cell.status for cell in mapped.data["granted"].values()} == {CellStatus.ambiguous}


def test_without_a_full_row_the_columns_are_not_known() -> None:
    # No row prints every column: naming the columns differently keeps every column sum true, so
    # rows with figures in the middle columns stay unread.
    mapped = map_v2019_t3(_grid(full=()))
    assert {cell.status for cell in mapped.data["granted"].values()} == {CellStatus.ambiguous}


def test_a_blank_row_whose_label_was_broken_apart_is_printed_blank() -> None:
    # 4.保护第三方合法权 / （三）益: the label's last character printed beside the group label.
    grid = _grid()
    at = next(n for n, row in enumerate(grid.rows) if row[0].text == "4.保护第三方合法权益")
    line = grid.rows[at][0].loc.line
    broken = [
        [GridCell(text, Loc(line=line, column=1, page=1))] + [GridCell("", Loc(line=line, page=1))] * 7
        for text in ("4.保护第三方合法权", "（三）益")
    ]
    # The sample's row prints 1 · · · · · 1; made blank here, as 2019 reports print a row with no case.
    rows = [*grid.rows[:at], *broken, *grid.rows[at + 1 :]]
    mapped = map_v2019_t3(Grid(rows=rows, loc=grid.loc))
    assert {cell.status for cell in mapped.data["deny.third_party"].values()} == {CellStatus.blank}
    assert any(n.code == "fuzzy-label" and n.row == "deny.third_party" for n in mapped.notes)
