"""Pages whose ``/Rotate`` turns their text sideways are read as their text was written.

A PDF page may carry ``/Rotate`` 90, 180 or 270: viewers turn it that way for display. Where the
page's content is drawn turned the other way (a landscape page printed onto a portrait sheet),
the turn makes it upright, and pdfplumber, which reads pages as displayed, sees upright text.
Where the content is upright in its own coordinates (a page turned in a viewer and saved, a
sheet scanned the wrong way round and then "fixed"), the turn sets every line on its side or
upside down: read as displayed, lines run down the page and tables fall apart. Such a page is
read as if it had no ``/Rotate``, and a picture on it is rendered the same way (``PagePicture``
carries the rotation the page was read with), so its text and its pictures stay together.

The rule looks only at the text layer: most of the page's visible characters must not read
across as displayed, and must read across without the turn. Pages without text (scans) are
rendered as displayed and turned by OCR's own orientation step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def reads_across(chars: Iterable[Mapping[str, Any]]) -> bool | None:
    """Whether most visible characters run left to right as placed (their baseline points right);
    None without visible characters."""
    across = total = 0
    for char in chars:
        matrix = char.get("matrix")
        if not str(char.get("text", "")).strip() or not matrix or len(matrix) < 2:
            continue
        total += 1
        a, b = float(matrix[0]), float(matrix[1])
        across += a > 0 and abs(b) < a
    return None if total == 0 else across * 2 > total


def as_written(page: Any) -> Any:
    """The pdfplumber ``page``, or the same page read without its ``/Rotate`` when that turn is what
    sets its text sideways or upside down (see the module's rule)."""
    if getattr(page, "rotation", 0) not in (90, 180, 270) or reads_across(page.chars) is not False:
        return page
    from pdfplumber.page import Page

    page_obj = page.page_obj
    rotation = page_obj.attrs.get("Rotate")
    page_obj.attrs["Rotate"] = 0
    # pdfminer reads the turn from the page object when it lays the page out.
    turn = getattr(page_obj, "rotate", 0)
    page_obj.rotate = 0
    unturned = Page(page.pdf, page_obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
    if reads_across(unturned.chars):
        return unturned
    page_obj.attrs["Rotate"] = rotation
    page_obj.rotate = turn
    return page
