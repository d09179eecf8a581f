"""Reading the cells of a ruled table on a page image: what counts as ink in a cell, and how a
figure is read (pixels drawn here; the recogniser runs only where a test needs a reading)."""

from __future__ import annotations

from typing import ClassVar

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
    from compliance.readers.ocr.crops import trim, without_specks

    page = np.full((60, 200), 255, dtype=np.uint8)
    page[20:40, 50:53] = 0  # a "1" three pixels wide
    assert trim(page, 50, 20, 53, 40) == (47, 17, 56, 43)
    page[20:40, 100:140] = 0  # a word
    page[38:40, 158:160] = 90  # a speck to its right, inside the detector's box
    clean = without_specks(page < 180, 24)
    assert trim(page, 95, 15, 170, 45)[2] == 163  # the speck's edge, plus the margin
    assert trim(page, 95, 15, 170, 45, clean=clean)[2] == 143  # the word's edge, plus the margin


class _Ordinary:
    """A stand-in for the recogniser's CTC decoder: an alphabet, best character per step."""

    character: ClassVar[list[str]] = ["blank", "0", "1", "O", "l", "尿", "."]

    def __call__(self, preds: np.ndarray, *args: object, **kwargs: object) -> list[tuple[str, float]]:
        out = []
        for steps in preds:
            best, text, beliefs, previous = steps.argmax(axis=1), "", [], 0
            for step, index in enumerate(best):
                if index and index != previous:
                    text += self.character[index]
                    beliefs.append(float(steps[step, index]))
                previous = index
            out.append((text, float(np.mean(beliefs)) if beliefs else 0.0))
        return out


def _steps(*rows: dict[str, float]) -> np.ndarray:
    """Step scores of one crop, padded with blanks to five steps (a batch shares its width)."""
    alphabet = _Ordinary.character
    rows = rows + ({"blank": 1.0},) * (5 - len(rows))
    return np.array([[row.get(c, 0.0) for c in alphabet] for row in rows])


def test_a_zero_the_model_also_took_for_a_letter_o_is_a_sure_zero() -> None:
    from compliance.readers.ocr.digits import Decoder, as_read

    decode = Decoder(_Ordinary())
    blank = {"blank": 1.0}
    zero = _steps(blank, {"0": 0.55, "O": 0.4, "尿": 0.05}, blank)
    double = _steps(blank, {"1": 0.9, "l": 0.1}, blank, {"0": 0.5, "O": 0.45, "尿": 0.05}, blank)
    stroke = _steps(blank, {"l": 0.6, "1": 0.35, "尿": 0.05}, blank)
    junk = _steps(blank, {"尿": 0.6, "0": 0.3, "O": 0.1}, blank)
    speck = _steps(blank, {"0": 0.6, "O": 0.35, "尿": 0.05}, {".": 0.9, "blank": 0.1})
    results = decode(np.stack([zero, double, stroke, junk, speck]))
    text, belief = as_read(results[0])
    assert text == "0" and belief > 0.9 and results[0][:2] == ("0", 0.55)  # the ordinary reading kept
    assert as_read(results[1])[0] == "10" and as_read(results[1])[1] > 0.9
    # A stroke read as a letter, or a mark read as a character, is not vouched for as a figure.
    assert as_read(results[2]) == ("l", 0.6)
    assert as_read(results[3]) == ("尿", 0.6)
    # A mark beside the zero stays in the reading, for the cell to strip and doubt (numeric_reading).
    assert as_read(results[4])[0] == "0."
