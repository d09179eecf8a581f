"""Reading the cells of a ruled table on a page image: what counts as ink in a cell, and how a
figure is read (pixels drawn here; the recogniser runs only where a test needs a reading)."""

from __future__ import annotations

import numpy as np
import pytest

from compliance.readers.ocr.engine import TextBox
from compliance.readers.ocr.prepare import Segment

XS, YS = [10, 130, 250, 370], [10, 90]


def _ruled_row() -> tuple[np.ndarray, list[Segment]]:
    """A page with one ruled row of three cells, rules drawn and listed."""
    page = np.full((100, 380), 255, dtype=np.uint8)
    rules = [Segment(XS[0], y, XS[-1], y + 2) for y in YS] + [Segment(x, YS[0], x + 2, YS[-1]) for x in XS]
    for rule in rules:
        page[int(rule.top) : int(rule.bottom), int(rule.x0) : int(rule.x1)] = 0
    return page, rules


def _draw(page: np.ndarray, text: str, x: int, y: int, size: int = 40) -> None:
    from PIL import Image, ImageDraw
    from scans import cjk_font

    font = cjk_font(size)
    if font is None:
        pytest.skip("no CJK font")
    image = Image.fromarray(page)
    ImageDraw.Draw(image).text((x, y), text, font=font, fill=0)
    page[:] = np.asarray(image)


@pytest.mark.parametrize("seed", [0, 3])
def test_specks_over_an_empty_cell_are_not_read_but_a_figure_is(seed: int) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from scans import degrade

    from compliance.readers.ocr.pages import _read_empty_cells

    page, rules = _ruled_row()
    _draw(page, "甲", 30, 25)
    _draw(page, "7", 300, 25)
    # Dense speckle, JPEG-smeared: the empty middle cell holds only specks, spread over all of it.
    page = degrade(page, speckle=0.01, jpeg=75, seed=seed)
    found = _read_empty_cells(page, [TextBox("甲", 30, 30, 70, 70, 0.99)], rules)
    assert [(b.text, XS[2] < b.x0 < XS[3]) for b in found] == [("7", True)]


def test_a_thin_figure_is_kept_and_a_speck_beside_text_does_not_stretch_its_box() -> None:
    from compliance.readers.ocr.engine import trim, without_specks

    page = np.full((60, 200), 255, dtype=np.uint8)
    page[20:40, 50:53] = 0  # a "1" three pixels wide
    assert trim(page, 50, 20, 53, 40) == (47, 17, 56, 43)
    page[20:40, 100:140] = 0  # a word
    page[38:40, 158:160] = 90  # a speck to its right, inside the detector's box
    clean = without_specks(page < 180, 24)
    assert trim(page, 95, 15, 170, 45)[2] == 163  # the speck's edge, plus the margin
    assert trim(page, 95, 15, 170, 45, clean=clean)[2] == 143  # the word's edge, plus the margin
