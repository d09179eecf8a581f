"""Check files with the engine and store everything in the audit database.

A file whose identity (agency and year) is already stored with the same content is the same version
checked again: a new run replaces its current findings. Different content under a stored identity is a
new version. Cross-year rules pair each report with last year's report of the same agency, from the
batch itself (the engine's batch pairing) or, failing that, from the database.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance.engine import CheckedReport, Options, check_report, enabled_rules, get_registry
from compliance.model import Report
from compliance.plugins import installed_version
from compliance.project.baseline import report_identity, with_fingerprints
from compliance.workspace.db import ReportRow, Run, utcnow

# The first administrative division named at the start of an agency's name (省, 市, 县, 区 …).
_LEADING_DIVISION = re.compile(r"^(.{1,12}?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|地区|县|区|旗))")


def region_of(agency: str | None) -> str | None:
    """The region an agency belongs to, read from the start of its name (None when it names none)."""
    if not agency:
        return None
    found = _LEADING_DIVISION.match(agency)
    return found.group(1) if found else None


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# One writer at a time in this process: two uploads of the same report must not both take version n+1.
_writing = threading.Lock()


@dataclass
class Submitted:
    """A file to check: where it is, the name to store it under, and its region when a manifest gives one."""

    path: Path
    name: str | None = None
    region: str | None = None


def audit(
    session: Session,
    files: Sequence[Submitted],
    options: Options | None = None,
    *,
    origin: str = "audit",
    jobs: int = 1,
    timeout: float | None = 60.0,
) -> list[ReportRow]:
    """Check ``files`` with the engine's batch run and store reports, the run and findings; commits.

    The checking happens before anything is written: a batch may take minutes, and a write transaction
    held that long would lock a SQLite database against the reviewers working meanwhile.
    """
    from compliance.batch import BatchOptions, run_batch

    options = options or Options()
    started = utcnow()
    outcome = run_batch([f.path for f in files], options, BatchOptions(jobs=jobs, timeout=timeout, keep_reports=True))
    paired = {pair.source for pair in outcome.pairs}
    checked_files = [
        _with_stored_previous(session, checked, options)
        if checked.report is not None and str(submitted.path) not in paired
        else checked
        for submitted, checked in zip(files, outcome.checked, strict=True)
    ]
    with _writing:
        run = Run(origin=origin, tool_version=installed_version(), files=len(files), started_at=started)
        session.add(run)
        session.flush()
        rows = [
            _store(session, run, submitted, checked) for submitted, checked in zip(files, checked_files, strict=True)
        ]
        run.finished_at = utcnow()
        session.commit()
    return rows


def _with_stored_previous(session: Session, checked: CheckedReport, options: Options) -> CheckedReport:
    """Run the cross-year rules against last year's stored report of the same agency, if there is one."""
    report = checked.report
    if report is None or not report.agency or not report.year:
        return checked
    stored = session.scalars(
        select(ReportRow)
        .where(ReportRow.agency == report.agency, ReportRow.year == report.year - 1, ReportRow.structured.is_not(None))
        .order_by(ReportRow.version.desc())
        .limit(1)
    ).first()
    if stored is None or stored.structured is None:
        return checked
    registry = get_registry()
    cross = [r for r in enabled_rules(registry, options) if r.kind.needs_previous]
    previous = Report.model_validate(stored.structured)
    extra = check_report(report, registry, options, previous, rules=cross)
    result = checked.result.model_copy(update={"findings": checked.result.findings + extra})
    return CheckedReport(checked.path, report, with_fingerprints(result))


def _store(session: Session, run: Run, submitted: Submitted, checked: CheckedReport) -> ReportRow:
    from compliance.workspace.db import FindingRow

    result = checked.result
    name = submitted.name or submitted.path.name
    if result.agency is None or result.year is None:
        # Without agency and year the identity is the file name: the stored name, not a temporary path.
        result = result.model_copy(update={"source": name})
    # Every finding gets its fingerprint here (the batch's cross-year and roll-up findings come without).
    result = with_fingerprints(result)
    identity = report_identity(result)
    sha256 = content_hash(submitted.path)
    row = session.scalars(select(ReportRow).where(ReportRow.identity == identity, ReportRow.sha256 == sha256)).first()
    if row is None:
        latest = session.scalar(select(func.max(ReportRow.version)).where(ReportRow.identity == identity))
        row = ReportRow(identity=identity, version=(latest or 0) + 1, source=name, sha256=sha256, status="received")
        session.add(row)
    report = checked.report
    row.agency, row.year, row.template = result.agency, result.year, result.template
    row.region = submitted.region or row.region or region_of(result.agency)
    row.format = report.source.format if report is not None else None
    row.structured = report.model_dump(mode="json", exclude_none=True) if report is not None else None
    if row.status == "received":
        row.status = "checked"
    session.flush()
    for found in result.findings:
        loc = found.location
        session.add(
            FindingRow(
                report_id=row.id,
                run_id=run.id,
                fingerprint=found.fingerprint or "",
                rule=found.rule,
                category=found.category,
                severity=found.severity,
                message=found.message,
                section=loc.section,
                table_id=loc.table,
                row_id=loc.row,
                column_id=loc.column,
                data=found.model_dump(mode="json", exclude_none=True),
            )
        )
    row.last_run_id = run.id
    return row
