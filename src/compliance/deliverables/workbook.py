"""The Excel 问题清单 of a batch: one sheet of findings, one of reports, one of the rules that fired.

Written with openpyxl, imported only when a workbook is made. Every text cell is written as text, never
as a formula, whatever it starts with: report text is not trusted (a value beginning with ``=`` would
otherwise run in the supervisor's spreadsheet).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from compliance.deliverables.describe import (
    category_label,
    counts,
    document_order,
    location_text,
    rectification,
    report_name,
    section_key,
    section_title,
    severity_label,
    top_rules,
    verdict,
    xml_text,
)
from compliance.deliverables.reviews import Reviews, review_of, settled_count, standing
from compliance.formatters import display_path
from compliance.model import RATIO_COLUMNS, RATIO_NAMES, FindingsDocument, Report, ReportResult

FINDINGS_SHEET = "问题清单"
REPORTS_SHEET = "报告汇总"
RULES_SHEET = "规则统计"

# (header, column width in characters); the order is the order of the sheet's columns.
FINDING_COLUMNS = (
    ("序号", 6),
    ("被检查单位", 22),
    ("年度", 7),
    ("报告文件", 28),
    ("模板", 8),
    ("所属部分", 26),
    ("规则", 20),
    ("类别", 14),
    ("严重程度", 9),
    ("问题描述", 60),
    ("应为", 10),
    ("实为", 10),
    ("位置", 36),
    ("原文", 40),
    ("整改要求", 40),
    ("审核状态", 10),
    ("审核意见", 24),
    ("审核人", 10),
    ("指纹", 22),
)
REPORT_COLUMNS = (
    ("报告文件", 28),
    ("被检查单位", 22),
    ("年度", 7),
    ("模板", 8),
    ("错误", 7),
    ("警告", 7),
    ("提示", 7),
    ("已排除", 8),
    ("已整改", 8),
    ("结论", 10),
    ("主要问题", 40),
    *((RATIO_NAMES[name], 12) for name in RATIO_COLUMNS),
)
RULE_COLUMNS = (("规则", 20), ("类别", 14), ("严重程度", 9), ("问题数", 8), ("涉及报告数", 10))


def findings_workbook(
    document: FindingsDocument, reports: Sequence[Report | None] = (), reviews: Reviews | None = None
) -> bytes:
    """The batch's 问题清单 as an .xlsx file.

    ``reports`` (optional, in the order of ``document.reports``) give hybrid reports' table layouts
    for cell labels. ``reviews`` maps fingerprints to review states; dismissed and rectified findings
    stay in the list, marked, and are not counted in the per-report summary. The workspace may pass a
    finding that went away in a corrected version with the state ``rectified``, to list it as 已整改.
    """
    from openpyxl import Workbook

    book = Workbook()
    findings_sheet = book.active
    findings_sheet.title = FINDINGS_SHEET
    padded = list(reports) + [None] * (len(document.reports) - len(reports))
    rows = [
        row
        for result, report in zip(document.reports, padded, strict=False)
        for row in _finding_rows(result, report, reviews)
    ]
    _fill(findings_sheet, FINDING_COLUMNS, [[number, *row] for number, row in enumerate(rows, start=1)])
    summaries = book.create_sheet(REPORTS_SHEET)
    _fill(summaries, REPORT_COLUMNS, [_report_row(r, reviews) for r in document.reports])
    _as_percent(summaries, len(REPORT_COLUMNS) - len(RATIO_COLUMNS) + 1, len(REPORT_COLUMNS))
    _fill(book.create_sheet(RULES_SHEET), RULE_COLUMNS, _rule_rows(document, reviews))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _finding_rows(result: ReportResult, report: Report | None, reviews: Reviews | None) -> list[list[Any]]:
    rows = []
    for found in sorted(result.findings, key=document_order):  # as the report reads, like the letters
        review = review_of(found, reviews)
        rows.append(
            [
                result.agency,
                result.year,
                display_path(result.source),
                result.template,
                section_title(section_key(found)),
                found.rule,
                category_label(found.category),
                severity_label(found.severity),
                found.message,
                found.expected,
                found.actual,
                location_text(found, result.template, report),
                found.evidence,
                rectification(found),
                review.label if review else None,
                review.reason if review else None,
                review.reviewer if review else None,
                found.fingerprint,
            ]
        )
    return rows


def _report_row(result: ReportResult, reviews: Reviews | None) -> list[Any]:
    kept = standing(result.findings, reviews)
    c = counts(kept)
    return [
        display_path(result.source),
        report_name(result) if result.agency else None,
        result.year,
        result.template,
        c["error"],
        c["warning"],
        c["info"],
        settled_count(result.findings, reviews, "dismissed"),
        settled_count(result.findings, reviews, "rectified"),
        verdict(kept),
        top_rules([f for f in kept if f.severity != "info"]),  # the problems, not the reading notes
        # Exact fractions shown as percentages; blank where a figure is unknown.
        *(getattr(result.ratios, name) if result.ratios is not None else None for name in RATIO_COLUMNS),
    ]


def _rule_rows(document: FindingsDocument, reviews: Reviews | None) -> list[list[Any]]:
    findings = Counter[tuple[str, str, str]]()
    reports = Counter[tuple[str, str, str]]()
    for result in document.reports:
        seen = set()
        for found in standing(result.findings, reviews):
            key = (found.rule, found.category, found.severity)
            findings[key] += 1
            seen.add(key)
        reports.update(seen)
    ranked = sorted(findings, key=lambda key: (-reports[key], -findings[key], key))
    return [[key[0], category_label(key[1]), severity_label(key[2]), findings[key], reports[key]] for key in ranked]


def _as_percent(sheet: Any, first: int, last: int) -> None:
    for cells in sheet.iter_rows(min_row=2, min_col=first, max_col=last):
        for cell in cells:
            cell.number_format = "0.0%"


def _fill(sheet: Any, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[Any]]) -> None:
    """Header in bold, frozen and filtered; text wrapped in the wide columns; text never a formula."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append([header for header, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in rows:
        sheet.append([_value(v) for v in values])
    wide = [width >= 24 for _, width in columns]
    for cells in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=len(columns)):
        for cell, wrapped in zip(cells, wide, strict=True):
            if cell.data_type == "f":
                cell.data_type = "s"  # report text that starts with "=" stays text
            if wrapped:
                cell.alignment = wrap
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    # Printed on paper as often as read on screen: landscape, one page wide, the header on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _value(value: Any) -> Any:
    """Numbers stay numbers (exact: int or Decimal); everything else is XML-safe text or empty."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return xml_text(value)
