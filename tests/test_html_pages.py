"""The HTML report's navigation: findings in document order linked to their cells and back, the rule
summary, sorting in a real browser, and the split into an index page plus one page per report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_html_report import _chromium, _headless

from compliance.deliverables.describe import document_order
from compliance.engine import get_registry
from compliance.model import FindingsDocument
from conftest import REPO, SAMPLES
from helpers import run_cli

FAULTS = SAMPLES / "v2021-faults-2022.txt"


def _html(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    run = run_cli("check", *args, "--format", "html", "-o", str(out), "--isolated", cwd=REPO)
    assert run.exit_code in (0, 1), run.stderr
    return out.read_text(encoding="utf-8")


def _document(*args: str) -> FindingsDocument:
    run = run_cli("check", *args, "--format", "json", "--isolated", cwd=REPO)
    return FindingsDocument.model_validate_json(run.stdout)


def _finding_rows(html: str) -> list[tuple[str, str, str]]:
    """(row id, rule, link target) of every finding row, in page order."""
    return re.findall(r'<tr id="(report-\d+-f\d+)" class="sev-\w+" data-rule="([^"]+)" data-target="([^"]*)">', html)


def test_findings_are_listed_in_document_order(tmp_path: Path) -> None:
    html = _html(tmp_path, str(FAULTS))
    expected = [f.rule for f in sorted(_document(str(FAULTS)).reports[0].findings, key=document_order)]
    assert [rule for _, rule, _ in _finding_rows(html)] == expected
    lines = [int(n) for n in re.findall(r"第(\d+)行</a>", html)]
    assert lines == sorted(lines) and len(lines) == len(expected)


def test_every_finding_links_to_its_cell_and_the_cell_links_back(tmp_path: Path) -> None:
    html = _html(tmp_path, str(FAULTS))
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert all(href in ids for href in re.findall(r'href="#([^"]+)"', html)), "a link points nowhere"
    document = _document(str(FAULTS))
    rows = _finding_rows(html)
    assert len(rows) == len(document.reports[0].findings) and all(target for _, _, target in rows)
    for row_id, _rule, target in rows:
        element = re.search(rf'<(td|th|div)[^>]*\bid="{re.escape(target)}"[^>]*>(.*?)</\1>', html, re.S)
        assert element, target
        if element.group(1) == "td":  # a table cell: its data-cell is the finding's cell, and it links back
            assert target.endswith(re.search(r'data-cell="([^"]+)"', element.group(0)).group(1))  # type: ignore[union-attr]
            assert f'href="#{row_id}"' in element.group(2)
    cells = {t for _, _, t in rows if ".total" in t or ".natural" in t}
    assert len(cells) == 6  # the five faults and the prose claim's cell (test_html_report)


def test_rule_summary_counts_findings_and_reports(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    html = _html(tmp_path, *paths)
    document = _document(*paths)
    rows = re.findall(r'<tr data-rule="([^"]+)">.*?</td><td>[^<]*</td><td>[^<]*</td><td>(\d+)</td><td>(\d+)</td>', html)
    found = {rule: int(n) for rule, n, _ in rows}
    every = [f.rule for r in document.reports for f in r.findings]
    assert found == {rule: every.count(rule) for rule in set(every)}


def test_sorting_in_a_browser_orders_numbers_as_numbers(tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed")
    page = tmp_path / "report.html"
    page.write_text(_html(tmp_path, str(FAULTS)), encoding="utf-8")
    # Column 6 is 应为; the address asks for it descending, as a click on its header twice would.
    dom = _headless(binary, "--dump-dom", page.as_uri() + "?sort=report-1-findings:6:desc").stdout
    assert 'data-ready="yes"' in dom
    table = dom[dom.index('id="report-1-findings"') :]
    table = table[: table.index("</table>")]
    expected = [int(v) for v in re.findall(r'<td class="n">(\d*)</td><td class="n">\d*</td></tr>', table) if v]
    assert expected == sorted(expected, reverse=True) and len(set(expected)) > 2
    assert 'aria-sort="descending"' in table


def test_output_folder_gets_an_index_and_one_page_per_report(tmp_path: Path) -> None:
    folder = tmp_path / "audit"
    folder.mkdir()
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    run = run_cli("check", *paths, "--format", "html", "-o", str(folder), "--isolated", cwd=REPO)
    assert run.exit_code == 1 and run.stdout == ""
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<tr data-report="report-\d+"[^>]*><td><a href="([^"]+)">', index)
    assert links == [f"report-{n}.html" for n in range(1, len(paths) + 1)]
    assert '<section class="report"' not in index
    for link in links:
        page = (folder / link).read_text(encoding="utf-8")
        assert page.count('<section class="report"') == 1 and 'href="index.html"' in page
    assert sorted(p.name for p in folder.iterdir()) == sorted(["index.html", *links])


def test_many_reports_split_beside_the_output_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_registry().formatters["html"], "split_over", 2)
    target = tmp_path / "audit.html"
    paths = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    run = run_cli("check", *paths, "--format", "html", "-o", str(target), "--isolated", cwd=REPO)
    assert run.exit_code == 1
    index = target.read_text(encoding="utf-8")
    assert 'href="audit-reports/report-3.html"' in index
    page = (tmp_path / "audit-reports" / "report-3.html").read_text(encoding="utf-8")
    assert 'href="../audit.html"' in page
    two = _html(tmp_path, *paths[:2])  # at or under the limit: one page
    assert two.count('<section class="report"') == 2


def test_a_folder_is_refused_for_single_file_formats(tmp_path: Path) -> None:
    run = run_cli("check", str(FAULTS), "--format", "json", "-o", str(tmp_path), "--isolated", cwd=REPO)
    assert run.exit_code == 2 and "folder" in run.stderr and run.stdout == ""


def test_cells_read_with_doubt_are_marked_as_such() -> None:
    from compliance.engine import Options, check_file
    from compliance.formatters.html import HtmlFormatter
    from compliance.model import CellStatus

    checked = check_file(FAULTS, get_registry(), Options())
    assert checked.report is not None
    report = checked.report.model_copy(deep=True)
    cell = report.tables["T2"]["reg"]["valid"]
    report.tables["T2"]["reg"]["valid"] = cell.model_copy(update={"status": CellStatus.inferred})
    html = HtmlFormatter().render(
        FindingsDocument(tool=_document(str(FAULTS)).tool, reports=[checked.result]), [report]
    )
    marked = re.findall(r'<td data-cell="([^"]+)"[^>]*data-status="(\w+)"', html)
    assert marked == [("T2.reg.valid", "inferred")]
