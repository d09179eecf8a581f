"""STRUCT-NUMBERING, S6-NONEMPTY, S6-FEE, T3-FEE-LINK and accepted section-title variants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text, replace_field

CLEAN_2023 = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def renumber(text: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        text = text.replace(old, new, 1)
    return text


def with_section6(text: str, body: str) -> str:
    return re.sub(r"(六、其他需要报告的事项\n\n).*$", lambda m: m[1] + body, text, flags=re.S)


def test_numbering_shift_from_promoted_subtopic(tmp_path: Path) -> None:
    text = renumber(
        CLEAN_2023,
        [
            ("二、主动公开政府信息情况", "二、平台建设\n\n持续完善门户网站专栏。\n\n三、主动公开政府信息情况"),
            ("三、收到和处理政府信息公开申请情况", "四、收到和处理政府信息公开申请情况"),
            ("四、政府信息公开行政复议、行政诉讼情况", "五、政府信息公开行政复议、行政诉讼情况"),
            ("五、存在的主要问题及改进情况", "六、存在的主要问题及改进情况"),
            ("六、其他需要报告的事项", "七、其他需要报告的事项"),
        ],
    )
    found = check_text(tmp_path, text)
    (numbering,) = rule(found, "STRUCT-NUMBERING")
    assert numbering.severity == "error" and "平台建设" in numbering.message and "总体情况" in numbering.message
    assert rule(found, "STRUCT-SECTIONS") == []


def test_numbering_extra_heading_without_shift_is_info(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("二、主动公开政府信息情况", "监督保障工作见上。\n\n二、主动公开政府信息情况", 1)
    text = text.replace("二、主动公开政府信息情况", "七、监督保障\n\n略。\n\n二、主动公开政府信息情况", 1)
    (found,) = rule(check_text(tmp_path, text), "STRUCT-NUMBERING")
    assert found.severity == "info" and "监督保障" in found.message


@pytest.mark.parametrize(
    ("old", "variant"),
    [
        ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
        ("五、存在的主要问题及改进情况", "五、存在问题及改进情况"),
        ("五、存在的主要问题及改进情况", "五、存在的主要问题及整改措施"),
        ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议提起行政诉讼情况"),
        ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开的申请情况"),
        ("二、主动公开政府信息情况", "二、行政机关主动公开政府信息情况"),
        ("六、其他需要报告的事项", "六、其他报告的事项"),
        ("二、主动公开政府信息情况", "二、主动公开政府信息情况"),
    ],
)
def test_section_title_variants_accepted(tmp_path: Path, old: str, variant: str) -> None:
    found = check_text(tmp_path, CLEAN_2023.replace(old, variant, 1))
    assert [f for f in found if f.category == "structure" and f.severity == "error"] == []


def test_s6_nonempty(tmp_path: Path) -> None:
    (found,) = rule(check_text(tmp_path, with_section6(CLEAN_2023, "")), "S6-NONEMPTY")
    assert found.severity == "warning" and found.location.section == "S6"
    assert rule(check_text(tmp_path, with_section6(CLEAN_2023, "无。\n")), "S6-NONEMPTY") == []


def test_s6_fee_statement(tmp_path: Path) -> None:
    text = with_section6(CLEAN_2023, "全年承办市人大代表建议9件、市政协提案12件。\n")
    (found,) = rule(check_text(tmp_path, text), "S6-FEE")
    assert found.severity == "warning"
    assert rule(check_text(tmp_path, CLEAN_2023), "S6-FEE") == []


def test_s6_fee_not_required_in_v2019(tmp_path: Path, seed_text: str) -> None:
    assert rule(check_text(tmp_path, seed_text), "S6-FEE") == []


def test_t3_fee_link(tmp_path: Path) -> None:
    text = CLEAN_2023
    for column in (0, 6):
        text = replace_field(text, "2.申请人逾期未按收费通知", column, "1")
    text = replace_field(text, "3.其他", 0, str(int(_field(text, "3.其他", 0)) - 1))
    text = replace_field(text, "3.其他", 6, str(int(_field(text, "3.其他", 6)) - 1))
    silent = with_section6(text, "全年承办市人大代表建议9件、市政协提案12件。\n")
    (found,) = rule(check_text(tmp_path, silent), "T3-FEE-LINK")
    assert found.actual == 1
    assert rule(check_text(tmp_path, text), "T3-FEE-LINK") == []  # section 六 mentions 信息处理费


def _field(text: str, start: str, index: int) -> str:
    line = next(line for line in text.split("\n") if line.startswith(start))
    return [f for f in line.split("\t") if f.strip().lstrip("+-").isdigit()][index]
