"""Review states of findings, as the deliverables see them: a mapping fingerprint → review.

The workspace stores reviews (who confirmed or dismissed which finding, and why); the deliverables only
read them. A review may arrive as a ``Review``, as a plain mapping with the same keys, as any object with
those attributes (an ORM row), or as a bare state string, so that callers need not convert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from compliance.model import Finding

# States that close a finding: a letter no longer reports it, a summary no longer counts it.
SETTLED = frozenset({"dismissed", "rectified"})
# The states of the review workflow (issue 16), with the words a supervisor's list uses for them.
STATE_LABELS: dict[str, str] = {
    "open": "待审核",
    "confirmed": "已确认",
    "dismissed": "已排除",
    "rectify": "需整改",
    "rectified": "已整改",
}


@dataclass(frozen=True)
class Review:
    """One finding's review: the state, the reason (required for a dismissal), who and when."""

    state: str
    reason: str | None = None
    reviewer: str | None = None
    at: datetime | date | str | None = None

    @property
    def label(self) -> str:
        """The state in the supervisor's words; an unknown state is shown as given."""
        return STATE_LABELS.get(self.state, self.state)

    @property
    def settled(self) -> bool:
        """Dismissed by the reviewer, or gone from a corrected version: nothing left to ask of the agency."""
        return self.state in SETTLED


Reviews = Mapping[str, Any]


def as_review(value: Any) -> Review | None:
    """Normalise whatever the caller keeps per fingerprint into a ``Review`` (None: not reviewed)."""
    if value is None or isinstance(value, Review):
        return value
    if isinstance(value, str):
        return Review(state=value)
    if isinstance(value, Mapping):
        fields = {k: value.get(k) for k in ("state", "reason", "reviewer", "at")}
    else:
        fields = {k: getattr(value, k, None) for k in ("state", "reason", "reviewer", "at")}
    state = fields.pop("state")
    if state is None:
        return None
    # Enum states (a database column) are shown by their value.
    return Review(state=str(getattr(state, "value", state)), **fields)


def review_of(finding: Finding, reviews: Reviews | None) -> Review | None:
    """The review recorded for this finding's fingerprint, if any."""
    if not reviews or finding.fingerprint is None:
        return None
    return as_review(reviews.get(finding.fingerprint))


def standing(findings: Sequence[Finding], reviews: Reviews | None) -> list[Finding]:
    """The findings still open to the agency: neither dismissed nor rectified."""
    return [f for f in findings if not ((r := review_of(f, reviews)) and r.settled)]


def settled_count(findings: Sequence[Finding], reviews: Reviews | None, state: str) -> int:
    """How many findings a review closed with ``state`` (dismissed or rectified)."""
    return sum(1 for f in findings if (r := review_of(f, reviews)) and r.state == state)
