"""File formats of `check`: --format xlsx (binary, needs --output) and CSV files with a BOM for Excel."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import openpyxl
import pytest

from conftest import REPO, SAMPLES
from helpers import run_cli

FAULTS = str(SAMPLES / "v2021-faults-2022.txt")


@pytest.mark.parametrize("output_format", ["xlsx", "docx"])
def test_binary_format_without_output_is_a_usage_error(output_format: str) -> None:
    run = run_cli("check", FAULTS, "--format", output_format, "--isolated", cwd=REPO)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert "--output" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_xlsx_file_holds_the_same_findings_as_json(tmp_path: Path) -> None:
    target = tmp_path / "问题清单.xlsx"
    run = run_cli("check", str(SAMPLES), "--format", "xlsx", "-o", str(target), "--isolated", cwd=REPO)
    assert run.exit_code == 1 and run.stdout == ""
    document = json.loads(run_cli("check", str(SAMPLES), "--format", "json", "--isolated", cwd=REPO).stdout)
    book = openpyxl.load_workbook(target)
    rows = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    fingerprints = [f["fingerprint"] for r in document["reports"] for f in r["findings"]]
    assert sorted(row[-1] for row in rows) == sorted(fingerprints)
    assert book["报告汇总"].max_row == 1 + len(document["reports"])


def test_csv_file_starts_with_a_bom_and_stdout_does_not(tmp_path: Path) -> None:
    target = tmp_path / "findings.csv"
    written = run_cli("check", FAULTS, "--format", "csv", "-o", str(target), "--isolated", cwd=REPO)
    assert written.exit_code == 1
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    piped = run_cli("check", FAULTS, "--format", "csv", "--isolated", cwd=REPO).stdout
    assert not piped.startswith("\ufeff")
    assert data.decode("utf-8-sig") == piped  # the same rows, only the BOM added
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["agency"] == "鹭屿市交通运输局"


def test_docx_is_a_notice_for_one_report_and_a_bulletin_for_several(tmp_path: Path) -> None:
    one, several = tmp_path / "one.docx", tmp_path / "several.docx"
    assert run_cli("check", FAULTS, "--format", "docx", "-o", str(one), "--isolated", cwd=REPO).exit_code == 1
    assert run_cli("check", str(SAMPLES), "--format", "docx", "-o", str(several), "--isolated", cwd=REPO).exit_code == 1
    title = docx.Document(str(one)).paragraphs[0].text
    assert title.startswith("关于鹭屿市交通运输局2022年") and title.endswith("检查意见")
    assert docx.Document(str(several)).paragraphs[0].text.endswith("检查情况的通报")
