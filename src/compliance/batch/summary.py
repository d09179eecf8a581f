"""The one-row-per-report CSV of a batch (``--summary FILE.csv``), whatever the output format."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from compliance.model import FindingsDocument, ReportResult

SUMMARY_COLUMNS = ("source", "agency", "year", "template", "errors", "warnings", "info", "top_rules")


def top_rules(result: ReportResult, limit: int = 3) -> str:
    counts = Counter(f.rule for f in result.findings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return "; ".join(f"{rule}×{count}" if count > 1 else rule for rule, count in ranked)


def summary_rows(document: FindingsDocument) -> list[dict[str, str]]:
    rows = []
    for result in document.reports:
        counts = Counter(f.severity for f in result.findings)
        rows.append(
            {
                "source": result.source,
                "agency": result.agency or "",
                "year": "" if result.year is None else str(result.year),
                "template": result.template or "",
                "errors": str(counts["error"]),
                "warnings": str(counts["warning"]),
                "info": str(counts["info"]),
                "top_rules": top_rules(result),
            }
        )
    return rows


def write_summary(path: Path, document: FindingsDocument) -> None:
    """One row per report (``--summary FILE.csv``), whatever the output format."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel opens it as UTF-8
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(summary_rows(document))
