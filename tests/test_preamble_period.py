"""The preamble (text before 一、总体情况) is kept, and STRUCT-PERIOD reads the period stated there."""

from __future__ import annotations

from pathlib import Path

from conftest import SAMPLES
from helpers import check_text, load_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
PERIOD = "2023年1月1日至2023年12月31日"


def test_preamble_is_kept_without_the_title(tmp_path: Path) -> None:
    report = load_text(tmp_path, CLEAN)
    assert report.preamble is not None and report.preamble.key == "S0"
    assert PERIOD in report.preamble.text
    assert "年度报告" not in report.preamble.text.split("\n")[0][-6:]  # the title line is not repeated


def test_period_in_preamble_for_another_year_is_a_warning(tmp_path: Path) -> None:
    assert PERIOD in CLEAN
    found = [
        f
        for f in check_text(tmp_path, CLEAN.replace(PERIOD, "2022年1月1日至2022年12月31日"))
        if f.rule == "STRUCT-PERIOD"
    ]
    assert len(found) == 1 and found[0].severity == "warning" and "2022年1月1日" in (found[0].evidence or "")


def test_period_with_second_year_left_out_is_accepted(tmp_path: Path) -> None:
    text = CLEAN.replace(PERIOD, "2023年1月1日至12月31日")
    assert not [f for f in check_text(tmp_path, text) if f.rule == "STRUCT-PERIOD"]
    wrong = CLEAN.replace(PERIOD, "2023年1月1日至11月30日")
    assert [f.rule for f in check_text(tmp_path, wrong) if f.rule == "STRUCT-PERIOD"] == ["STRUCT-PERIOD"]
