"""The workspace on the real reports in ../shared/corpus/real (read at run time, never copied)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from compliance.engine import expand_paths
from compliance.workspace.app import Settings, create_app
from compliance.workspace.review import current_findings
from compliance.workspace.store import Submitted, audit
from conftest import CORPUS, require_shared


def test_every_real_report_is_stored_and_its_page_links_each_finding_to_an_existing_cell(tmp_path: Path) -> None:
    require_shared()
    files = expand_paths([CORPUS])
    app = create_app(Settings(db=str(tmp_path / "audit.db")))
    client = TestClient(app, base_url="http://127.0.0.1")
    with app.state.sessions() as session:
        rows = audit(session, [Submitted(path) for path in files])
        assert len(rows) == len(files)
        ids = [(row.id, len(current_findings(session, row))) for row in rows]
    for report_id, count in ids:
        page = client.get(f"/reports/{report_id}")
        assert page.status_code == 200
        cards = re.findall(
            r'class="finding [^"]*state-(?!rectified)[^"]*"[^>]*data-cell="([^"]*)" data-parts="([^"]*)"', page.text
        )
        assert len(cards) == count
        named = [cell for cell, parts in cards for cell in [cell, *parts.split()] if cell]
        missing = [cell for cell in named if f'id="{cell}"' not in page.text]
        assert missing == [], f"report {report_id}: findings point at cells the page does not show: {missing}"
    assert client.get("/").status_code == 200


def test_cross_year_rules_pair_with_last_years_stored_report(tmp_path: Path) -> None:
    """Reports stored one run at a time get the same cross-year findings as when checked as one batch."""
    require_shared()
    by_agency: dict[str, list[Path]] = {}
    for path in sorted(CORPUS.glob("*.txt")):
        by_agency.setdefault(path.stem.split("_", 1)[1], []).append(path)
    series = max(by_agency.values(), key=len)
    assert len(series) >= 2
    app_together = create_app(Settings(db=str(tmp_path / "together.db")))
    app_apart = create_app(Settings(db=str(tmp_path / "apart.db")))
    with app_together.state.sessions() as together, app_apart.state.sessions() as apart:
        batch = audit(together, [Submitted(p) for p in series])
        single = [audit(apart, [Submitted(p)])[0] for p in series]
        for one, other in zip(batch, single, strict=True):
            assert sorted(f.fingerprint for f in current_findings(together, one)) == sorted(
                f.fingerprint for f in current_findings(apart, other)
            )
        cross = [f for row in single for f in current_findings(apart, row) if f.category == "cross-year"]
    assert cross, "no cross-year finding in the series: the test would prove nothing"
