"""The audit database: reports, runs, findings and reviews as SQLAlchemy 2 tables.

A report row is one submitted version of one agency's report for one year (its *identity*, the same
string the fingerprints use: agency and year, else the file name). Findings belong to the run that
produced them; a report's current findings are those of its last run. Reviews are keyed by identity
and fingerprint, not by finding row, so a review survives re-runs and re-submitted versions.

SQLite (a file, nothing to start) by default; PostgreSQL (or anything SQLAlchemy speaks) by URL. The
schema is created and upgraded by the Alembic migrations in ``migrations/``, never by ``create_all``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

DEFAULT_DB = "compliance.db"

# Report statuses in the order a report normally goes through them.
STATUSES = ("received", "checked", "reviewed", "returned", "accepted")
STATUS_LABELS = {
    "received": "已接收",
    "checked": "已检查",
    "reviewed": "已审核",
    "returned": "已退回整改",
    "accepted": "已通过",
}
# What a reviewer can say about one finding.
REVIEW_STATES = ("confirmed", "dismissed", "rectify")
REVIEW_LABELS = {"confirmed": "确认", "dismissed": "排除", "rectify": "需整改", "rectified": "已整改", "open": "待审核"}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Run(Base):
    """One invocation that checked reports: ``compliance audit``, an upload, an API call."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(20))
    tool_version: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    files: Mapped[int] = mapped_column(Integer, default=0)


class ReportRow(Base):
    """One submitted version of a report, with the structured report the engine read from it."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("identity", "version", name="uq_reports_identity_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(Text, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str | None] = mapped_column(String(40), default=None)
    agency: Mapped[str | None] = mapped_column(Text, default=None)
    region: Mapped[str | None] = mapped_column(Text, default=None, index=True)
    year: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    template: Mapped[str | None] = mapped_column(String(10), default=None)
    # Deferred: lists of reports never need it, and it is the largest column by far.
    structured: Mapped[dict[str, Any] | None] = mapped_column(default=None, deferred=True)
    status: Mapped[str] = mapped_column(String(20), default="received")
    status_by: Mapped[str | None] = mapped_column(Text, default=None)
    status_at: Mapped[datetime | None] = mapped_column(default=None)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), default=None)

    findings: Mapped[list[FindingRow]] = relationship(back_populates="report", cascade="all, delete-orphan")


class FindingRow(Base):
    """One finding of one run on one report version; ``data`` is the contract's finding JSON."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_report_run", "report_id", "run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(Text, index=True)
    category: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text, default=None)
    table_id: Mapped[str | None] = mapped_column(Text, default=None)
    row_id: Mapped[str | None] = mapped_column(Text, default=None)
    column_id: Mapped[str | None] = mapped_column(Text, default=None)
    data: Mapped[dict[str, Any]] = mapped_column()

    report: Mapped[ReportRow] = relationship(back_populates="findings")


class Review(Base):
    """A reviewer's decision on a finding; the latest one per (identity, fingerprint) holds."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_identity_fingerprint", "identity", "fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    reviewer: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


def database_url(value: str | None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as given, else a path to a SQLite file.

    ``postgresql://`` is sent through psycopg 3 (the driver the ``workspace`` extra installs).
    """
    value = value or DEFAULT_DB
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def open_engine(url: str | None, *, migrate: bool = True) -> Engine:
    """An engine on the database at ``url``, its schema brought up to date by the migrations."""
    engine = create_engine(database_url(url), future=True)
    if migrate:
        from compliance.workspace.migrate import upgrade

        upgrade(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker:  # type: ignore[type-arg]
    return sessionmaker(engine, expire_on_commit=False)
