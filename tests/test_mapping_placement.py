"""Blank edge cells in tab-separated rows are placed by the grid's own convention."""

from __future__ import annotations

from pathlib import Path

from compliance.document import GridCell
from compliance.mapping.cells import label_width, split_row
from compliance.mapping.placement import GridConvention, place_values
from compliance.model import CellStatus
from helpers import check_text, load_text


def _cells(*texts: str) -> list[GridCell]:
    return [GridCell(text=t) for t in texts]


def _edit_row(seed: str, prefix: str, edit) -> str:  # type: ignore[no-untyped-def]
    lines = seed.split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith(prefix))
    lines[number] = edit(lines[number])
    return "\n".join(lines)


def test_placement_blank_first_value_read_as_blank(tmp_path: Path, seed_text: str) -> None:
    # Seed row: label, an empty field, 7 values, a trailing tab. Blank the 自然人 zero of 上年结转.
    text = _edit_row(seed_text, "二、上年结转", lambda line: line.replace("\t\t0\t", "\t\t\t", 1))
    report = load_text(tmp_path, text)
    row = report.tables["T3"]["carried_in"]
    assert row["natural"].status is CellStatus.blank
    assert [row[c].value for c in ("biz", "total")] == [0, 0]
    assert [f for f in check_text(tmp_path, text, "b.txt") if f.severity == "error"] == []


def test_placement_blank_total_with_dropped_trailing_tab(tmp_path: Path, seed_text: str) -> None:
    # 总计 0 blanked and the trailing tab lost: the row now ends one field early.
    text = _edit_row(seed_text, "二、上年结转", lambda line: line.rstrip("\t").rsplit("\t", 1)[0] + "\t")
    report = load_text(tmp_path, text)
    row = report.tables["T3"]["carried_in"]
    assert row["natural"].value == 0 and row["total"].status is CellStatus.blank
    assert [f for f in check_text(tmp_path, text, "b.txt") if f.severity == "error"] == []


def test_placement_convention_unit() -> None:
    convention = GridConvention()
    convention.learn(1, _cells("", "1", "2", "3", ""), 3)
    # The same label layout puts its first value in field 2: the blank is the first value.
    assert [
        c.text if c else None
        for c in place_values(_cells("", "", "2", "3", ""), 3, convention=convention, label_fields=1) or []
    ] == ["", "2", "3"]
    # Without a convention the two windows are indistinguishable.
    assert place_values(_cells("", "", "2", "3", ""), 3) is None


def test_placement_space_separated_missing_value_stays_ambiguous(tmp_path: Path, seed_text: str) -> None:
    lines = seed_text.split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    lines[number] = "一、本年新收政府信息公开申请数量 13 0 0 0 0 13"
    report = load_text(tmp_path, "\n".join(lines))
    assert {c.status for c in report.tables["T3"]["new"].values()} == {CellStatus.ambiguous}


def test_an_empty_group_label_cell_of_an_aligned_grid_is_never_a_blank_value() -> None:
    # A text browser lays table 三 out in columns: the group-label column is empty beside 二、上年结转,
    # whose 自然人 figure stands under 821. Taking the empty cell for a blank first value shifted 18
    # into 商业企业.
    rows = [
        _cells("一、本年新收政府信息公开申请数量", "", "821", "35", "", "859"),
        _cells("", "1.属于国家秘密", "14", "", "", "14"),
        _cells("二、上年结转政府信息公开申请数量", "", "18", "", "", "18"),
    ]
    assert label_width(rows) == 2
    split = split_row(rows[2], label_width(rows))
    assert split.label == "二、上年结转政府信息公开申请数量"
    assert [c.text for c in split.values] == ["18", "", "", "18"]


def test_tab_separated_rows_that_drop_merged_cells_keep_their_own_label_fields() -> None:
    # Tab-separated text drops merged group cells: a column holds a label in one row and a figure in
    # another, so no grid-wide label column is assumed and each row splits on its own.
    rows = [
        _cells("二、上年结转政府信息公开申请数量", "", "", "0", "0"),
        _cells("", "（三）不予公开", "1.属于国家秘密", "0", "0"),
        _cells("三、本年度办理结果", "（一）予以公开", "5", "1"),
    ]
    assert label_width(rows) == 0
    assert [c.text for c in split_row(rows[0]).values] == ["", "", "0", "0"]
