"""PDF read with pdfplumber: ruled tables by cell geometry, prose in reading order; scans by OCR.

Each page's tables are found by ``tables`` (ruled ones by their drawn lines, unruled ones by
alignment). A table carried over a page break with nothing between becomes one grid. Text
outside tables becomes paragraphs (``assemble``: wrapped lines are joined when a line runs to the
prose margin and the next is not indented). Page numbers and running headers in the margins are dropped.
Every location carries its page and a running line number. pdfplumber is imported only here,
when a PDF is actually read, so start-up stays light. Pages without a text layer (scans) are
rendered and read by OCR (``readers.ocr``, imported only then) into the same tables and lines.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from typing import Any

from compliance.document import Block, Document, GridCell, LoadError
from compliance.hookspecs import hookimpl
from compliance.readers.grid import clean_inline
from compliance.readers.limits import current, out_of_memory
from compliance.readers.pdf.assemble import Line, assemble, drop_running_heads
from compliance.readers.pdf.limits import (
    check_document_pages,
    check_ocr_pages,
    check_page_count,
    check_page_objects,
    check_streams,
    drawing_operators,
)
from compliance.readers.pdf.objects import PageObjects
from compliance.readers.pdf.pictures import table_pictures
from compliance.readers.pdf.rotation import as_written
from compliance.readers.pdf.tables import (
    PageTable,
    closing_rules,
    grid_box,
    segment_bbox,
    table_segments,
    unruled_tables,
)
from compliance.readers.pdf.text_layer import needs_ocr

# A page number alone on a line in the top or bottom margin.
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－·•]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[\s\-—–－·•]*$"
)


class PdfReader:
    name = "pdf"
    extensions = (".pdf",)

    def sniff(self, data: bytes, path: str) -> int:
        if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
            return 100
        return 50 if path.lower().endswith(".pdf") else 0

    def read(self, data: bytes, path: str) -> Document:
        if b"%PDF-" not in data[:1024]:
            raise LoadError("不是有效的 PDF 文件（缺少 %PDF 文件头）", "not a PDF file (no %PDF header)")
        blocks = read_pdf(data, os.path.basename(path))
        return Document(blocks=blocks, format="pdf", path=path, sha256=hashlib.sha256(data).hexdigest())


def read_pdf(data: bytes, name: str = "") -> list[Block]:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    encrypted = b"/Encrypt" in data
    limits = current()
    check_streams(data, limits)  # before any parser inflates one whole
    counted = check_page_count(data, limits)  # before pdfplumber builds every page
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not counted:
                check_document_pages(pdf.doc, limits)
            pages = pdf.pages
            if not pages:
                raise LoadError(
                    "PDF 文件没有页面，可能已损坏或被截断", "the PDF has no pages; it may be damaged or truncated"
                )
            if len(pages) > limits.max_pages:
                raise LoadError(
                    f"PDF 页数过多（{len(pages)} 页，上限 max-pages = {limits.max_pages} 页）",
                    f"the PDF has too many pages ({len(pages)}; limit max-pages = {limits.max_pages})",
                )
            pages = list(pages)  # a page turned sideways by /Rotate is put back as written (below)
            tables, lines, scanned = _read_pages(pages, data)
            pictured = table_pictures(pages, set(scanned))
    except LoadError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise LoadError(
            "PDF 文件已加密，无法读取；请提供未加密的文件", "the PDF is encrypted and cannot be read"
        ) from exc
    except Exception as exc:
        if encrypted:
            raise LoadError(
                "PDF 文件已加密，无法读取；请提供未加密的文件", "the PDF is encrypted and cannot be read"
            ) from exc
        raise LoadError(
            f"PDF 文件已损坏或被截断，无法读取（{type(exc).__name__}）",
            f"the PDF is damaged or truncated and cannot be read ({type(exc).__name__})",
        ) from exc
    if scanned:
        try:
            ocr_tables, ocr_lines = _ocr_pages(data, scanned, name)
        except MemoryError:
            raise
        except Exception as exc:
            if out_of_memory(exc):  # OpenCV or ONNX Runtime over the worker's memory cap
                raise MemoryError(str(exc)) from exc
            if isinstance(exc, LoadError):
                raise
            if isinstance(exc, (RuntimeError, ValueError, OSError)):  # pdfium refuses what pdfminer read
                raise LoadError(
                    "PDF 文件已损坏：没有文字层的页面无法渲染以进行 OCR",
                    "the PDF is damaged: its pages without a text layer cannot be rendered for OCR",
                ) from exc
            raise
        tables += ocr_tables
        lines += ocr_lines
    if pictured:
        picture_tables, picture_lines = _picture_items(data, pictured, name)
        tables += picture_tables
        lines += picture_lines
    if not lines and not tables:
        raise LoadError(
            "PDF 没有文字层（可能是扫描件或图片），需要先进行 OCR 文字识别才能核验",
            "the PDF has no text layer (a scan or images); OCR is needed before it can be checked",
        )
    return assemble(drop_running_heads(lines), tables)


def _ocr_pages(data: bytes, indexes: list[int], name: str) -> tuple[list[PageTable], list[Line]]:
    """Pages without a text layer (scans), read by OCR into the same tables and lines (``name``:
    the file, for the OCR progress lines)."""
    from compliance.readers.ocr.scanned import pdf_pages, require_engine

    require_engine()
    tables: list[PageTable] = []
    lines: list[Line] = []
    for page in pdf_pages(data, indexes, hashlib.sha256(data).hexdigest(), name):
        page_tables, page_lines = ocr_items(page)
        tables += page_tables
        lines += page_lines
    return tables, lines


def _picture_items(data: bytes, pictures: list[Any], name: str) -> tuple[list[PageTable], list[Line]]:
    """The tables of pictures on text pages (``pictures.table_pictures``), at the pictures' places.
    A picture that cannot be read (no OCR engine, pdfium refuses the page) is just a picture."""
    from compliance.readers.ocr.embedded import pdf_picture_pages
    from compliance.readers.ocr.scanned import require_engine

    try:
        require_engine()
        read = pdf_picture_pages(data, pictures, name)
    except MemoryError:
        raise
    except Exception:  # pdfium refusing the page, OpenCV refusing the image: still just a picture
        return [], []
    tables: list[PageTable] = []
    lines: list[Line] = []
    for _, page in read:
        page_tables, page_lines = ocr_items(page)
        tables += page_tables
        lines += page_lines
    return tables, lines


def ocr_items(page: Any) -> tuple[list[PageTable], list[Line]]:
    """One OCR'd page (``ocr.scanned.PageItems``) as this reader's tables and text lines."""
    tables: list[PageTable] = []
    lines: list[Line] = []
    for table in page.tables:
        # As for text-layer tables: a row with one filled cell is prose inside a frame.
        current: list[list[GridCell]] = []
        for row in table.rows:
            filled = [c for c in row if c.text and not c.span_copy]
            if len(filled) >= 2:
                current.append(row)
                continue
            if current:
                tables.append(PageTable(rows=current, top=_row_top(current[0]), page=page.number))
                current = []
            if filled and filled[0].loc.bbox:
                x0, top, x1, bottom = filled[0].loc.bbox
                cell = filled[0]
                lines.append(Line(cell.text, x0, x1, top, bottom, page.number, page.height, cell.confidence))
        if current:
            tables.append(PageTable(rows=current, top=_row_top(current[0]), page=page.number))
    for found in page.lines:
        text = clean_inline(found.text)
        least_sure = min((box.confidence for box in found.boxes), default=None)
        line = Line(text, found.x0, found.x1, found.top, found.bottom, page.number, page.height, least_sure)
        if text and not (line.in_margin and _PAGE_NUMBER.match(text)):
            lines.append(line)
    return tables, lines


def _row_top(row: list[GridCell]) -> float:
    return min((c.loc.bbox[1] for c in row if c.loc.bbox), default=0.0)


def assemble_ocr(pages: list[Any]) -> list[Block]:
    """Blocks of OCR'd pages (image files), assembled exactly like a PDF's."""
    tables: list[PageTable] = []
    lines: list[Line] = []
    for page in pages:
        page_tables, page_lines = ocr_items(page)
        tables += page_tables
        lines += page_lines
    return assemble(drop_running_heads(lines), tables)


def _read_pages(pages: list[Any], data: bytes) -> tuple[list[PageTable], list[Line], list[int]]:
    """Tables and text lines of the pages read from their text layer, and the (0-based) pages
    left for OCR: no text layer, or one that is not their text (``text_layer.needs_ocr``).
    A page whose ``/Rotate`` sets its text sideways is replaced in ``pages`` by the page read
    as written (``rotation.as_written``), for the pictures on it to be found the same way."""
    lines: list[Line] = []
    tables: list[PageTable] = []
    scanned: list[int] = []
    try:
        fast: PageObjects | None = PageObjects(data)
    except Exception:  # pdfium refuses what pdfminer may still read: then pdfminer reads it all
        fast = None
    try:
        for index, page in enumerate(pages):
            # pdfminer would build a dict per object, whatever their number: counted first, by
            # pdfium, or, when pdfium refused the file, by the drawing operators of the page.
            limit = current().max_page_objects
            count = fast.object_count(index) if fast is not None else _drawing_operators(page, limit + 1)
            check_page_objects(count, index + 1, current())
            objects = _fast_objects(fast, index, page)
            if objects is not None:
                # pdfplumber caches a page's parsed objects here; filling the cache with
                # pdfium's equivalents spares pdfminer's slow interpreter. Should the cache
                # ever be renamed, pdfplumber simply parses the page itself, as before.
                page._objects = objects
            if page.rotation:
                pages[index] = page = as_written(page)
            if needs_ocr(page):
                scanned.append(index)
                check_ocr_pages(len(scanned), index + 1, current())
                continue
            page_tables, page_lines = _read_page(page)
            tables.extend(page_tables)
            lines.extend(page_lines)
    finally:
        if fast is not None:
            fast.close()
    return tables, lines, scanned


def _drawing_operators(page: Any, stop: int) -> int | None:
    try:
        streams = page.page_obj.contents
    except AttributeError:  # a pdfplumber without pdfminer's page: the limits behind still hold
        return None
    return drawing_operators(list(streams or []), stop)


def _fast_objects(fast: PageObjects | None, index: int, page: Any) -> dict[str, list[dict]] | None:
    if fast is None:
        return None
    try:
        return fast.objects(index, page)
    except Exception:  # a page pdfium stumbles on is still pdfminer's to read
        return None


def _read_page(page: Any) -> tuple[list[PageTable], list[Line]]:
    number = page.page_number
    tables: list[PageTable] = []
    masks: list[tuple[float, float, float, float]] = []
    closing = closing_rules(page)
    for found in page.find_tables({"explicit_horizontal_lines": closing} if closing else None):
        for segment in table_segments(found, number):
            tables.append(segment)
            masks.append(segment_bbox(found, segment))

    def outside(obj: dict) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in masks)

    text_page = page.filter(outside) if masks else page
    unruled = unruled_tables(text_page, number)
    if unruled:
        tables.extend(unruled)
        masks.extend(grid_box(t.rows) for t in unruled)
        text_page = page.filter(outside)
    lines = []
    height = float(page.height)
    for raw in text_page.extract_text_lines(strip=True, return_chars=False):
        text = clean_inline(raw["text"])
        if not text:
            continue
        line = Line(text, raw["x0"], raw["x1"], raw["top"], raw["bottom"], number, height)
        if line.in_margin and _PAGE_NUMBER.match(text):
            continue
        lines.append(line)
    return tables, lines


@hookimpl
def compliance_readers() -> list[object]:
    return [PdfReader()]
