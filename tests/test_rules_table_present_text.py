"""STRUCT-TABLE-PRESENT on text: a missing or unreadable table is 'cannot verify', never a pass."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES
from helpers import check_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def _without_t3(text: str, replacement: str) -> str:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("三、收到和处理"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    return "\n".join([*lines[: start + 1], replacement, *lines[end:]])


def test_table_present_missing_t3_is_error(tmp_path: Path) -> None:
    findings = check_text(tmp_path, _without_t3(CLEAN, "（详见附件图片）"))
    present = [f for f in findings if f.rule == "STRUCT-TABLE-PRESENT"]
    assert [(f.severity, f.location.table) for f in present] == [("error", "T3")]
    assert "无法核验" in present[0].message
    assert not [f for f in findings if f.rule.startswith("T3-") and f.severity == "error"]


def test_table_present_unreadable_t3_is_error(tmp_path: Path) -> None:
    """Rows whose values cannot be placed at all do not make a readable table."""
    rows = "一、本年新收政府信息公开申请数量 30 6 41\n（七）总计 29 7 40\n四、结转下年度继续办理 3 4"
    findings = check_text(tmp_path, _without_t3(CLEAN, rows))
    assert [f.location.table for f in findings if f.rule == "STRUCT-TABLE-PRESENT"] == ["T3"]


def test_table_present_clean_sample_passes(tmp_path: Path) -> None:
    assert not [f for f in check_text(tmp_path, CLEAN) if f.rule == "STRUCT-TABLE-PRESENT"]


def test_a_table_its_converter_left_out_is_a_warning_not_the_agencys_error(tmp_path: Path) -> None:
    # pandoc's plain-text writer prints "[TABLE]" where a table it cannot draw stood.
    findings = check_text(tmp_path, _without_t3(CLEAN, "\n[TABLE]\n"))
    present = [f for f in findings if f.rule == "STRUCT-TABLE-PRESENT"]
    assert [(f.severity, f.location.table) for f in present] == [("warning", "T3")]
    assert "无法核验" in present[0].message and "converted" in (present[0].message_en or "")
    assert not [f for f in findings if f.severity == "error"]


def test_the_placeholder_counts_only_in_its_own_table_section(tmp_path: Path) -> None:
    # A "[TABLE]" left in section 三 says nothing about a table 四 that is simply not there.
    lines = _without_t3(CLEAN, "[TABLE]").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("四、政府信息公开行政复议"))
    end = next(i for i, line in enumerate(lines) if line.startswith("五、"))
    findings = check_text(tmp_path, "\n".join([*lines[: start + 1], "（详见附件）", *lines[end:]]))
    present = {f.location.table: f.severity for f in findings if f.rule == "STRUCT-TABLE-PRESENT"}
    assert present == {"T3": "warning", "T4": "error"}
