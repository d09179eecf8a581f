"""Image files (PNG, JPEG, TIFF including multi-page, BMP): every frame is a scanned page.

Registered as a reader plugin like every other format. Sniffing looks only at magic bytes, so
nothing heavy is imported until an image is actually read.
"""

from __future__ import annotations

import hashlib
import os

from compliance.document import Document
from compliance.hookspecs import hookimpl
from compliance.readers.limits import out_of_memory

_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"BM",  # BMP
)


class ImageReader:
    name = "image"
    extensions = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")

    def sniff(self, data: bytes, path: str) -> int:
        if data.startswith(_MAGIC[:4]):
            return 100
        if data.startswith(b"BM") and len(data) > 26:
            return 90 if path.lower().endswith(".bmp") else 40
        return 0

    def read(self, data: bytes, path: str) -> Document:
        from compliance.readers.ocr.scanned import image_pages, require_engine
        from compliance.readers.pdf.reader import assemble_ocr

        sha256 = hashlib.sha256(data).hexdigest()
        try:
            require_engine()
            blocks = assemble_ocr(image_pages(data, sha256, os.path.basename(path)))
        except Exception as exc:
            if out_of_memory(exc):  # OpenCV or ONNX Runtime over the worker's memory cap
                raise MemoryError(str(exc)) from exc
            raise
        return Document(blocks=blocks, format="image", path=path, sha256=sha256)


@hookimpl
def compliance_readers() -> list[object]:
    return [ImageReader()]
