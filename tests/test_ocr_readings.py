"""OCR'd tables: a failing identity a misreading can explain is never reported as the agency's error."""

from __future__ import annotations

import dataclasses

from compliance.document import Document, Grid, GridCell
from compliance.engine import Options, check_report, get_registry, read_document
from compliance.mapping.build import build_report
from compliance.mapping.ocr_readings import alternatives
from compliance.model import Finding
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"


def _scanned(text_of: dict[str, str], confidence: float = 0.99, low: dict[str, float] | None = None) -> Document:
    """The clean sample as if OCR'd: every table cell carries a confidence; some cells re-read."""
    registry = get_registry()
    document = read_document(CLEAN, registry, Options())
    assert isinstance(document, Document)
    for block in document.blocks:
        if not isinstance(block, Grid):
            continue
        for row in block.rows:
            label = row[0].text
            for index, cell in enumerate(row):
                text = cell.text
                key = f"{label}#{index}"
                if key in text_of:
                    assert text == text_of[key][0], (key, text)
                    text = text_of[key][1]
                level = (low or {}).get(key, confidence)
                row[index] = dataclasses.replace(cell, text=text, confidence=level)
    return document


def _findings(document: Document) -> list[Finding]:
    registry = get_registry()
    report = build_report(document, registry.layouts)
    return check_report(report, registry)


def _arithmetic_errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.category == "arithmetic" and f.severity == "error"]


def test_confusable_digit_is_an_uncertain_reading_not_an_error() -> None:
    # "14" read as "74" (1↔7): every identity of T3 holds again with the other reading.
    findings = _findings(_scanned({"（一）予以公开#1": ("14", "74")}))
    assert _arithmetic_errors(findings) == []
    notes = [f for f in findings if f.rule == "TABLE-READ"]
    assert len(notes) == 1
    assert "读作 74" in notes[0].message and "也可能是 14" in notes[0].message
    assert notes[0].severity != "error"
    cannot = [f for f in findings if f.rule.startswith("T3-") and "OCR" in f.message]
    assert cannot and all(f.severity == "info" for f in cannot)


def test_confident_unexplained_failure_stays_an_error() -> None:
    # "14" read as "15" with high confidence: no single other reading explains it.
    findings = _findings(_scanned({"（一）予以公开#1": ("14", "15")}))
    assert {f.rule for f in _arithmetic_errors(findings)} >= {"T3-ROW-TOTAL", "T3-RESULT-SUM"}
    assert not [f for f in findings if f.rule == "TABLE-READ"]


def test_low_confidence_cell_in_failing_identity_is_uncertain() -> None:
    findings = _findings(_scanned({"（一）予以公开#1": ("14", "15")}, low={"（一）予以公开#1": 0.55}))
    assert _arithmetic_errors(findings) == []
    notes = [f for f in findings if f.rule == "TABLE-READ"]
    assert len(notes) == 1 and "置信度 0.55" in notes[0].message


def test_clean_scan_has_no_notes() -> None:
    findings = _findings(_scanned({}))
    assert _arithmetic_errors(findings) == []
    assert not [f for f in findings if f.rule == "TABLE-READ"]


def test_alternatives_cover_the_usual_misreadings() -> None:
    values = {text: value for text, value in alternatives("80", money=False)}
    assert values["30"] == 30  # 8↔3
    assert values["86"] == 86 and values["88"] == 88 and values["89"] == 89  # 0→6/8/9
    assert values["8"] == 8 and values["0"] == 0  # a stray mark read as a digit
    assert values["-80"] == -80  # a lost minus sign
    money = {text for text, _ in alternatives("1250", money=True)}
    assert "12.50" in money  # a lost decimal point
    assert ("（空白）", None) in alternatives("1", money=False)
    assert all(isinstance(v, int) for _, v in alternatives("17", money=False))
    assert GridCell("1").confidence is None


def test_uncertain_readings_are_one_note_per_rule() -> None:
    # Two low-confidence cells in different rows, each breaking its own row total: one note per rule,
    # naming both rows, never one note per row (a scan must not bury the report under notes).
    partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）#1"
    low = {"（一）予以公开#1": 0.5, partial: 0.5}
    findings = _findings(_scanned({"（一）予以公开#1": ("14", "15"), partial: ("3", "5")}, low=low))
    assert _arithmetic_errors(findings) == []
    row_notes = [f for f in findings if f.rule == "T3-ROW-TOTAL" and "OCR" in f.message]
    assert len(row_notes) == 1 and row_notes[0].severity == "info"
    assert "予以公开" in row_notes[0].message and "部分公开" in row_notes[0].message
