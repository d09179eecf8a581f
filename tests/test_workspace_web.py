"""The workspace app through HTTP: guard and CSRF, upload, report view, inline review, the API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from workspace_samples import FAULTS, SAMPLES, corrected_version

from compliance.cli import cli
from compliance.engine import Options, check_file, get_registry
from compliance.workspace.app import Settings, create_app
from compliance.workspace.security import CSRF_COOKIE

LOCAL = "http://127.0.0.1"
TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(db=db_url))
    yield TestClient(app, base_url=LOCAL)
    app.state.engine.dispose()


def _csrf(client: TestClient) -> str:
    client.get("/")
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def _upload(client: TestClient, paths: list[Path]):  # type: ignore[no-untyped-def]
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]
    return client.post("/upload", data={"csrf": _csrf(client)}, files=files, follow_redirects=False)


def _faulty_id(client: TestClient) -> int:
    listed = client.get("/api/v1/reports").json()
    return next(r["id"] for r in listed if r["source"] == FAULTS.name)


def test_only_loopback_host_names_are_answered_without_a_token(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 403


def test_posts_without_the_csrf_token_are_refused(client: TestClient) -> None:
    files = [("files", (FAULTS.name, FAULTS.read_bytes(), "text/plain"))]
    assert client.post("/upload", files=files).status_code == 403
    assert client.post("/upload", data={"csrf": "forged"}, files=files).status_code == 403
    assert client.get("/api/v1/reports").json() == []


def test_upload_review_and_a_corrected_version(client: TestClient, tmp_path: Path) -> None:
    samples = sorted(SAMPLES.glob("*.txt"))
    assert _upload(client, samples).status_code == 303
    dashboard = client.get("/").text
    assert dashboard.count('class="report-link"') == len(samples)
    report_id = _faulty_id(client)
    page = client.get(f"/reports/{report_id}").text
    # The failing total of 行政复议 is marked, and so are the four cells that should add up to it.
    assert re.search(r'id="cell-T4-RV-total" class="cell fail', page)
    for part in ("upheld", "corrected", "other", "pending"):
        assert re.search(rf'id="cell-T4-RV-{part}" class="cell part', page)
    details = client.get(f"/api/v1/reports/{report_id}").json()
    total = next(f for f in details["findings"] if f["rule"] == "T4-RV-TOTAL")
    prose = next(f for f in details["findings"] if f["rule"] == "T3-TEXT")
    csrf = _csrf(client)
    form = {"csrf": csrf, "fingerprint": prose["fingerprint"], "state": "dismissed", "reviewer": "王审核"}
    refused = client.post(f"/reports/{report_id}/review", data=form, follow_redirects=False)
    assert "notice=" in refused.headers["location"]  # no reason: nothing recorded
    form["reason"] = "口径不同"
    client.post(f"/reports/{report_id}/review", data=form)
    form = {"csrf": csrf, "fingerprint": total["fingerprint"], "state": "confirmed", "reviewer": "王审核"}
    client.post(f"/reports/{report_id}/review", data=form)
    form["state"] = "rectify"  # a second decision on the same finding: the latest holds, both are kept
    client.post(f"/reports/{report_id}/review", data=form)
    reviewed = {f["rule"]: f["review"] for f in client.get(f"/api/v1/reports/{report_id}").json()["findings"]}
    assert reviewed["T4-RV-TOTAL"]["state"] == "rectify" and reviewed["T3-TEXT"]["state"] == "dismissed"
    assert [r["state"] for r in reviewed["T4-RV-TOTAL"]["history"]] == ["confirmed", "rectify"]
    assert "审核记录 2 条" in client.get(f"/reports/{report_id}").text

    answer = _upload(client, [corrected_version(tmp_path / "v2" / FAULTS.name)])
    assert answer.status_code == 303
    new_id = int(answer.headers["location"].rsplit("/", 1)[1])
    assert new_id != report_id
    after = client.get(f"/api/v1/reports/{new_id}").json()
    assert after["version"] == 2 and after["rectified"] == 1
    states = {f["rule"]: f["review"]["state"] for f in after["findings"]}
    assert states["T4-RV-TOTAL"] == "rectified" and states["T3-TEXT"] == "dismissed"
    assert 'data-state="rectified"' in client.get(f"/reports/{new_id}").text


def test_api_check_answers_the_engines_findings_json_and_stores_nothing(client: TestClient) -> None:
    answer = client.post("/api/v1/check", files=[("files", (FAULTS.name, FAULTS.read_bytes(), "text/plain"))])
    assert answer.status_code == 200
    document = answer.json()
    expected = check_file(FAULTS, get_registry(), Options()).result
    got = document["reports"][0]
    assert got["source"] == FAULTS.name
    assert [f["fingerprint"] for f in got["findings"]] == [f.fingerprint for f in expected.findings]
    assert document["summary"]["error"] == sum(1 for f in expected.findings if f.severity == "error")
    assert client.get("/api/v1/reports").json() == []
    cross = client.post(
        "/api/v1/check", files=[("files", ("a.txt", b"x", "text/plain"))], headers={"origin": "http://evil.example"}
    )
    assert cross.status_code == 403
    unknown = client.post("/api/v1/check", params={"format": "xml"}, files=[("files", ("a.txt", b"x", "text/plain"))])
    assert unknown.status_code == 422 and "json" in unknown.json()["detail"]


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/check", "/api/v1/reports", "/api/v1/reports/{report_id}"} <= set(spec["paths"])
    assert "/" not in spec["paths"]  # the web pages are not API


def test_a_token_guards_pages_and_api(tmp_path: Path) -> None:
    app = create_app(Settings(db=str(tmp_path / "audit.db"), token=TOKEN))
    client = TestClient(app, base_url="http://workspace.example")
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/v1/reports").status_code == 401
    assert client.get("/api/v1/reports", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/v1/reports", headers={"authorization": f"Bearer {TOKEN}"}).json() == []
    client.get("/login")
    csrf = client.cookies.get(CSRF_COOKIE)
    wrong = client.post("/login", data={"csrf": csrf, "token": "nope"}, follow_redirects=False)
    assert wrong.headers["location"].startswith("/login")
    client.post("/login", data={"csrf": csrf, "token": TOKEN}, follow_redirects=False)
    assert client.get("/").status_code == 200


def test_serve_refuses_a_network_address_without_a_token(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "a.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "--token" in result.output


def test_dashboard_filters_and_sorts(client: TestClient) -> None:
    _upload(client, sorted(SAMPLES.glob("*.txt")))
    listed = client.get("/api/v1/reports").json()
    region = next(r["region"] for r in listed if r["source"] == FAULTS.name)
    filtered = client.get("/", params={"region": region}).text
    assert filtered.count('class="report-link"') == sum(1 for r in listed if r["region"] == region)
    with_rule = client.get("/", params={"rule": "T4-RV-TOTAL"}).text
    faulty = next(r["id"] for r in listed if r["source"] == FAULTS.name)
    assert re.findall(r'data-report="(\d+)"', with_rule) == [str(faulty)]
    assert 'href="/?rule=T4-RV-TOTAL"' in client.get("/").text  # the top-rules table links to the filter
    by_errors = client.get("/", params={"sort": "error", "order": "desc"}).text
    first = re.search(r'data-report="(\d+)"', by_errors)
    assert first and int(first.group(1)) == max(listed, key=lambda r: r["error"])["id"]
    data = json.loads(re.search(r'id="chart-data">(.*?)</script>', by_errors, re.S).group(1))  # type: ignore[union-attr]
    assert sum(data["byRule"]["values"]) == sum(r["error"] + r["warning"] + r["info"] for r in listed)


def test_a_finding_about_a_claim_links_to_the_marked_phrase(client: TestClient) -> None:
    _upload(client, [FAULTS])
    report_id = _faulty_id(client)
    page = client.get(f"/reports/{report_id}").text
    prose = next(f for f in client.get(f"/api/v1/reports/{report_id}").json()["findings"] if f["rule"] == "T3-TEXT")
    offset = prose["location"]["offset"]
    assert re.search(rf'<mark class="claim fail" id="claim-{offset}"', page)
    assert f'href="#claim-{offset}" class="to-claim"' in page


def test_bad_and_oversized_uploads_become_one_input_finding_each(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "audit.db"), options=Options(max_bytes=2000))
    client = TestClient(create_app(settings), base_url=LOCAL)
    uploads = [
        ("../../etc/garbage.bin", bytes(range(256)) * 4),
        (FAULTS.name, FAULTS.read_bytes()),  # larger than 2000 bytes
        ("empty.txt", b""),
    ]
    for name, data in uploads:  # one at a time: a single file is checked whatever it is
        files = [("files", (name, data, "application/octet-stream"))]
        answer = client.post("/upload", data={"csrf": _csrf(client)}, files=files, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/reports/")
    listed = client.get("/api/v1/reports").json()
    assert sorted(r["source"] for r in listed) == sorted(["garbage.bin", FAULTS.name, "empty.txt"])
    for summary in listed:
        details = client.get(f"/api/v1/reports/{summary['id']}").json()
        assert [f["rule"] for f in details["findings"]] == ["INPUT"]
        assert client.get(f"/reports/{summary['id']}").status_code == 200
    too_large = next(r for r in listed if r["source"] == FAULTS.name)
    message = client.get(f"/api/v1/reports/{too_large['id']}").json()["findings"][0]["message_en"]
    assert "too large" in message


def test_a_folder_upload_leaves_out_files_that_are_not_reports(client: TestClient) -> None:
    notes = ("folder/NOTES.txt", b"Minutes of the review meeting: nothing about the reports here.")
    files = [("files", (f"folder/{p.name}", p.read_bytes(), "text/plain")) for p in sorted(SAMPLES.glob("*.txt"))]
    files.append(("files", (*notes, "text/plain")))
    answer = client.post("/upload", data={"csrf": _csrf(client)}, files=files, follow_redirects=False)
    assert "1" in unquote(answer.headers["location"])  # the notice says one file was left out
    assert sorted(r["source"] for r in client.get("/api/v1/reports").json()) == [
        p.name for p in sorted(SAMPLES.glob("*.txt"))
    ]


def test_folder_check_agency_years_and_status(client: TestClient, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    corrected_version(folder / "later" / FAULTS.name)
    csrf = _csrf(client)
    missing = client.post("/scan", data={"csrf": csrf, "folder": str(tmp_path / "nowhere")}, follow_redirects=False)
    assert "notice=" in missing.headers["location"] and client.get("/api/v1/reports").json() == []
    client.post("/scan", data={"csrf": csrf, "folder": str(folder)})
    (listed,) = client.get("/api/v1/reports").json()
    agency_page = client.get("/agency", params={"name": listed["agency"]}).text
    chart = json.loads(re.search(r'id="agency-data">(.*?)</script>', agency_page, re.S).group(1))  # type: ignore[union-attr]
    assert chart["labels"] == [str(listed["year"])] and chart["error"] == [listed["error"]]
    form = {"csrf": csrf, "status": "returned", "reviewer": "钱审核"}
    client.post(f"/reports/{listed['id']}/status", data=form)
    assert client.get(f"/api/v1/reports/{listed['id']}").json()["status"] == "returned"
    form["status"] = "lost"
    refused = client.post(f"/reports/{listed['id']}/status", data=form, follow_redirects=False)
    assert "notice=" in refused.headers["location"]
    assert client.get("/", params={"status": "returned"}).text.count('class="report-link"') == 1


def test_findings_from_the_database_are_the_contracts_json(client: TestClient) -> None:
    import jsonschema

    from compliance.schemas import build_schema

    _upload(client, sorted(SAMPLES.glob("*.txt")))
    document = client.get("/api/v1/findings").json()
    jsonschema.validate(document, build_schema("findings"))
    registry, options = get_registry(), Options()
    expected = {p.name: check_file(p, registry, options).result for p in SAMPLES.glob("*.txt")}
    assert {r["source"] for r in document["reports"]} == set(expected)
    for result in document["reports"]:
        assert [f["fingerprint"] for f in result["findings"]] == [
            f.fingerprint for f in expected[result["source"]].findings
        ]
    region = document["reports"][0]["agency"]
    only = client.get("/api/v1/findings", params={"agency": region}).json()
    assert [r["agency"] for r in only["reports"]] == [region]


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(db=str(tmp_path / "audit.db"), max_request=10_000)), base_url=LOCAL)
    files = [("files", ("big.txt", b"x" * 20_000, "text/plain"))]
    assert client.post("/api/v1/check", files=files).status_code == 413
    assert client.post("/api/v1/check", files=[("files", ("small.txt", b"x" * 100, "text/plain"))]).status_code == 200


def test_a_table_whose_section_is_not_in_the_report_is_still_shown() -> None:
    from compliance.engine import load_report
    from compliance.workspace.page import sections
    from compliance.workspace.review import FindingView

    structured = load_report(FAULTS).model_dump(mode="json", exclude_none=True)
    structured["sections"] = [s for s in structured["sections"] if s["key"] != "S4"]
    finding = next(f for f in check_file(FAULTS, get_registry(), Options()).result.findings if f.rule == "T4-RV-TOTAL")
    view = FindingView(finding.model_dump(mode="json", exclude_none=True), finding.fingerprint or "", "open")
    shown = sections(structured, [view], get_registry())
    tables = {table.id: table for section in shown for table in section.tables}
    assert set(tables) == set(structured["tables"])
    cells = {cell.id: cell for row in tables["T4"].rows for _, cell in row.cells}
    assert cells["cell-T4-RV-total"].failing == [view.fingerprint]
    assert shown[-1].key == "tables" and [t.id for t in shown[-1].tables] == ["T4"]
