"""OCR typos in row labels and section titles: matched by edit distance, only where they stand."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import get_registry
from compliance.mapping.fuzzy import find_titles, fuzzy_row
from conftest import SAMPLES
from helpers import check_text, load_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def test_fuzzy_ocr_typos_in_t3_labels_map_to_their_rows(tmp_path: Path) -> None:
    text = (
        CLEAN.replace("5.属于三类内部事务信息", "5.属于三类内容事务信息")
        .replace("只计这一情形", "只计这一情况")
        .replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
    )
    report = load_text(tmp_path, text)
    original = load_text(tmp_path, CLEAN, "clean.txt")

    def values(tables: dict) -> dict:  # the typos shift later offsets; values and statuses must not move
        return {r: {c: (cell.value, cell.status) for c, cell in cells.items()} for r, cells in tables.items()}

    assert values(report.tables["T3"]) == values(original.tables["T3"])
    assert {n.row for n in report.notes if n.code == "fuzzy-label"} == {"deny.internal", "deny.law"}
    assert [f for f in check_text(tmp_path, text, "b.txt") if f.severity == "error"] == []


def test_fuzzy_typo_out_of_place_is_not_matched(tmp_path: Path) -> None:
    """A typo'd 5.属于三类内容事务信息 printed after （七）总计 has no open slot there: not a row."""
    lines = CLEAN.split("\n")
    internal = next(i for i, line in enumerate(lines) if line.startswith("5.属于三类内部事务信息"))
    moved = lines.pop(internal).replace("内部", "内容")
    total = next(i for i, line in enumerate(lines) if line.startswith("（七）总计"))
    lines.insert(total + 1, moved)
    report = load_text(tmp_path, "\n".join(lines))
    assert "deny.internal" not in report.tables["T3"]
    assert any("内容事务" in extra for extra in report.table_info["T3"].extra_rows)


def test_fuzzy_row_unit() -> None:
    candidates = {"deny.internal": ["5.属于三类内部事务信息"], "deny.process": ["6.属于四类过程性信息"]}
    assert fuzzy_row("5.属于三类内容事务信息", candidates) == "deny.internal"
    assert fuzzy_row("9.完全不同的一行文字", candidates) is None
    # Short keys get no tolerance at all.
    assert fuzzy_row("其它", {"other.other": ["3.其他"]}) is None


def test_fuzzy_section_title_typo_found_in_run_on_text() -> None:
    sections = next(iter(get_registry().layouts.values())).sections
    text = "一、总体情况正文。四、政府信息公开行政法复议、行政诉讼情况表格。五、存在的主要问题及改进情况正文"
    found = find_titles(text, sections)
    assert [m.key for m in found] == ["S1", "S4", "S5"]
    s4 = found[1]
    assert text[s4.start : s4.end] == "四、政府信息公开行政法复议、行政诉讼情况"


def test_fuzzy_section_titles_keep_template_order() -> None:
    sections = next(iter(get_registry().layouts.values())).sections
    text = "二、主动公开政府信息情况甲。一、总体情况乙。三、收到和处理政府信息公开申请情况丙"
    assert [m.key for m in find_titles(text, sections)] in (["S2", "S3"], ["S1", "S3"])
