"""TEXT-BROKEN: a sentence cut in two by a line or paragraph break, judged only where breaks mean something."""

from __future__ import annotations

from pathlib import Path

from documents import to_html

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
PARAGRAPH = "（三）政府信息管理。对本局历年制发的行政规范性文件进行全面梳理，在门户网站标注现行有效"


def _broken(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "TEXT-BROKEN"]


def _cut(text: str, after: str) -> str:
    """The report with a paragraph break put in right after ``after``, mid-sentence."""
    assert after in text
    return text.replace(after, after + "\n\n", 1)


def test_clean_samples_have_no_broken_sentence(tmp_path: Path) -> None:
    for sample in SAMPLES.glob("*.txt"):
        text = sample.read_text(encoding="utf-8")
        assert _broken(check_text(tmp_path, text)) == []
        assert _broken(check_text(tmp_path, to_html(text), name="report.html")) == []


def test_paragraph_cut_mid_sentence_in_a_web_page_is_a_warning(tmp_path: Path) -> None:
    (found,) = _broken(check_text(tmp_path, to_html(_cut(CLEAN, PARAGRAPH)), name="report.html"))
    assert found.severity == "warning" and found.location.section == "S1"
    assert "标注现行有效‖、已修改" in found.message and found.actual == 1


def test_the_same_cut_in_plain_text_is_only_a_note_to_check_the_original(tmp_path: Path) -> None:
    # Text may come from a PDF whose page break the extraction did not join: not the agency's fault.
    (found,) = _broken(check_text(tmp_path, _cut(CLEAN, PARAGRAPH)))
    assert found.severity == "info" and "请核对原文" in found.message


def test_hard_wrapped_text_is_not_judged(tmp_path: Path) -> None:
    # Every prose line wrapped at 30 characters, as text pasted from a PDF line by line.
    wrapped = []
    for line in CLEAN.split("\n"):
        if len(line) > 40 and "\t" not in line:
            wrapped.extend(line[i : i + 30] for i in range(0, len(line), 30))
        else:
            wrapped.append(line)
    assert _broken(check_text(tmp_path, "\n".join(wrapped))) == []


def test_headings_labels_and_sentence_ends_are_not_breaks(tmp_path: Path) -> None:
    lines = [
        "（一）主动公开方面，持续完善公开目录",  # a heading with a comma, then its paragraph
        "全年发布信息864条。",
        "联系单位：青岚市自然资源和规划局综合科",  # "label: value" lines end without a full stop
        "联系电话：0000-0000000",
        "本局下一步将继续完善工作机制，进一步提升公开质量：",  # ends on a colon, introducing a list
        "一是加强培训；二是完善审核。",
        "全年组织业务培训两次，邀请市政务公开办对专栏进行检查评议，反馈的问题已全部整改。",
    ]
    text = CLEAN.replace("二、主动公开政府信息情况", "\n\n".join(lines) + "\n\n二、主动公开政府信息情况", 1)
    assert _broken(check_text(tmp_path, to_html(text), name="report.html")) == []
    cut = _cut(text, "邀请市政务公开办对专栏")
    (found,) = _broken(check_text(tmp_path, to_html(cut), name="report.html"))
    assert "对专栏‖进行" in found.message and found.actual == 1
