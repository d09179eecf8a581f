"""Claim extraction: figures in the prose, their values, spans, targets, approximations and scope."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from compliance.claimspec import load_claim_patterns
from compliance.mapping.claims import ProseLine, extract_claims
from compliance.model import Claim
from helpers import load_text


def claims_of(*paragraphs: str, template: str = "V2021", agency: str | None = None) -> list[Claim]:
    lines = [ProseLine(p, line=n + 1) for n, p in enumerate(paragraphs)]
    return extract_claims({"S1": lines}, template, agency)


def by_target(claims: list[Claim]) -> dict[str, Claim]:
    return {c.target or "": c for c in claims}


def test_claim_patterns_load_and_validate() -> None:
    patterns = load_claim_patterns()
    assert {"t3-new", "t3-deny", "t4-review-none", "t2-norm-made"} <= {c.id for c in patterns.claims}


def test_seed_claims_cover_every_figure_a_table_holds(seed_path: Path) -> None:
    from compliance.engine import load_report

    report = load_report(seed_path)
    found = {(c.target, c.value) for c in report.claims}
    assert ("T3.new.total", 13) in found
    # Split over a blank line in the seed ("…规范性文件\n\n2个"): still one claim.
    assert ("T2.norm.made", 2) in found
    assert ("T4.RV.total", 0) in found
    assert ("T4.LD+LR.total", 0) in found
    made = next(c for c in report.claims if c.target == "T2.norm.made")
    assert made.loc is not None and made.loc.line is not None
    assert "规范性文件2个" in made.text


def test_claim_span_points_at_the_phrase_in_its_sentence() -> None:
    claims = claims_of("全年共收到政府信息公开申请40件，上年结转2件，本年度办结37件。")
    assert len(claims) == 3
    for claim in claims:
        assert claim.sentence is not None and claim.span is not None
        assert claim.sentence[claim.span[0] : claim.span[1]] == claim.text


def test_claim_line_break_mid_sentence_is_joined() -> None:
    claims = claims_of("全年共收到政府信息公开", "申请40件，均按期答复。")
    assert by_target(claims)["T3.new.total"].value == 40
    # The location is the figure itself, which stands on the second line.
    assert by_target(claims)["T3.new.total"].loc.line == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("全年受理政府信息公开申请十三件。", 13),
        ("全年受理政府信息公开申请一百零二件。", 102),
        ("全年受理政府信息公开申请1,234件。", 1234),
        ("全年受理政府信息公开申请1.2万件。", 12000),
        ("全年受理政府信息公开申请 17 件。", 17),
        ("全年受理政府信息公开申请１３件。", 13),
    ],
)
def test_claim_numbers_in_every_notation(text: str, value: int) -> None:
    claim = by_target(claims_of(text))["T3.new.total"]
    assert claim.value == value
    assert claim.approximate is False


@pytest.mark.parametrize(
    "text",
    [
        "受理政府信息公开申请1000余件。",
        "受理政府信息公开申请约50件。",
        "受理政府信息公开申请30件左右。",
        "受理政府信息公开申请200多件。",
    ],
)
def test_claim_approximate_markers_flagged(text: str) -> None:
    assert by_target(claims_of(text))["T3.new.total"].approximate is True


@pytest.mark.parametrize(
    "text",
    [
        "予以公开占比84.6%。",  # a percentage is not a count
        "收到群众诉求348件，办结率100%。",  # not information-disclosure applications
        "受理市民投诉信件1.48万件。",
        "复议机关维持原答复1件。",  # an answer upheld, not applications answered
        "2019年修订的条例施行以来，工作有序推进。",
    ],
)
def test_claim_not_extracted_from_lookalikes(text: str) -> None:
    assert [c for c in claims_of(text) if c.target and c.target.startswith("T3")] == []


def test_claim_derived_group_targets() -> None:
    found = by_target(
        claims_of(
            "其中予以公开及部分公开120件，占六成；不予公开9件；因本机关不掌握等原因无法提供41件；不予处理17件；其他处理0件。"
        )
    )
    assert found["T3.granted+partial.total"].value == 120
    assert found["T3.@deny.total"].value == 9
    assert found["T3.@unable.total"].value == 41
    assert found["T3.@noproc.total"].value == 17
    assert found["T3.@other.total"].value == 0
    assert "T3.partial.total" not in found  # the combined phrase is one claim


def test_claim_scope_doubt_for_sub_unit() -> None:
    claim = by_target(claims_of("县政府办公室代表县政府受理政府信息公开申请 12 件。"))["T3.new.total"]
    assert claim.scope is not None and "代表" in claim.scope


def test_claim_self_reference_is_not_scope_doubt() -> None:
    claim = by_target(claims_of("本局全年共收到政府信息公开申请40件。"))["T3.new.total"]
    assert claim.scope is None


def test_claim_agency_own_name_is_not_scope_doubt() -> None:
    text = "市政府办公厅共受理政府信息公开申请859件。"
    assert by_target(claims_of(text, agency="上海市人民政府办公厅"))["T3.new.total"].scope is None
    assert by_target(claims_of(text))["T3.new.total"].scope is not None


def test_claim_negative_statements_target_zero() -> None:
    found = by_target(claims_of("全年未发生因信息公开申请被行政复议、提起行政诉讼的情况。"))
    assert found["T4.RV.total"].value == 0
    assert found["T4.LD+LR.total"].value == 0


def test_claim_negative_with_qualifier_is_not_a_zero_claim() -> None:
    assert claims_of("全年未发生行政复议被纠错的情况。") == []


def test_claim_review_and_litigation_counts() -> None:
    found = by_target(claims_of("本年度因政府信息公开引起行政复议案件3件、行政诉讼案件5件。全年办理行政复议40起。"))
    assert found["T4.LD+LR.total"].value == 5
    both = claims_of("因信息公开引起的行政复议案件3件。因政府信息公开申请引发行政复议21起。")
    assert sorted(c.value for c in both) == [3, 21]


def test_claim_carried_out_with_year_in_between() -> None:
    assert (
        by_target(claims_of("本年度收到政府信息公开申请88件，办结80件，结转至2024年8件。"))[
            "T3.carried_out.total"
        ].value
        == 8
    )


def test_claim_money_normalised_to_wan() -> None:
    claim = by_target(claims_of("全年收取行政事业性收费25000元。"))["T2.fee.amount_wan"]
    assert claim.value == Decimal("2.5")


def test_claim_targets_follow_template() -> None:
    text = "现行有效行政规范性文件11件。"
    assert by_target(claims_of(text, template="V2021"))["T2.norm.valid"].value == 11
    assert claims_of(text, template="V2019") == []


def test_claim_extract_shows_claims_in_report(tmp_path: Path) -> None:
    from conftest import SAMPLES

    report = load_text(tmp_path, (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8"))
    assert report.claims
    dumped = report.model_dump(mode="json")
    first = dumped["claims"][0]
    assert {"text", "sentence", "span", "value", "approximate", "target", "loc"} <= set(first)


def test_claim_split_by_page_number_is_one_claim() -> None:
    claims = claims_of("2023年，县政府办公室代表县政府受理政府", "- 1 -", "信息公开申请 12 件，均按期答复。")
    claim = by_target(claims)["T3.new.total"]
    assert claim.value == 12 and claim.scope is not None


def test_claim_outcome_with_answer_word_is_not_a_result_total() -> None:
    found = claims_of("所有办结的申请中同意公开答复 9 件，部分公开答复 0 件，不予公开答复 2 件，无法提供的 10 件。")
    assert sorted((c.target or "", c.value) for c in found) == [
        ("T3.@deny.total", 2),
        ("T3.@unable.total", 10),
        ("T3.granted.total", 9),
        ("T3.partial.total", 0),
    ]


def test_claim_reference_to_higher_office_is_not_scope_doubt() -> None:
    text = "按照省政府办公厅相关工作要求设立规范性文件库，动态更新本年度制发的规范性文件77件。"
    assert by_target(claims_of(text))["T2.norm.made"].scope is None


def test_claim_number_after_chinese_comma_and_reverse_order() -> None:
    found = by_target(claims_of("本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。"))
    assert (found["T3.new.total"].value, found["T3.result_total.total"].value) == (70, 69)
    assert found["T3.carried_out.total"].value == 1


def test_claim_sentence_keeps_chinese_punctuation() -> None:
    (claim,) = claims_of("全年受理政府信息公开申请１３件，均已答复。")
    assert claim.value == 13 and "，" in (claim.sentence or "")


def test_claim_review_figures_need_disclosure_context() -> None:
    assert claims_of("作为复议机关，全年受理行政复议申请500件。") == []
    assert by_target(claims_of("因政府信息公开被申请行政复议2件。"))["T4.RV.total"].value == 2
    in_section_4 = extract_claims({"S4": [ProseLine("本年度行政复议2件。", 1)]}, "V2021")
    assert [c.target for c in in_section_4] == ["T4.RV.total"]


def test_claim_in_space_padded_text_reads_as_with_one_space() -> None:
    """Space-aligned text pads prose with long runs of spaces; they mean one space (and cost no more)."""
    padded = claims_of("全年共收到政府信息公开申请" + " " * 3000 + "40 件，均按期答复。" + " " * 3000 + "结束")
    plain = claims_of("全年共收到政府信息公开申请 40 件，均按期答复。 结束")
    assert by_target(padded)["T3.new.total"].value == by_target(plain)["T3.new.total"].value == 40
