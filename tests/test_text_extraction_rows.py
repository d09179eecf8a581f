"""Tables that text extraction printed without their structure (``pdftotext -raw``, copy and paste):
labels wrapped over lines above their figures, one-figure rows, rows printed but unreadable.

The renderings are made here from our own tab-separated samples: every row's label is wrapped at a
few characters and its figures printed on a line of their own, single-spaced, as reading-order text
extraction prints a table whose label column is narrow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import Options, check_file, get_registry, load_report
from compliance.readers.layout_text import looks_like_layout
from conftest import SAMPLES

CLEAN = sorted(p for p in SAMPLES.glob("*clean*.txt"))


def _wrapped(line: str, width: int) -> list[str]:
    label, *figures = line.split("\t")
    label = label.strip()
    pieces = [label[i : i + width] for i in range(0, len(label), width)] or [""]
    filled = [f for f in figures if f.strip()]
    return [*pieces, " ".join(filled)] if filled else pieces


def raw_rendering(source: Path, width: int, stacked: bool = False) -> str:
    """The sample as reading-order extraction prints it: tabs gone, labels wrapped above figures.

    ``stacked``: the labels of a table's rows all come first and the figures after them, as a scrambled
    extraction prints them (no label may then be given to the wrong figures)."""
    out: list[str] = []
    labels: list[str] = []
    figures: list[str] = []
    in_tables = False  # tables 二 and 三 are re-printed; 四 and the prose stay as they are
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith(("二、", "四、")) and "\t" not in line:
            in_tables = line.startswith("二、")
        if not in_tables:
            out += labels + figures + [line]
            labels, figures = [], []
            continue
        cells = line.split("\t")
        numeric = [c for c in cells[1:] if c.strip()]
        if "\t" not in line or not numeric or not all(c.strip().replace(".", "").isdigit() for c in numeric):
            out += labels + figures
            labels, figures = [], []
            out.append(" ".join(c for c in cells if c.strip()))
            continue
        lines = _wrapped(line, width)
        if stacked:
            labels += lines[:-1]
            figures.append(lines[-1])
        else:
            out += lines
    return "\n".join(out + labels + figures) + "\n"


def _cells(report_path: Path) -> dict[tuple[str, str, str], object]:
    report = load_report(report_path)
    return {
        (table, row, column): cell.value
        for table, rows in report.tables.items()
        for row, cells in rows.items()
        for column, cell in cells.items()
    }


@pytest.mark.parametrize("source", CLEAN, ids=lambda p: p.stem)
@pytest.mark.parametrize("width", [6, 9, 14])
def test_labels_wrapped_above_their_figures_are_read(tmp_path: Path, source: Path, width: int) -> None:
    rendered = tmp_path / "raw.txt"
    rendered.write_text(raw_rendering(source, width), encoding="utf-8")
    assert not looks_like_layout(rendered.read_text(encoding="utf-8"))  # single spaces carry no columns
    expected = {k: v for k, v in _cells(source).items() if k[0] in ("T2", "T3")}
    got = _cells(rendered)
    assert {k: got.get(k) for k in expected} == expected
    findings = check_file(rendered, get_registry(), Options()).result.findings
    assert [f for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize("source", CLEAN, ids=lambda p: p.stem)
def test_stacked_labels_never_give_a_row_another_rows_figures(tmp_path: Path, source: Path) -> None:
    rendered = tmp_path / "stacked.txt"
    rendered.write_text(raw_rendering(source, 8, stacked=True), encoding="utf-8")
    expected = _cells(source)
    for key, value in _cells(rendered).items():
        if value is not None and key[0] in ("T2", "T3"):
            # Whatever was read sits where the source has it (unread rows are allowed, wrong ones not).
            assert expected.get(key) == value, key
    findings = check_file(rendered, get_registry(), Options()).result.findings
    missing = [f for f in findings if f.rule.startswith("STRUCT-T") and f.severity == "error"]
    assert missing == []  # the labels are printed: rows are present, at most unread


def test_one_figure_rows_are_read_only_under_their_exact_label(tmp_path: Path) -> None:
    source = next(p for p in CLEAN if "v2021" in p.name)
    text = source.read_text(encoding="utf-8")
    for row in ("行政许可\t1268", "行政处罚\t94"):
        assert row in text
        text = text.replace(row, row.replace("\t", " "))  # one figure after a space: a line of text
    # A sentence that merely starts like a label and ends in a figure is prose, not a row.
    text = text.replace("行政许可 1268", "行政许可事项办理时限压减至 5\n行政许可 1268")
    rendered = tmp_path / "one.txt"
    rendered.write_text(text, encoding="utf-8")
    report = load_report(rendered)
    assert report.tables["T2"]["license"]["decisions"].value == 1268
    assert report.tables["T2"]["penalty"]["decisions"].value == 94


def test_a_row_printed_but_unreadable_is_not_missing(tmp_path: Path) -> None:
    source = next(p for p in CLEAN if "v2021" in p.name)
    lines = raw_rendering(source, 40).splitlines()
    # The figures of one row are lost (as an extraction that drops a line would): its label stays.
    at = lines.index("2.其他法律行政法规禁止公开") + 1
    del lines[at]
    rendered = tmp_path / "lost.txt"
    rendered.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_report(rendered)
    assert "deny.law" in report.table_info["T3"].unread_rows
    findings = check_file(rendered, get_registry(), Options()).result.findings
    row_findings = [f for f in findings if f.rule == "STRUCT-T3-ROWS" and f.location.row == "deny.law"]
    assert [f.severity for f in row_findings] == ["info"]
    # A label that is nowhere on the page is still a missing row, an error.
    gone = [line for line in lines if line != "2.其他法律行政法规禁止公开"]
    rendered.write_text("\n".join(gone) + "\n", encoding="utf-8")
    findings = check_file(rendered, get_registry(), Options()).result.findings
    assert any(f.rule == "STRUCT-T3-ROWS" and f.location.row == "deny.law" and f.severity == "error" for f in findings)
