"""Pictures on PDF pages that have a text layer, which may be a table pasted as a picture.

A report written in Word with a screenshot of its spreadsheet where table 二, 三 or 四 belongs
prints as a text page carrying one large image. Such an image is read by OCR
(``readers.ocr.embedded``, whose rule decides what is large enough to hold a table: pixels, and
shown at least a quarter of the page wide) and its tables stand where it stood among the
page's lines. Pages read wholly by OCR are not looked at again, nor is an image the text layer
already covers (a scan carrying its own recognised text, a letterhead behind the text), nor a page
with more than ``MAX_PAGE_IMAGES`` images (tiles of one picture, a photo page), which reads nothing
useful picture by picture.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from compliance.readers.pdf.text_layer import on_page

if TYPE_CHECKING:
    from compliance.readers.ocr.embedded import PagePicture

MAX_PAGE_IMAGES = 8
# This many text-layer characters inside a picture's box: the page's text is already read there.
_COVERED_CHARACTERS = 10


def table_pictures(pages: list[Any], skip: Collection[int]) -> list[PagePicture]:
    """The pictures of the pdfplumber ``pages`` (0-based indexes in ``skip`` aside) that may be tables;
    none when the document has more than ``MAX_PICTURES`` of them."""
    from compliance.readers.ocr.embedded import MAX_PICTURES, PagePicture, large_enough

    found: list[PagePicture] = []
    for index, page in enumerate(pages):
        if index in skip:
            continue
        images = page.images
        if not images or len(images) > MAX_PAGE_IMAGES:
            continue
        width, height = float(page.width), float(page.height)
        for image in images:
            box = on_page(image, width, height)
            if box is None or not large_enough(_pixels(image), box[2] - box[0], width):
                continue
            picture = PagePicture(index, *box, rotation=int(getattr(page, "rotation", 0)))
            if _characters_inside(page, picture) < _COVERED_CHARACTERS:
                found.append(picture)
    return found if len(found) <= MAX_PICTURES else []


def _pixels(image: dict[str, Any]) -> tuple[int, int] | None:
    size = image.get("srcsize")
    try:
        return (int(size[0]), int(size[1])) if size else None
    except (TypeError, ValueError, IndexError):
        return None


def _characters_inside(page: Any, picture: PagePicture) -> int:
    inside = 0
    for char in page.chars:
        if not str(char.get("text", "")).strip():
            continue
        x, y = (float(char["x0"]) + float(char["x1"])) / 2, (float(char["top"]) + float(char["bottom"])) / 2
        inside += picture.x0 <= x <= picture.x1 and picture.top <= y <= picture.bottom
    return inside
