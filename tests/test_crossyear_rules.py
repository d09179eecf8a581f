"""Cross-year rules: each against a previous year's report made from our samples."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import Options, check_report
from compliance.model import Finding, Report
from conftest import SAMPLES
from helpers import load_text, replace_field, sample_variant

FAULTS = SAMPLES / "v2021-faults-2022.txt"
CLEAN21 = SAMPLES / "v2021-clean-2023.txt"
CLEAN19 = SAMPLES / "v2019-clean-2020.txt"


def _pair(tmp_path: Path, sample: Path, year: int, edit=lambda t: t) -> tuple[Report, Report]:  # type: ignore[no-untyped-def]
    agency = "云溪市测试局"
    previous = load_text(tmp_path, sample_variant(sample, agency, year - 1), "previous.txt")
    current = load_text(tmp_path, edit(sample_variant(sample, agency, year)), "current.txt")
    return current, previous


def _run(rule: str, current: Report, previous: Report | None) -> list[Finding]:
    return check_report(current, options=Options(select=[rule]), previous=previous)


def test_crossyear_rules_are_silent_without_a_previous_report(tmp_path: Path) -> None:
    current, _ = _pair(tmp_path, FAULTS, 2023)
    assert check_report(current, options=Options(select=["cross-year", "S5-COPY"])) == []


def test_t3_carry_yoy_fails_when_carried_in_differs_from_last_years_carried_out(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, FAULTS, 2023)  # carried in 1 1 0 0 0 0 2, carried out 2 0 0 0 1 0 3
    found = _run("T3-CARRY-YOY", current, previous)
    assert {(f.location.column, f.expected, f.actual) for f in found} == {
        ("natural", 2, 1),
        ("biz", 0, 1),
        ("legal", 1, 0),
        ("total", 3, 2),
    }
    assert all(f.severity == "warning" and f.location.row == "carried_in" for f in found)


def test_t3_carry_yoy_passes_when_carry_over_matches(tmp_path: Path) -> None:
    def carry(text: str) -> str:
        for index, value in enumerate(["2", "0", "0", "0", "1", "0", "3"]):
            text = replace_field(text, "二、上年结转", index, value)
        return text

    current, previous = _pair(tmp_path, FAULTS, 2023, carry)
    assert _run("T3-CARRY-YOY", current, previous) == []


def test_t2v21_valid_yoy_fails_when_valid_count_does_not_follow(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, FAULTS, 2023)  # 2 made, 1 repealed, 11 valid both years
    (found,) = _run("T2V21-VALID-YOY", current, previous)
    assert (found.location.row, found.expected, found.actual) == ("norm", 12, 11)


def test_t2v21_valid_yoy_passes_when_valid_count_follows(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, FAULTS, 2023, lambda t: replace_field(t, "行政规范性文件", 2, "12"))
    assert _run("T2V21-VALID-YOY", current, previous) == []


def test_t2v19_prev_yoy_fails_when_previous_count_does_not_follow(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, CLEAN19, 2020)
    found = {f.location.row: (f.expected, f.actual) for f in _run("T2V19-PREV-YOY", current, previous)}
    assert found == {"license": (149, 146), "other_service": (56, 58), "penalty": (208, 203), "fee": (11, 12)}


def test_t2v19_prev_yoy_passes_when_previous_count_follows(tmp_path: Path) -> None:
    def follow(text: str) -> str:
        for label, value in (("行政许可", "149"), ("其他对外", "56"), ("行政处罚", "208"), ("行政事业性收费", "11")):
            text = replace_field(text, label, 0, value)
        return text

    current, previous = _pair(tmp_path, CLEAN19, 2020, follow)
    assert _run("T2V19-PREV-YOY", current, previous) == []


def test_t2v21_valid_yoy_skips_a_previous_report_on_the_old_template(tmp_path: Path) -> None:
    previous = load_text(tmp_path, sample_variant(CLEAN19, "云溪市测试局", 2020), "previous.txt")
    current = load_text(tmp_path, sample_variant(FAULTS, "云溪市测试局", 2021), "current.txt")
    assert _run("T2V21-VALID-YOY", current, previous) == []


def test_copy_yoy_quotes_the_copied_passages(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, CLEAN21, 2024)
    found = _run("COPY-YOY", current, previous)
    assert "S1" in {f.location.section for f in found}
    s1 = next(f for f in found if f.location.section == "S1")
    assert s1.severity == "warning" and "雷同" in s1.message and "上年：“" in s1.message


def test_copy_yoy_passes_when_the_section_is_rewritten(tmp_path: Path) -> None:
    def rewrite(text: str) -> str:
        head, rest = text.split("一、总体情况", 1)
        _, tail = rest.split("二、主动公开政府信息情况", 1)
        fresh = (
            "本年度围绕耕地保护专项整治，新建不动产登记信息查询专区，"
            "试点征收补偿结果线上公示，并组织第三方评估公开质量。"
        )
        return f"{head}一、总体情况\n\n{fresh}\n\n二、主动公开政府信息情况{tail}"

    current, previous = _pair(tmp_path, CLEAN21, 2024, rewrite)
    assert "S1" not in {f.location.section for f in _run("COPY-YOY", current, previous)}


def test_s5_copy_flags_an_improvement_section_copied_from_last_year(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, CLEAN21, 2024)
    (found,) = _run("S5-COPY", current, previous)
    assert found.category == "improvement-plan" and found.location.section == "S5"


def test_s5_copy_passes_a_new_improvement_section(tmp_path: Path) -> None:
    def rewrite(text: str) -> str:
        head, rest = text.split("五、存在的主要问题及改进情况", 1)
        _, tail = rest.split("六、其他需要报告的事项", 1)
        fresh = (
            "上年度提出的规划公告滞后问题已通过台账管理解决。本年度发现政策解读形式单一、"
            "依申请公开答复说理不足。下一步将制作图解和视频解读，并开展答复文书评查。"
        )
        return f"{head}五、存在的主要问题及改进情况\n\n{fresh}\n\n六、其他需要报告的事项{tail}"

    current, previous = _pair(tmp_path, CLEAN21, 2024, rewrite)
    assert _run("S5-COPY", current, previous) == []


def test_figures_yoy_flags_tables_identical_to_last_year(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, CLEAN21, 2024)
    (found,) = _run("FIGURES-YOY", current, previous)
    assert found.severity == "warning"


def test_figures_yoy_passes_when_one_figure_changed(tmp_path: Path) -> None:
    current, previous = _pair(tmp_path, CLEAN21, 2024, lambda t: replace_field(t, "行政处罚", 0, "999"))
    assert _run("FIGURES-YOY", current, previous) == []
