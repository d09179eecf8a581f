"""Page preparation without the recogniser: skew, quarter turns, rules and specks on real pages."""

from __future__ import annotations

import pytest
from scans import degrade, render

from conftest import CORPUS, require_shared

PAGE = CORPUS / "2024_jiangsu-huaian-shi-zhengfu.pdf"


@pytest.fixture(scope="module")
def table_page():  # type: ignore[no-untyped-def]
    require_shared()
    pytest.importorskip("cv2")
    return render(PAGE, [3], 150)[0]


@pytest.mark.parametrize("tilt", [-1.5, -0.7, 1.0, 1.5])
def test_skew_is_measured(table_page, tilt: float) -> None:  # type: ignore[no-untyped-def]
    from compliance.readers.ocr.prepare import skew_angle

    assert skew_angle(degrade(table_page, tilt=tilt, jpeg=80)) == pytest.approx(-tilt, abs=0.15)


@pytest.mark.parametrize("number", [0, 3])  # prose, tables
def test_quarter_turn_is_seen(number: int) -> None:
    require_shared()
    cv2 = pytest.importorskip("cv2")
    from compliance.readers.ocr.prepare import is_sideways

    page = render(PAGE, [number], 100)[0]
    assert not is_sideways(page)
    assert is_sideways(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE))
    assert is_sideways(cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE))
    assert not is_sideways(cv2.rotate(page, cv2.ROTATE_180))


def test_rules_found_and_specks_removed(table_page) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from compliance.readers.ocr.prepare import despeckle, find_rules

    clean_rules, erased = find_rules(table_page)
    assert sum(1 for r in clean_rules if r.vertical) >= 8 and sum(1 for r in clean_rules if not r.vertical) >= 10
    assert (erased < 128).sum() < (table_page < 128).sum()  # the rules are gone from the copy
    noisy = degrade(table_page, speckle=0.003)
    cleaned = despeckle(noisy)
    # Most specks go; the text stays (ink close to the clean page's).
    assert abs(int((cleaned < 128).sum()) - int((table_page < 128).sum())) < 0.2 * (noisy < 128).sum()
    assert np.count_nonzero(cleaned != noisy) > 0


@pytest.mark.parametrize("number", [0, 3])  # prose, tables
def test_detected_lines_confirm_a_quarter_turn(number: int) -> None:
    require_shared()
    cv2 = pytest.importorskip("cv2")
    pytest.importorskip("rapidocr_onnxruntime")
    from compliance.readers.ocr.pages import _lines_run_across

    page = render(PAGE, [number], 150)[0]
    assert _lines_run_across(page, 150)
    assert not _lines_run_across(cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE), 150)


def test_upright_word_tables_with_thin_rules_are_not_turned(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice prints a Word table's grid in rules so thin that the reduced page loses them, and
    a table of lone figures then shows more blank columns than rows, as a turned page does: the
    detector's lines must overrule that (every page of our sample, printed with ruled tables)."""

    pytest.importorskip("rapidocr_onnxruntime")
    import pypdfium2 as pdfium
    from documents import office_convert, to_docx

    from compliance.readers.ocr.pages import _lines_run_across
    from compliance.readers.ocr.prepare import is_sideways, rotate, skew_angle
    from conftest import SAMPLES

    docx = tmp_path / "sample.docx"
    docx.write_bytes(to_docx((SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8"), ruled=True))
    printed = office_convert(docx, "pdf", tmp_path)
    count = len(pdfium.PdfDocument(str(printed)))
    for page in render(printed, list(range(count)), 200):
        page = degrade(page, tilt=1.5, jpeg=75)
        page = rotate(page, skew_angle(page))
        assert not is_sideways(page) or _lines_run_across(page, 200)


def test_a_thin_rule_broken_beside_a_tight_row_is_mended() -> None:
    """A speck of paper breaks a vertical rule just above a row lower than the rule kernel: the
    piece beside that row is still a rule (else the row's two cells read as one), while a text
    stroke in line with a rule below the table, ending on no rule, is not."""
    np = pytest.importorskip("numpy")
    from compliance.readers.ocr.prepare import find_rules

    page = np.full((2000, 800), 255, dtype=np.uint8)
    for y in (100, 400, 700, 740):  # the last row is 40 px high, the kernel 50 px (2000 / 40)
        page[y : y + 2, 100:700] = 0
    for x in (100, 400, 700):
        page[100:742, x : x + 2] = 0
    page[705:708, 400:402] = 255  # the break, in the rule between the last row's cells
    page[748:783, 400:402] = 0  # a stroke of text just under the table, in line with that rule
    rules, _ = find_rules(page)
    middle = [r for r in rules if r.vertical and 395 <= r.x0 <= 405]
    assert any(r.top <= 712 and r.bottom >= 738 for r in middle)
    assert not any(r.bottom > 745 for r in middle)
