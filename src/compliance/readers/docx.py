"""DOCX (Word): paragraphs and real tables in document order, read with python-docx.

A DOCX file is a zip archive, so it is inflated under the limits (readers/limits.py) before it is
opened: too many entries, too much inflated data, or a suspicious compression ratio (a zip bomb)
is refused, and an encrypted or damaged archive is a LoadError. python-docx parses the XML with
entity resolution switched off.
Heading styles give ``heading_level``; automatic numbering (``一、``, ``（一）``, ``1.``) is rendered
into the paragraph text, because Word keeps it out of the text runs. Merged cells (``gridSpan``,
``vMerge``) are expanded with copies flagged ``span_copy``, clamped to the table's width.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any

from compliance.document import Block, Document, Grid, GridCell, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.model import Loc
from compliance.readers.grid import MAX_GRID_CELLS, clean_cell, clean_inline
from compliance.readers.limits import SafeZip
from compliance.readers.numbering import Numbering
from compliance.readers.word_text import W, block_elements, cell_elements, flow_elements, shown_text

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)


class DocxReader:
    name = "docx"
    extensions = (".docx", ".docm")

    def sniff(self, data: bytes, path: str) -> int:
        if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
            return 100
        if path.lower().endswith(self.extensions):
            return 60
        return 0

    def read(self, data: bytes, path: str) -> Document:
        check_archive(data)
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            word = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, KeyError, zipfile.BadZipFile) as exc:
            raise LoadError("不是有效的 Word（DOCX）文档", "not a valid Word (DOCX) document") from exc
        except Exception as exc:
            raise LoadError(
                f"Word 文档已损坏，无法读取（{type(exc).__name__}）",
                f"the Word document is damaged and cannot be read ({type(exc).__name__})",
            ) from exc
        try:
            blocks = docx_blocks(word)
        except Exception as exc:
            raise LoadError(
                f"Word 文档内容无法解析（{type(exc).__name__}）",
                f"the Word document's content cannot be parsed ({type(exc).__name__})",
            ) from exc
        return Document(blocks=blocks, format="docx", path=path, sha256=hashlib.sha256(data).hexdigest())


def check_archive(data: bytes) -> None:
    """Refuse encrypted, damaged or bomb-like archives before any XML is parsed.

    Every member is inflated once under the limits (``limits.SafeZip``), counting the bytes it
    really produces, so python-docx then opens an archive whose members are known to fit.
    """
    if data.startswith(_OLE_MAGIC):
        raise LoadError(
            "文件是加密的 Word 文档或旧版 .doc 格式，无法读取；请另存为未加密的 .docx",
            "the file is an encrypted Word document or a legacy .doc; save it as an unencrypted .docx",
        )
    archive = SafeZip(data, "DOCX")
    if "word/document.xml" not in archive.names:
        raise LoadError("压缩包中没有 Word 正文（word/document.xml）", "the archive has no word/document.xml")
    for name in archive.names:
        if not name.endswith("/"):
            archive.read(name)


def docx_blocks(word: Any) -> list[Block]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    numbering = Numbering.from_document(word)
    blocks: list[Block] = []
    pictures: list[tuple[int, bytes, int]] = []  # (index in blocks, image, line): tables pasted as pictures
    page_width = _page_width(word)
    position = 0
    body = word.element.body
    for element in flow_elements(body):
        position += 1
        item = DocxParagraph(element, word._body) if element.tag == W + "p" else Table(element, word._body)
        if isinstance(item, DocxParagraph):
            text = clean_inline(shown_text(element))
            found = body_pictures(element, item.part, page_width)
            pictures += [(len(blocks) + bool(text), image, position) for image in found]
            if not text:
                continue
            style = _style(item)
            label = numbering.label(item._p, style)
            level = _heading_level(style)
            blocks.append(Paragraph(text=label + text, loc=Loc(line=position), heading_level=level))
        elif isinstance(item, Table):
            grid = table_grid(item, position)
            if grid is None or not any(cell.text for row in grid.rows for cell in row):
                # A table with no text that frames a picture: the picture is what it shows.
                found = body_pictures(item._tbl, item.part, page_width)
                pictures += [(len(blocks) + (grid is not None), image, position) for image in found]
            if grid is not None:
                blocks.append(grid)
                position += len(grid.rows)
    if pictures:
        from functools import partial

        from compliance.readers.ocr.embedded import image_grids, insert_tables

        return insert_tables(blocks, [(i, partial(image_grids, image, line)) for i, image, line in pictures])
    return blocks


_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
# Pictures the page does not show: tracked deletions, and the fallback copy of a DrawingML picture.
_NOT_SHOWN = (W + "del", W + "moveFrom", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def body_pictures(element: Any, part: Any, page_width: int | None) -> list[bytes]:
    """The images a body paragraph (or a table framing pictures) shows that are large enough to
    hold a table (``ocr.embedded``'s rule: pixels, and shown at least a quarter of the page wide),
    in order; ``part``: the document part whose relationships name the images."""
    from docx.oxml.ns import qn

    found: list[bytes] = []
    for image in element.iter(qn("a:blip"), _VML_IMAGE):
        if any(True for _ in image.iterancestors(*_NOT_SHOWN)):
            continue  # a deleted picture, or the same one again for readers that do not know DrawingML
        rid = image.get(qn("r:embed")) or image.get(_RELATIONSHIP_ID)
        image_part = part.related_parts.get(rid) if rid else None
        blob = getattr(image_part, "blob", None)
        if not isinstance(blob, bytes):
            continue
        from compliance.readers.ocr.embedded import large_enough, pixel_size

        if large_enough(pixel_size(blob), _shown_width(image), page_width):
            found.append(blob)
    return found


def _shown_width(image: Any) -> int | None:
    """The width (EMU) a DrawingML picture is shown at: its nearest frame's ``wp:extent``."""
    from docx.oxml.ns import qn

    for frame in image.iterancestors(qn("wp:inline"), qn("wp:anchor")):
        extent = frame.find(qn("wp:extent"))
        return _int(extent.get("cx")) if extent is not None else None
    return None


def _page_width(word: Any) -> int | None:
    try:
        width = word.sections[0].page_width if len(word.sections) else None
    except (ValueError, TypeError, IndexError):
        return None
    return int(width) if width else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _style(paragraph: Any) -> Any:
    try:
        return paragraph.style
    except Exception:  # a dangling style reference is not worth failing the document
        return None


def _heading_level(style: Any) -> int | None:
    while style is not None:
        for name in (style.name or "", style.style_id or ""):
            match = _HEADING_STYLE.search(name)
            if match:
                return int(match.group(1))
            if name.lower() == "title":
                return 1
        style = style.base_style
    return None


def table_grid(table: Any, first_line: int) -> Grid | None:
    """A Word table as a grid; a merged cell is printed once and its other slots are copies.

    Spans are read from the XML here rather than through python-docx's ``row.cells``: a
    ``gridSpan`` is clamped to the table's real width (its grid columns, or its widest row), and a
    ``vMerge`` continuation takes the cell above from the previous row already built, so an
    absurd span or a long vertical merge costs one step per printed cell, not per claimed one.
    """
    width = _table_width(table._tbl)
    rows: list[list[GridCell]] = []
    above: list[tuple[Any, str]] = []
    cells = 0
    for offset, tr in enumerate(table._tbl.tr_lst):
        line = first_line + offset
        out: list[GridCell] = []
        current: list[tuple[Any, str]] = []
        for tc in cell_elements(tr):
            column = len(current)
            if column >= width:
                break
            if tc.vMerge == "continue" and column < len(above):
                root, text = above[column]
                span = min(max(tc.grid_span, 1), width - column)
                for _ in range(span):
                    current.append((root, text))
                    out.append(GridCell(text, Loc(line=line), span_copy=True))
                continue
            text = clean_cell("\n".join(shown_text(p) for p in block_elements(tc) if p.tag == W + "p"))
            for slot in range(min(max(tc.grid_span, 1), width - column)):
                current.append((tc, text))
                out.append(GridCell(text, Loc(line=line), span_copy=slot > 0))
        cells += len(out)
        if cells > MAX_GRID_CELLS:
            break
        if out:
            rows.append(out)
        above = current
    if not rows:
        return None
    return Grid(rows=rows, loc=Loc(line=first_line, line_end=first_line + len(rows) - 1))


def _table_width(tbl: Any) -> int:
    """The number of grid columns a row may fill: the declared grid, else the most cells in a row."""
    declared = len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0
    printed = max((len(tr.tc_lst) for tr in tbl.tr_lst), default=0)
    return max(declared, printed, 1)


@hookimpl
def compliance_readers() -> list[object]:
    return [DocxReader()]
