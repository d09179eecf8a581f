"""Plain text: PDF/OCR/crawler text with tab-separated (or space-separated) table rows."""

from __future__ import annotations

import hashlib
import re

from compliance.document import Block, Document, Grid, GridCell, LoadError, Paragraph
from compliance.hookspecs import hookimpl
from compliance.mapping.numbers import is_number
from compliance.model import Loc
from compliance.readers import decode_text, looks_binary

# A row printed with spaces instead of tabs: a label followed by at least three numbers.
_SPACED_ROW = re.compile(
    r"^(?P<label>.*?[^\d\s+\-.,])?\s*(?P<numbers>(?:[+\-]{0,2}\d[\d.,]*(?:万元|元)?\s+){2,}[+\-]{0,2}\d[\d.,]*(?:万元|元)?)\s*$"
)


class TextReader:
    name = "text"
    extensions = (".txt", ".text", "")

    def sniff(self, data: bytes, path: str) -> int:
        if looks_binary(data):
            return 0
        lower = path.lower()
        if lower.endswith((".txt", ".text")):
            return 60
        return 10

    def read(self, data: bytes, path: str) -> Document:
        if not data.strip():
            raise LoadError("文件为空", "the file is empty")
        if looks_binary(data):
            raise LoadError("文件不是文本（含二进制内容）", "the file is binary, not text")
        text = decode_text(data).text
        return Document(
            blocks=text_blocks(text),
            format="text",
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
        )


def split_fields(line: str) -> list[str] | None:
    """The cells of a table row in text, or None for a prose line."""
    if "\t" in line:
        fields = line.split("\t")
        if sum(1 for f in fields if f.strip()) >= 2:
            return fields
        return None
    match = _SPACED_ROW.match(line.strip())
    if match and len(line) < 200:
        numbers = match["numbers"].split()
        if all(is_number(n) for n in numbers):
            return [match["label"] or "", *numbers]
    return None


def text_blocks(text: str, first_line: int = 1) -> list[Block]:
    blocks: list[Block] = []
    grid_rows: list[list[GridCell]] = []
    grid_start = 0

    def flush() -> None:
        nonlocal grid_rows
        if grid_rows:
            blocks.append(Grid(rows=grid_rows, loc=Loc(line=grid_start, line_end=grid_rows[-1][0].loc.line)))
            grid_rows = []

    for offset, raw_line in enumerate(text.splitlines()):
        number = first_line + offset
        line = raw_line.rstrip("\r\n")
        if not line.strip():
            continue
        fields = split_fields(line)
        if fields is not None:
            if not grid_rows:
                grid_start = number
            grid_rows.append([GridCell(text=f.strip(), loc=Loc(line=number)) for f in fields])
            continue
        flush()
        blocks.append(Paragraph(text=line.strip(), loc=Loc(line=number)))
    flush()
    return blocks


@hookimpl
def compliance_readers() -> list[object]:
    return [TextReader()]
