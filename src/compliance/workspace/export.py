"""The audit database read back as the engine's own types: a findings document, reports, review states.

What ``compliance check`` would hand a formatter, built from stored rows instead of a fresh run: the
contract's findings JSON for the API, and the input of the Excel list and Word letters
(``compliance.deliverables``), with each finding's review keyed by fingerprint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from compliance.engine import summarise
from compliance.model import Finding, FindingsDocument, Report, ReportResult
from compliance.workspace.db import ReportRow
from compliance.workspace.review import FindingView, finding_views


@dataclass
class Export:
    document: FindingsDocument
    reports: list[Report | None]
    reviews: dict[str, FindingView]  # fingerprint → the finding's review state (current findings only)


def export(session: Session, rows: Sequence[ReportRow], *, with_reports: bool = True) -> Export:
    """The current findings of ``rows`` (in order) as one findings document, with reports and reviews.

    ``with_reports=False`` leaves the structured reports out (None each): reading them back costs more
    than the findings, and only what re-renders tables needs them.
    """
    results: list[ReportResult] = []
    reports: list[Report | None] = []
    reviews: dict[str, FindingView] = {}
    for row in rows:
        views = [v for v in finding_views(session, row) if v.state != "rectified"]
        findings = [Finding.model_validate(v.finding) for v in views]
        results.append(
            ReportResult(source=row.source, template=row.template, year=row.year, agency=row.agency, findings=findings)
        )
        stored = row.structured if with_reports else None
        reports.append(Report.model_validate(stored) if stored is not None else None)
        reviews.update({v.fingerprint: v for v in views})
    return Export(summarise(results), reports, reviews)
