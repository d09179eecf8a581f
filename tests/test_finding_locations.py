"""Finding locations point at the figure itself: a character column on its line, an offset in the text as read."""

from __future__ import annotations

import json
from pathlib import Path

from documents import to_html
from test_mapping_runon import run_on

from compliance.document import Grid, Paragraph
from compliance.engine import Options, check_file, get_registry
from compliance.model import Finding
from compliance.readers.html import HtmlReader
from conftest import SAMPLES
from helpers import check_text, run_cli

FAULTS = (SAMPLES / "v2021-faults-2022.txt").read_text(encoding="utf-8")


def _arithmetic(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category == "arithmetic" and f.severity == "error"]


def _printed_at(text: str, found: Finding) -> str:
    assert found.location.line is not None and found.location.char is not None
    line = text.splitlines()[found.location.line - 1]
    return line[found.location.char - 1 :]


def test_location_char_points_at_the_cell_in_tab_separated_text(tmp_path: Path) -> None:
    findings = _arithmetic(check_text(tmp_path, FAULTS))
    assert findings
    for found in findings:
        assert _printed_at(FAULTS, found).startswith(str(found.actual))


def test_location_char_points_at_the_figure_in_a_report_on_one_line(tmp_path: Path) -> None:
    text = run_on(FAULTS, separator=" ")
    findings = _arithmetic(check_text(tmp_path, text))
    assert findings
    lines = {f.location.line for f in findings}
    assert len(lines) == 1  # the whole body is one line: only the column tells the findings apart
    assert len({f.location.char for f in findings}) == len({(f.location.row, f.location.column) for f in findings})
    for found in findings:
        assert _printed_at(text, found).startswith(str(found.actual))


def test_location_claim_points_at_the_prose_figure(tmp_path: Path) -> None:
    claims = [f for f in check_text(tmp_path, FAULTS) if f.rule == "T3-TEXT"]
    assert claims
    for found in claims:
        assert _printed_at(FAULTS, found).startswith(str(found.actual))


def _text_as_read(path: Path) -> str:
    """The document's text as read: paragraphs, then rows of printed cells joined by tabs (docs/reading.md)."""
    document = HtmlReader().read(path.read_bytes(), str(path))
    parts: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text + "\n")
        elif isinstance(block, Grid):
            for row in block.rows:
                parts.append("".join(c.text + "\t" for c in row if not c.span_copy) + "\n")
    return "".join(parts)


def test_location_offset_points_into_the_visible_text_of_html(tmp_path: Path) -> None:
    path = tmp_path / "faults.html"
    path.write_text(to_html(FAULTS), encoding="utf-8")
    findings = _arithmetic(check_file(path, get_registry(), Options()).result.findings)
    assert findings
    visible = _text_as_read(path)
    for found in findings:
        assert found.location.offset is not None
        assert visible[found.location.offset :].startswith(str(found.actual))


def test_location_column_in_sarif_region(tmp_path: Path) -> None:
    path = tmp_path / "faults.txt"
    path.write_text(FAULTS, encoding="utf-8")
    run = run_cli("check", str(path), "--format", "sarif", "--isolated")
    results = json.loads(run.stdout)["runs"][0]["results"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results if r["level"] == "error"]
    assert regions and all(region["startColumn"] >= 1 for region in regions)
