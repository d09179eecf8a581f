"""Blank edge cells in tab-separated rows are placed by the grid's own convention."""

from __future__ import annotations

from pathlib import Path

from compliance.document import GridCell
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
