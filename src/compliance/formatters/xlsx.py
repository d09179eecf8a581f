"""Excel: the batch's 问题清单 (findings, per-report summary, rules) as an .xlsx workbook.

A binary format (``binary = True``): ``render`` returns bytes and the CLI requires ``--output``. The
workbook itself is made by ``compliance.deliverables`` (shared with the workspace's downloads), which
imports openpyxl only then. From the CLI the review columns are empty: reviews live in the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.hookspecs import hookimpl
from compliance.model import FindingsDocument, Report


class XlsxFormatter:
    name = "xlsx"
    machine_readable = True
    binary = True

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> bytes:
        from compliance.deliverables.workbook import findings_workbook

        return findings_workbook(document, reports)


@hookimpl
def compliance_formatters() -> list[object]:
    return [XlsxFormatter()]
