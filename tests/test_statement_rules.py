"""T3-DONE-TEXT, T3-FEE-TEXT, S6-NOTHING-TEXT: statements without a figure against the tables."""

from __future__ import annotations

from pathlib import Path

from compliance.model import Finding
from compliance.rules.narrative import about_other_year
from conftest import SAMPLES
from helpers import check_text, load_text, replace_field

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
ANSWERED = "全部申请均在法定时限内作出答复。"
RULES = ("T3-DONE-TEXT", "T3-FEE-TEXT", "S6-NOTHING-TEXT")


def statements(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule in RULES]


def with_sentence(sentence: str, text: str = CLEAN) -> str:
    assert ANSWERED in text
    return text.replace(ANSWERED, sentence)


def test_clean_sample_has_no_statement_finding(tmp_path: Path) -> None:
    # The sample's "已全部办结" is about 人大建议 and 政协提案, not applications.
    assert statements(check_text(tmp_path, CLEAN)) == []


def test_all_concluded_while_carried_over_is_warning(tmp_path: Path) -> None:
    (found,) = statements(check_text(tmp_path, with_sentence("收到的申请均已依法办结。")))
    assert (found.rule, found.severity) == ("T3-DONE-TEXT", "warning")
    assert (found.location.table, found.location.row, found.location.column) == ("T3", "carried_out", "total")
    assert (found.expected, found.actual) == (4, 0)
    assert "均已依法办结" in found.message and found.location.line is not None


def test_all_concluded_without_carry_over_passes(tmp_path: Path) -> None:
    text = with_sentence("收到的申请均已办结。")
    for index in (0, 4, 6):
        text = replace_field(text, "四、结转下年度继续办理", index, "0")
    text = replace_field(text, "（七）总计", 0, "32")
    text = replace_field(text, "（七）总计", 4, "3")
    text = replace_field(text, "（七）总计", 6, "44")
    text = replace_field(text, "（一）予以公开", 0, "17")
    text = replace_field(text, "（一）予以公开", 4, "2")
    text = replace_field(text, "（一）予以公开", 6, "24")
    found = check_text(tmp_path, text)
    assert [f for f in found if f.category == "arithmetic"] == []
    assert statements(found) == []


def test_exception_carry_over_and_counted_scope_do_not_fire(tmp_path: Path) -> None:
    for sentence in (
        "除4件结转下年度继续办理外，其余申请均已办结。",
        "收到的申请均已办结，4件结转至2024年办理。",
        "上年结转的申请均已办结。",
        "本年度办结申请40件，均已按时办理完毕。",
        "收到的申请尚未全部办结。",
        "群众通过热线提出的申请均已办结。",
    ):
        assert statements(check_text(tmp_path, with_sentence(sentence))) == [], sentence


def test_sentence_about_another_year_does_not_fire(tmp_path: Path) -> None:
    assert statements(check_text(tmp_path, with_sentence("2022年收到的申请均已办结。"))) == []
    (found,) = statements(check_text(tmp_path, with_sentence("2023年收到的申请均已办结。")))
    assert found.rule == "T3-DONE-TEXT"


def test_about_other_year_needs_a_year_and_not_the_reports() -> None:
    assert about_other_year("2022年收到的申请均已办结", 2023)
    assert not about_other_year("2023年收到的申请均已办结，结转至2024年", 2023)
    assert not about_other_year("收到的申请均已办结", 2023)
    assert not about_other_year("2022年收到的申请均已办结", None)


def test_blank_carry_over_never_fires(tmp_path: Path) -> None:
    text = with_sentence("收到的申请均已办结。")
    for index in (6, 4, 0):
        text = replace_field(text, "四、结转下年度继续办理", index, "")
    assert statements(check_text(tmp_path, text)) == []


def test_derived_total_gives_info_only(tmp_path: Path) -> None:
    # The printed 总计 is blank; the positive parts say cases were carried over, but the value
    # compared is derived, so the finding says it rests on a derived reading.
    text = replace_field(with_sentence("收到的申请均已办结。"), "四、结转下年度继续办理", 6, "")
    (found,) = statements(check_text(tmp_path, text))
    assert (found.rule, found.severity, found.expected) == ("T3-DONE-TEXT", "info", 4)
    assert "推算" in found.message


def test_statement_is_extracted_as_a_claim(tmp_path: Path) -> None:
    report = load_text(tmp_path, with_sentence("收到的申请均已办结。"))
    claims = [c for c in report.claims if c.kind == "t3-all-done"]
    assert [(c.value, c.target) for c in claims] == [(0, "T3.carried_out.total")]


def _unpaid(text: str) -> str:
    # One application moves from （六）1 to （六）2: the identities still hold.
    text = replace_field(text, "1.申请人无正当理由逾期不补正", 0, "0")
    text = replace_field(text, "1.申请人无正当理由逾期不补正", 6, "0")
    text = replace_field(text, "2.申请人逾期未按收费通知", 0, "1")
    return replace_field(text, "2.申请人逾期未按收费通知", 6, "1")


def test_no_fee_notice_while_unpaid_row_positive_is_warning(tmp_path: Path) -> None:
    found = check_text(tmp_path, _unpaid(with_sentence("本年度未向申请人发出收费通知。")))
    assert [f for f in found if f.category == "arithmetic"] == []
    (statement,) = statements(found)
    assert (statement.rule, statement.severity, statement.expected) == ("T3-FEE-TEXT", "warning", 1)
    assert statement.location.row == "other.no_fee"


def test_no_fee_notice_passes_when_row_is_zero(tmp_path: Path) -> None:
    assert statements(check_text(tmp_path, with_sentence("本年度未向申请人发出收费通知。"))) == []


def test_fee_not_collected_is_no_contradiction_of_unpaid_notices(tmp_path: Path) -> None:
    # The sample says "未收取信息处理费": unpaid notices collect nothing, so it agrees.
    assert "未收取信息处理费" in CLEAN
    assert statements(check_text(tmp_path, _unpaid(CLEAN))) == []


def _section_six(body: str) -> str:
    head, _, _ = CLEAN.partition("六、其他需要报告的事项")
    return f"{head}六、其他需要报告的事项\n\n{body}\n"


def test_nothing_to_report_without_fee_statement_is_one_warning(tmp_path: Path) -> None:
    found = check_text(tmp_path, _section_six("无其他需要报告的事项。"))
    (statement,) = statements(found)
    assert (statement.rule, statement.severity, statement.location.section) == ("S6-NOTHING-TEXT", "warning", "S6")
    assert [f for f in found if f.rule == "S6-FEE"] == []


def test_nothing_else_to_report_after_fee_statement_passes(tmp_path: Path) -> None:
    found = check_text(tmp_path, _section_six("本年度未收取信息处理费，无其他需要报告的事项。"))
    assert statements(found) == [] and [f for f in found if f.rule == "S6-FEE"] == []


def test_section_six_silent_on_fees_is_still_s6_fee(tmp_path: Path) -> None:
    found = check_text(tmp_path, _section_six("本年度承办人大代表建议9件。"))
    assert statements(found) == [] and [f.rule for f in found if f.rule == "S6-FEE"] == ["S6-FEE"]


T4_ROW = "2\t1\t0\t1\t4\t1\t0\t0\t1\t2\t0\t0\t0\t0\t0"
NO_REVIEW = "全年未发生因政府信息公开被申请行政复议的情况。"


def _t4_negative(tmp_path: Path, text: str) -> list[Finding]:
    return [f for f in check_text(tmp_path, text) if f.rule == "T4-TEXT" and f.actual == 0]


def test_no_review_statement_against_cases_is_an_error(tmp_path: Path) -> None:
    (found,) = _t4_negative(tmp_path, with_sentence(NO_REVIEW))
    assert (found.severity, found.expected) == ("error", 4)


def test_no_review_statement_about_another_year_is_skipped(tmp_path: Path) -> None:
    assert _t4_negative(tmp_path, with_sentence("2022年" + NO_REVIEW)) == []


def test_no_review_statement_against_a_derived_total_is_info(tmp_path: Path) -> None:
    assert T4_ROW in CLEAN
    text = with_sentence(NO_REVIEW).replace(T4_ROW, T4_ROW.replace("1\t4\t1", "1\t\t1", 1))
    (found,) = _t4_negative(tmp_path, text)
    assert (found.severity, found.expected) == ("info", 4) and "推算" in found.message
