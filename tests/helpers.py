"""Small helpers for tests: check text through the real engine, edit one table cell of a text report."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from compliance.cli import cli
from compliance.engine import Options, check_file, get_registry, load_report
from compliance.model import Finding, Report


def check_text(tmp_path: Path, text: str, name: str = "report.txt", **options: object) -> list[Finding]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_file(path, get_registry(), Options(**options)).result.findings  # type: ignore[arg-type]


def load_text(tmp_path: Path, text: str, name: str = "report.txt") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_report(path)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def replace_field(text: str, line_startswith: str, field_index: int, new_value: str) -> str:
    """Replace the Nth numeric field (0-based, among non-empty numeric fields) of the first line starting so."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.lstrip("\t").startswith(line_startswith) or line.startswith(line_startswith):
            fields = line.split("\t")
            numeric = [i for i, f in enumerate(fields) if f.strip().lstrip("+-").isdigit()]
            fields[numeric[field_index]] = new_value
            lines[number] = "\t".join(fields)
            return "\n".join(lines)
    raise AssertionError(f"no line starts with {line_startswith!r}")


@dataclass
class Run:
    """What one in-process CLI run produced; stdout and stderr stay apart."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Run(result.exit_code, result.stdout, result.stderr)
