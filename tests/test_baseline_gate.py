"""Baselines: known findings pass the gate, survive edits that move lines, and stale entries are listed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compliance.model import Finding, FindingLocation
from compliance.project.baseline import fingerprint
from conftest import SAMPLES
from helpers import replace_field, run_cli

T4_LINE = "2\t1\t0\t1\t5\t"  # the faults sample's table 四 data row (RV, LD, LR groups)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "v2021-faults-2022.txt", tmp_path / "report.txt")
    return tmp_path


def _check(project: Path, *args: str) -> tuple[int, dict, str]:
    run = run_cli("check", "report.txt", "--format", "json", "--isolated", *args, cwd=project)
    return run.exit_code, (json.loads(run.stdout) if run.stdout else {}), run.stderr


def _edit(project: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = project / "report.txt"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_baseline_written_then_same_report_passes(project: Path) -> None:
    code, document, stderr = _check(project, "--write-baseline", "baseline.json")
    assert code == 0 and "wrote 9 baseline entries" in stderr
    entries = json.loads((project / "baseline.json").read_text(encoding="utf-8"))["entries"]
    assert len(entries) == 9 and all("line" not in json.dumps(e) for e in entries)
    code, document, _ = _check(project, "--baseline", "baseline.json")
    assert code == 0
    states = [f["baseline"] for f in document["reports"][0]["findings"]]
    assert states == ["unchanged"] * 9
    assert document["baseline"]["unchanged"] == 9 and document["baseline"]["absent"] == []


def test_one_more_changed_number_is_exactly_one_new_failing_finding(project: Path) -> None:
    _check(project, "--write-baseline", "baseline.json")
    _edit(project, lambda text: replace_field(text, T4_LINE, 9, "2"))  # LD total 1 → 2
    code, document, _ = _check(project, "--baseline", "baseline.json")
    assert code == 1
    new = [f for f in document["reports"][0]["findings"] if f["baseline"] == "new"]
    assert [(f["rule"], f["location"]["row"]) for f in new] == [("T4-LD-TOTAL", "LD")]
    assert document["baseline"]["new"] == 1


def test_fingerprints_survive_lines_moving(project: Path) -> None:
    _check(project, "--write-baseline", "baseline.json")
    first = _check(project)[1]["reports"][0]["findings"]
    before = {f["fingerprint"] for f in first}
    _edit(project, lambda text: text.replace("\n\n", "\n\n补充说明一段。\n\n另一段。\n\n", 1))
    code, document, _ = _check(project, "--baseline", "baseline.json")
    findings = document["reports"][0]["findings"]
    assert code == 0
    assert {f["fingerprint"] for f in findings} == before
    assert [f["location"]["line"] for f in findings] == [f["location"]["line"] + 4 for f in first]


def test_fixed_findings_are_listed_as_absent(project: Path) -> None:
    _check(project, "--write-baseline", "baseline.json")
    _edit(project, lambda text: replace_field(text, "（一）予以公开", 0, "15"))  # undo fault (a)
    code, document, stderr = _check(project, "--baseline", "baseline.json")
    assert code == 0
    absent = document["baseline"]["absent"]
    assert sorted((e["rule"], e["where"]) for e in absent) == [
        ("T3-RESULT-SUM", "T3.result_total.natural"),
        ("T3-ROW-TOTAL", "T3.granted.total"),
    ]
    assert "2 baseline entries no longer occur" in stderr and "T3.granted.total" in stderr


def test_baseline_from_config_is_relative_to_config_file(project: Path) -> None:
    _check(project, "--write-baseline", "known.json")
    sub = project / "sub"
    sub.mkdir()
    (project / "compliance.toml").write_text('baseline = "known.json"\n', encoding="utf-8")
    run = run_cli("check", str(project / "report.txt"), cwd=sub)
    assert run.exit_code == 0


def test_unreadable_baseline_is_usage_error(project: Path) -> None:
    (project / "bad.json").write_text("{not json", encoding="utf-8")
    code, _, stderr = _check(project, "--baseline", "bad.json")
    assert code == 2 and stderr.startswith("Error:") and len(stderr.strip().splitlines()) == 1
    code, _, stderr = _check(project, "--baseline", "missing.json")
    assert code == 2 and "missing.json" in stderr


def test_fingerprint_ignores_line_and_page_but_not_cell_or_values() -> None:
    base = Finding(
        rule="T3-ROW-TOTAL",
        category="arithmetic",
        severity="error",
        message="m",
        location=FindingLocation(section="S3", table="T3", row="granted", column="total", line=43),
        expected=21,
        actual=20,
    )
    moved = base.model_copy(update={"location": base.location.model_copy(update={"line": 90, "page": 2})})
    other_row = base.model_copy(update={"location": base.location.model_copy(update={"row": "partial"})})
    other_value = base.model_copy(update={"actual": 19})
    assert fingerprint(base, "机关 2022") == fingerprint(moved, "机关 2022")
    assert fingerprint(base, "机关 2022") != fingerprint(other_row, "机关 2022")
    assert fingerprint(base, "机关 2022") != fingerprint(other_value, "机关 2022")
    assert fingerprint(base, "机关 2022") != fingerprint(base, "机关 2023")


def test_every_finding_has_a_fingerprint_without_baseline(project: Path) -> None:
    _, document, _ = _check(project)
    findings = document["reports"][0]["findings"]
    assert all(f["fingerprint"] for f in findings) and "baseline" not in document
    assert len({f["fingerprint"] for f in findings}) == len(findings)
