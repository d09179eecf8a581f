"""The command line: exit codes, one-sentence usage errors, formats, extract round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from compliance.cli import cli
from compliance.schemas import build_schema
from conftest import SAMPLES, SEED, require_shared

FAULTS = str(SAMPLES / "v2021-faults-2022.txt")
CLEAN = str(SAMPLES / "v2021-clean-2023.txt")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point the way a user does (main() handles usage errors)."""
    return subprocess.run(
        [sys.executable, "-c", "from compliance.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_exit_codes() -> None:
    assert run("check", CLEAN).returncode == 0
    assert run("check", FAULTS).returncode == 1
    assert run("check", FAULTS, "--fail-on", "never").returncode == 0


def test_check_missing_path_is_usage_error_in_one_sentence() -> None:
    result = run("check", "no/such/report.txt")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_bad_option_is_usage_error_without_traceback() -> None:
    for args in (
        ["check", CLEAN, "--fail-on", "sometimes"],
        ["check", CLEAN, "--format", "pdf"],
        ["check", CLEAN, "--select", "NOPE-RULE"],
        ["explain", "NOPE"],
    ):
        result = run(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("Error:"), args


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"", "为空"), (bytes(range(256)) * 20, "二进制"), ("<p>一个与年报无关的网页</p>".encode(), "不像")],
    ids=["empty", "binary", "not-a-report"],
)
def test_check_unreadable_file_is_an_input_finding(tmp_path: Path, content: bytes, needle: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = run("check", str(bad), CLEAN, "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    first, second = document["reports"]
    assert [f["category"] for f in first["findings"]] == ["input"]
    assert needle in first["findings"][0]["message"]
    assert second["findings"] == [] or all(f["severity"] != "error" for f in second["findings"])


def test_check_json_validates_against_findings_schema() -> None:
    require_shared()
    result = run("check", FAULTS, CLEAN, str(SEED), "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, build_schema("findings"))
    # The faults sample: five table errors, and warnings for its prose figure and empty section 五.
    assert document["summary"] == {"reports": 3, "error": 5, "warning": 4, "info": 1}


def test_check_select_and_ignore_by_id_prefix_and_category() -> None:
    def rules_of(*args: str) -> set[str]:
        out = json.loads(run("check", FAULTS, "--format", "json", *args).stdout)
        return {f["rule"] for f in out["reports"][0]["findings"]}

    prose = {"T3-TEXT", "S5-CONTENT", "S5-BOTH", "S5-PREV"}
    assert rules_of() == {"T3-ROW-TOTAL", "T3-RESULT-SUM", "T4-RV-TOTAL"} | prose
    assert rules_of("--select", "T4") == {"T4-RV-TOTAL"}
    assert rules_of("--ignore", "arithmetic") == prose
    assert rules_of("--ignore", "arithmetic,improvement-plan,narrative-consistency") == set()
    assert rules_of("--select", "arithmetic", "--ignore", "T3-ROW-TOTAL,T4-RV-TOTAL") == {"T3-RESULT-SUM"}
    assert run("check", FAULTS, "--ignore", "arithmetic").returncode == 0


def test_check_text_output_groups_by_section() -> None:
    out = run("check", FAULTS).stdout
    assert "三、收到和处理政府信息公开申请情况" in out and "四、政府信息公开行政复议、行政诉讼情况" in out
    assert out.index("T3-ROW-TOTAL") < out.index("T4-RV-TOTAL")
    assert "expected 21, actual 20" in out


def test_extract_then_check_gives_the_same_findings(tmp_path: Path) -> None:
    require_shared()
    for source in (FAULTS, CLEAN, str(SEED), str(SAMPLES / "v2019-clean-2020.txt")):
        extracted = run("extract", source)
        assert extracted.returncode == 0
        jsonschema.validate(json.loads(extracted.stdout), build_schema("report"))
        as_json = tmp_path / "report.json"
        as_json.write_text(extracted.stdout, encoding="utf-8")
        direct = json.loads(run("check", source, "--format", "json").stdout)["reports"][0]["findings"]
        via_json = json.loads(run("check", str(as_json), "--format", "json").stdout)["reports"][0]["findings"]
        assert direct == via_json, source


def test_extract_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = run("extract", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_rules_explain_schema_plugins_version() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["rules"]).output
    assert "T3-COL-BALANCE" in listing and "arithmetic" in listing
    explained = runner.invoke(cli, ["explain", "T3-COL-BALANCE"]).output
    assert "Failing example" in explained and "Passing example" in explained
    assert runner.invoke(cli, ["rules", "show", "STRUCT-SECTIONS"]).output.startswith("STRUCT-SECTIONS")
    assert "category: input" in runner.invoke(cli, ["explain", "INPUT"]).output
    schema = json.loads(runner.invoke(cli, ["schema", "findings"]).output)
    assert schema["title"] == "compliance findings"
    plugins = runner.invoke(cli, ["plugins"]).output
    assert "rules_arithmetic" in plugins and "compliance_rule_kinds" in plugins
    assert "0.1.0" in runner.invoke(cli, ["--version"]).output


def test_data_found_from_any_working_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from compliance.cli import main; main()", "rules"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0 and "T4-RV-TOTAL" in result.stdout
