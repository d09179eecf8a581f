"""Limits checked on a PDF before pdfminer or pdfium parse it: inflated streams, pages, page objects.

pdfminer inflates a stream whole, in memory, the first time it is used, and builds every page
object of the document before the first one is read; a small file can ask for gigabytes. So the
reader first inflates every compressed stream once, in chunks that are counted and thrown away,
then counts the pages with pdfium (C, reading only the page tree) and stops at the page limit,
then counts each page's objects before the page is handed to pdfplumber. Image streams are not
counted: no reader here decodes them (the OCR hook renders through pdfium, which bounds itself).
"""

from __future__ import annotations

import itertools
import re
import zlib

from compliance.readers.limits import LimitExceeded, Limits

_CHUNK = 256 * 1024
# The dictionary before a ``stream`` keyword is looked for this far back (dictionaries are small).
_DICT_WINDOW = 4096
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image|/Type\s*/XObject\s*/Subtype\s*/Image")


def check_streams(data: bytes, limits: Limits) -> None:
    """Inflate every zlib stream (not images) under the per-stream and total limits."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.start()
        if data[start - 3 : start] == b"end":  # "endstream\n" followed by another object
            continue
        header = data[max(0, start - _DICT_WINDOW) : start]
        header = header[header.rfind(b"obj") + 1 :] if b"obj" in header else header
        if _IMAGE.search(header):
            continue
        produced = _inflated_size(data, match.end(), limits.max_stream)
        if produced > limits.max_stream:
            raise LimitExceeded(
                "max_stream",
                limits.max_stream,
                f"PDF 中的数据流解压后过大（至少 {produced} 字节，疑为压缩炸弹）",
                f"a PDF stream inflates to at least {produced} bytes (a compression bomb?)",
            )
        total += produced
        if total > limits.max_streams_total:
            raise LimitExceeded(
                "max_streams_total",
                limits.max_streams_total,
                f"PDF 的数据流解压后合计过大（至少 {total} 字节）",
                f"the PDF's streams inflate to at least {total} bytes in all",
            )


def _inflated_size(data: bytes, offset: int, limit: int) -> int:
    """Bytes the zlib stream at ``offset`` inflates to, stopping just past ``limit``; 0 if not zlib."""
    if offset + 2 > len(data) or (data[offset] & 0x0F) != 8 or ((data[offset] << 8) | data[offset + 1]) % 31:
        return 0  # not a zlib header: another filter, or an uncompressed stream
    inflater = zlib.decompressobj()
    produced = 0
    position = offset
    try:
        while not inflater.eof and position < len(data):
            pending = data[position : position + _CHUNK]
            position += len(pending)
            while pending and not inflater.eof:
                out = inflater.decompress(pending, _CHUNK)
                produced += len(out)
                if produced > limit:
                    return produced
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged data: the parsers report it (or read what precedes the damage)
    return produced


def check_page_count(data: bytes, limits: Limits) -> None:
    """Refuse a PDF with more pages than allowed, counted before any page is parsed."""
    count = _pdfium_pages(data)
    if count is None:
        count = _pdfminer_pages(data, limits.max_pages + 1)
    if count is not None and count > limits.max_pages:
        raise LimitExceeded(
            "max_pages",
            limits.max_pages,
            f"PDF 页数过多（{count} 页）",
            f"the PDF has too many pages ({count})",
        )


def _pdfium_pages(data: bytes) -> int | None:
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
    except Exception:  # pdfium refuses it: pdfminer may still read it (or report the damage)
        return None
    try:
        return len(document)
    finally:
        document.close()


def _pdfminer_pages(data: bytes, stop: int) -> int | None:
    """Pages pdfminer finds, counting no further than ``stop``."""
    import io

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        return sum(1 for _ in itertools.islice(PDFPage.create_pages(document), stop))
    except Exception:  # damaged: the reader reports it when it opens the file
        return None


def check_page_objects(count: int | None, page: int, limits: Limits) -> None:
    """Refuse a page drawing more objects than allowed (``count`` from pdfium; None: unknown)."""
    if count is not None and count > limits.max_page_objects:
        raise LimitExceeded(
            "max_page_objects",
            limits.max_page_objects,
            f"PDF 第 {page} 页的绘制对象过多（{count} 个）",
            f"page {page} of the PDF draws too many objects ({count})",
        )
