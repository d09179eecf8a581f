"""Suppressions with a reason, from the config and from inside a structured report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from helpers import run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(SAMPLES / "v2021-faults-2022.txt", tmp_path / "report.txt")
    return tmp_path


def _findings(project: Path, *paths: str) -> tuple[int, list[dict]]:
    run = run_cli("check", *(paths or ("report.txt",)), "--format", "json", cwd=project)
    assert run.exit_code in (0, 1), run.stderr
    # The sample's prose and section-五 warnings are not what these tests suppress; leave them out.
    prose = {"narrative-consistency", "improvement-plan"}
    return run.exit_code, [
        f for r in json.loads(run.stdout)["reports"] for f in r["findings"] if f["category"] not in prose
    ]


SUPPRESS_T4 = """
[[suppressions]]
rule = "T4-RV-TOTAL"
path = "report*.txt"
table = "T4"
row = "RV"
reason = "复议案件总数含一件撤回，已向上级说明"
"""


def test_config_suppression_removes_matching_finding(project: Path) -> None:
    (project / "compliance.toml").write_text(SUPPRESS_T4, encoding="utf-8")
    _, findings = _findings(project)
    assert len(findings) == 4 and "T4-RV-TOTAL" not in {f["rule"] for f in findings}


def test_config_suppression_by_agency_and_cell(project: Path) -> None:
    config = """
ignore = ["T3"]
[[suppressions]]
rule = "T4-RV-TOTAL"
agency = "鹭屿市交通运输局"
year = 2022
reason = "已核实"
"""
    (project / "compliance.toml").write_text(config, encoding="utf-8")
    code, findings = _findings(project)
    assert (code, findings) == (0, [])


def test_unused_config_suppression_is_reported_once_as_info(project: Path) -> None:
    shutil.copy(project / "report.txt", project / "report2.txt")
    config = SUPPRESS_T4 + '\n[[suppressions]]\nrule = "T3-NONNEG"\nreason = "历史原因"\n'
    (project / "compliance.toml").write_text(config, encoding="utf-8")
    _, findings = _findings(project, "report.txt", "report2.txt")
    unused = [f for f in findings if f["rule"] == "UNUSED-SUPPRESSION"]
    assert len(unused) == 1 and unused[0]["severity"] == "info" and "T3-NONNEG" in unused[0]["message"]
    assert "T4-RV-TOTAL" not in {f["rule"] for f in findings}


def test_suppression_for_another_report_is_not_unused(project: Path) -> None:
    config = '[[suppressions]]\nrule = "T4-RV-TOTAL"\npath = "other/*.txt"\nreason = "别的报告"\n'
    (project / "compliance.toml").write_text(config, encoding="utf-8")
    _, findings = _findings(project)
    assert len(findings) == 5 and "UNUSED-SUPPRESSION" not in {f["rule"] for f in findings}


def test_suppression_of_unknown_rule_is_config_error(project: Path) -> None:
    (project / "compliance.toml").write_text('[[suppressions]]\nrule = "T4-RV-TOTL"\nreason = "x"\n', encoding="utf-8")
    run = run_cli("check", "report.txt", cwd=project)
    assert run.exit_code == 2 and "did you mean 'T4-RV-TOTAL'" in run.stderr


def _structured(project: Path, suppressions: list[dict]) -> None:
    extracted = json.loads(run_cli("extract", "report.txt", cwd=project).stdout)
    extracted["suppressions"] = suppressions
    (project / "report.json").write_text(json.dumps(extracted, ensure_ascii=False), encoding="utf-8")


def test_suppressions_inside_structured_report(project: Path) -> None:
    _structured(
        project,
        [
            {"rule": "T4-RV-TOTAL", "reason": "已说明", "table": "T4"},
            {"rule": "T3-ROW-TOTAL", "reason": "已说明", "row": "granted"},
            {"rule": "T3-NONNEG", "reason": "没有用上"},
        ],
    )
    code, findings = _findings(project, "report.json")
    rules = [f["rule"] for f in findings]
    assert code == 1
    assert sorted(rules) == ["T3-RESULT-SUM", "T3-RESULT-SUM", "T3-ROW-TOTAL", "UNUSED-SUPPRESSION"]
    assert next(f for f in findings if f["rule"] == "T3-ROW-TOTAL")["location"]["row"] == "unable.not_held"


def test_structured_suppression_without_reason_is_not_applied(project: Path) -> None:
    _structured(project, [{"rule": "T4-RV-TOTAL", "reason": "  "}])
    _, findings = _findings(project, "report.json")
    rules = [f["rule"] for f in findings]
    assert "T4-RV-TOTAL" in rules and "INVALID-SUPPRESSION" in rules
