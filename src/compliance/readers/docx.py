"""DOCX (Word): paragraphs and real tables in document order, read with python-docx.

A DOCX file is a zip archive, so it is inspected before it is opened: too many entries, too much
uncompressed data, or a suspicious compression ratio (a zip bomb) is refused, and an encrypted or
damaged archive is a LoadError. python-docx parses the XML with entity resolution switched off.
Heading styles give ``heading_level``; automatic numbering (``一、``, ``（一）``, ``1.``) is rendered
into the paragraph text, because Word keeps it out of the text runs. Merged cells (``gridSpan``,
``vMerge``) are expanded with copies flagged ``span_copy``.
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
from compliance.readers.numbering import Numbering

MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # deflate rarely beats 1:100 on real XML; bombs reach 1:1000 and more
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
    """Refuse encrypted, damaged or bomb-like archives before any XML is parsed."""
    if data.startswith(_OLE_MAGIC):
        raise LoadError(
            "文件是加密的 Word 文档或旧版 .doc 格式，无法读取；请另存为未加密的 .docx",
            "the file is an encrypted Word document or a legacy .doc; save it as an unencrypted .docx",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise LoadError("Word（DOCX）文件已损坏或被截断", "the DOCX file is damaged or truncated") from exc
    if len(entries) > MAX_ENTRIES:
        raise LoadError(
            f"DOCX 压缩包条目过多（{len(entries)} 个）", f"the DOCX archive has too many entries ({len(entries)})"
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise LoadError(
            f"DOCX 解压后过大（{total} 字节），疑为压缩炸弹", f"the DOCX expands to {total} bytes: a zip bomb?"
        )
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise LoadError("DOCX 文件已加密，无法读取", "the DOCX file is encrypted")
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise LoadError(
                f"DOCX 条目 {entry.filename} 压缩比异常，疑为压缩炸弹",
                f"DOCX entry {entry.filename} has a suspicious compression ratio: a zip bomb?",
            )
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise LoadError("压缩包中没有 Word 正文（word/document.xml）", "the archive has no word/document.xml")


def docx_blocks(word: Any) -> list[Block]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    numbering = Numbering.from_document(word)
    blocks: list[Block] = []
    position = 0
    for item in word.iter_inner_content():
        position += 1
        if isinstance(item, DocxParagraph):
            text = clean_inline(item.text)
            if not text:
                continue
            style = _style(item)
            label = numbering.label(item._p, style)
            level = _heading_level(style)
            blocks.append(Paragraph(text=label + text, loc=Loc(line=position), heading_level=level))
        elif isinstance(item, Table):
            grid = table_grid(item, position)
            if grid is not None:
                blocks.append(grid)
                position += len(grid.rows)
    return blocks


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
    """A Word table as a grid; a merged cell is printed once and its other slots are copies."""
    rows: list[list[GridCell]] = []
    above: list[Any] = []
    cells = 0
    for offset, row in enumerate(table.rows):
        line = first_line + offset
        out: list[GridCell] = []
        current: list[Any] = []
        for column, cell in enumerate(row.cells):
            tc = cell._tc
            copy = (current and current[-1] is tc) or (column < len(above) and above[column] is tc)
            text = clean_cell("\n".join(p.text for p in cell.paragraphs))
            out.append(GridCell(text, Loc(line=line), span_copy=bool(copy)))
            current.append(tc)
        cells += len(out)
        if cells > MAX_GRID_CELLS:
            break
        if out:
            rows.append(out)
        above = current
    if not rows:
        return None
    return Grid(rows=rows, loc=Loc(line=first_line, line_end=first_line + len(rows) - 1))


@hookimpl
def compliance_readers() -> list[object]:
    return [DocxReader()]
