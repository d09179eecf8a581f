"""The review workflow: decisions on findings, what became of them in later versions, report status.

A decision (confirmed, dismissed with a reason, to be rectified) is recorded against the report's
identity and the finding's fingerprint, so it still applies when the same report is checked again or
re-submitted. A finding of the previous version that the current version no longer has is *rectified*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance.workspace.db import REVIEW_STATES, STATUSES, FindingRow, ReportRow, Review, utcnow


class ReviewError(ValueError):
    """A review action that cannot be taken (unknown state, missing reason or reviewer, no such finding)."""


@dataclass
class FindingView:
    """A finding as the reviewer sees it: its data, its review state and who decided when."""

    finding: dict[str, Any]
    fingerprint: str
    state: str  # open, confirmed, dismissed, rectify, rectified
    reviewer: str | None = None
    reason: str | None = None
    at: datetime | None = None
    decided: str | None = None  # the last decision before the finding went away (rectified ones)


def current_findings(session: Session, report: ReportRow) -> list[FindingRow]:
    if report.last_run_id is None:
        return []
    return list(
        session.scalars(
            select(FindingRow)
            .where(FindingRow.report_id == report.id, FindingRow.run_id == report.last_run_id)
            .order_by(FindingRow.id)
        )
    )


def latest_reviews(session: Session, identity: str, fingerprints: Iterable[str] | None = None) -> dict[str, Review]:
    """The newest decision per fingerprint for one report identity."""
    query = select(Review).where(Review.identity == identity).order_by(Review.at, Review.id)
    if fingerprints is not None:
        query = query.where(Review.fingerprint.in_(list(fingerprints)))
    latest: dict[str, Review] = {}
    for review in session.scalars(query):
        latest[review.fingerprint] = review
    return latest


def history(session: Session, identity: str) -> dict[str, list[Review]]:
    """Every decision per fingerprint for one report identity, oldest first (the audit trail)."""
    trail: dict[str, list[Review]] = {}
    for review in session.scalars(select(Review).where(Review.identity == identity).order_by(Review.at, Review.id)):
        trail.setdefault(review.fingerprint, []).append(review)
    return trail


def previous_version(session: Session, report: ReportRow) -> ReportRow | None:
    return session.scalars(
        select(ReportRow)
        .where(ReportRow.identity == report.identity, ReportRow.version < report.version)
        .order_by(ReportRow.version.desc())
        .limit(1)
    ).first()


def finding_views(session: Session, report: ReportRow) -> list[FindingView]:
    """The report's current findings with their review state, then the previous version's that are gone."""
    current = current_findings(session, report)
    present = {f.fingerprint for f in current}
    earlier = previous_version(session, report)
    gone = [f for f in current_findings(session, earlier) if f.fingerprint not in present] if earlier else []
    reviews = latest_reviews(session, report.identity)
    views = []
    for row in current:
        review = reviews.get(row.fingerprint)
        views.append(
            FindingView(
                finding=row.data,
                fingerprint=row.fingerprint,
                state=review.state if review else "open",
                reviewer=review.reviewer if review else None,
                reason=review.reason if review else None,
                at=review.at if review else None,
            )
        )
    for row in gone:
        review = reviews.get(row.fingerprint)
        views.append(
            FindingView(
                finding=row.data,
                fingerprint=row.fingerprint,
                state="rectified",
                reviewer=review.reviewer if review else None,
                reason=review.reason if review else None,
                at=review.at if review else None,
                decided=review.state if review else None,
            )
        )
    return views


def review_finding(
    session: Session, report: ReportRow, fingerprint: str, state: str, reviewer: str, reason: str | None = None
) -> Review:
    """Record a decision on one of the report's current findings; commits."""
    if state not in REVIEW_STATES:
        raise ReviewError(f"unknown review state '{state}'; choose one of: {', '.join(REVIEW_STATES)}")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ReviewError("a review needs the reviewer's name")
    reason = (reason or "").strip() or None
    if state == "dismissed" and reason is None:
        raise ReviewError("dismissing a finding needs a reason")
    if fingerprint not in {f.fingerprint for f in current_findings(session, report)}:
        raise ReviewError(f"the report has no current finding with fingerprint {fingerprint}")
    review = Review(identity=report.identity, fingerprint=fingerprint, state=state, reason=reason, reviewer=reviewer)
    session.add(review)
    session.flush()
    _advance_status(session, report, reviewer)
    session.commit()
    return review


def _advance_status(session: Session, report: ReportRow, reviewer: str) -> None:
    """A checked report whose findings all have a decision becomes reviewed."""
    if report.status not in ("received", "checked"):
        return
    fingerprints = {f.fingerprint for f in current_findings(session, report)}
    if fingerprints and fingerprints <= set(latest_reviews(session, report.identity, fingerprints)):
        _set(report, "reviewed", reviewer)


def set_status(session: Session, report: ReportRow, status: str, by: str) -> None:
    """Set a report's status (e.g. returned for rectification, accepted); commits."""
    if status not in STATUSES:
        raise ReviewError(f"unknown report status '{status}'; choose one of: {', '.join(STATUSES)}")
    if not (by or "").strip():
        raise ReviewError("a status change needs the reviewer's name")
    _set(report, status, by.strip())
    session.commit()


def _set(report: ReportRow, status: str, by: str) -> None:
    report.status, report.status_by, report.status_at = status, by, utcnow()


def versions(session: Session, identity: str) -> list[ReportRow]:
    return list(session.scalars(select(ReportRow).where(ReportRow.identity == identity).order_by(ReportRow.version)))


def latest_versions(session: Session) -> list[ReportRow]:
    """The newest version of every report identity."""
    rows = session.scalars(select(ReportRow).order_by(ReportRow.identity, ReportRow.version.desc()))
    seen: dict[str, ReportRow] = {}
    for row in rows:
        seen.setdefault(row.identity, row)
    return list(seen.values())
