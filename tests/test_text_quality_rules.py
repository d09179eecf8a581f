"""TEXT-REPEAT, TEXT-BRACKETS, TEXT-PUNCT, TEXT-LEXICON: slips in the prose, never in tables or titles."""

from __future__ import annotations

from pathlib import Path

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
ANCHOR = "持续推进政府信息公开工作规范化。"


def quality(findings: list[Finding], rule: str | None = None) -> list[Finding]:
    return [f for f in findings if f.category == "text-quality" and (rule is None or f.rule == rule)]


def with_text(addition: str, text: str = CLEAN) -> str:
    assert ANCHOR in text
    return text.replace(ANCHOR, ANCHOR + addition)


def test_clean_samples_have_no_text_quality_finding(tmp_path: Path) -> None:
    for name in ("v2019-clean-2020.txt", "v2021-clean-2023.txt", "v2021-faults-2022.txt"):
        text = (SAMPLES / name).read_text(encoding="utf-8")
        assert quality(check_text(tmp_path, text, name=name)) == [], name


def test_repeated_phrase_is_one_warning_per_section(tmp_path: Path) -> None:
    text = with_text("公开科技计划资金资金分配结果，规范审核审核发布机制。")
    (found,) = quality(check_text(tmp_path, text), "TEXT-REPEAT")
    assert (found.severity, found.location.section, found.actual) == ("warning", "S1", 2)
    assert "“资金”重复" in found.message and "“审核”重复" in found.message


def test_repeat_skips_titles_tables_numbers_and_good_reduplication(tmp_path: Path) -> None:
    text = with_text(
        "学习《关于进一步进一步加强政务公开的意见》，一步一步推进，编号1111号，常常检查。"
        "\n\n结果维持结果纠正总计总计\n\n"
    )
    assert quality(check_text(tmp_path, text), "TEXT-REPEAT") == []


def test_heading_run_into_its_paragraph_is_not_a_repeat(tmp_path: Path) -> None:
    text = with_text("（三）主动公开主动公开方面，全年发布信息864条。")
    assert quality(check_text(tmp_path, text), "TEXT-REPEAT") == []


def test_unclosed_bracket_is_found(tmp_path: Path) -> None:
    text = with_text("依据《中华人民共和国政府信息公开条例（以下简称《条例》，开展工作。")
    (found,) = quality(check_text(tmp_path, text), "TEXT-BRACKETS")
    assert "未闭合" in found.message and found.location.section == "S1"


def test_stray_closing_quote_is_found(tmp_path: Path) -> None:
    (found,) = quality(check_text(tmp_path, with_text("打造政策公开讲”品牌。")), "TEXT-BRACKETS")
    assert "多出“””" in found.message


def test_brackets_wrapped_over_lines_and_mixed_widths_pair_up(tmp_path: Path) -> None:
    text = with_text("办结申请40件（含\n上年结转3件），另有“政策\n解读”专栏(含图解）。")
    assert quality(check_text(tmp_path, text), "TEXT-BRACKETS") == []


def test_doubled_and_half_width_punctuation_are_found(tmp_path: Path) -> None:
    text = with_text("完善工作机制,细化职责分工，，拓宽公开渠道。")
    (found,) = quality(check_text(tmp_path, text), "TEXT-PUNCT")
    assert found.actual == 2 and "半角" in found.message and "标点重复" in found.message


def test_punctuation_in_numbers_ellipsis_and_titles_passes(tmp_path: Path) -> None:
    text = with_text("发布信息1,234条，金额3.5万元……详见《关于做好2023年政务公开工作,的通知》。时间为9:30。")
    assert quality(check_text(tmp_path, text), "TEXT-PUNCT") == []


def test_lexicon_finds_known_mistakes_in_context_only(tmp_path: Path) -> None:
    text = with_text("截止目前，已在网站登陆页面设置专栏。申请截止日期为每月5日。")
    (found,) = quality(check_text(tmp_path, text), "TEXT-LEXICON")
    # 截止日期 is right; 截止目前 and 登陆页面 are not.
    assert found.actual == 2 and "“截止”应为“截至”" in found.message and "“登陆”应为“登录”" in found.message


def test_lexicon_skips_document_titles(tmp_path: Path) -> None:
    assert quality(check_text(tmp_path, with_text("转发《关于截止目前工作的通知》。")), "TEXT-LEXICON") == []


def test_lexicon_is_extended_by_config(tmp_path: Path) -> None:
    text = with_text("推进公开工作标椎化建设。")
    assert quality(check_text(tmp_path, text), "TEXT-LEXICON") == []
    options = {"TEXT-LEXICON": {"extra": [{"wrong": "标椎化", "right": "标准化"}]}}
    (found,) = quality(check_text(tmp_path, text, rule_options=options), "TEXT-LEXICON")
    assert "“标椎化”应为“标准化”" in found.message


def test_slips_in_prose_read_by_ocr_are_notes_to_check_the_original(tmp_path: Path) -> None:
    from compliance.engine import check_report
    from helpers import load_text

    report = load_text(tmp_path, with_text("公开资金资金分配结果。"))
    (printed,) = quality(check_report(report), "TEXT-REPEAT")
    assert printed.severity == "warning" and "OCR" not in printed.message
    scanned = report.model_copy(
        update={"sections": [s.model_copy(update={"confidence": 0.93}) for s in report.sections]}
    )
    (recognised,) = quality(check_report(scanned), "TEXT-REPEAT")
    assert recognised.severity == "info" and "OCR 识别" in recognised.message and "资金资金" in recognised.message


def test_ocr_paragraphs_and_sections_keep_their_least_sure_word() -> None:
    from compliance.document import Paragraph
    from compliance.mapping.build import least_sure
    from compliance.readers.geometry import blocks_from_words
    from compliance.readers.geometry.words import Word

    words = [
        Word("全年公开信息864条，", 0, 0, 200, 20, page=1, confidence=0.98),
        Word("均已按时发布。", 0, 30, 140, 50, page=1, confidence=0.71),
    ]
    (paragraph,) = [b for b in blocks_from_words(words) if isinstance(b, Paragraph)]
    assert paragraph.confidence == 0.71
    printed = [Word(w.text, w.x0, w.top, w.x1, w.bottom, page=1) for w in words]
    assert all(b.confidence is None for b in blocks_from_words(printed) if isinstance(b, Paragraph))
    assert least_sure([paragraph, Paragraph("印刷的文字")]) == 0.71 and least_sure([Paragraph("印刷")]) is None
