"""Titles and headings as non-text readers deliver them: split titles, bare headings, repeated headings."""

from __future__ import annotations

from compliance.document import Document, Paragraph
from compliance.engine import get_registry
from compliance.mapping.build import build_report
from compliance.model import Loc

SECTIONS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]


def _document(lines: list[tuple[str, int | None]]) -> Document:
    blocks = [Paragraph(text, Loc(line=n), heading_level=level) for n, (text, level) in enumerate(lines, 1)]
    return Document(blocks=list(blocks), format="test", path="test")


def _body(title_lines: list[str]) -> list[tuple[str, int | None]]:
    lines: list[tuple[str, int | None]] = [(t, None) for t in title_lines]
    for heading in SECTIONS:
        lines += [(heading, None), ("本部分正文。", None)]
    return lines


def test_title_split_over_agency_and_year_lines() -> None:
    report = build_report(
        _document(_body(["青山县人民政府", "2024 年政府信息公开工作年度报告"])), get_registry().layouts
    )
    assert (report.agency, report.year) == ("青山县人民政府", 2024)


def test_title_on_one_line_keeps_its_own_agency() -> None:
    report = build_report(_document(_body(["栖梧县人民政府2020年政府信息公开工作年度报告"])), get_registry().layouts)
    assert (report.agency, report.year) == ("栖梧县人民政府", 2020)


def test_reader_marked_heading_without_numeral_is_a_section() -> None:
    lines = _body(["青山县2023年政府信息公开工作年度报告"])
    lines[1] = ("总体情况", 2)  # a DOCX/HTML heading that lost its "一、"
    report = build_report(_document(lines), get_registry().layouts)
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]


def test_plain_paragraph_without_numeral_is_not_a_heading() -> None:
    lines = _body(["青山县2023年政府信息公开工作年度报告"])
    lines[1] = ("总体情况", None)
    report = build_report(_document(lines), get_registry().layouts)
    assert "S1" not in [s.key for s in report.sections]


def test_repeated_heading_of_the_same_section_does_not_cut_it_short() -> None:
    lines = _body(["青山县2023年政府信息公开工作年度报告"])
    at = lines.index(("三、收到和处理政府信息公开申请情况", None))
    lines[at + 2 : at + 2] = [("表三：收到和处理政府信息公开申请情况", 2), ("表后说明。", None)]
    report = build_report(_document(lines), get_registry().layouts)
    s3 = report.section("S3")
    assert s3 is not None and "表后说明。" in s3.text
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]


def test_headings_numbered_as_parts_or_with_a_space_are_the_sections() -> None:
    """ "第一部分 总体情况" and "一 总体情况" (a space for the "、") name the same sections."""
    for style in ("第{n}部分 {t}", "第{n}部分：{t}", "{n} {t}"):
        lines = [("青山县2023年政府信息公开工作年度报告", None)]
        for heading in SECTIONS:
            numeral, title = heading.split("、", 1)
            lines += [(style.format(n=numeral, t=title), None), ("本部分正文。", None)]
        report = build_report(_document(lines), get_registry().layouts)
        assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"], style


def test_a_numeral_and_a_space_before_words_naming_no_section_is_no_heading() -> None:
    lines = _body(["青山县2023年政府信息公开工作年度报告"])
    lines.insert(2, ("三 年来持续推进", None))
    report = build_report(_document(lines), get_registry().layouts)
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert "三 年来持续推进" in report.sections[0].text
