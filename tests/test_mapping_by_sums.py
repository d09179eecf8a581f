"""Rows printed in reading order without their blank cells, placed by the table's sums alone.

Our V2019 sample's table 三 is shaped as ``pdftotext -raw`` gives it: each row's figures one space
apart (positions say nothing of columns), some rows with their zeros left blank (not printed). A row
that is the only unread row of a column sum is placed when exactly one placement of its figures keeps
the sums true (``mapping/by_sums.py``)."""

from __future__ import annotations

from pathlib import Path

from compliance.document import Grid, GridCell
from compliance.mapping.tables import MappedTable
from compliance.model import CellStatus, Loc
from helpers import map_v2019_t3

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2019-clean-2020.txt"


def _grid(blanked: tuple[str, ...], one_zero: bool = False, two_zeros: tuple[str, ...] = ()) -> Grid:
    """The sample's table 三 in reading order; rows starting with ``blanked`` print no zeros (or,
    with ``one_zero``, only their first)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("一、本年新收"))
    last = next(n for n in range(first, len(lines)) if lines[n].startswith("四、结转下年度"))
    rows = []
    for number, line in enumerate(lines[first : last + 1], start=1):
        label, *figures = line.split("\t")
        if label.startswith(blanked):
            first_zero = figures.index("0") if one_zero and "0" in figures else -1
            figures = [f for n, f in enumerate(figures) if f != "0" or n == first_zero]
        if label.startswith(two_zeros):  # a row of zeros printing two of them: no position says where
            figures = ["0", "0"]
        row = [GridCell(label, Loc(line=number, column=1))]
        at = len(label) + 2
        for text in figures:  # one space apart, as reading-order text prints them
            row.append(GridCell(text, Loc(line=number, column=at)))
            at += len(text) + 1
        rows.append(row)
    return Grid(rows=rows, loc=Loc(line=1, line_end=len(rows)))


def _values(mapped: MappedTable, row: str) -> list[int | None]:
    return [cell.value for cell in mapped.data[row].values()]  # type: ignore[misc]


def test_the_only_unread_row_of_a_column_sum_is_placed_by_it() -> None:
    # （一）予以公开 prints 10 3 1 1 15 (its zeros blank): only one placement keeps 七、总计 the sum.
    mapped = map_v2019_t3(_grid(("（一）予以公开",)))
    assert _values(mapped, "granted") == [10, 3, 1, None, 1, None, 15]
    assert mapped.data["granted"]["natural"].status is CellStatus.inferred
    assert mapped.data["granted"]["ngo"].status is CellStatus.blank
    assert {n.identity for n in mapped.notes if n.code == "inferred-split" and n.row == "granted"} >= {"T3-RESULT-SUM"}


def test_rows_placed_one_after_another_as_each_becomes_the_only_unread_one() -> None:
    # 二、上年结转 (1 1 2) by the balance, （一）予以公开 by the result sum: independent identities.
    mapped = map_v2019_t3(_grid(("二、上年结转", "（一）予以公开")))
    assert _values(mapped, "carried_in") == [1, 1, None, None, None, None, 2]
    assert _values(mapped, "granted") == [10, 3, 1, None, 1, None, 15]


def test_two_unread_rows_of_one_sum_stay_ambiguous() -> None:
    # （一）予以公开 and （二）部分公开 both lack their blanks: the one sum cannot place two rows.
    mapped = map_v2019_t3(_grid(("（一）予以公开", "（二）部分公开")))
    for row in ("granted", "partial"):
        assert {cell.status for cell in mapped.data[row].values()} == {CellStatus.ambiguous}


def test_a_row_of_only_its_figures_is_placed_exactly() -> None:
    # 8.属于行政查询事项 prints 1 1 (法律服务机构 and 总计): the sums leave one placement.
    mapped = map_v2019_t3(_grid(("8.属于行政查询事项",)))
    assert _values(mapped, "deny.query") == [None, None, None, None, 1, None, 1]


def test_a_printed_zero_that_could_stand_in_several_columns_leaves_the_row_ambiguous() -> None:
    # 0 1 1: the 0 keeps every sum true in any blank column, so no single placement remains.
    mapped = map_v2019_t3(_grid(("8.属于行政查询事项",), one_zero=True))
    assert {cell.status for cell in mapped.data["deny.query"].values()} == {CellStatus.ambiguous}


def test_a_row_of_zeros_left_unplaced_does_not_stop_the_sums() -> None:
    # 2.其他法律行政法规禁止公开 prints 0 0: its zeros cannot be placed, but wherever they stand they add
    # nothing to a sum, so （一）予以公开 is still the only unread row that matters.
    mapped = map_v2019_t3(_grid(("（一）予以公开",), two_zeros=("2.其他法律行政法规禁止公开",)))
    assert {cell.status for cell in mapped.data["deny.law"].values()} == {CellStatus.ambiguous}
    assert _values(mapped, "granted") == [10, 3, 1, None, 1, None, 15]
