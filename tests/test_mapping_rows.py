"""Rows separated from their labels are placed by position only when the gap is unambiguous;
rows printed with every cell empty are blank rows, not missing rows."""

from __future__ import annotations

from pathlib import Path

from compliance.engine import load_report
from conftest import SAMPLES
from helpers import check_text, errors, load_text

CLEAN = SAMPLES / "v2021-clean-2023.txt"


def _unlabel(text: str, label: str) -> str:
    """Drop a row's label, keeping its numbers (as PDF-to-Markdown conversions do)."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(label))
    lines[index] = "\t" + lines[index].split("\t", 1)[1]
    return "\n".join(lines)


def test_unlabelled_rows_take_the_open_template_rows_in_order(tmp_path: Path) -> None:
    text = _unlabel(_unlabel(CLEAN.read_text(encoding="utf-8"), "（二）部分公开"), "1.本机关不掌握相关政府信息")
    reference = load_report(CLEAN)
    report = load_text(tmp_path, text)
    for row in ("partial", "unable.not_held"):
        assert {c: v.value for c, v in report.tables["T3"][row].items()} == {
            c: v.value for c, v in reference.tables["T3"][row].items()
        }
    found = check_text(tmp_path, text)
    assert errors(found) == []
    positional = [f for f in found if f.rule == "TABLE-READ"]
    assert sorted(f.location.row for f in positional) == ["partial", "unable.not_held"]
    # A row matched by position changes no verdict: a reading note (info), not a warning.
    assert all(f.severity == "info" and "位置" in f.message for f in positional)


def test_unlabelled_row_is_not_placed_when_the_gap_is_ambiguous(tmp_path: Path) -> None:
    text = _unlabel(CLEAN.read_text(encoding="utf-8"), "（二）部分公开")
    lines = text.split("\n")
    del lines[next(i for i, line in enumerate(lines) if line.startswith("（一）予以公开"))]
    report = load_text(tmp_path, "\n".join(lines))
    assert "partial" not in report.tables["T3"] and "granted" not in report.tables["T3"]
    missing = {f.location.row for f in errors(check_text(tmp_path, "\n".join(lines))) if f.rule == "STRUCT-T3-ROWS"}
    assert missing == {"granted", "partial"}


def test_row_printed_with_empty_cells_is_a_blank_row(tmp_path: Path) -> None:
    text = CLEAN.read_text(encoding="utf-8")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("3.要求提供公开出版物"))
    assert set(lines[index].split("\t")[1:]) == {"0"}, "the sample row is all zeros"
    lines[index] = "3.要求提供公开出版物" + "\t" * 7
    report = load_text(tmp_path, "\n".join(lines))
    cells = report.tables["T3"]["noproc.publication"]
    assert all(c.value is None and c.status == "blank" for c in cells.values())
    found = check_text(tmp_path, "\n".join(lines))
    assert errors(found) == []
    assert any(f.rule == "BLANK-POLICY" for f in found)
