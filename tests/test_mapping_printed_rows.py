"""Rows that text extraction printed in pieces: a label's tail after its figures, a row named by an
empty heading line before its figures, a section title taken into a table. Built from our own
samples and our own table rows."""

from __future__ import annotations

from pathlib import Path

from compliance.document import Block, Document, Grid, GridCell, Paragraph
from compliance.engine import get_registry, load_report
from compliance.mapping.grid_titles import titles_out_of_grids
from compliance.mapping.tables import LabelIndex, MappedTable, map_row_table
from compliance.mapping.text_rows import with_label_tail
from compliance.model import CellStatus, Loc
from conftest import SAMPLES
from helpers import load_text

V2021 = SAMPLES / "v2021-clean-2023.txt"


def _cells(report, table: str, row: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {c: (cell.value, cell.status) for c, cell in report.tables[table][row].items()}


def test_a_label_whose_last_line_follows_its_figures_is_read() -> None:
    """``（六）`` / ``其他处  0 0 …`` / ``理``: the line after the figures completes the label."""
    layouts = get_registry().layouts
    spec = layouts["V2019"].tables["T3"]
    index = LabelIndex.build(list(layouts.values()), "T3")
    figures = ["1", "0", "0", "0", "0", "0", "1"]
    grid = Grid(
        rows=[
            _row("（六）", *[""] * 7, line=1),
            _row("其他处", *figures, line=2),
            _row("理", *[""] * 7, line=3),
            _row("（七）", *[""] * 7, line=4),
            _row("", *figures, line=5),
            _row("总计", *[""] * 7, line=6),
        ]
    )
    mapped = map_row_table("T3", [grid], index, {r.id: spec for r in spec.rows})
    for row in ("other", "result_total"):
        assert [cell.value for cell in mapped.data[row].values()] == [1, 0, 0, 0, 0, 0, 1]
    assert mapped.extra_rows == []


def test_a_heading_line_naming_a_row_does_not_blank_the_row_printed_after_it(tmp_path: Path) -> None:
    source = V2021.read_text(encoding="utf-8")
    lines = source.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("（一）予以公开\t"))
    width = lines[at].count("\t")
    text = "\n".join([*lines[:at], "（一）予以公开" + "\t" * width, *lines[at:]])
    report = load_text(tmp_path, text)
    assert _cells(report, "T3", "granted") == _cells(load_report(V2021), "T3", "granted")
    assert all(status is CellStatus.read for _, status in _cells(report, "T3", "granted").values())


def _row(*texts: str, line: int) -> list[GridCell]:
    return [GridCell(t, Loc(line=line, column=1 + 8 * n if t else None)) for n, t in enumerate(texts)]


def test_a_section_title_taken_into_a_grid_becomes_a_heading_with_the_next_tables_caption() -> None:
    specs = next(iter(get_registry().layouts.values())).sections
    grid = Grid(
        rows=[
            _row("（七）总计", "5", "0", "5", line=1),
            _row("四、结转下年度继续办理", "1", "0", "1", line=2),
            _row("", "四、政府信息公开行政复议、行政诉讼情况", "", "", line=3),
            _row("", "行政复议", "", "", line=4),
            _row("", "结果维持", "结果纠正", "总计", line=5),
            _row("", "2", "1", "3", line=6),
        ],
        loc=Loc(line=1, line_end=6),
    )
    blocks = titles_out_of_grids(Document(blocks=[grid], format="text"), specs).blocks
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Grid", "Paragraph", "Paragraph", "Grid"]
    first, title, caption, second = blocks
    assert isinstance(first, Grid) and len(first.rows) == 2  # 四、结转下年度… is a row of 三, not a title
    assert isinstance(title, Paragraph) and title.text.startswith("四、政府信息公开") and title.loc.line == 3
    assert isinstance(caption, Paragraph) and caption.text == "行政复议"
    assert isinstance(second, Grid) and [c.text for c in second.rows[-1]] == ["", "2", "1", "3"]


def test_a_grid_without_titles_is_left_as_it_is() -> None:
    specs = next(iter(get_registry().layouts.values())).sections
    grid = Grid(rows=[_row("三、本年度办理结果", "", "", line=1), _row("（一）予以公开", "1", "1", line=2)])
    document = Document(blocks=[grid], format="text")
    assert titles_out_of_grids(document, specs) is document


def _blocks_after_figures(*lines: str) -> list[Block]:
    figures = ["0"] * 7
    grid = Grid(rows=[_row("（六）", *figures, line=10)], loc=Loc(line=10, line_end=10))
    return [grid, *[Paragraph(text, Loc(line=11 + n)) for n, text in enumerate(lines)]]


def test_reading_order_text_gives_a_label_its_lines_printed_after_its_figures() -> None:
    """``（六） 0 0 …`` / ``其他处`` / ``理`` / ``（七）`` …: the two lines after the figures end the label."""
    index = LabelIndex.build(list(get_registry().layouts.values()), "T3")
    blocks = _blocks_after_figures("其他处", "理", "（七）", "总计")
    grid = blocks[0]
    assert isinstance(grid, Grid)
    labelled = with_label_tail(blocks, 0, grid, index)
    assert labelled.rows[-1][0].text == "（六）其他处理"
    assert [c.text for c in labelled.rows[-1][1:]] == ["0"] * 7


def test_a_numbered_line_after_the_figures_is_never_taken_as_a_label_tail() -> None:
    index = LabelIndex.build(list(get_registry().layouts.values()), "T3")
    blocks = _blocks_after_figures("（七）", "总计")
    grid = blocks[0]
    assert isinstance(grid, Grid)
    assert with_label_tail(blocks, 0, grid, index) is grid


def test_a_digit_run_after_an_empty_field_is_split_like_a_run_alone(tmp_path: Path) -> None:
    """``8.属于行政查询事项 <empty> 1000001``: the empty field (a blank label column) is no cell."""
    lines = V2021.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("8.属于行政查询事项\t"))
    label, *figures = lines[at].split("\t")
    lines[at] = f"{label}\t\t{''.join(figures)}"
    report = load_text(tmp_path, "\n".join(lines))
    expected = _cells(load_report(V2021), "T3", "deny.query")
    assert {c: value for c, (value, _) in _cells(report, "T3", "deny.query").items()} == {
        c: value for c, (value, _) in expected.items()
    }
    assert {status for _, status in _cells(report, "T3", "deny.query").values()} == {CellStatus.inferred}


def _t3(*rows: list[GridCell]) -> MappedTable:
    layouts = get_registry().layouts
    spec = layouts["V2019"].tables["T3"]
    index = LabelIndex.build(list(layouts.values()), "T3")
    return map_row_table("T3", [Grid(rows=list(rows))], index, {r.id: spec for r in spec.rows})


def test_figures_printed_above_their_label_go_to_it_when_no_other_row_can_own_them() -> None:
    """``2.重复申请 5 0 …`` / ``理  3 0 …`` / ``3.要求提供公开出版物``: the figures beside the group label's
    last fragment are the next row's, printed a line above its label."""
    figures = ["3", "0", "0", "0", "0", "0", "3"]
    mapped = _t3(
        _row("2.重复申请", "5", "0", "0", "0", "0", "0", "5", line=1),
        _row("理", *figures, line=2),
        _row("3.要求提供公开出版物", *[""] * 7, line=3),
    )
    assert [c.value for c in mapped.data["noproc.publication"].values()] == [3, 0, 0, 0, 0, 0, 3]
    assert [n.code for n in mapped.notes if n.row == "noproc.publication"] == ["positional-row"]


def test_figures_beside_a_label_of_their_own_are_never_given_to_the_next_row() -> None:
    """A garbled label with words of its own (``（三） 1.属于国家秘密不予公  14``) keeps its figures; the
    next line (``开 2.其他法律行政法规禁止公开``) names its own row and is no tail."""
    mapped = _t3(
        _row("（二）部分公开", "3", "", "", "", "", "", "", line=1),
        _row("（三） 1.属于国家秘密不予公", "14", "", "", "", "", "", "", line=2),
        _row("开 2.其他法律行政法规禁止公开", *[""] * 7, line=3),
    )
    assert all(c.value is None for c in mapped.data.get("deny.law", {}).values())


def test_a_numbering_mark_beside_figures_takes_the_label_printed_after_them() -> None:
    """``（六）  0 0 …`` / ``其他处理``: the label after the figures is theirs."""
    mapped = _t3(
        _row("5.要求行政机关确认或重新出具已获取信息", *["0"] * 7, line=1),
        _row("（六）", *["2", "0", "0", "0", "0", "0", "2"], line=2),
        _row("其他处理", *[""] * 7, line=3),
    )
    assert [c.value for c in mapped.data["other"].values()] == [2, 0, 0, 0, 0, 0, 2]
