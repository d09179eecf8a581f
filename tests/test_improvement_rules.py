"""S5-CONTENT / S5-BOTH / S5-PREV / S5-COPY: section 五 says what went wrong and what will change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance.engine import check_report, get_registry
from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text, load_text

CLEAN_2023 = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def with_section5(text: str, body: str) -> str:
    return re.sub(r"(五、存在的主要问题及改进情况\n\n).*?(\n\n六、)", lambda m: m[1] + body + m[2], text, flags=re.S)


def rules_of(findings: list[Finding], *ids: str) -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in findings if f.rule in ids]


@pytest.mark.parametrize("body", ["无。", "暂无", "略。", "同上"])
def test_s5_content_placeholder_warns(tmp_path: Path, body: str) -> None:
    (found,) = [f for f in check_text(tmp_path, with_section5(CLEAN_2023, body)) if f.rule == "S5-CONTENT"]
    assert found.severity == "warning" and "未报告" in found.message


def test_s5_content_too_short_is_warning(tmp_path: Path) -> None:
    found = check_text(tmp_path, with_section5(CLEAN_2023, "工作还有不足，将继续改进。"))
    (content,) = [f for f in found if f.rule == "S5-CONTENT"]
    assert content.severity == "warning" and "字" in content.message


def test_s5_content_passes_on_real_section(tmp_path: Path, seed_text: str) -> None:
    assert rules_of(check_text(tmp_path, CLEAN_2023), "S5-CONTENT") == []
    assert rules_of(check_text(tmp_path, seed_text), "S5-CONTENT") == []


def test_s5_both_measures_without_problems(tmp_path: Path) -> None:
    body = (
        "下一步，本局将继续加强政府信息公开工作，完善制度机制，强化队伍建设，推动公开工作再上新台阶，更好服务人民群众。"
    )
    found = [f for f in check_text(tmp_path, with_section5(CLEAN_2023, body)) if f.rule == "S5-BOTH"]
    assert [(f.severity, "存在的问题" in f.message) for f in found] == [("warning", True)]


def test_s5_both_problems_without_measures(tmp_path: Path) -> None:
    body = "本年度政策解读形式单一，部分信息更新滞后，依申请公开答复说理不够充分，个别经办人员业务水平有待提高。"
    found = [f for f in check_text(tmp_path, with_section5(CLEAN_2023, body)) if f.rule == "S5-BOTH"]
    assert len(found) == 1 and "改进措施" in found[0].message


def test_s5_both_passes_with_problems_and_measures(tmp_path: Path, seed_text: str) -> None:
    assert rules_of(check_text(tmp_path, seed_text), "S5-BOTH") == []


def test_s5_prev_missing_rectification_warns(tmp_path: Path) -> None:
    body = (
        "本年度存在的问题：政策解读形式单一。改进措施：下一步将推出问答式解读，并配发示意图，提升解读质量和群众满意度。"
    )
    assert rules_of(check_text(tmp_path, with_section5(CLEAN_2023, body)), "S5-PREV") == [("S5-PREV", "warning")]


def test_s5_prev_passes_with_previous_year_named(tmp_path: Path) -> None:
    assert rules_of(check_text(tmp_path, CLEAN_2023), "S5-PREV") == []
    body = (
        "2022年报告所列解读单一的问题已通过问答式解读解决。本年度存在的问题是信息更新滞后，下一步将建立台账逐月核对。"
    )
    assert rules_of(check_text(tmp_path, with_section5(CLEAN_2023, body)), "S5-PREV") == []


def test_s5_prev_not_applied_to_v2019(tmp_path: Path, seed_text: str) -> None:
    assert rules_of(check_text(tmp_path, seed_text), "S5-PREV") == []


def test_s5_copy_uses_previous_report(tmp_path: Path) -> None:
    current = load_text(tmp_path, CLEAN_2023, "current.txt")
    previous = load_text(tmp_path, CLEAN_2023.replace("2023", "2022"), "previous.txt")
    found = [f for f in check_report(current, get_registry(), previous=previous) if f.rule == "S5-COPY"]
    assert [(f.severity, f.location.section) for f in found] == [("warning", "S5")]


def test_s5_copy_silent_without_previous_or_when_rewritten(tmp_path: Path, seed_text: str) -> None:
    current = load_text(tmp_path, CLEAN_2023, "current.txt")
    assert [f for f in check_report(current, get_registry()) if f.rule == "S5-COPY"] == []
    other = load_text(tmp_path, seed_text, "other.txt")
    assert [f for f in check_report(current, get_registry(), previous=other) if f.rule == "S5-COPY"] == []
