"""Project configuration: discovery, precedence, validation, and its effect on findings and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compliance.project.config import find_config, parse
from conftest import SAMPLES
from helpers import replace_field, run_cli

FAULTS = SAMPLES / "v2021-faults-2022.txt"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(FAULTS, tmp_path / "faults.txt")
    return tmp_path


def _arithmetic(findings: list) -> list:
    """The table-arithmetic findings (the faults sample also has prose and section-五 warnings)."""
    return [f for f in findings if (f["category"] if isinstance(f, dict) else f.category) == "arithmetic"]


def _check(project: Path, config: str | None, *args: str, name: str = "compliance.toml") -> tuple[int, list[dict], str]:
    if config is not None:
        (project / name).write_text(config, encoding="utf-8")
    run = run_cli("check", "faults.txt", "--format", "json", *args, cwd=project)
    findings = json.loads(run.stdout)["reports"][0]["findings"] if run.stdout else []
    return run.exit_code, findings, run.stderr


def test_config_select_by_rule_id_keeps_only_that_rule(project: Path) -> None:
    code, findings, _ = _check(project, 'select = ["T4-RV-TOTAL"]\n')
    assert code == 1
    assert [f["rule"] for f in findings] == ["T4-RV-TOTAL"]


def test_config_ignore_by_category_passes_the_gate(project: Path) -> None:
    code, findings, _ = _check(project, 'ignore = ["arithmetic"]\n')
    assert code == 0 and findings and _arithmetic(findings) == []


def test_config_ignore_by_rule_id_drops_only_that_rule(project: Path) -> None:
    code, findings, _ = _check(project, 'ignore = ["T3-ROW-TOTAL", "T3-RESULT-SUM"]\n')
    assert code == 1
    assert [f["rule"] for f in _arithmetic(findings)] == ["T4-RV-TOTAL"]


def test_config_severity_override_by_rule_changes_exit_code(project: Path) -> None:
    config = 'select = ["T4-RV-TOTAL"]\n[severity]\nT4-RV-TOTAL = "warning"\n'
    code, findings, _ = _check(project, config)
    assert code == 0
    assert [f["severity"] for f in findings] == ["warning"]
    code, _, _ = _check(project, None, "--fail-on", "warning")
    assert code == 1


def test_config_severity_override_by_category_and_fail_on(project: Path) -> None:
    code, findings, _ = _check(project, '[severity]\narithmetic = "info"\n')
    assert code == 0 and len(_arithmetic(findings)) == 5 and {f["severity"] for f in _arithmetic(findings)} == {"info"}
    code, _, _ = _check(project, 'fail-on = "info"\n[severity]\narithmetic = "info"\n')
    assert code == 1


def test_cli_flags_override_config(project: Path) -> None:
    code, _, _ = _check(project, 'fail-on = "never"\nselect = ["T4-RV-TOTAL"]\n')
    assert code == 0
    code, findings, _ = _check(project, None, "--fail-on", "error", "--select", "T3-ROW-TOTAL")
    assert code == 1 and {f["rule"] for f in findings} == {"T3-ROW-TOTAL"}


def test_config_format_is_the_default_output(project: Path) -> None:
    (project / "compliance.toml").write_text('format = "csv"\n', encoding="utf-8")
    run = run_cli("check", "faults.txt", cwd=project)
    assert run.stdout.startswith("source,agency,year")


def test_pyproject_tool_table_found_upward_from_subfolder(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.compliance]\nignore = ["arithmetic"]\n', encoding="utf-8")
    sub = project / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # no table: keep looking
    assert find_config(sub) == project / "pyproject.toml"
    run = run_cli("check", str(project / "faults.txt"), cwd=sub)
    assert run.exit_code == 0


def test_compliance_toml_wins_over_pyproject_in_same_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.compliance]\nignore = ["arithmetic"]\n', encoding="utf-8")
    (project / "compliance.toml").write_text('select = ["T4"]\n', encoding="utf-8")
    assert find_config(project) == project / "compliance.toml"
    code, findings, _ = _check(project, None)
    assert code == 1 and [f["rule"] for f in findings] == ["T4-RV-TOTAL"]


def test_isolated_ignores_config_and_explicit_config_is_used(project: Path) -> None:
    code, findings, _ = _check(project, 'ignore = ["arithmetic"]\n', "--isolated")
    assert code == 1 and len(_arithmetic(findings)) == 5
    other = project / "other.toml"
    other.write_text('select = ["T4-RV-TOTAL"]\n', encoding="utf-8")
    code, findings, _ = _check(project, None, "--config", str(other))
    assert [f["rule"] for f in findings] == ["T4-RV-TOTAL"]


def test_unknown_key_warns_with_nearest_valid_key(project: Path) -> None:
    code, findings, stderr = _check(project, 'selct = ["T4-RV-TOTAL"]\nfail_on = "never"\n')
    assert "unknown key 'selct'" in stderr and "did you mean 'select'" in stderr
    assert "did you mean 'fail-on'" in stderr
    assert code == 1 and len(_arithmetic(findings)) == 5  # the misspelt keys did nothing


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('fail-on = "sometimes"\n', "fail-on"),
        ("select = [\n", "not valid TOML"),
        ('[severity]\nT3-ROW-TOTL = "info"\n', "did you mean 'T3-ROW-TOTAL'"),
        ('select = ["NO-SUCH-RULE"]\n', "NO-SUCH-RULE"),
        ("[options.BLANK-POLICY]\nreport_zero_filed = false\n", "report_zero_filed"),
        ("[options.T3-NONNEG]\nanything = 1\n", "takes no options"),
        ('[[suppressions]]\nrule = "T4-RV-TOTAL"\nreason = ""\n', "reason"),
        ('[[suppressions]]\nrule = "T4-RV-TOTAL"\n', "reason"),
    ],
)
def test_bad_config_exits_2_with_one_sentence(project: Path, config: str, words: str) -> None:
    code, _, stderr = _check(project, config)
    assert code == 2
    assert stderr.startswith("Error:") and words in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_missing_explicit_config_exits_2(project: Path) -> None:
    code, _, stderr = _check(project, None, "--config", "nowhere.toml")
    assert code == 2 and "nowhere.toml" in stderr


def test_rule_option_blank_policy_hides_zero_filled_note(project: Path) -> None:
    text = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    (project / "faults.txt").write_text(replace_field(text, "1.属于国家秘密", 1, ""), encoding="utf-8")
    _, findings, _ = _check(project, None)
    assert [f["rule"] for f in findings] == ["BLANK-POLICY"]
    _, findings, _ = _check(project, "[options.BLANK-POLICY]\nreport_zero_filled = false\n")
    assert findings == []


def test_parse_keeps_known_keys_and_reports_unknown() -> None:
    config, warnings = parse({"ignore": ["T3"], "colour": True}, "x.toml")
    assert config.ignore == ["T3"]
    assert len(warnings) == 1 and "colour" in warnings[0]


def test_config_and_isolated_together_is_usage_error(project: Path) -> None:
    code, _, stderr = _check(project, None, "--config", "x.toml", "--isolated")
    assert code == 2 and "--isolated" in stderr


def test_documented_example_config_is_valid(tmp_path: Path) -> None:
    import re

    import jsonschema

    from compliance.engine import get_registry
    from compliance.project.config import LoadedConfig, tomllib, validate_against
    from compliance.ruledoc import ENGINE_RULES
    from compliance.schemas import build_schema
    from conftest import REPO

    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.S)
    assert example is not None
    table = tomllib.loads(example.group(1))["tool"]["compliance"]
    jsonschema.Draft202012Validator(build_schema("config")).validate(table)
    config, warnings = parse(table, "docs/configuration.md")
    assert warnings == []
    validate_against(LoadedConfig(config, tmp_path / "pyproject.toml"), get_registry().rules, list(ENGINE_RULES))
