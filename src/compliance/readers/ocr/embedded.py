"""Tables pasted as pictures into text documents: the ruled tables OCR finds in an embedded image.

Agencies often paste a screenshot of a spreadsheet where table 二, 三 or 四 belongs, so the table
reaches supervisors as a picture inside a Word document, or as a large image on a PDF page whose
other text is a text layer. The rule, the same for every format (web pages, DOCX, PDF): a picture
large enough to hold a table is read by OCR, and the tables found in it take its place; prose in a
picture (a caption, a seal, a logo) is not taken, because a picture is rarely the report's text.

A picture is read only when it is

- at least ``MIN_PICTURE_WIDTH`` × ``MIN_PICTURE_HEIGHT`` pixels (a table of a few rows at screen
  resolution is larger; icons are smaller), and
- where the document says how wide it is shown (DOCX, PDF), at least a quarter of the page's width
  (an official seal is about 4.2 cm across, a fifth of an A4 page; a pasted table spans the text
  column).

A document with more than ``MAX_PICTURES`` such pictures is not a report with a pasted table (a
photo album, a scan carrying a text layer): none of them is read. Like the rest of this package,
nothing heavy is imported at module level; the engine is loaded only when a picture qualifies.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from compliance.document import Block, Grid, GridCell
from compliance.model import Loc
from compliance.readers.ocr.lattice import PageTable
from compliance.readers.ocr.scanned import PageItems

MAX_PICTURES = 12
MIN_PICTURE_WIDTH = 300
MIN_PICTURE_HEIGHT = 100
MIN_PAGE_WIDTH_SHARE = 0.25
MAX_PICTURE_BYTES = 30 * 1024 * 1024


def pixel_size(data: bytes) -> tuple[int, int] | None:
    """The picture's size in pixels, read from its header only; None when it is not an image PIL knows."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # A picture claiming absurd pixels is refused by the OCR path's own limit, quietly.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                return int(picture.width), int(picture.height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None


def large_enough(
    pixels: tuple[int, int] | None, shown_width: float | None = None, page_width: float | None = None
) -> bool:
    """Whether a picture can hold a table (see the module's rule); widths in any one unit."""
    if pixels is None or pixels[0] < MIN_PICTURE_WIDTH or pixels[1] < MIN_PICTURE_HEIGHT:
        return False
    if shown_width is not None and page_width:
        return shown_width >= MIN_PAGE_WIDTH_SHARE * page_width
    return True


def image_grids(data: bytes, line: int | None, name: str = "") -> list[Block]:
    """The tables OCR finds in one picture (image file bytes), each placed at source ``line``."""
    from compliance.readers.ocr.scanned import image_pages, require_engine

    if len(data) > MAX_PICTURE_BYTES:
        return []
    try:
        require_engine()
        pages = image_pages(data, hashlib.sha256(data).hexdigest(), name)
    except MemoryError:
        raise
    except Exception:  # an unreadable picture (or no OCR engine) is just a picture
        return []
    grids: list[Block] = []
    for page in pages:
        for table in page.tables:
            rows = [
                [GridCell(c.text, c.loc.model_copy(update={"line": line, "page": None}), c.span_copy, c.confidence)
                 for c in row]
                for row in table.rows
            ]  # fmt: skip
            grids.append(Grid(rows=rows, loc=Loc(line=line, line_end=line)))
    return grids


def insert_tables(blocks: Sequence[Block], pictures: Sequence[tuple[int, Callable[[], list[Block]]]]) -> list[Block]:
    """``blocks`` with each picture's tables inserted before block ``index`` (pictures in order);
    with more than ``MAX_PICTURES`` pictures, ``blocks`` unchanged."""
    if not pictures or len(pictures) > MAX_PICTURES:
        return list(blocks)
    out: list[Block] = []
    pending = iter(pictures)
    upcoming = next(pending, None)
    for index in range(len(blocks) + 1):
        while upcoming is not None and upcoming[0] <= index:
            out.extend(upcoming[1]())
            upcoming = next(pending, None)
        if index < len(blocks):
            out.append(blocks[index])
    return out


@dataclass(frozen=True)
class PagePicture:
    """A picture on a PDF page that has a text layer: 0-based page, box in points (top-down) of the
    page as read, turned by ``rotation`` (its ``/Rotate``, or 0 when read as written: see
    ``readers.pdf.rotation``)."""

    index: int
    x0: float
    top: float
    x1: float
    bottom: float
    rotation: int = 0


# Render resolution for a picture: at least the scans' 200 dpi, more when the picture has more.
_RENDER_DPI = 200.0
_MAX_RENDER_DPI = 300.0


def pdf_picture_pages(
    data: bytes, pictures: Sequence[PagePicture], name: str = ""
) -> list[tuple[PagePicture, PageItems]]:
    """Each picture rendered from its page (as printed: masks, transforms and all) and OCR'd.

    Returns (picture, ``scanned.PageItems``) pairs with coordinates in points of the page, so the
    picture's tables stand where the picture stood. The cache is keyed by the rendered pixels.
    """
    import time

    import pypdfium2 as pdfium

    from compliance.readers.ocr.pages import read_page
    from compliance.readers.ocr.progress import page_read
    from compliance.readers.ocr.scanned import MAX_IMAGE_PIXELS, items

    document = pdfium.PdfDocument(data)
    found: list[tuple[PagePicture, PageItems]] = []
    try:
        for done, picture in enumerate(pictures, start=1):
            started = time.perf_counter()
            page = document[picture.index]
            try:
                # Rendered as the page was read (a /Rotate that is no quarter turn is pdfium's to judge).
                if picture.rotation in (0, 90, 180, 270) and page.get_rotation() != picture.rotation:
                    page.set_rotation(picture.rotation)
                width, height = page.get_size()
                area = max((picture.x1 - picture.x0) * (picture.bottom - picture.top), 1.0)
                dpi = min(_RENDER_DPI, 72 * (MAX_IMAGE_PIXELS / area) ** 0.5)
                crop = (
                    max(picture.x0, 0.0),
                    max(height - picture.bottom, 0.0),
                    max(width - picture.x1, 0.0),
                    max(picture.top, 0.0),
                )
                bitmap = page.render(scale=dpi / 72, grayscale=True, crop=crop)
                image = bitmap.to_numpy()
            finally:
                page.close()
            if image.ndim == 3:
                image = image[:, :, 0]
            key = hashlib.sha256(image.tobytes() + f"{image.shape}".encode()).hexdigest()
            ocr = read_page(image, picture.index + 1, dpi, key)
            found.append((picture, shifted(items(ocr), picture, height)))
            page_read(f"{name} (picture)" if name else "picture", done, len(pictures), time.perf_counter() - started)
    finally:
        document.close()
    return found


def shifted(page: PageItems, picture: PagePicture, page_height: float) -> PageItems:
    """An OCR'd picture's tables moved onto its page, its prose dropped (see the module's rule)."""
    dx, dy = max(picture.x0, 0.0), max(picture.top, 0.0)
    tables = []
    for table in page.tables:
        rows = [[_moved(cell, dx, dy, picture.index + 1) for cell in row] for row in table.rows]
        tables.append(PageTable(rows, table.top + dy, table.bottom + dy, table.x0 + dx, table.x1 + dx))
    return PageItems(picture.index + 1, page_height, tables, [])


def _moved(cell: GridCell, dx: float, dy: float, page: int) -> GridCell:
    box = cell.loc.bbox
    moved = None if box is None else (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
    return GridCell(
        cell.text, cell.loc.model_copy(update={"bbox": moved, "page": page}), cell.span_copy, cell.confidence
    )
