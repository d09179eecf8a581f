"""SARIF validates against the official 2.1.0 schema; JUnit, GitHub and CSV outputs parse as promised."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from compliance.formatters.github import annotation, escape_data, escape_property
from compliance.model import Finding, FindingLocation
from conftest import REPO, SHARED, require_shared
from helpers import run_cli

FAULTS = "reports/v2021-faults-2022.txt"
SARIF_SCHEMA = SHARED / "external" / "sarif-schema-2.1.0.json"


def _sarif(*paths: str) -> dict:
    run = run_cli("check", *paths, "--format", "sarif", "--isolated", cwd=REPO)
    assert run.exit_code in (0, 1), run.stderr
    return json.loads(run.stdout)


def test_sarif_seed_and_faults_validate_against_official_schema(seed_path: Path) -> None:
    require_shared()
    log = _sarif(str(seed_path), FAULTS)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    results = log["runs"][0]["results"]
    errors = {r["ruleId"] for r in results if r["level"] == "error"}
    assert errors == {"T3-ROW-TOTAL", "T3-RESULT-SUM", "T4-RV-TOTAL"}
    assert {r["ruleId"] for r in results if r["level"] == "warning"} == {"T3-TEXT", "S5-CONTENT", "S5-BOTH", "S5-PREV"}


def test_sarif_rules_carry_metadata_from_rule_packs() -> None:
    log = _sarif(FAULTS)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    rule = rules["T3-ROW-TOTAL"]
    explained = run_cli("explain", "T3-ROW-TOTAL").stdout
    assert rule["help"]["text"] == explained
    assert rule["name"] == "t3-row-total"
    assert "六类申请人" in rule["shortDescription"]["text"]
    assert rule["help"]["markdown"].startswith("## T3-ROW-TOTAL")


def test_sarif_result_has_relative_location_line_and_logical_cell() -> None:
    log = _sarif(FAULTS)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "T4-RV-TOTAL")
    assert rules[result["ruleIndex"]]["id"] == "T4-RV-TOTAL"
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == FAULTS
    assert location["physicalLocation"]["region"]["startLine"] == 76
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "S4/T4/RV/total"
    assert result["level"] == "error"
    assert len(result["partialFingerprints"]["complianceFinding/v1"]) == 20
    assert result["properties"]["expected"] == 4 and result["properties"]["actual"] == 5


def test_sarif_unreadable_file_is_a_result_without_region(tmp_path: Path) -> None:
    broken = tmp_path / "empty.txt"
    broken.write_text("", encoding="utf-8")
    log = _sarif(str(broken))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "INPUT"
    assert "region" not in result["locations"][0]["physicalLocation"]
    ids = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    assert ids[result["ruleIndex"]] == "INPUT"


def _junit(*args: str) -> ET.Element:
    run = run_cli("check", FAULTS, "reports/v2019-clean-2020.txt", "--format", "junit", "--isolated", *args, cwd=REPO)
    return ET.fromstring(run.stdout)


def test_junit_one_failing_testcase_per_failing_rule() -> None:
    root = _junit()
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [FAULTS, "reports/v2019-clean-2020.txt"]
    failing = [c.get("name") for c in suites[0].findall("testcase") if c.find("failure") is not None]
    assert sorted(failing) == ["T3-RESULT-SUM", "T3-ROW-TOTAL", "T4-RV-TOTAL"]
    names = [c.get("name") for c in suites[0].findall("testcase")]
    assert len(names) == len(set(names)) and "T3-COL-BALANCE" in names  # passing rules are testcases too
    assert suites[0].get("failures") == "3" and root.get("failures") == "3"
    assert not [c for c in suites[1].findall("testcase") if c.find("failure") is not None]
    failure = next(c for c in suites[0].findall("testcase") if c.get("name") == "T3-ROW-TOTAL").find("failure")
    assert failure is not None and failure.text is not None and failure.text.count("\n") == 1  # two findings


def test_junit_fail_on_never_has_no_failures() -> None:
    root = _junit("--fail-on", "never")
    assert root.get("failures") == "0"
    case = next(c for c in root.iter("testcase") if c.get("name") == "T4-RV-TOTAL")
    assert case.find("system-out") is not None


def test_github_annotation_escapes_properties_and_data() -> None:
    found = Finding(
        rule="T3-ROW-TOTAL",
        category="arithmetic",
        severity="warning",
        message="100% wrong,\nsecond line",
        location=FindingLocation(table="T3", row="new", column="total", line=7),
    )
    line = annotation(found, "a,b:c.txt")
    assert line == (
        "::warning file=a%2Cb%3Ac.txt,line=7,title=T3-ROW-TOTAL (T3.new.total)::100%25 wrong,%0Asecond line"
    )
    assert escape_data("a\r\nb") == "a%0D%0Ab"
    assert escape_property("x: y, z") == "x%3A y%2C z"


def test_github_format_one_annotation_per_finding() -> None:
    run = run_cli("check", FAULTS, "--format", "github", "--isolated", cwd=REPO)
    lines = run.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(lines) == 9 and len(errors) == 5
    assert all(line.startswith("::error file=reports/v2021-faults-2022.txt,line=") for line in errors)


def test_csv_one_row_per_finding_round_trips() -> None:
    run = run_cli("check", FAULTS, "--format", "csv", "--isolated", cwd=REPO)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert len(rows) == 9 and sum(1 for r in rows if r["severity"] == "error") == 5
    row = next(r for r in rows if r["rule"] == "T4-RV-TOTAL")
    assert (row["table"], row["row"], row["column"], row["line"]) == ("T4", "RV", "total", "76")
    assert (row["expected"], row["actual"], row["severity"]) == ("4", "5", "error")


@pytest.mark.parametrize("output_format", ["sarif", "junit", "github", "csv", "markdown", "json"])
def test_output_file_written_and_stdout_clean(tmp_path: Path, output_format: str) -> None:
    target = tmp_path / f"out.{output_format}"
    run = run_cli("check", FAULTS, "--format", output_format, "--output", str(target), "--isolated", cwd=REPO)
    assert run.exit_code == 1
    assert run.stdout == ""
    assert target.read_text(encoding="utf-8").strip()
