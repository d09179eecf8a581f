"""Tables printed without rules, read from scans: line cutting, clipped glyphs, wrapped labels.

The scan is made at test time from our own sample: its sections 二 and 四 as a Word document
whose tables have no borders (python-docx's default table style), printed to PDF by LibreOffice,
rendered, tilted and JPEG-compressed. Nothing from the corpus is used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from documents import office_convert, to_docx
from scans import degrade, image_pdf, render

from compliance.engine import load_report
from compliance.readers.ocr.crops import split_at_gaps, trim
from compliance.readers.ocr.lattice import digit_shaped, numeric_reading
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"


def _page(height: int = 60, width: int = 400) -> np.ndarray:
    return np.full((height, width), 255, dtype=np.uint8)


def test_a_line_is_cut_at_a_blank_wider_than_its_ink_is_high() -> None:
    page = _page()
    page[20:40, 10:30] = 0  # a glyph 20 px high
    page[20:40, 34:54] = 0  # the next glyph of the same word, 4 px on
    page[20:40, 120:135] = 0  # a figure in the next column, 66 px on
    pieces = split_at_gaps(page, 5, 15, 140, 45)
    assert [(p[0], p[2]) for p in pieces] == [(5, 54), (120, 140)]


def test_a_speck_does_not_bridge_a_blank_and_prose_is_not_cut() -> None:
    page = _page()
    page[20:40, 10:30] = 0
    page[20:40, 120:135] = 0
    page[30, 70] = 0  # one speck of noise in the blank
    assert len(split_at_gaps(page, 5, 15, 140, 45)) == 2
    prose = _page()
    for x in range(10, 300, 24):  # glyphs 20 px high, 4 px apart: one line of prose
        prose[20:40, x : x + 20] = 0
    assert split_at_gaps(prose, 5, 15, 310, 45) == [(5, 15, 310, 45)]


def test_a_clipped_figure_is_widened_to_its_whole_glyph() -> None:
    page = _page()
    page[10:50, 100:120] = 0  # a "0" 40 px high
    clipped = (102, 22, 118, 38)  # the detector's box, on the reduced page, cut it
    left, upper, right, lower = trim(page, *clipped, line_height=44) or (0, 0, 0, 0)
    assert upper < 10 and lower > 50 and left < 100 and right > 120
    # A box as high as the page's lines is left alone: it is a line, not a clipped figure.
    assert trim(page, *clipped) == trim(page, *clipped, line_height=18)


def test_digit_shaped_letters_alone_are_doubtful_figures() -> None:
    assert digit_shaped("o", 0.6) == ("0", 0.6)
    assert digit_shaped("l", 0.99) == ("1", 0.75)
    assert digit_shaped("公开", 0.99) == ("公开", 0.99)
    assert numeric_reading("0-", 0.9) == ("0", 0.75)  # a dash after a figure is never its sign
    assert numeric_reading('0"', 0.9) == ("0", 0.75)  # a speck read as a quotation mark
    assert numeric_reading("-5", 0.99) == ("-5", 0.99)


def _shortened(text: str) -> str:
    """The sample's title, section 二 up to its first sub-table's second row of figures, and
    section 四: a scan of two pages."""
    lines = text.splitlines()
    keep, section, figures = [lines[0]], "", 0
    for line in lines[1:]:
        if len(line) > 1 and line[1] == "、" and line[0] in "一二三四五六" and "\t" not in line:
            section = line[0]
        if section == "二" and figures < 2:
            keep.append(line)
            figures += "\t" in line and any(ch.isdigit() for ch in line)
        elif section == "四":
            keep.append(line)
    return "\n".join(keep) + "\n"


def test_borderless_word_tables_scanned_read_every_cell(tmp_path: Path) -> None:
    """Narrow borderless columns: the detector joins a label and its figure, a row of figures,
    and clips lone zeros; labels wrap over many lines. Every cell must still be read, and read
    as OCR'd (with a confidence)."""
    pytest.importorskip("rapidocr_onnxruntime")
    text = _shortened(CLEAN.read_text(encoding="utf-8"))
    (tmp_path / "sample.txt").write_text(text, encoding="utf-8")
    docx = tmp_path / "sample.docx"
    docx.write_bytes(to_docx(text))
    printed = office_convert(docx, "pdf", tmp_path)
    import pypdfium2 as pdfium

    count = len(pdfium.PdfDocument(str(printed)))
    assert count <= 2  # keep the test small
    images = [degrade(image, tilt=1.2, jpeg=75) for image in render(printed, list(range(count)), 200)]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(image_pdf(images, 200))
    truth = load_report(tmp_path / "sample.txt")
    report = load_report(scan)
    for table in ("T2", "T4"):
        expected = {(r, c): cell.value for r, row in truth.tables[table].items() for c, cell in row.items()}
        found = {(r, c): cell.value for r, row in report.tables.get(table, {}).items() for c, cell in row.items()}
        assert expected and found == expected, table
        assert all(c.confidence is not None for row in report.tables[table].values() for c in row.values())
    # The prose was recognised too: every section says so, for the prose rules' sake.
    assert report.sections and all(s.confidence is not None for s in report.sections if s.text)
    assert all(s.confidence is None for s in truth.sections)


def test_a_figure_read_from_a_letter_stays_uncertain_through_the_reader() -> None:
    """The unruled reader turns a lone "o" into 0, but keeps its confidence below trust."""
    from compliance.mapping.ocr_readings import LOW_CONFIDENCE
    from compliance.readers.ocr.engine import TextBox
    from compliance.readers.ocr.scanned import unruled_tables

    boxes = []
    printed = [("甲项", "3", "1", "4"), ("乙项", "2", "o", "2"), ("丙项", "5", "1", "6")]
    for row, (label, *figures) in enumerate(printed):
        top = 100.0 + 20 * row
        boxes.append(TextBox(label, 72, top, 110, top + 11, 0.99))
        boxes += [TextBox(f, 200 + 60 * k, top, 207 + 60 * k, top + 11, 0.97) for k, f in enumerate(figures)]
    tables, rest = unruled_tables(boxes, 1)
    assert len(tables) == 1 and not rest
    cells = {c.text: c for row in tables[0].rows for c in row if c.text}
    read = [c for row in tables[0].rows for c in row if c.loc.bbox and c.loc.bbox[0] == 260 and c.loc.bbox[1] == 120]
    assert [c.text for c in read] == ["0"]
    assert read[0].confidence is not None and read[0].confidence < LOW_CONFIDENCE
    assert cells["5"].confidence == 0.97  # clear figures keep the recogniser's confidence


@pytest.mark.parametrize("raw", ["o", "0-"])
def test_a_doubtful_reading_that_breaks_an_identity_is_never_the_agencys_error(raw: str) -> None:
    """A printed 4 the recogniser read as "o" or "0-": the reader's 0 fails the table's identities,
    which must say "cannot verify" (uncertain reading), not report an arithmetic error."""
    from test_ocr_readings import _arithmetic_errors, _findings, _scanned

    text, confidence = numeric_reading(*digit_shaped(raw, 0.97))
    assert text == "0" and confidence is not None
    key = "（一）予以公开#2"  # printed 4
    findings = _findings(_scanned({key: ("4", text)}, low={key: confidence}))
    assert _arithmetic_errors(findings) == []
    notes = [f for f in findings if f.rule == "TABLE-READ"]
    assert notes and all(f.severity != "error" for f in notes)
    assert any("读作 0" in f.message for f in notes)


@pytest.mark.parametrize(("confidence", "severity"), [(0.22, "info"), (0.99, "error")])
def test_a_prose_figure_against_a_doubtful_ocr_cell_is_not_an_error(confidence: float, severity: str) -> None:
    """The text says 部分公开4件; in the scan only the row's 总计 was read, as 8. Read with low
    confidence, the narrative check cannot verify it and says so (info); read clearly, the same
    contradiction is the error it is."""
    from compliance.engine import check_report

    report = load_report(CLEAN)
    row = report.tables["T3"]["partial"]
    for column, cell in list(row.items()):
        read = {"value": 8, "raw": "8", "confidence": confidence} if column == "total" else {"value": None, "raw": "?"}
        row[column] = cell.model_copy(update=read)
    text = [f for f in check_report(report) if f.rule == "T3-TEXT"]
    assert len(text) == 1 and text[0].severity == severity
    assert ("OCR" in text[0].message) == (severity == "info")
