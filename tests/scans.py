"""Scans made at test time: PDF pages rendered to images, then degraded like a real scanner.

Nothing here is stored: the documents are rendered from ../shared or our own samples when a test
runs. ``degrade`` greys, tilts, speckles and JPEG-compresses a page; ``image_pdf`` wraps page
images into an image-only PDF (no text layer), as a scanner would.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def render(pdf: Path, pages: list[int], dpi: int) -> list[Any]:
    """Greyscale numpy images of the given 0-based pages."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_numpy() for i in pages]
        return [(image[:, :, 0] if image.ndim == 3 else image).copy() for image in images]
    finally:
        document.close()


def degrade(grey: Any, tilt: float = 0.0, speckle: float = 0.0, jpeg: int | None = None, seed: int = 7) -> Any:
    """Tilt by ``tilt`` degrees, flip a share ``speckle`` of pixels black or white, JPEG at quality ``jpeg``."""
    import cv2
    import numpy as np

    height, width = grey.shape
    if tilt:
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), tilt, 1.0)
        grey = cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    if speckle:
        noise = np.random.default_rng(seed).random(grey.shape)
        grey = grey.copy()
        grey[noise < speckle / 2] = 0
        grey[noise > 1 - speckle / 2] = 255
    if jpeg:
        ok, encoded = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        assert ok
        grey = cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)
    return grey


def image_pdf(images: list[Any], dpi: int) -> bytes:
    """An image-only PDF of the pages."""
    from PIL import Image

    pages = [Image.fromarray(image) for image in images]
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()
