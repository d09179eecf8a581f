"""What a batch tells the person running it: progress lines in a log, one agency-year given twice, and
pairing across years within a format family."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.batch.pairing import PairIndex, format_family
from compliance.batch.progress import progress_lines
from compliance.cli import cli
from conftest import SAMPLES
from helpers import sample_variant


def test_progress_lines_every_interval_and_a_last_one(capsys: pytest.CaptureFixture[str]) -> None:
    ticks = iter(float(t) for t in [0, 4, 11, 15, 23, 24, 30])
    items = list(progress_lines(range(5), 5, "checking", interval=10, clock=lambda: next(ticks)))
    assert items == [0, 1, 2, 3, 4]
    lines = capsys.readouterr().err.splitlines()
    # Lines at t=11 (2 done) and t=23 (4 done), then the last one when the batch ends.
    shown = [line.split(",")[0] for line in lines]
    assert shown == ["checking: 2/5 (40 %)", "checking: 4/5 (80 %)", "checking: 5/5 (100 %)"]


def test_a_batch_done_within_the_interval_writes_no_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(progress_lines(range(3), 3, "checking", interval=10, clock=lambda: 0.0)) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_same_agency_and_year_twice_is_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    clean = SAMPLES / "v2021-clean-2023.txt"
    (folder / "a.txt").write_text(sample_variant(clean, agency="甲县人民政府", year=2022), encoding="utf-8")
    shutil.copy(folder / "a.txt", folder / "b.txt")
    (folder / "c.txt").write_text(sample_variant(clean, agency="甲县人民政府", year=2023), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(folder), "--format", "json", "--isolated"])
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "甲县人民政府 2022" in warnings[0] and "2 times" in warnings[0]
    quiet = CliRunner().invoke(cli, ["check", str(folder), "--format", "json", "--isolated", "-q"])
    assert "warning:" not in quiet.stderr


def test_pairing_prefers_last_years_copy_in_the_same_format_family() -> None:
    index = PairIndex()
    index.add(0, "甲县人民政府", 2022, ".pdf")
    index.add(1, "甲县人民政府", 2022, ".html")
    index.add(2, "甲县人民政府", 2023, ".htm")
    index.add(3, "甲县人民政府", 2023, ".docx")
    index.add(4, "甲县人民政府", 2023, ".doc")
    assert index.pairs() == [(2, 1), (3, 0), (4, 0)]  # .htm ↔ .html; no Word copy last year: the first
    assert format_family(".HTM") == format_family(".html") and format_family(".doc") == format_family(".docx")
    assert [(year, group) for year, group in index.duplicates()] == [(2022, [0, 1]), (2023, [2, 3, 4])]
