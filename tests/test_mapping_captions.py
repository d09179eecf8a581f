"""Figures of a layout-text row placed under the column captions printed above them, only when
exactly one left-to-right choice among the captions they touch makes the row's identities hold.

The grids are our own, shaped as the geometric builder gives layout text: a header row with every
caption where it starts, rows with their figures only (the blank cells were never printed)."""

from __future__ import annotations

from compliance.document import Document, Grid, GridCell
from compliance.engine import get_registry
from compliance.mapping.build import build_report
from compliance.mapping.tables import LabelIndex, MappedTable, map_row_table
from compliance.model import CellStatus, Loc
from compliance.readers.layout_text import layout_blocks

# Where each T3 caption starts (characters), as pdftotext prints wrapped captions: side by side.
CAPTIONS = [
    ("自然人", 28),
    ("商业企业", 32),
    ("科研机构", 35),
    ("社会公益组织", 39),
    ("法律服务机构", 43),
    ("其他", 48),
    ("总计", 51),
]


def _cell(text: str, column: int, line: int, page: int | None = None) -> GridCell:
    return GridCell(text, Loc(line=line, column=column, page=page))


def _map(*rows: tuple[str, list[tuple[str, int]]], page: int | None = None) -> MappedTable:
    layouts = get_registry().layouts
    spec = layouts["V2021"].tables["T3"]
    header = [_cell("申请人情况", 1, 1, page)] + [_cell(text, at, 1, page) for text, at in CAPTIONS]
    body = [
        [_cell(label, 1, n + 2, page)] + [_cell(text, at, n + 2, page) for text, at in figures]
        for n, (label, figures) in enumerate(rows)
    ]
    grid = Grid(rows=[header, *body], loc=Loc(line=1, line_end=len(rows) + 1))
    index = LabelIndex.build(list(layouts.values()), "T3")
    return map_row_table("T3", [grid], index, {r.id: spec for r in spec.rows})


def _shown(mapped: MappedTable, row: str) -> dict[str, tuple[object, CellStatus]]:
    return {column: (cell.value, cell.status) for column, cell in mapped.data[row].items()}


def test_figures_under_the_first_and_last_captions_are_placed_when_the_total_confirms_them() -> None:
    # "26" at 50–51 touches both 其他 (48–50) and 总计 (51–53): only 总计 makes the row's total hold.
    mapped = _map(("一、本年新收政府信息公开申请数量", [("26", 28), ("26", 50)]))
    cells = _shown(mapped, "new")
    assert cells["natural"] == (26, CellStatus.inferred)
    assert cells["total"] == (26, CellStatus.inferred)
    assert {cells[c] for c in ("biz", "research", "ngo", "legal", "other_org")} == {(None, CellStatus.blank)}
    notes = [n for n in mapped.notes if n.row == "new"]
    assert [n.code for n in notes] == ["inferred-split"] and notes[0].identity


def test_a_row_whose_total_is_not_printed_stays_ambiguous() -> None:
    # Under 自然人 and 法律服务机构, total blank: nothing confirms the placement.
    mapped = _map(("一、本年新收政府信息公开申请数量", [("3", 28), ("3", 44)]))
    assert {cell.status for cell in mapped.data["new"].values()} == {CellStatus.ambiguous}


def test_a_figure_touching_no_caption_leaves_the_row_ambiguous() -> None:
    mapped = _map(("一、本年新收政府信息公开申请数量", [("26", 23), ("26", 51)]))
    assert {cell.status for cell in mapped.data["new"].values()} == {CellStatus.ambiguous}


def test_two_confirmed_choices_leave_the_row_ambiguous() -> None:
    # "0" at 31 touches 自然人 and 商业企业; both choices make 0 = 0: position does not decide.
    mapped = _map(("一、本年新收政府信息公开申请数量", [("0", 31), ("0", 51)]))
    assert {cell.status for cell in mapped.data["new"].values()} == {CellStatus.ambiguous}


def test_captions_place_no_figure_printed_on_another_page() -> None:
    layouts = get_registry().layouts
    spec = layouts["V2021"].tables["T3"]
    header = [_cell("申请人情况", 1, 1, 1)] + [_cell(text, at, 1, 1) for text, at in CAPTIONS]
    row = [_cell("一、本年新收政府信息公开申请数量", 1, 2, 2), _cell("26", 28, 2, 2), _cell("26", 50, 2, 2)]
    index = LabelIndex.build(list(layouts.values()), "T3")
    mapped = map_row_table("T3", [Grid(rows=[header, row])], index, {r.id: spec for r in spec.rows})
    assert {cell.status for cell in mapped.data["new"].values()} == {CellStatus.ambiguous}


# Layout text as pdftotext prints a table whose figures stand only under 自然人 and 总计, its captions
# wrapped over four lines; two rows are shifted (left, and under 法律服务机构), as pdftotext shifts rows.
_LAYOUT = """三、收到和处理政府信息公开申请情况

                           申请人情况
                                法人或其他组织
（本列数据的勾稽关系为：第一项加第二项之
和，等于第三项加第四项之和）             自然人 商业 科研
                                      社会公 法律服务    总计
                                               其他
                                企业 机构 益组织 机构

一、本年新收政府信息公开申请数量           14                    14
二、上年结转政府信息公开申请数量           3                     3
三、本年 （一）予以公开          15                         15
            1.属于国家秘密       0                     0
           2.重复申请          0               0
"""


def test_layout_text_rows_are_read_under_their_captions_and_shifted_rows_are_not() -> None:
    layouts = get_registry().layouts
    report = build_report(Document(blocks=layout_blocks(_LAYOUT), format="text"), layouts, "V2021")
    t3 = report.tables["T3"]
    for row, figure in (("new", 14), ("carried_in", 3), ("deny.secret", 0)):
        assert (t3[row]["natural"].value, t3[row]["total"].value) == (figure, figure)
        assert t3[row]["natural"].status is CellStatus.inferred
        assert t3[row]["biz"].status is CellStatus.blank
    # Shifted: 15 stands under no caption; the second 0 stands under 法律服务机构, which the total denies.
    for row in ("granted", "noproc.repeat"):
        assert {cell.status for cell in t3[row].values()} == {CellStatus.ambiguous}
