"""Scanned pages as positioned text: PDF pages rendered with pdfium, image files page by page.

``pdf_pages`` renders the pages of a PDF that have no text layer and OCRs them; ``image_pages``
does the same for the frames of an image file (multi-page TIFF included). Both return, per page,
its ruled tables and its remaining text lines in points, top-down, which is the form the PDF
reader assembles into paragraphs and grids.
"""

from __future__ import annotations

import functools
import io
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from compliance.document import Grid, GridCell, LoadError
from compliance.model import Loc
from compliance.readers.limits import LimitExceeded, current, out_of_memory
from compliance.readers.ocr.engine import TextBox
from compliance.readers.ocr.heap import map_large_blocks
from compliance.readers.ocr.lattice import (
    PageTable,
    TextLine,
    digit_shaped,
    group_lines,
    numeric_reading,
    page_tables,
)
from compliance.readers.ocr.pages import MAX_OCR_PIXELS, OcrPage, read_page, within_pixels
from compliance.readers.ocr.progress import page_read

# Render resolution for PDF pages: 200 dpi reads 10.5-pt table digits reliably.
RENDER_DPI = 200
# Image files that do not say their resolution are taken to be scanned at this.
DEFAULT_IMAGE_DPI = 200
MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not rendered
MAX_FRAMES = 300
_T = TypeVar("_T")


@dataclass
class PageItems:
    number: int
    height: float
    tables: list[PageTable]
    lines: list[TextLine]


def items(page: OcrPage) -> PageItems:
    tables, rest = page_tables(page.boxes, page.rules, page.number)
    unruled, rest = unruled_tables(rest, page.number)
    return PageItems(page.number, page.height, tables + unruled, group_lines(rest))


# A page needs this many figures outside its ruled tables before it is searched for unruled ones.
_MIN_LOOSE_FIGURES = 6


def unruled_tables(boxes: list[TextBox], number: int) -> tuple[list[PageTable], list[TextBox]]:
    """Tables printed without rules, found by the shared geometric grid builder; the boxes left.

    As for PDF text layers: whatever the builder finds aligned in columns is a table. Each cell
    keeps the lowest confidence of the boxes it took, and is read as a number like a ruled cell.
    """
    from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped

    # A lone figure read as the letter it resembles ("o" for 0) is that figure, with its
    # confidence capped, before the builder looks for figures: else it joins the row's label.
    boxes = [_as_figure(b) for b in boxes]
    if sum(1 for b in boxes if is_number_shaped(b.text)) < _MIN_LOOSE_FIGURES:
        return [], boxes
    words = [Word(b.text, b.x0, b.top, b.x1, b.bottom, number, confidence=b.confidence) for b in boxes]
    tables: list[PageTable] = []
    taken: set[int] = set()
    for block in blocks_from_words(words):
        if not isinstance(block, Grid):
            continue
        rows = []
        for row in block.rows:
            cells = []
            for cell in row:
                box = cell.loc.bbox
                inside = [i for i, b in enumerate(boxes) if box is not None and _within(b, box)]
                taken.update(inside)
                text, confidence = cell.text, min((boxes[i].confidence for i in inside), default=None)
                if inside and not cell.span_copy:
                    text, confidence = numeric_reading(text, confidence)
                cells.append(GridCell(text, Loc(page=number, bbox=box), cell.span_copy, confidence))
            rows.append(cells)
        boxes_of = [c.loc.bbox for row in rows for c in row if c.loc.bbox is not None]
        if boxes_of:
            top, bottom = min(b[1] for b in boxes_of), max(b[3] for b in boxes_of)
            tables.append(PageTable(rows, top, bottom, min(b[0] for b in boxes_of), max(b[2] for b in boxes_of)))
    return tables, [b for i, b in enumerate(boxes) if i not in taken]


def _as_figure(box: TextBox) -> TextBox:
    text, confidence = digit_shaped(box.text, box.confidence)
    return box if text == box.text else TextBox(text, box.x0, box.top, box.x1, box.bottom, confidence)


def _within(box: TextBox, cell: tuple[float, float, float, float]) -> bool:
    x, y = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    return cell[0] - 0.5 <= x <= cell[2] + 0.5 and cell[1] - 0.5 <= y <= cell[3] + 0.5


def pdf_pages(data: bytes, indexes: list[int], sha256: str | None, name: str = "") -> list[PageItems]:
    """OCR the given 0-based pages of a PDF (``name``: the file, for progress lines)."""
    import pypdfium2 as pdfium

    map_large_blocks()  # before the first page is rendered, not only once OCR starts
    document = pdfium.PdfDocument(data)
    try:
        found = []
        for done, index in enumerate(indexes, start=1):
            started = time.perf_counter()
            page = document[index]
            try:
                # A page of absurd size is rendered at a lower resolution rather than exhaust memory
                # (the pixels OCR would reduce it to: rendering more would only be thrown away).
                width, height = page.get_size()
                dpi = min(float(RENDER_DPI), 72 * (MAX_OCR_PIXELS / max(width * height, 1.0)) ** 0.5)
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                image = bitmap.to_numpy()
            finally:
                page.close()
            if image.ndim == 3:
                image = image[:, :, 0]
            found.append(items(read_page(image, index + 1, dpi, sha256)))
            page_read(name, done, len(indexes), time.perf_counter() - started)
        return found
    finally:
        document.close()


def image_pages(data: bytes, sha256: str | None, name: str = "") -> list[PageItems]:
    """OCR every frame of an image file (``name``: the file, for progress lines)."""
    from PIL import Image

    # Pillow's own guard refuses at twice its limit when the file is opened (a 1200 dpi A4 scan):
    # set to ours, and its error is turned into our finding (``_decoded``).
    Image.MAX_IMAGE_PIXELS = current().max_image_pixels
    map_large_blocks()  # before the first frame is decoded, not only once OCR starts
    total = _decoded(functools.partial(_frame_count, data))
    found = []
    for number in range(1, total + 1):
        started = time.perf_counter()
        page, dpi = _decoded(functools.partial(_frame, data, number - 1))
        found.append(items(read_page(page, number, dpi, sha256)))
        del page
        page_read(name, number, total, time.perf_counter() - started)
    return found


def _decoded(step: Callable[[], _T]) -> _T:
    """``step`` (Pillow decoding a file), with whatever a damaged file makes it raise as one LoadError.

    Pillow's parsers raise what a broken header leads them to: OSError and ValueError mostly, but
    also TypeError ("Missing dimensions" in a TIFF), KeyError, struct.error, EOFError. Its warnings
    about broken metadata are not printed: the file is read or refused, and says so in a finding.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return step()
    except (LoadError, MemoryError):
        raise
    except Image.DecompressionBombError as exc:  # Pillow's guard, at twice the limit, when it opens the file
        raise _too_large("") from exc
    except Exception as exc:
        if out_of_memory(exc):  # OpenCV reducing a frame over the worker's memory cap
            raise MemoryError(str(exc)) from exc
        raise LoadError(
            f"图片文件已损坏或格式不受支持，无法识别（{type(exc).__name__}）",
            f"the image is damaged or in an unsupported format ({type(exc).__name__})",
        ) from exc


def _opened(data: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(data))


def _frame_count(data: bytes) -> int:
    with _opened(data) as picture:
        return min(getattr(picture, "n_frames", 1), MAX_FRAMES)


def _frame(data: bytes, index: int) -> tuple[Any, float]:
    """Frame ``index`` of an image file as a greyscale array within the OCR pixel budget, and its dpi.

    The file is opened for this frame alone and closed before the page is OCR'd: the decoded frame
    (35 MB for a 600 dpi A4 scan in grey, three times that in colour) is not kept alive beside the
    page's working copies. A JPEG is decoded at the smallest of its built-in scales (1/2, 1/4, 1/8)
    that still holds the budget, in grey.
    """
    with _opened(data) as picture:
        picture.seek(index)
        if picture.width * picture.height > current().max_image_pixels:
            raise _too_large(f"{picture.width}×{picture.height}")
        dpi = _dpi(picture.info.get("dpi"))
        width = picture.width
        if picture.format == "JPEG":
            scale = min(1.0, (MAX_OCR_PIXELS / max(picture.width * picture.height, 1)) ** 0.5)
            picture.draft("L", (max(1, int(picture.width * scale)), max(1, int(picture.height * scale))))
            dpi *= picture.width / width
        picture.load()
        # A greyscale frame goes as it is (within_pixels reduces a large one before copying it).
        return within_pixels(picture if picture.mode in ("L", "RGB") else picture.convert("L"), dpi)


def _too_large(size: str) -> LimitExceeded:
    """The finding for an image frame of more pixels than ``max-image-pixels`` (``size``: W×H, if known)."""
    shown = f"（{size} 像素）" if size else ""
    return LimitExceeded(
        "max_image_pixels",
        current().max_image_pixels,
        f"图片过大{shown}，无法识别",
        f"the image is too large to read{f' ({size} pixels)' if size else ''}",
    )


def _dpi(value: object) -> float:
    try:
        dpi = float(value[0]) if isinstance(value, tuple) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_IMAGE_DPI
    return dpi if 50 <= dpi <= 1200 else DEFAULT_IMAGE_DPI


def require_engine() -> None:
    """A clear LoadError when the OCR engine is not installed."""
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as exc:
        raise LoadError(
            "需要 OCR 文字识别，但未安装识别引擎（rapidocr-onnxruntime）",
            "OCR is needed but the engine (rapidocr-onnxruntime) is not installed",
        ) from exc
