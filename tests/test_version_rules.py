"""VER-MATCH: the tables follow the template of the report's year; hybrids are named."""

from __future__ import annotations

from pathlib import Path

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text

CLEAN_2020 = (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8")
CLEAN_2023 = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def version(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category == "version"]


def single_row_other(text: str) -> str:
    """Table 三 with the three （六） sub-rows folded into one V2019 row carrying their sum."""
    lines = text.split("\n")
    sub = [i for i, line in enumerate(lines) if line.startswith(("1.申请人无正当理由", "2.申请人逾期", "3.其他\t"))]
    sums = [sum(int(lines[i].split("\t")[c]) for i in sub) for c in range(1, 8)]
    header = next(i for i, line in enumerate(lines) if line.startswith("（六）其他处理"))
    lines[header] = "（六）其他处理\t" + "\t".join(map(str, sums))
    return "\n".join(line for i, line in enumerate(lines) if i not in sub)


def test_ver_match_passes_on_both_samples(tmp_path: Path, seed_text: str) -> None:
    for text in (CLEAN_2020, CLEAN_2023, seed_text):
        assert version(check_text(tmp_path, text)) == []


def test_ver_match_new_report_on_old_tables(tmp_path: Path) -> None:
    text = CLEAN_2020.replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1)
    (found,) = version(check_text(tmp_path, text))
    assert found.rule == "VER-MATCH" and found.severity == "error"
    assert "2022" in found.message and "旧版" in found.message


def test_ver_match_old_report_on_new_tables(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("2023年政府信息公开工作年度报告", "2020年政府信息公开工作年度报告", 1)
    (found,) = version(check_text(tmp_path, text))
    assert found.severity == "error" and "尚未施行" in found.message


def test_ver_match_hybrid_tables_named(tmp_path: Path) -> None:
    findings = check_text(tmp_path, single_row_other(CLEAN_2023))
    assert [f for f in findings if f.category == "arithmetic" and f.severity == "error"] == []
    (found,) = version(findings)
    assert found.location.table == "T3" and "混合格式" in found.message
