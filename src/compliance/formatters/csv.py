"""CSV: one row per finding, for spreadsheets and quick filtering (written with the csv module)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

from compliance.formatters import display_path
from compliance.formatters.streaming import Writer, render_streamed
from compliance.hookspecs import hookimpl
from compliance.model import BaselineStatus, FindingsDocument, Report, ReportResult, Summary, ToolInfo

COLUMNS = (
    "source",
    "agency",
    "year",
    "template",
    "rule",
    "category",
    "severity",
    "section",
    "table",
    "row",
    "column",
    "line",
    "page",
    "expected",
    "actual",
    "message",
    "message_en",
    "evidence",
    "fingerprint",
    "baseline",
    # Added later, so at the end: existing consumers keep their column positions.
    "char",
    "offset",
)


def _text(value: object) -> str:
    return "" if value is None else str(value)


class CsvFormatter:
    name = "csv"
    machine_readable = True
    # Files get a BOM so that Excel reads them as UTF-8 (Chinese, not mojibake); stdout stays plain
    # for programs reading the pipe.
    file_encoding = "utf-8-sig"

    def __init__(self) -> None:
        self._writer: Any = None

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        return render_streamed(self, document, reports)

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow(COLUMNS)

    def add(self, result: ReportResult, report: Report | None) -> None:
        source = display_path(result.source)
        for found in result.findings:
            loc = found.location
            row = {
                "source": source,
                "agency": result.agency,
                "year": result.year,
                "template": result.template,
                "rule": found.rule,
                "category": found.category,
                "severity": found.severity,
                "section": loc.section,
                "table": loc.table,
                "row": loc.row,
                "column": loc.column,
                "line": loc.line,
                "page": loc.page,
                "char": loc.char,
                "offset": loc.offset,
                "expected": found.expected,
                "actual": found.actual,
                "message": found.message,
                "message_en": found.message_en,
                "evidence": found.evidence,
                "fingerprint": found.fingerprint,
                "baseline": found.baseline,
            }
            self._writer.writerow([_text(row[c]) for c in COLUMNS])

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        self._writer = None


@hookimpl
def compliance_formatters() -> list[object]:
    return [CsvFormatter()]
