"""Readers turn the bytes of one file format into a neutral Document (or, for structured input, a Report)."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from compliance.document import Block, Document, Grid, GridCell, LoadError, Paragraph
from compliance.model import Loc, Report


class Reader(Protocol):
    name: str
    extensions: tuple[str, ...]

    def sniff(self, data: bytes, path: str) -> int:
        """How sure this reader is that it can read the file: 0 (no) to 100."""

    def read(self, data: bytes, path: str) -> Document | Report:
        """Read the file or raise LoadError with a message for the user."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


# UTF-32's BOMs begin with UTF-16's, so they are tried first.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Wide encodings without a BOM, told apart by where their zero bytes fall: (codec, unit, positions
# within a unit where text of Latin letters, digits and line ends has its zero bytes).
_WIDE = (("utf-32-le", 4, (2, 3)), ("utf-32-be", 4, (0, 1)), ("utf-16-le", 2, (1,)), ("utf-16-be", 2, (0,)))
_SAMPLE = 4096


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 (either byte order, with or without BOM) when the bytes are such text."""
    for bom, encoding in _BOMS[1:]:
        if data.startswith(bom):
            return encoding
    sample = data[:_SAMPLE]
    if b"\x00" not in sample:  # the usual case, found without a loop over the bytes in Python
        return None
    zeros = [i for i, byte in enumerate(sample) if byte == 0]
    if not zeros:
        return None
    # Most zero bytes sit where an encoding puts them for Latin letters, digits and line ends;
    # CJK characters whose low byte is zero (U+4E00 一, U+5E00 …) put some elsewhere, so in a text
    # of mostly Chinese the share can be well below all. The best-placed encoding whose sample
    # decodes to printable text wins.
    ranked = []
    for encoding, unit, positions in _WIDE:
        usable = len(sample) - len(sample) % unit
        if usable < unit or len(data) % unit:
            continue
        share = sum(1 for i in zeros if i % unit in positions) / len(zeros)
        if share >= 0.6:
            ranked.append((share, -unit, encoding, usable))
    for _, _, encoding, usable in sorted(ranked, reverse=True):
        if _reads_as_text(sample[:usable].decode(encoding, errors="replace")):
            return encoding
    return None


def _reads_as_text(text: str) -> bool:
    if not text:
        return False
    odd = sum(1 for ch in text if ch == "\ufffd" or (not ch.isprintable() and ch not in "\t\r\n\f\v"))
    return odd <= max(2, len(text) // 100)


def _radical_forms() -> dict[int, str]:
    # Kangxi and supplementary radicals (⼀ U+2F00, ⾏ U+2F8F …) look exactly like the ideographs
    # and are what some PDF producers' fonts map glyphs to (and so every text extracted from
    # such a PDF); read them as the ideographs they show.
    table: dict[int, str] = {}
    for code in range(0x2E80, 0x2FE0):
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


RADICALS = _radical_forms()
_RADICAL_RANGE = re.compile("[\u2e80-\u2fdf]")


def decode_text(data: bytes, declared: str | None = None) -> Decoded:
    """Decode report text (see ``_decode``), radicals read as the ideographs they show."""
    decoded = _decode(data, declared)
    if not _RADICAL_RANGE.search(decoded.text):  # most texts have none: skip the per-character table
        return decoded
    return Decoded(decoded.text.translate(RADICALS), decoded.encoding)


def _decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode report text: BOM or UTF-16/32 form, then a declared charset, UTF-8, detection (GBK family)."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(data.decode("utf-8-sig", errors="replace"), "utf-8-sig")
    wide = wide_encoding(data)
    if wide is not None:
        return Decoded(data.decode(wide, errors="replace").lstrip("\ufeff"), wide)
    if declared:
        name = declared.strip().lower()
        if name in ("gb2312", "gbk"):
            name = "gb18030"  # a superset: pages labelled GB2312 routinely use GBK characters
        try:
            return Decoded(data.decode(name), name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("文件编码无法识别，无法作为文本读取", "the file's text encoding cannot be recognised")
    return Decoded(str(best), best.encoding)


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        return wide_encoding(data) is None
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control / len(sample) > 0.05


_CELL_GAP = 1024  # characters between two cells of a row, at most, where the next is looked for


def shift_lines(block: Block, by: int) -> Block:
    """The block (and every cell of a grid) with its line numbers moved down by ``by``: blocks read
    from a part of a document (a page, an embedded snippet) numbered where that part stands."""

    def move(loc: Loc) -> Loc:
        return loc.moved(
            line=loc.line + by if loc.line is not None else None,
            line_end=loc.line_end + by if loc.line_end is not None else None,
        )

    block.loc = move(block.loc)
    if isinstance(block, Grid):
        for row in block.rows:
            for cell in row:
                cell.loc = move(cell.loc)
    return block


def located_cells(cells: list[str], source: str, loc: Loc) -> list[GridCell]:
    """Cells of a row printed in ``source`` (which starts at ``loc``), each at its own character column."""
    out = []
    position = 0
    for text in cells:
        # A cell stands near the end of the one before; a bounded search keeps a line of
        # thousands of cells (some rewritten by cleaning, so never found) linear.
        found = source.find(text, position, position + len(text) + _CELL_GAP) if text else -1
        start = found if found >= 0 else position
        column = loc.column + start if loc.column is not None else None
        out.append(GridCell(text, loc.moved(column=column)))
        position = start + len(text)
    return out


class LineBlocks:
    """Builds the blocks of a line-oriented document: consecutive table rows become one Grid.

    Given the source line, every cell and paragraph also gets the character column where its
    text starts, so a finding on a report printed as one long line still points at the figure.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._rows: list[list[GridCell]] = []
        self._start = 0
        self._cells = 0
        from compliance.readers.limits import current

        self._limit = current().max_cells

    def row(self, line: int, cells: list[str], source: str | None = None) -> None:
        self._cells += len(cells)
        if self._cells > self._limit:
            from compliance.readers.limits import LimitExceeded

            raise LimitExceeded(
                "max_cells", self._limit, f"表格单元格过多（至第 {line} 行）", f"too many table cells (by line {line})"
            )
        if not self._rows:
            self._start = line
        if source is None:
            where = Loc(line=line)  # one location for the whole row: its cells share the line
            self._rows.append([GridCell(text, where) for text in cells])
            return
        self._rows.append(located_cells(cells, source, Loc(line=line, column=1)))

    def paragraph(self, line: int, text: str, heading_level: int | None = None, source: str | None = None) -> None:
        self.end_table()
        found = source.find(text) if source is not None and text else -1
        loc = Loc(line=line, column=found + 1) if found >= 0 else Loc(line=line)
        self.blocks.append(Paragraph(text=text, loc=loc, heading_level=heading_level))

    def omitted_table(self, line: int) -> None:
        """A table the converter left out, marked by a placeholder line."""
        self.end_table()
        self.blocks.append(Grid(rows=[], loc=Loc(line=line), omitted=True))

    def end_table(self) -> None:
        if self._rows:
            self.blocks.append(Grid(rows=self._rows, loc=Loc(line=self._start, line_end=self._rows[-1][0].loc.line)))
            self._rows = []

    def finish(self) -> list[Block]:
        self.end_table()
        return self.blocks
