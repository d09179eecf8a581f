"""The HTTP API (``/api/v1``) for other tools: check a file, read the audit database, record a review.

``POST /api/v1/check`` answers with the contract's findings JSON (what ``compliance check --format
json`` prints) and stores nothing: a publishing portal can check a draft before it goes online. The
read endpoints serve the newest version of each report with its findings and their review states.
The same token rule as the web pages applies (``Authorization: Bearer``); described at
``/api/v1/openapi.json``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from compliance.workspace.app import Settings, Uploads, get_session, settings_of
from compliance.workspace.db import ReportRow

router = APIRouter(prefix="/api/v1", tags=["api"])
SessionDep = Annotated[Session, Depends(get_session)]


class ReviewRequest(BaseModel):
    state: str = Field(description="confirmed, dismissed (reason required) or rectify")
    reviewer: str
    reason: str | None = None


def _cross_site(request: Request) -> bool:
    """A browser's cross-site post carries an Origin that is not this server (the API uses no CSRF form)."""
    origin = request.headers.get("origin")
    return origin is not None and origin.split("://", 1)[-1] != request.headers.get("host")


@router.post("/check", summary="Check report files; the contract's findings JSON (stores nothing)")
def check(
    request: Request,
    files: Annotated[list[UploadFile], File(description="one or more report files")],
    format: str = "json",
) -> Response:
    from compliance.engine import check_file, get_registry, summarise

    if _cross_site(request):
        raise HTTPException(403, "cross-site requests are refused")
    settings: Settings = settings_of(request)
    registry = get_registry()
    offered = [name for name in ("json", "jsonl") if name in registry.formatters]
    if format not in offered:
        raise HTTPException(422, f"format '{format}' is not offered here; choose one of: {', '.join(offered)}")
    name = format
    formatter = registry.formatters[name]
    with Uploads() as uploads:
        submitted = uploads.save(files[: settings.max_files], settings.options.max_bytes)
        checked = [check_file(s.path, registry, settings.options) for s in submitted]
        results = [
            c.result.model_copy(update={"source": s.name or s.path.name})
            for s, c in zip(submitted, checked, strict=True)
        ]
    document = summarise(results)
    media = "application/x-ndjson" if name == "jsonl" else "application/json"
    return Response(formatter.render(document, [c.report for c in checked]), media_type=media)


@router.get("/reports", summary="The newest version of every report, with finding counts")
def reports(
    session: SessionDep,
    region: str | None = None,
    agency: str | None = None,
    year: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    from compliance.workspace.queries import Filters, report_summaries

    return [s.as_dict() for s in report_summaries(session, Filters(region, agency, year, status))]


@router.get("/findings", summary="The contract's findings JSON of the newest versions, from the database")
def findings(
    session: SessionDep,
    region: str | None = None,
    agency: str | None = None,
    year: int | None = None,
    status: str | None = None,
) -> Response:
    from compliance.workspace.export import export
    from compliance.workspace.queries import Filters
    from compliance.workspace.review import latest_versions

    wanted = Filters(region, agency, year, status)
    exported = export(session, [row for row in latest_versions(session) if wanted.keep(row)], with_reports=False)
    return Response(exported.document.model_dump_json(exclude_none=True), media_type="application/json")


def _row(session: Session, report_id: int) -> ReportRow:
    row = session.get(ReportRow, report_id)
    if row is None:
        raise HTTPException(404, "no such report")
    return row


@router.get("/reports/{report_id}", summary="One report version: its findings with review states, its versions")
def report(report_id: int, session: SessionDep) -> dict[str, Any]:
    from compliance.workspace.queries import summarise
    from compliance.workspace.review import finding_views, history, versions

    row = _row(session, report_id)
    trail = history(session, row.identity)
    findings = [
        {
            **view.finding,
            "review": {
                "state": view.state,
                "reviewer": view.reviewer,
                "reason": view.reason,
                "at": view.at.isoformat() if view.at else None,
                "history": [
                    {"state": r.state, "reviewer": r.reviewer, "reason": r.reason, "at": r.at.isoformat()}
                    for r in trail.get(view.fingerprint, [])
                ],
            },
        }
        for view in finding_views(session, row)
    ]
    summary = summarise(session, row).as_dict()
    summary.pop("rules")
    summary["versions"] = [
        {"id": v.id, "version": v.version, "sha256": v.sha256} for v in versions(session, row.identity)
    ]
    return {**summary, "sha256": row.sha256, "findings": findings}


@router.get("/reports/{report_id}/structured", summary="The structured report the engine read (contract §3)")
def structured(report_id: int, session: SessionDep) -> Response:
    row = _row(session, report_id)
    if row.structured is None:
        raise HTTPException(404, "the file could not be read as a report")
    return Response(json.dumps(row.structured, ensure_ascii=False), media_type="application/json")


@router.post("/reports/{report_id}/findings/{fingerprint}/review", summary="Record a decision on a finding")
def review(
    request: Request, report_id: int, fingerprint: str, body: ReviewRequest, session: SessionDep
) -> dict[str, Any]:
    from compliance.workspace.review import ReviewError, review_finding

    if _cross_site(request):
        raise HTTPException(403, "cross-site requests are refused")
    row = _row(session, report_id)
    try:
        decision = review_finding(session, row, fingerprint, body.state, body.reviewer, body.reason)
    except ReviewError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"fingerprint": fingerprint, "state": decision.state, "at": decision.at.isoformat(), "status": row.status}
