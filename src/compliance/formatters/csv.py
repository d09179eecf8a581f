"""CSV: one row per finding, for spreadsheets and quick filtering (written with the csv module)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from compliance.formatters import display_path
from compliance.hookspecs import hookimpl
from compliance.model import FindingsDocument, Report

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

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for result in document.reports:
            for found in result.findings:
                loc = found.location
                row = {
                    "source": display_path(result.source),
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
                writer.writerow([_text(row[c]) for c in COLUMNS])
        return buffer.getvalue()


@hookimpl
def compliance_formatters() -> list[object]:
    return [CsvFormatter()]
