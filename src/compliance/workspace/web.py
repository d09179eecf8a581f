"""The web pages: dashboard, report view with inline review, agency year-over-year view, upload, login.

Every form posts its CSRF token; every post answers with a redirect (so reloading a page never posts
twice). Pages are rendered on the server; the only scripts are the charts and the cell highlighting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from compliance.workspace.app import Settings, check_uploads, get_session, settings_of
from compliance.workspace.db import ReportRow
from compliance.workspace.security import AUTH_COOKIE, CSRF_COOKIE, Guard

router = APIRouter(include_in_schema=False)
REVIEWER_COOKIE = "compliance_reviewer"
SessionDep = Annotated[Session, Depends(get_session)]


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    templates = request.app.state.templates
    context.setdefault("csrf", request.state.csrf)
    context.setdefault("reviewer", unquote(request.cookies.get(REVIEWER_COOKIE, "")))
    context.setdefault("notice", request.query_params.get("notice"))
    response: HTMLResponse = templates.TemplateResponse(request, name, context)
    return response


def require_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    if not Guard.csrf_ok(request.cookies.get(CSRF_COOKIE), csrf):
        raise HTTPException(403, "the form's CSRF token is missing or stale; reload the page and try again")


CsrfDep = Depends(require_csrf)


def _report(session: Session, report_id: int) -> ReportRow:
    row = session.get(ReportRow, report_id)
    if row is None:
        raise HTTPException(404, "no such report")
    return row


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    region: str = "",
    agency: str = "",
    year: str = "",
    status: str = "",
    rule: str = "",
    sort: str = "region",
    order: str = "asc",
) -> HTMLResponse:
    from compliance.workspace.queries import Filters, choices, overview, report_summaries

    filters = Filters(region or None, agency.strip() or None, int(year) if year.isdigit() else None, status or None)
    filters.rule = rule.strip() or None
    summaries = report_summaries(session, filters, sort, order == "desc")
    return _page(
        request,
        "dashboard.html",
        summaries=summaries,
        overview=overview(summaries),
        choices=choices(session),
        filters=filters,
        sort=sort,
        order=order,
        query={"region": region, "agency": agency, "year": year, "status": status, "rule": rule},
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, session: SessionDep) -> HTMLResponse:
    from compliance.engine import get_registry
    from compliance.workspace.page import claim_offsets, finding_cell, finding_parts, sections
    from compliance.workspace.review import finding_views, history, versions

    row = _report(session, report_id)
    registry = get_registry()
    views = finding_views(session, row)
    links = {v.fingerprint: (finding_cell(v.finding), finding_parts(v.finding, registry)) for v in views}
    rules = {v.finding["rule"]: registry.rule(v.finding["rule"]) for v in views}
    return _page(
        request,
        "report.html",
        report=row,
        views=views,
        links=links,
        rules={k: (r.spec.summary if r else "") for k, r in rules.items()},
        sections=sections(row.structured, views, registry) if row.structured else [],
        versions=versions(session, row.identity),
        claims=claim_offsets(row.structured),
        history=history(session, row.identity),
    )


@router.post("/reports/{report_id}/review", dependencies=[CsrfDep])
def review(
    request: Request,
    report_id: int,
    session: SessionDep,
    fingerprint: Annotated[str, Form()],
    state: Annotated[str, Form()],
    reviewer: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    from compliance.workspace.review import ReviewError, review_finding

    row = _report(session, report_id)
    notice = None
    try:
        review_finding(session, row, fingerprint, state, reviewer, reason)
    except ReviewError as exc:
        notice = str(exc)
    return _back(f"/reports/{report_id}", notice, f"f-{fingerprint}", reviewer)


@router.post("/reports/{report_id}/status", dependencies=[CsrfDep])
def change_status(
    report_id: int,
    session: SessionDep,
    status: Annotated[str, Form()],
    reviewer: Annotated[str, Form()] = "",
) -> Response:
    from compliance.workspace.review import ReviewError, set_status

    row = _report(session, report_id)
    notice = None
    try:
        set_status(session, row, status, reviewer)
    except ReviewError as exc:
        notice = str(exc)
    return _back(f"/reports/{report_id}", notice, None, reviewer)


def _back(path: str, notice: str | None, anchor: str | None, reviewer: str | None = None) -> Response:
    target = path + (f"?notice={quote(notice)}" if notice else "") + (f"#{anchor}" if anchor else "")
    response = RedirectResponse(target, 303)
    if reviewer and reviewer.strip():
        response.set_cookie(REVIEWER_COOKIE, quote(reviewer.strip()), samesite="strict", max_age=365 * 86400)
    return response


@router.post("/upload", dependencies=[CsrfDep])
def upload(
    request: Request,
    session: SessionDep,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    settings: Settings = settings_of(request)
    rows, skipped = check_uploads(session, settings, [f for f in files if f.filename], origin="upload")
    if len(rows) == 1 and not skipped:
        return RedirectResponse(f"/reports/{rows[0].id}", 303)
    left_out = f"，{skipped} 个文件不是年度报告，未检查" if skipped else ""
    return _back("/", f"已检查 {len(rows)} 份报告{left_out}", None)


@router.post("/scan", dependencies=[CsrfDep])
def scan_folder(request: Request, session: SessionDep, folder: Annotated[str, Form()]) -> Response:
    """Check every report in a folder on the server (a shared drive the supervisor already has)."""
    from compliance.engine import expand_paths
    from compliance.workspace.store import Submitted, audit

    path = Path(folder.strip()).expanduser()
    if not folder.strip() or not path.is_dir():
        return _back("/", f"找不到文件夹：{folder}", None)
    settings: Settings = settings_of(request)
    files = expand_paths([path])[: settings.max_files]
    submitted = [Submitted(f) for f in files]
    rows = audit(session, submitted, settings.options, origin="folder", timeout=settings.timeout)
    return _back("/", f"已检查 {len(rows)} 份报告", None)


@router.get("/agency", response_class=HTMLResponse)
def agency_page(request: Request, session: SessionDep, name: str) -> HTMLResponse:
    from compliance.workspace.queries import agency_years

    years = agency_years(session, name)
    rules = sorted({rule for s in years for rule in s.rules})
    matrix = [(rule, [s.rules.count(rule) for s in years]) for rule in rules]
    chart = {
        "labels": [str(s.year or "?") for s in years],
        "error": [s.error for s in years],
        "warning": [s.warning for s in years],
    }
    return _page(request, "agency.html", agency=name, years=years, matrix=matrix, chart=chart)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html")


@router.post("/login", dependencies=[CsrfDep])
def login(request: Request, token: Annotated[str, Form()]) -> Response:
    guard: Guard = request.app.state.guard
    cookie = guard.cookie_for(token)
    if cookie is None:
        return RedirectResponse("/login?notice=" + quote("口令不正确"), 303)
    response = RedirectResponse("/", 303)
    response.set_cookie(AUTH_COOKIE, cookie, httponly=True, samesite="strict")
    return response
