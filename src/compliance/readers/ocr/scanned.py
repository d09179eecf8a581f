"""Scanned pages as positioned text: PDF pages rendered with pdfium, image files page by page.

``pdf_pages`` renders the pages of a PDF that have no text layer and OCRs them; ``image_pages``
does the same for the frames of an image file (multi-page TIFF included). Both return, per page,
its ruled tables and its remaining text lines in points, top-down, which is the form the PDF
reader assembles into paragraphs and grids.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from compliance.document import LoadError
from compliance.readers.ocr.lattice import PageTable, TextLine, group_lines, page_tables
from compliance.readers.ocr.pages import OcrPage, read_page

# Render resolution for PDF pages: 200 dpi reads 10.5-pt table digits reliably.
RENDER_DPI = 200
# Image files that do not say their resolution are taken to be scanned at this.
DEFAULT_IMAGE_DPI = 200
MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not rendered
MAX_FRAMES = 300


@dataclass
class PageItems:
    number: int
    height: float
    tables: list[PageTable]
    lines: list[TextLine]


def items(page: OcrPage) -> PageItems:
    tables, rest = page_tables(page.boxes, page.rules, page.number)
    return PageItems(page.number, page.height, tables, group_lines(rest))


def pdf_pages(data: bytes, indexes: list[int], sha256: str | None) -> list[PageItems]:
    """OCR the given 0-based pages of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        found = []
        for index in indexes:
            page = document[index]
            try:
                # A page of absurd size is rendered at a lower resolution rather than exhaust memory.
                width, height = page.get_size()
                dpi = min(float(RENDER_DPI), 72 * (MAX_IMAGE_PIXELS / max(width * height, 1.0)) ** 0.5)
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                image = bitmap.to_numpy()
            finally:
                page.close()
            if image.ndim == 3:
                image = image[:, :, 0]
            found.append(items(read_page(image, index + 1, dpi, sha256)))
        return found
    finally:
        document.close()


def image_pages(data: bytes, sha256: str | None) -> list[PageItems]:
    """OCR every frame of an image file."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Oversized frames are refused below, with a finding rather than a warning on stderr.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
        found = []
        for number, frame in enumerate(ImageSequence.Iterator(picture), start=1):
            if number > MAX_FRAMES:
                break
            if frame.width * frame.height > MAX_IMAGE_PIXELS:
                raise LoadError(
                    f"图片过大（{frame.width}×{frame.height} 像素），无法识别",
                    f"the image is too large to read ({frame.width}×{frame.height} pixels)",
                )
            dpi = _dpi(frame.info.get("dpi"))
            found.append(items(read_page(frame.convert("L"), number, dpi, sha256)))
        return found
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise LoadError(
            f"图片文件已损坏或格式不受支持，无法识别（{type(exc).__name__}）",
            f"the image is damaged or in an unsupported format ({type(exc).__name__})",
        ) from exc


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
