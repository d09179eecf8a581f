"""Traditional-character copies of our samples read exactly like the simplified originals."""

from __future__ import annotations

from pathlib import Path

import pytest
from opencc_purepy import OpenCC

from compliance.mapping.normalize import key
from conftest import SAMPLES
from helpers import cell_readings, check_text, load_text


def traditional(text: str) -> str:
    return str(OpenCC("s2t").convert(text))


@pytest.mark.parametrize("name", ["v2019-clean-2020.txt", "v2021-clean-2023.txt", "v2021-faults-2022.txt"])
def test_traditional_sample_same_tables_and_findings(tmp_path: Path, name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    converted = traditional(text)
    assert "規範性文件" in converted or "處理決定數量" in converted or "總計" in converted
    original, report = load_text(tmp_path, text, "a.txt"), load_text(tmp_path, converted, "b.txt")
    assert (report.template, report.year) == (original.template, original.year)

    # raw keeps the printed characters (萬元); values and statuses must be identical.
    assert cell_readings(report) == cell_readings(original)
    # Every finding, warnings and notes included: the prose rules' words are simplified, and a
    # report in traditional script says the same things.
    findings = sorted((f.rule, f.severity) for f in check_text(tmp_path, text, "c.txt"))
    assert sorted((f.rule, f.severity) for f in check_text(tmp_path, converted, "d.txt")) == findings


@pytest.mark.parametrize("name", ["v2019-clean-2020.txt", "v2021-clean-2023.txt"])
def test_traditional_run_on_dump_reads_its_run_together_rows(tmp_path: Path, name: str) -> None:
    """A crawler dump (one line, cells run together) in traditional script: rows found by their labels."""
    from test_mapping_runon import run_on

    dump = run_on((SAMPLES / name).read_text(encoding="utf-8"))
    original, report = load_text(tmp_path, dump, "a.txt"), load_text(tmp_path, traditional(dump), "b.txt")
    assert cell_readings(original) and cell_readings(report) == cell_readings(original)
    findings = sorted((f.rule, f.severity) for f in check_text(tmp_path, dump, "c.txt"))
    assert sorted((f.rule, f.severity) for f in check_text(tmp_path, traditional(dump), "d.txt")) == findings


def test_traditional_label_keys() -> None:
    assert key("規範性文件") == "规范性文件"
    assert key("本年處理決定數量") == "本年处理决定数量"
    assert key("行政強制") == "行政强制"  # no character of the old hint list: the dictionary decides
    assert key("規範性檔案") == "规范性文件"  # Taiwan word conversion undone
