"""The one-row-per-report CSV of a batch (``--summary FILE.csv``), whatever the output format."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from compliance.model import RATIO_COLUMNS, FindingsDocument, ReportResult
from compliance.rules.ratios import ratio_cells

SUMMARY_COLUMNS = ("source", "agency", "year", "template", "errors", "warnings", "info", "top_rules", *RATIO_COLUMNS)


def top_rules(result: ReportResult, limit: int = 3) -> str:
    counts = Counter(f.rule for f in result.findings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return "; ".join(f"{rule}×{count}" if count > 1 else rule for rule, count in ranked)


def summary_row(result: ReportResult) -> dict[str, str]:
    counts = Counter(f.severity for f in result.findings)
    return {
        "source": result.source,
        "agency": result.agency or "",
        "year": "" if result.year is None else str(result.year),
        "template": result.template or "",
        "errors": str(counts["error"]),
        "warnings": str(counts["warning"]),
        "info": str(counts["info"]),
        "top_rules": top_rules(result),
        **ratio_cells(result.ratios),
    }


def summary_rows(document: FindingsDocument) -> list[dict[str, str]]:
    return [summary_row(result) for result in document.reports]


class SummaryWriter:
    """Writes the summary CSV one row per report as results come (``with SummaryWriter(path) as w``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: Any = None
        self._writer: Any = None

    def __enter__(self) -> SummaryWriter:
        self._handle = self.path.open("w", encoding="utf-8-sig", newline="")  # BOM: Excel opens it as UTF-8
        self._writer = csv.DictWriter(self._handle, fieldnames=SUMMARY_COLUMNS)
        self._writer.writeheader()
        return self

    def add(self, result: ReportResult) -> None:
        self._writer.writerow(summary_row(result))

    def __exit__(self, *exc_info: object) -> None:
        self._handle.close()


def write_summary(path: Path, document: FindingsDocument) -> None:
    """One row per report (``--summary FILE.csv``), whatever the output format."""
    with SummaryWriter(path) as writer:
        for result in document.reports:
            writer.add(result)
