"""The audit database and the review workflow, against SQLite and a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
from workspace_samples import FAULTS, corrected_version, sample_folder

from compliance.engine import Options, check_file, expand_paths, get_registry
from compliance.workspace.db import FindingRow, ReportRow, Run, open_engine, session_factory
from compliance.workspace.review import (
    ReviewError,
    finding_views,
    latest_versions,
    review_finding,
    set_status,
)
from compliance.workspace.store import Submitted, audit, region_of


@pytest.fixture
def session(db_url: str):  # type: ignore[no-untyped-def]
    engine = open_engine(db_url)
    with session_factory(engine)() as opened:
        yield opened
    engine.dispose()


def _submit(paths: list[Path]) -> list[Submitted]:
    return [Submitted(path) for path in paths]


def _faulty(session) -> ReportRow:  # type: ignore[no-untyped-def]
    return next(r for r in latest_versions(session) if r.source == FAULTS.name)


def test_migrations_create_exactly_the_models_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from compliance.workspace.db import Base
    from compliance.workspace.migrate import current_revision

    engine = open_engine(db_url)
    open_engine(db_url).dispose()  # a second start finds the schema current and changes nothing
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert current_revision(engine) == "0001"
    from alembic import command
    from sqlalchemy import inspect

    from compliance.workspace.migrate import alembic_config, upgrade

    command.downgrade(alembic_config(engine), "base")  # every migration can be undone
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"runs", "reports", "findings", "reviews"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_audit_stores_reports_findings_and_fingerprints(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = expand_paths([sample_folder(tmp_path / "batch")])
    rows = audit(session, _submit(files))
    assert len(rows) == len(files) == session.query(ReportRow).count()
    registry, options = get_registry(), Options()
    for path, row in zip(files, rows, strict=True):
        expected = check_file(path, registry, options).result
        assert (row.agency, row.year, row.template) == (expected.agency, expected.year, expected.template)
        assert row.identity == f"{expected.agency} {expected.year}"
        assert row.structured is not None and row.structured["year"] == expected.year
        assert row.status == "checked" and row.version == 1 and len(row.sha256) == 64
        stored = session.query(FindingRow).filter_by(report_id=row.id).all()
        assert sorted(f.fingerprint for f in stored) == sorted(f.fingerprint or "" for f in expected.findings)
        assert row.region == region_of(expected.agency)


def test_rerun_of_the_same_files_is_a_new_run_not_a_new_version(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = expand_paths([sample_folder(tmp_path / "batch")])
    audit(session, _submit(files))
    before = {(v.fingerprint, v.state) for v in finding_views(session, _faulty(session))}
    audit(session, _submit(files))
    assert session.query(Run).count() == 2
    assert session.query(ReportRow).count() == len(files)
    assert {(v.fingerprint, v.state) for v in finding_views(session, _faulty(session))} == before


def test_review_decisions_survive_reruns_and_a_corrected_version_shows_rectified(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    audit(session, _submit([FAULTS]))
    report = _faulty(session)
    views = {v.finding["rule"]: v for v in finding_views(session, report)}
    review_total, prose = views["T4-RV-TOTAL"], views["T3-TEXT"]
    with pytest.raises(ReviewError, match="reason"):
        review_finding(session, report, prose.fingerprint, "dismissed", "张审核")
    with pytest.raises(ReviewError, match="reviewer"):
        review_finding(session, report, prose.fingerprint, "confirmed", " ")
    with pytest.raises(ReviewError, match="state"):
        review_finding(session, report, prose.fingerprint, "ignored", "张审核")
    review_finding(session, report, review_total.fingerprint, "confirmed", "张审核")
    review_finding(session, report, prose.fingerprint, "dismissed", "张审核", "正文含上年结转，口径不同")
    audit(session, _submit([FAULTS]))  # checked again: the same version keeps its decisions
    states = {v.finding["rule"]: v.state for v in finding_views(session, _faulty(session))}
    assert states["T4-RV-TOTAL"] == "confirmed" and states["T3-TEXT"] == "dismissed"

    audit(session, _submit([corrected_version(tmp_path / "v2" / FAULTS.name)]))
    latest = _faulty(session)
    assert latest.version == 2 and latest.id != report.id
    views_after = finding_views(session, latest)
    by_rule = {v.finding["rule"]: v for v in views_after}
    assert by_rule["T4-RV-TOTAL"].state == "rectified" and by_rule["T4-RV-TOTAL"].decided == "confirmed"
    dismissed = by_rule["T3-TEXT"]
    assert dismissed.state == "dismissed" and dismissed.reason == "正文含上年结转，口径不同"
    open_rules = {v.finding["rule"] for v in views_after if v.state == "open"}
    assert "T3-ROW-TOTAL" in open_rules and "T4-RV-TOTAL" not in open_rules


def test_report_status_follows_reviews_and_can_be_set(session) -> None:  # type: ignore[no-untyped-def]
    audit(session, _submit([FAULTS]))
    report = _faulty(session)
    views = finding_views(session, report)
    for view in views[:-1]:
        review_finding(session, report, view.fingerprint, "rectify", "李审核")
    assert report.status == "checked"  # one finding still has no decision
    review_finding(session, report, views[-1].fingerprint, "confirmed", "李审核")
    assert report.status == "reviewed" and report.status_by == "李审核"
    set_status(session, report, "returned", "李审核")
    assert report.status == "returned"
    with pytest.raises(ReviewError):
        set_status(session, report, "lost", "李审核")


def test_region_is_the_leading_division_of_the_agency_name() -> None:
    assert region_of("鹭屿市交通运输局") == "鹭屿市"
    assert region_of("栖梧县人民政府") == "栖梧县"
    assert region_of("国务院办公厅") is None
    assert region_of(None) is None


def test_reviewers_can_write_while_a_batch_is_being_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite locks the whole file for a writer: the batch must not hold a write transaction while it checks."""
    import compliance.batch
    from compliance.workspace.db import Review

    url = str(tmp_path / "audit.db")
    engine = open_engine(url)
    sessions = session_factory(engine)
    checking = compliance.batch.run_batch
    written = []

    def run_batch_meanwhile_writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        with sessions() as reviewer:  # a reviewer's decision saved while the batch runs
            reviewer.add(Review(identity="某机关 2022", fingerprint="f", state="confirmed", reviewer="周审核"))
            reviewer.commit()
            written.append(True)
        return checking(*args, **kwargs)

    monkeypatch.setattr(compliance.batch, "run_batch", run_batch_meanwhile_writing)
    with sessions() as session:
        audit(session, _submit([FAULTS]))
        assert written and session.query(Review).count() == 1 and session.query(ReportRow).count() == 1
    engine.dispose()


def test_long_reviewer_names_and_reasons_are_stored_whole(session) -> None:  # type: ignore[no-untyped-def]
    """Nothing a reviewer types is cut to a column width (PostgreSQL would refuse it)."""
    (row,) = audit(session, _submit([FAULTS]))
    view = finding_views(session, row)[0]
    reviewer, reason = "审" * 300, "理由" * 2000
    review_finding(session, row, view.fingerprint, "dismissed", reviewer, reason)
    set_status(session, row, "returned", reviewer)
    (after,) = [v for v in finding_views(session, row) if v.fingerprint == view.fingerprint]
    assert (after.reviewer, after.reason, row.status_by) == (reviewer, reason, reviewer)
