"""Downloads: the Excel 问题清单 of the reports shown, and the Word 检查意见 / 通报, with review states.

The files are made by ``compliance.deliverables`` from what ``export`` reads back from the database:
dismissed findings are marked in the list and left out of letters; rectified findings are not current
findings of the newest version, so they appear in neither.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response
from sqlalchemy.orm import Session

from compliance.workspace.app import get_session
from compliance.workspace.db import ReportRow

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(get_session)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(data: bytes, media: str, filename: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})


def _letterhead(issuer: str, deadline: str):  # type: ignore[no-untyped-def]
    from compliance.deliverables import Letterhead

    try:
        due = date.fromisoformat(deadline) if deadline else None
    except ValueError as exc:
        raise HTTPException(422, "the deadline must be a date such as 2025-06-30") from exc
    return Letterhead(issuer=issuer.strip() or None, issued=date.today(), deadline=due)


def _shown(session: Session, region: str, agency: str, year: str, status: str) -> list[ReportRow]:
    from compliance.workspace.queries import Filters
    from compliance.workspace.review import latest_versions

    wanted = Filters(region or None, agency.strip() or None, int(year) if year.isdigit() else None, status or None)
    rows = [row for row in latest_versions(session) if wanted.keep(row)]
    return sorted(rows, key=lambda r: (r.region or "", r.agency or r.identity, r.year or 0))


@router.get("/downloads/findings.xlsx")
def findings_list(
    session: SessionDep, region: str = "", agency: str = "", year: str = "", status: str = ""
) -> Response:
    from compliance.deliverables import findings_workbook
    from compliance.workspace.export import export

    exported = export(session, _shown(session, region, agency, year, status))
    data = findings_workbook(exported.document, exported.reports, exported.reviews)
    return _attachment(data, XLSX, f"问题清单-{date.today().isoformat()}.xlsx")


@router.get("/downloads/bulletin.docx")
def bulletin(
    session: SessionDep,
    region: str = "",
    agency: str = "",
    year: str = "",
    status: str = "",
    issuer: str = "",
    deadline: str = "",
) -> Response:
    from compliance.deliverables import notice_docx
    from compliance.workspace.export import export

    exported = export(session, _shown(session, region, agency, year, status))
    head = _letterhead(issuer, deadline)
    data = notice_docx(exported.document, exported.reviews, reports=exported.reports, letterhead=head)
    return _attachment(data, DOCX, f"通报-{date.today().isoformat()}.docx")


@router.get("/reports/{report_id}/notice.docx")
def notice(report_id: int, session: SessionDep, issuer: str = "", deadline: str = "") -> Response:
    from compliance.deliverables import notice_docx
    from compliance.workspace.export import export

    row = session.get(ReportRow, report_id)
    if row is None:
        raise HTTPException(404, "no such report")
    exported = export(session, [row])
    head = _letterhead(issuer, deadline)
    data = notice_docx(exported.document.reports[0], exported.reviews, reports=exported.reports, letterhead=head)
    name = f"检查意见-{row.agency or row.identity}{row.year or ''}-v{row.version}.docx"
    return _attachment(data, DOCX, name)
