"""Deliverables: the Excel 问题清单 and the Word letters, opened with openpyxl / python-docx and read back."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import docx
import openpyxl
import pytest

from compliance.deliverables import Letterhead, Review, findings_workbook, notice_docx
from compliance.deliverables.describe import document_order
from compliance.engine import Options, check_file, get_registry, summarise
from compliance.formatters import display_path
from compliance.model import Finding, FindingLocation, FindingsDocument, Report, ReportResult
from conftest import SAMPLES

FAULTS = SAMPLES / "v2021-faults-2022.txt"
CLEAN = SAMPLES / "v2019-clean-2020.txt"


@pytest.fixture(scope="module")
def batch() -> tuple[FindingsDocument, list[Report | None]]:
    registry = get_registry()
    checked = [check_file(path, registry, Options()) for path in (FAULTS, CLEAN)]
    return summarise([c.result for c in checked]), [c.report for c in checked]


def _rows(book: openpyxl.Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _problems(paragraphs: list[str]) -> list[str]:
    """The numbered problems of a letter: paragraphs that start with 1. 2. …"""
    return [p for p in paragraphs if p.split(". ", 1)[0].isdigit()]


def test_workbook_lists_every_finding_with_filters_and_frozen_header(batch) -> None:
    document, reports = batch
    book = _workbook(findings_workbook(document, reports))
    assert book.sheetnames == ["问题清单", "报告汇总", "规则统计"]
    sheet = book["问题清单"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:S{sheet.max_row}"
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    rows = _rows(book, "问题清单")
    findings = [f for r in document.reports for f in r.findings]
    assert len(rows) == len(findings) > 0
    in_order = [f for r in document.reports for f in sorted(r.findings, key=document_order)]
    assert [r["指纹"] for r in rows] == [f.fingerprint for f in in_order]
    rv = next(r for r in rows if r["规则"] == "T4-RV-TOTAL")
    assert (rv["应为"], rv["实为"], rv["严重程度"]) == (4, 5, "错误")
    assert rv["被检查单位"] == document.reports[0].agency and rv["年度"] == 2022
    assert rv["位置"] == "表四“行政复议”行“总计”列，第76行"
    assert rv["所属部分"] == "四、政府信息公开行政复议、行政诉讼情况"
    assert all(r["审核状态"] is None for r in rows)  # no reviews outside the workspace


def test_workbook_summary_per_report_and_rules(batch) -> None:
    document, reports = batch
    summary = _rows(_workbook(findings_workbook(document, reports)), "报告汇总")
    assert [r["报告文件"] for r in summary] == [display_path(r.source) for r in document.reports]
    faults, clean = summary
    assert (faults["错误"], faults["结论"]) == (5, "存在错误")
    assert (clean["错误"], clean["警告"], clean["结论"]) == (0, 0, "未发现问题")
    rules = _rows(_workbook(findings_workbook(document, reports)), "规则统计")
    assert sum(int(r["问题数"]) for r in rules) == sum(len(r.findings) for r in document.reports)  # type: ignore[call-overload]


def test_workbook_marks_reviews_and_leaves_dismissed_out_of_the_counts(batch) -> None:
    document, reports = batch
    first, second = document.reports[0].findings[:2]
    reviews = {
        first.fingerprint: Review("dismissed", "口径不同", reviewer="张三"),
        second.fingerprint: {"state": "confirmed"},
    }
    book = _workbook(findings_workbook(document, reports, reviews))
    rows = {r["指纹"]: r for r in _rows(book, "问题清单")}
    assert (rows[first.fingerprint]["审核状态"], rows[first.fingerprint]["审核意见"]) == ("已排除", "口径不同")
    assert rows[first.fingerprint]["审核人"] == "张三"
    assert rows[second.fingerprint]["审核状态"] == "已确认"
    faults = _rows(book, "报告汇总")[0]
    assert (faults["已排除"], faults["已整改"]) == (1, 0)
    kept = [f for f in document.reports[0].findings if f is not first]
    assert faults["错误"] + faults["警告"] + faults["提示"] == len(kept)
    fixed = _rows(_workbook(findings_workbook(document, reports, {second.fingerprint: "rectified"})), "报告汇总")[0]
    assert (fixed["已排除"], fixed["已整改"]) == (0, 1)


def _hostile_document() -> FindingsDocument:
    finding = Finding(
        rule="T3-ROW-TOTAL",
        category="arithmetic",
        severity="error",
        message="表三合计不符\x0c",
        evidence='=HYPERLINK("http://x")\x01',
        location=FindingLocation(table="T3", row="granted", column="total", line=3),
        expected=1,
        actual=2,
        fingerprint="f1",
    )
    result = ReportResult(source="x.txt", agency="=1+1", year=2022, template="V2021", findings=[finding])
    return summarise([result])


def test_workbook_keeps_report_text_as_text_never_a_formula() -> None:
    book = _workbook(findings_workbook(_hostile_document()))
    sheet = book["问题清单"]
    row = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert row["被检查单位"].data_type == "s" and row["被检查单位"].value == "=1+1"
    assert row["原文"].data_type == "s" and row["原文"].value == '=HYPERLINK("http://x")'
    assert row["问题描述"].value == "表三合计不符"  # characters XML forbids are dropped, not a crash


def test_notice_for_one_report_numbers_problems_by_section_without_dismissed(batch) -> None:
    document, reports = batch
    result = document.reports[0]
    dismissed = next(f for f in result.findings if f.severity == "warning")
    rectified = next(f for f in result.findings if f.severity == "error")
    reviews = {dismissed.fingerprint: Review("dismissed", "口径不同"), rectified.fingerprint: Review("rectified")}
    paragraphs = _paragraphs(notice_docx(result, reviews, reports=[reports[0]]))
    assert paragraphs[0] == f"关于{result.agency}2022年政府信息公开工作年度报告的检查意见"
    assert paragraphs[1] == f"{result.agency}："
    assert any("国办公开办函〔2021〕30号" in p for p in paragraphs)
    problems = _problems(paragraphs)
    sent = [f for f in result.findings if f.severity in ("error", "warning") and f not in (dismissed, rectified)]
    assert len(problems) == len(sent)
    assert [p.split(". ", 1)[0] for p in problems] == [str(n) for n in range(1, len(sent) + 1)]
    assert not any(dismissed.message in p or rectified.message in p for p in paragraphs)
    assert all("整改要求：" in p and "位置：" in p for p in problems)
    rv = next(p for p in problems if "表四行政复议" in p)
    assert "表四“行政复议”行“总计”列，第76行" in rv
    headings = [p for p in paragraphs if p.startswith("（")]
    assert headings[0].startswith("（一）第三部分") and headings[1].startswith("（二）第四部分")
    assert "____年__月__日" in "".join(paragraphs)  # deadline left blank to fill in


def test_notice_uses_the_letterhead_and_says_so_when_nothing_is_wrong(batch) -> None:
    document, reports = batch
    head = Letterhead(issuer="某市政务公开办公室", issued=date(2027, 1, 5), deadline=date(2027, 2, 1))
    paragraphs = _paragraphs(notice_docx(document.reports[1], reports=[reports[1]], letterhead=head))
    assert not _problems(paragraphs)
    assert "经检查，未发现需要整改的问题。" in paragraphs
    assert paragraphs[-2:] == ["某市政务公开办公室", "2027年1月5日"]
    assert any("国办公开办函〔2019〕60号" in p for p in paragraphs)
    faults = _paragraphs(notice_docx(document.reports[0], letterhead=head))
    assert any("于2027年2月1日前" in p for p in faults)


def test_bulletin_for_a_batch_summarises_every_report(batch) -> None:
    document, reports = batch
    data = notice_docx(document, reports=reports)
    letter = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in letter.paragraphs]
    assert paragraphs[0] == "关于政府信息公开工作年度报告检查情况的通报"  # two years: none named
    assert any("共检查年度报告2份，其中存在错误的1份" in p for p in paragraphs)
    table = letter.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "单位", "年度", "需更正", "需核实", "结论"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [row[1] for row in body] == [r.agency for r in document.reports]
    assert body[0][3] == "5" and body[1][5] == "未发现问题"
    assert "（一）统计表数据勾稽关系错误" in paragraphs


def test_letters_survive_hostile_text() -> None:
    paragraphs = _paragraphs(notice_docx(_hostile_document().reports[0]))
    assert any(p.startswith("1. 表三合计不符。") for p in paragraphs)


def test_deliverables_import_their_libraries_lazily() -> None:
    code = (
        "import sys, compliance.deliverables, compliance.formatters.xlsx;"
        "print(sorted(m for m in ('openpyxl', 'docx') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    import compliance.deliverables as deliverables

    assert all(callable(getattr(deliverables, name)) or name == "STATE_LABELS" for name in deliverables.__all__)
    with pytest.raises(AttributeError):
        _ = deliverables.no_such_name  # type: ignore[attr-defined]


def test_reviews_may_be_rows_with_attributes() -> None:
    from enum import Enum
    from types import SimpleNamespace

    from compliance.deliverables.reviews import as_review

    class State(Enum):
        dismissed = "dismissed"

    row = SimpleNamespace(state=State.dismissed, reason="口径不同", reviewer="李四", at=None, fingerprint="x")
    review = as_review(row)
    assert review is not None and review.settled and review.label == "已排除" and review.reviewer == "李四"
    assert as_review({"reason": "no state"}) is None and as_review("confirmed").label == "已确认"  # type: ignore[union-attr]
