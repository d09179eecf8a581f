"""Plausibility warnings: table 二 relations, section 一 topics, evaluation results, period, years."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text, replace_field

CLEAN_2020 = (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8")
CLEAN_2023 = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def rule(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def test_plausibility_rules_silent_on_clean_samples(tmp_path: Path, seed_text: str) -> None:
    for text in (CLEAN_2023, seed_text):
        assert [f for f in check_text(tmp_path, text) if f.category == "plausibility"] == []


def test_valid_ge_made_fails_when_valid_smaller(tmp_path: Path) -> None:
    text = replace_field(CLEAN_2023, "行政规范性文件", 2, "1")
    (found,) = rule(check_text(tmp_path, text), "T2V21-VALID-GE-MADE")
    assert found.severity == "warning" and (found.location.row, found.actual, found.expected) == ("norm", 1, 3)


def test_total_ge_pub_v2019(tmp_path: Path, seed_text: str) -> None:
    assert rule(check_text(tmp_path, seed_text), "T2V19-TOTAL-GE-PUB") == []
    text = replace_field(seed_text, "规范性文件", 2, "1")
    (found,) = rule(check_text(tmp_path, text), "T2V19-TOTAL-GE-PUB")
    assert found.location.row == "norm" and found.actual == 1 and found.expected == 2


@pytest.mark.parametrize(("field", "value"), [(0, "+22"), (1, "--253"), (1, "-300")])
def test_delta_sign_slips_warn(tmp_path: Path, seed_text: str, field: int, value: str) -> None:
    text = replace_field(seed_text, "行政许可", field, value)
    (found,) = rule(check_text(tmp_path, text), "T2V19-DELTA-SIGN")
    assert found.location.row == "license" and found.severity == "warning"


def test_delta_sign_passes_on_seed(tmp_path: Path, seed_text: str) -> None:
    assert rule(check_text(tmp_path, seed_text), "T2V19-DELTA-SIGN") == []


@pytest.mark.parametrize("value", ["251000元", "2500000"])
def test_fee_unit_warns(tmp_path: Path, value: str) -> None:
    text = CLEAN_2023.replace("行政事业性收费\t12.5", f"行政事业性收费\t{value}")
    (found,) = rule(check_text(tmp_path, text), "T2-FEE-UNIT")
    assert found.location.column == "amount_wan"


def test_fee_unit_passes_on_wan(tmp_path: Path) -> None:
    assert "行政事业性收费\t12.5" in CLEAN_2023
    assert rule(check_text(tmp_path, CLEAN_2023), "T2-FEE-UNIT") == []


def test_s1_topics_missing_topic(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("（三）政府信息管理", "（三）文件管理").replace("信息管理", "文件管理")
    (found,) = rule(check_text(tmp_path, text), "S1-TOPICS")
    assert "政府信息管理" in found.message and found.location.section == "S1"


def test_gov_eval_only_for_governments(tmp_path: Path) -> None:
    text = CLEAN_2020.replace("全年未发生因政府信息公开工作不到位而被追究责任的情况。", "")
    (found,) = rule(check_text(tmp_path, text), "GOV-EVAL")
    assert "责任追究" in found.message
    # A department's report (青岚市自然资源和规划局) is not required to report them.
    assert rule(check_text(tmp_path, CLEAN_2023.replace("考核", "检查")), "GOV-EVAL") == []


def test_gov_eval_passes_when_stated(tmp_path: Path, seed_text: str) -> None:
    assert rule(check_text(tmp_path, CLEAN_2020), "GOV-EVAL") == []  # "被追究责任" counts
    assert rule(check_text(tmp_path, seed_text), "GOV-EVAL") == []


def test_struct_period_wrong_year(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("（一）主动公开。", "（一）主动公开。本报告统计时段为2022年1月1日至2022年12月31日。", 1)
    (found,) = rule(check_text(tmp_path, text), "STRUCT-PERIOD")
    assert found.severity == "warning" and "2022年1月1日" in (found.evidence or "")


def test_struct_period_right_year(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("（一）主动公开。", "（一）主动公开。本报告统计时段为2023年1月1日至2023年12月31日。", 1)
    assert rule(check_text(tmp_path, text), "STRUCT-PERIOD") == []


def test_text_year_stale_year_in_figure_sentence(tmp_path: Path) -> None:
    text = CLEAN_2023.replace("全年新收政府信息公开申请41件", "2019年，本局新收政府信息公开申请41件")
    (found,) = rule(check_text(tmp_path, text), "TEXT-YEAR")
    assert (found.expected, found.actual) == (2023, 2019)


@pytest.mark.parametrize(
    "prefix",
    [
        "依据2019年修订的《条例》，",
        "较2019年相比，",
        "《2019年政务公开工作要点》印发后，",
        "2022年结转的申请已办结，",
        "自2015年以来，",
        "2018年起，",
    ],
)
def test_text_year_allowed_mentions(tmp_path: Path, prefix: str) -> None:
    text = CLEAN_2023.replace("全年新收政府信息公开申请41件", prefix + "全年新收政府信息公开申请41件")
    assert rule(check_text(tmp_path, text), "TEXT-YEAR") == []
