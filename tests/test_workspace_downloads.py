"""Downloads from the workspace: the Excel 问题清单 and the Word letters carry the reviewers' decisions."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from workspace_samples import FAULTS, SAMPLES

from compliance.workspace.app import Settings, create_app
from compliance.workspace.security import CSRF_COOKIE

REASON = "正文含上年结转，口径不同"


def _reviewed(tmp_path: Path) -> tuple[TestClient, int, dict[str, dict]]:  # type: ignore[type-arg]
    client = TestClient(create_app(Settings(db=str(tmp_path / "audit.db"))), base_url="http://127.0.0.1")
    client.get("/")
    csrf = client.cookies.get(CSRF_COOKIE)
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(SAMPLES.glob("*.txt"))]
    client.post("/upload", data={"csrf": csrf}, files=files)
    report_id = next(r["id"] for r in client.get("/api/v1/reports").json() if r["source"] == FAULTS.name)
    findings = {f["rule"]: f for f in client.get(f"/api/v1/reports/{report_id}").json()["findings"]}
    decisions = [("T4-RV-TOTAL", "confirmed", ""), ("T3-TEXT", "dismissed", REASON)]
    for rule, state, reason in decisions:
        form = {"csrf": csrf, "fingerprint": findings[rule]["fingerprint"], "state": state, "reviewer": "孙审核"}
        client.post(f"/reports/{report_id}/review", data={**form, "reason": reason})
    return client, report_id, findings


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_excel_list_has_every_finding_with_its_review(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    client, _, findings = _reviewed(tmp_path)
    stored = client.get("/api/v1/findings").json()["reports"]
    every = [found["fingerprint"] for result in stored for found in result["findings"]]
    answer = client.get("/downloads/findings.xlsx")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content))["问题清单"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(min_row=2)]
    assert sorted(r["指纹"] for r in rows) == sorted(every)
    by_rule = {r["规则"]: r for r in rows}
    assert by_rule["T3-TEXT"]["指纹"] == findings["T3-TEXT"]["fingerprint"]
    assert by_rule["T3-TEXT"]["审核人"] == "孙审核" and REASON in str(by_rule["T3-TEXT"]["审核意见"])
    assert by_rule["T4-RV-TOTAL"]["审核状态"] != by_rule["T3-TEXT"]["审核状态"]
    assert client.get("/downloads/findings.xlsx", params={"region": "没有这个地区"}).status_code == 200


def test_the_word_notice_leaves_out_the_dismissed_finding(tmp_path: Path) -> None:
    client, report_id, findings = _reviewed(tmp_path)
    answer = client.get(
        f"/reports/{report_id}/notice.docx", params={"issuer": "某市政务公开办", "deadline": "2025-06-30"}
    )
    assert answer.status_code == 200
    text = _docx_text(answer.content)
    assert "某市政务公开办" in text and "检查意见" in text
    assert findings["T4-RV-TOTAL"]["message"] in text
    assert findings["T3-TEXT"]["message"] not in text
    assert client.get(f"/reports/{report_id}/notice.docx", params={"deadline": "soon"}).status_code == 422
    bulletin = client.get("/downloads/bulletin.docx")
    assert bulletin.status_code == 200 and "通报" in _docx_text(bulletin.content)
