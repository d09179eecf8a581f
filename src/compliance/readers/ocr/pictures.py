"""Tables printed as pictures in a saved web page: the ruled tables OCR finds in local images.

Government pages often show a statistics table as an image. When a page is read from disk, an
``<img>`` whose file lies in the page's own folder (or below it) is read like a scan, and the
ruled tables found in it take the picture's place; prose in a picture (captions, stamps, logos)
is not taken, because a picture is rarely the report's text. Nothing is ever fetched: remote,
``data:`` and absolute addresses, and paths leading out of the page's folder, are skipped.
Small pictures (icons, logos) and pages with very many pictures are skipped too: the rule
is the one for pictures in every format (``embedded``).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from compliance.document import Block

MIN_BYTES = 8 * 1024  # a table picture is a few tens of kilobytes at least
MAX_BYTES = 30 * 1024 * 1024


def local_picture(page_path: str, src: str | None) -> Path | None:
    """The file an ``<img src>`` names in the page's own folder, or None."""
    if not src or not page_path:
        return None
    parts = urlsplit(src.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None
    folder = Path(page_path).resolve().parent
    candidate = (folder / unquote(parts.path)).resolve()
    if folder not in candidate.parents or not candidate.is_file():
        return None
    try:
        size = candidate.stat().st_size
    except OSError:
        return None
    return candidate if MIN_BYTES <= size <= MAX_BYTES else None


def picture_tables(picture: Path, line: int | None) -> list[Block]:
    """The tables OCR finds in one picture, placed at the ``<img>``'s source line."""
    from compliance.readers.ocr.embedded import image_grids, large_enough, pixel_size

    try:
        data = picture.read_bytes()
    except OSError:
        return []
    return image_grids(data, line, picture.name) if large_enough(pixel_size(data)) else []


def with_pictures(blocks: list[Block], pictures: list[tuple[int, str, int | None]], path: str) -> list[Block]:
    """``blocks`` with the tables of each local picture inserted where its ``<img>`` stood."""
    from compliance.readers.ocr.embedded import insert_tables

    local = [(i, p, line) for i, src, line in pictures if (p := local_picture(path, src)) is not None]
    return insert_tables(blocks, [(i, partial(picture_tables, p, line)) for i, p, line in local])
