"""Figures for the dashboard, the agency view and the API: counts per report, per rule, region and year.

Every figure is about the newest version of each report: an older version stays in the database (its
findings are what a later version rectified) but is not counted twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from compliance.workspace.db import STATUS_LABELS, ReportRow
from compliance.workspace.review import finding_views, latest_versions


@dataclass
class ReportSummary:
    id: int
    identity: str
    agency: str | None
    region: str | None
    year: int | None
    template: str | None
    version: int
    status: str
    source: str
    error: int = 0
    warning: int = 0
    info: int = 0
    open: int = 0  # findings without a decision
    rectified: int = 0
    rules: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Filters:
    region: str | None = None
    agency: str | None = None  # part of the agency's name
    year: int | None = None
    status: str | None = None
    rule: str | None = None  # only reports with a current finding of this rule (dashboard only)

    def keep(self, row: ReportRow) -> bool:
        return (
            (not self.region or row.region == self.region)
            and (not self.agency or self.agency in (row.agency or row.identity))
            and (self.year is None or row.year == self.year)
            and (not self.status or row.status == self.status)
        )


SORT_KEYS = ("region", "agency", "year", "status", "error", "warning", "open", "version")


def summarise(session: Session, row: ReportRow) -> ReportSummary:
    summary = ReportSummary(
        id=row.id,
        identity=row.identity,
        agency=row.agency,
        region=row.region,
        year=row.year,
        template=row.template,
        version=row.version,
        status=row.status,
        source=row.source,
    )
    for view in finding_views(session, row):
        if view.state == "rectified":
            summary.rectified += 1
            continue
        severity = view.finding.get("severity", "info")
        setattr(summary, severity, getattr(summary, severity) + 1)
        summary.open += view.state == "open"
        summary.rules.append(view.finding.get("rule", ""))
    return summary


def report_summaries(
    session: Session, filters: Filters | None = None, sort: str = "region", descending: bool = False
) -> list[ReportSummary]:
    filters = filters or Filters()
    rows = [summarise(session, row) for row in latest_versions(session) if filters.keep(row)]
    if filters.rule:
        rows = [summary for summary in rows if filters.rule in summary.rules]
    key = sort if sort in SORT_KEYS else "region"

    def order(summary: ReportSummary) -> tuple[bool, Any, str]:
        value = summary.agency if key == "agency" else getattr(summary, key)
        return (value is None, value if value is not None else 0, summary.identity)

    present = sorted((s for s in rows if _value(s, key) is not None), key=order, reverse=descending)
    return present + [s for s in rows if _value(s, key) is None]  # unknowns last either way


def _value(summary: ReportSummary, key: str) -> Any:
    return summary.agency if key == "agency" else getattr(summary, key)


@dataclass
class Overview:
    """What the dashboard's charts and its top-rules table show."""

    reports: int
    failing: int  # reports with at least one error
    by_rule: list[tuple[str, int, int]]  # rule, findings, reports
    by_region: list[tuple[str, int]]
    by_year: list[tuple[str, int]]
    by_status: list[tuple[str, int]]

    def chart_data(self) -> dict[str, Any]:
        return {
            "byRule": {"labels": [r for r, _, _ in self.by_rule[:15]], "values": [n for _, n, _ in self.by_rule[:15]]},
            "byRegion": {"labels": [r for r, _ in self.by_region], "values": [n for _, n in self.by_region]},
            "byYear": {"labels": [y for y, _ in self.by_year], "values": [n for _, n in self.by_year]},
            "failing": {"labels": ["有错误", "无错误"], "values": [self.failing, self.reports - self.failing]},
        }


def overview(summaries: list[ReportSummary]) -> Overview:
    findings: Counter[str] = Counter()
    reports_with: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    years: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for summary in summaries:
        findings.update(summary.rules)
        reports_with.update(set(summary.rules))
        regions[summary.region or "（未知）"] += len(summary.rules)
        years[str(summary.year) if summary.year else "（未知）"] += len(summary.rules)
        statuses[summary.status] += 1
    by_rule = sorted(((rule, n, reports_with[rule]) for rule, n in findings.items()), key=lambda t: (-t[1], t[0]))
    return Overview(
        reports=len(summaries),
        failing=sum(1 for s in summaries if s.error),
        by_rule=by_rule,
        by_region=sorted(regions.items(), key=lambda t: (-t[1], t[0])),
        by_year=sorted(years.items()),
        by_status=[(status, statuses[status]) for status in STATUS_LABELS if statuses[status]],
    )


def agency_years(session: Session, agency: str) -> list[ReportSummary]:
    """One agency's reports, newest version of each year, oldest year first."""
    rows = [row for row in latest_versions(session) if row.agency == agency]
    return sorted((summarise(session, row) for row in rows), key=lambda s: s.year or 0)


def choices(session: Session) -> dict[str, list[Any]]:
    """The values the dashboard's filters offer."""
    rows = latest_versions(session)
    return {
        "regions": sorted({r.region for r in rows if r.region}),
        "years": sorted({r.year for r in rows if r.year}, reverse=True),
        "statuses": [s for s in STATUS_LABELS if any(r.status == s for r in rows)],
    }
