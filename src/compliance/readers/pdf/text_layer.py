"""Is a page's text layer its text? Pages whose characters do not decode, and scans that carry
a few words of text (a watermark, a stamp's caption, a page number), are read by OCR.

A PDF font without a Unicode map (no ``/ToUnicode``, a subset font with an identity encoding)
still draws its glyphs, but its text extracts as glyph numbers: pdfminer gives ``(cid:123)``,
other producers private-use code points or U+FFFD. The page looks right and reads as nothing, so
such a page goes to OCR like a page without a text layer; keeping its non-text would make the
report look empty or unlike a report, which blames the agency for the converter.

A scan downloaded from a website often has a line of real text on each page (the site's
watermark, a page number): the page is mostly a picture, and its few characters are not the
report's. Such a page is read by OCR as if it had no text layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# More than this share of a page's visible characters undecodable: the layer is not text.
_UNDECODABLE_SHARE = 0.5
# A page mostly covered by pictures and with fewer visible characters than a short paragraph
# holds is a scan; a page of the report's own text (even one of only a table) has far more.
_PICTURE_SHARE = 0.5
_FEW_CHARACTERS = 60


def undecodable(text: str) -> bool:
    """A character that extraction could not turn into text (a glyph id, private use, replacement)."""
    if text.startswith("(cid:"):
        return True
    return any("\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r") for ch in text)


def text_is_undecodable(chars: Iterable[Mapping[str, Any]]) -> bool:
    """Whether most of a page's characters (white space aside) do not decode."""
    seen = bad = 0
    for char in chars:
        text = str(char.get("text", ""))
        if not text.strip():
            continue
        seen += 1
        bad += undecodable(text)
    return seen > 0 and bad > seen * _UNDECODABLE_SHARE


def mostly_picture(page: Any) -> bool:
    """A page covered by pictures for at least half its area, with only a few characters of text."""
    visible = sum(1 for char in page.chars if str(char.get("text", "")).strip())
    if visible >= _FEW_CHARACTERS:
        return False
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return False
    covered = 0.0
    for image in page.images:
        box = on_page(image, width, height)
        if box is not None:
            covered += (box[2] - box[0]) * (box[3] - box[1])
    return covered >= _PICTURE_SHARE * width * height


def on_page(image: Mapping[str, Any], width: float, height: float) -> tuple[float, float, float, float] | None:
    """The part of an image's box (x0, top, x1, bottom) that lies on a page this size; None if none does."""
    x0, x1 = max(0.0, float(image["x0"])), min(width, float(image["x1"]))
    top, bottom = max(0.0, float(image["top"])), min(height, float(image["bottom"]))
    return (x0, top, x1, bottom) if x1 > x0 and bottom > top else None


def needs_ocr(page: Any) -> bool:
    """No text layer, one that does not decode, or a scan with a few words of text on it."""
    return not page.chars or text_is_undecodable(page.chars) or mostly_picture(page)
