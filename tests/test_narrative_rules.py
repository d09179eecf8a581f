"""T2-TEXT / T3-TEXT / T4-TEXT: prose figures against the tables, without false alarms."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import CheckContext, get_registry, load_report
from compliance.model import Finding
from compliance.rules.narrative import Target, target_value
from conftest import SAMPLES
from helpers import check_text, replace_field

NARRATIVE = "narrative-consistency"


def narrative(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category == NARRATIVE]


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_seed_every_claim_agrees_with_its_target(seed_path: Path) -> None:
    report = load_report(seed_path)
    ctx = CheckContext(report=report, layouts=get_registry().layouts)
    assert len(report.claims) >= 4
    for claim in report.claims:
        target = Target.parse(claim.target or "")
        assert target is not None
        assert target_value(ctx, target) == claim.value, claim


def test_seed_has_no_narrative_finding(tmp_path: Path, seed_text: str) -> None:
    assert narrative(check_text(tmp_path, seed_text)) == []


def test_seed_changed_figure_gives_finding_naming_cell(tmp_path: Path, seed_text: str) -> None:
    changed = seed_text.replace("全年受理政府信息公开申请13件", "全年受理政府信息公开申请15件")
    (found,) = narrative(check_text(tmp_path, changed))
    assert found.rule == "T3-TEXT" and found.severity == "error"
    assert (found.location.table, found.location.row, found.location.column) == ("T3", "new", "total")
    assert found.expected == 13 and found.actual == 15
    assert found.evidence is not None and "全年受理政府信息公开申请15件" in found.evidence
    assert found.location.line is not None


def test_seed_changed_split_figure_is_found(tmp_path: Path, seed_text: str) -> None:
    changed = seed_text.replace("规范性文件\n\n2个", "规范性文件\n\n3个")
    (found,) = narrative(check_text(tmp_path, changed))
    assert found.rule == "T2-TEXT" and (found.location.row, found.location.column) == ("norm", "made")
    assert found.expected == 2 and found.actual == 3


def test_seed_negative_claim_against_nonzero_review(tmp_path: Path, seed_text: str) -> None:
    lines = seed_text.split("\n")
    t4 = max(i for i, line in enumerate(lines) if line.startswith("0\t0\t0\t0\t0\t0"))
    lines[t4] = "1\t0\t0\t0\t1" + lines[t4][len("0\t0\t0\t0\t0") :]
    (found,) = narrative(check_text(tmp_path, "\n".join(lines)))
    assert found.rule == "T4-TEXT" and found.location.row == "RV" and found.expected == 1 and found.actual == 0
    assert "未发生" in (found.evidence or "")


def test_faults_sample_received_including_carried_in_is_warning(tmp_path: Path) -> None:
    found = narrative(check_text(tmp_path, sample("v2021-faults-2022.txt")))
    assert [(f.rule, f.severity, f.expected, f.actual) for f in found] == [("T3-TEXT", "warning", 38, 40)]
    assert "上年结转" in found[0].message


def test_received_figure_is_unverifiable_when_carried_in_cannot_be_read(tmp_path: Path) -> None:
    # The faults sample counts carried-in applications as received (a warning). With the 上年结转 row
    # unreadable, that reading cannot be ruled out: "cannot verify", never the agency's error.
    lines = sample("v2021-faults-2022.txt").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("二、上年结转"))
    lines[at] = lines[at].split("\t")[0] + "\t" + "\t".join(["见附件"] * 7)
    found = narrative(check_text(tmp_path, "\n".join(lines)))
    assert [(f.rule, f.severity, f.expected, f.actual) for f in found] == [("T3-TEXT", "info", 38, 40)]
    assert "无法核验" in found[0].message


def test_clean_samples_have_no_narrative_finding(tmp_path: Path) -> None:
    for name in ("v2019-clean-2020.txt", "v2021-clean-2023.txt"):
        assert narrative(check_text(tmp_path, sample(name), name=name)) == []


def test_derived_subtotal_contradiction_is_error(tmp_path: Path) -> None:
    text = sample("v2021-clean-2023.txt").replace("部分公开4件", "部分公开4件、不予公开9件")
    (found,) = narrative(check_text(tmp_path, text))
    assert found.location.row == "@deny" and found.actual == 9 and found.severity == "error"
    assert "（三）不予公开" in found.message


@pytest.mark.parametrize(
    ("replacement", "severity"),
    [
        ("新收政府信息公开申请约40件", None),  # approximate and close: no finding
        ("新收政府信息公开申请40余件", None),
        ("新收政府信息公开申请约90件", "warning"),  # approximate but far off: at most a warning
    ],
)
def test_approximate_claims_never_error(tmp_path: Path, replacement: str, severity: str | None) -> None:
    text = sample("v2021-clean-2023.txt").replace("新收政府信息公开申请41件", replacement)
    found = narrative(check_text(tmp_path, text))
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_sub_unit_scope_is_warning_not_error(tmp_path: Path, seed_text: str) -> None:
    changed = seed_text.replace("全年受理政府信息公开申请13件", "县政府办公室代表县政府受理政府信息公开申请17件")
    (found,) = narrative(check_text(tmp_path, changed))
    assert found.severity == "warning" and "范围" in found.message


def test_percentages_are_not_counts(tmp_path: Path) -> None:
    text = sample("v2021-clean-2023.txt").replace("予以公开20件", "予以公开20件，占比48.8%")
    assert narrative(check_text(tmp_path, text)) == []


def test_handled_figure_accepts_new_applications(tmp_path: Path) -> None:
    text = sample("v2021-clean-2023.txt").replace("本年度办结40件", "全年办理政府信息公开申请41件")
    assert narrative(check_text(tmp_path, text)) == []


def test_litigation_count_contradiction(tmp_path: Path) -> None:
    text = sample("v2021-clean-2023.txt").replace("直接提起行政诉讼2件", "直接提起行政诉讼3件")
    (found,) = narrative(check_text(tmp_path, text))
    assert (found.rule, found.location.row, found.expected, found.actual) == ("T4-TEXT", "LD", 2, 3)


def test_blank_total_cell_is_derived_before_comparing(tmp_path: Path) -> None:
    # The 予以公开 row's 总计 left blank: the claim is compared with the derived 20, not 0.
    text = replace_field(sample("v2021-clean-2023.txt"), "（一）予以公开", 6, "")
    assert narrative(check_text(tmp_path, text)) == []


def test_total_cell_slip_is_left_to_arithmetic(tmp_path: Path, seed_text: str) -> None:
    # 本年新收 总计 printed 14 while its parts say 13 and the prose says 13: T3-ROW-TOTAL reports
    # the cell; the prose agrees with the parts, so no narrative finding repeats the slip.
    found = check_text(tmp_path, replace_field(seed_text, "一、本年新收", 6, "14"))
    assert narrative(found) == []
    assert any(f.rule == "T3-ROW-TOTAL" for f in found)


def test_review_total_slip_is_left_to_arithmetic(tmp_path: Path, seed_text: str) -> None:
    lines = seed_text.split("\n")
    t4 = max(i for i, line in enumerate(lines) if line.startswith("0\t0\t0\t0\t0\t0"))
    lines[t4] = "0\t0\t0\t0\t1" + lines[t4][len("0\t0\t0\t0\t0") :]
    found = check_text(tmp_path, "\n".join(lines))
    assert narrative(found) == [] and any(f.rule == "T4-RV-TOTAL" for f in found)


@pytest.mark.parametrize(
    ("phrase", "finding"),
    [
        ("新收政府信息公开申请40余件", False),  # 41 is "40-odd"
        ("新收政府信息公开申请45余件", True),  # "45-odd" cannot be 41
        ("新收政府信息公开申请近45件", False),  # just under 45
        ("新收政府信息公开申请近40件", True),  # "nearly 40" is not 41
        ("新收政府信息公开申请约45件", False),
    ],
)
def test_approximate_direction_of_markers(tmp_path: Path, phrase: str, finding: bool) -> None:
    text = sample("v2021-clean-2023.txt").replace("新收政府信息公开申请41件", phrase)
    found = narrative(check_text(tmp_path, text))
    assert [f.severity for f in found] == (["warning"] if finding else [])
