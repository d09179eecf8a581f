"""Golden files: every output format of `check` on our own samples, byte for byte.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_formatters_golden.py``
and review the diff. Outputs are deterministic: paths are relative, nothing carries a timestamp,
and the tool version is replaced by a placeholder here so a release does not churn the files.
"""

from __future__ import annotations

import os

import pytest

from compliance.plugins import installed_version
from conftest import REPO
from helpers import run_cli

GOLDEN = REPO / "tests" / "golden"
SAMPLES = ("reports/v2021-faults-2022.txt", "reports/v2019-clean-2020.txt")
FORMATS = {
    "json": "json",
    "sarif": "sarif.json",
    "junit": "junit.xml",
    "github": "github.txt",
    "csv": "csv",
    "markdown": "md",
}


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_golden_output_matches(output_format: str) -> None:
    run = run_cli("check", *SAMPLES, "--format", output_format, "--isolated", cwd=REPO)
    assert run.exit_code == 1, run.stderr
    produced = run.stdout.replace(f'"{installed_version()}"', '"VERSION"')
    golden = GOLDEN / f"check.{FORMATS[output_format]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with UPDATE_GOLDEN=1"
    assert produced == golden.read_text(encoding="utf-8"), f"{golden.name} differs: rerun with UPDATE_GOLDEN=1"


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_golden_output_is_deterministic_and_relative(output_format: str) -> None:
    first = run_cli("check", *SAMPLES, "--format", output_format, "--isolated", cwd=REPO)
    second = run_cli("check", *SAMPLES, "--format", output_format, "--isolated", cwd=REPO)
    assert first.stdout == second.stdout
    assert str(REPO) not in first.stdout
    assert first.stderr == ""  # nothing but the format on stdout, and no noise besides
