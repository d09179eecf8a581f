"""The public Python API: its signatures are pinned, its documented example runs, its results match the CLI."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import compliance
from compliance.cli import cli
from conftest import REPO, SAMPLES

# Changing any of these is a breaking change of the public API (docs/api.md): a major version.
PINNED = {
    "check": (
        "(paths: 'PathLike | Iterable[PathLike]', *, select: 'Iterable[str] | None' = None, "
        "ignore: 'Iterable[str]' = (), severity: 'Mapping[str, Severity] | None' = None, "
        "template: \"Literal['V2019', 'V2021'] | None\" = None, config: 'PathLike | None' = None, "
        "exclude: 'Iterable[str] | None' = None, extend_exclude: 'Iterable[str]' = (), "
        "previous: 'PathLike | None' = None, jobs: 'int' = 1, timeout: 'float | None' = 60.0) "
        "-> 'FindingsDocument'"
    ),
    "load": "(path: 'PathLike', *, template: \"Literal['V2019', 'V2021'] | None\" = None) -> 'Report'",
}


def test_public_names_and_signatures_are_pinned() -> None:
    assert sorted(compliance.__all__) == sorted(
        ["Finding", "FindingsDocument", "Report", "ReportResult", "UsageError", "__version__", "check", "load"]
    )
    for name, signature in PINNED.items():
        assert str(inspect.signature(getattr(compliance, name))) == signature
    assert issubclass(compliance.UsageError, ValueError)
    with pytest.raises(AttributeError):
        compliance.not_an_api  # noqa: B018


def test_documented_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    example = text.split("## Example", 1)[1]
    code = re.search(r"```python\n(.*?)```", example, re.S)
    assert code is not None
    monkeypatch.chdir(REPO)
    exec(compile(code.group(1), "docs/api.md", "exec"), {})  # our own documentation
    printed = capsys.readouterr().out.splitlines()
    assert printed and all("T3" in line or "T4" in line for line in printed)


def test_check_returns_what_the_cli_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    document = compliance.check(["reports"], jobs=1)
    result = CliRunner().invoke(cli, ["check", "reports", "--format", "json", "--isolated"])
    assert json.loads(document.model_dump_json(exclude={"baseline"})) == json.loads(result.stdout)


def test_usage_errors_are_exceptions_not_findings(tmp_path: Path) -> None:
    with pytest.raises(compliance.UsageError, match="does not exist"):
        compliance.check(tmp_path / "missing")
    with pytest.raises(compliance.UsageError, match="names no rule"):
        compliance.check(SAMPLES, select=["NO-SUCH-RULE"])
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"")
    with pytest.raises(compliance.UsageError, match="cannot read"):
        compliance.load(broken)
    document = compliance.check(broken)
    assert [f.category for f in document.reports[0].findings] == ["input"]


def test_severity_and_select_keywords_apply() -> None:
    faults = SAMPLES / "v2021-faults-2022.txt"
    document = compliance.check(faults, select=["T3-ROW-TOTAL"], severity={"T3-ROW-TOTAL": "warning"})
    findings = document.reports[0].findings
    assert findings and {f.rule for f in findings} == {"T3-ROW-TOTAL"} and {f.severity for f in findings} == {"warning"}
