"""Renderings made in Python: HTML, tab-separated and space-aligned text, and re-encodings.

The HTML, TSV and aligned text are built from the source *as the engine read it* (its neutral
Document of paragraphs and grids), the way someone copies a report out of Word or a browser. A
merged cell is printed once: its span copies become a ``colspan``/``rowspan`` in HTML and empty
cells in plain text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from compliance.document import Document, Grid, GridCell, Paragraph

ENCODINGS: dict[str, tuple[str, bytes]] = {
    # rendering name → (Python codec, bytes put in front)
    "enc-gbk": ("gbk", b""),
    "enc-gb18030": ("gb18030", b""),
    "enc-utf16le-bom": ("utf-16-le", b"\xff\xfe"),
    "enc-utf16le": ("utf-16-le", b""),
    "enc-utf8-bom": ("utf-8", b"\xef\xbb\xbf"),
}
# What an HTML re-encoding declares in its <meta charset>.
_DECLARED = {"gbk": "gbk", "gb18030": "gb18030", "utf-16-le": "utf-16", "utf-8": "utf-8"}

_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_CHARSET = re.compile(rb"""(charset\s*=\s*["']?)([\w.:-]+)""", re.IGNORECASE)
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)


class NotApplicable(Exception):
    """This rendering cannot be made faithfully from this source (e.g. a character GBK lacks)."""


def reencode(text: str, rendering: str, is_html: bool) -> bytes:
    """The source text in another encoding; an HTML page's declared charset is updated to match."""
    codec, bom = ENCODINGS[rendering]
    if is_html:
        # A browser saving a page in a narrower charset writes character references instead.
        body = declare_charset(text.encode("utf-8"), _DECLARED[codec])
        encoded = body.decode("utf-8").encode(codec, errors="xmlcharrefreplace")
    else:
        try:
            encoded = text.encode(codec)
        except UnicodeEncodeError as exc:
            raise NotApplicable(f"{codec} cannot encode {exc.object[exc.start : exc.end]!r}") from None
    return bom + encoded


def declare_charset(page: bytes, charset: str) -> bytes:
    """Rewrite every ``charset=`` of the page's <meta> tags, or add a <meta charset> if it has none."""
    found = False

    def meta(match: re.Match[bytes]) -> bytes:
        nonlocal found
        tag, count = _CHARSET.subn(lambda m: m.group(1) + charset.encode("ascii"), match.group(0))
        found = found or count > 0
        return tag

    page = _META.sub(meta, page)
    if found:
        return page
    declaration = f'<meta charset="{charset}">'.encode("ascii")
    head = _HEAD.search(page)
    if head:
        return page[: head.end()] + declaration + page[head.end() :]
    return declaration + page


def document_html(document: Document, title: str = "") -> str:
    """A plain HTML page of the Document: headings, paragraphs and bordered tables with spans."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        "<style>table{border-collapse:collapse}td{border:1px solid #000;padding:2px 4px}</style>",
        "</head><body>",
    ]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            level = block.heading_level
            tag = f"h{min(level, 6)}" if level else "p"
            parts.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
        elif isinstance(block, Grid):
            parts.append(_grid_html(block))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


@dataclass
class Slot:
    """One cell as a word processor holds it: printed once, spanning columns and rows."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False  # the lower part of a vertical merge: an empty cell in copied text


def merged_rows(grid: Grid) -> list[list[Slot]]:
    """The grid with its span copies folded back into merged cells (the reverse of span expansion)."""
    rows = _rectangular(grid)
    width = max((len(r) for r in rows), default=0)
    covered: dict[tuple[int, int], tuple[Slot, int, int]] = {}  # position → (slot, its row, its column)
    out: list[list[Slot]] = []
    for r, row in enumerate(rows):
        slots: list[Slot] = []
        for c, cell in enumerate(row):
            if (r, c) in covered:
                slot, top, left = covered[(r, c)]
                if top < r and left == c:
                    slots.append(Slot("", slot.colspan, 1, continued=True))
                continue
            colspan = 1
            while c + colspan < width and _continues(rows, r, c + colspan, cell):
                colspan += 1
            rowspan = 1
            while r + rowspan < len(rows) and all(_continues(rows, r + rowspan, c + k, cell) for k in range(colspan)):
                rowspan += 1
            slot = Slot("" if cell.span_copy else cell.text, colspan, rowspan)
            for i in range(rowspan):
                for k in range(colspan):
                    covered[(r + i, c + k)] = (slot, r, c)
            slots.append(slot)
        out.append(slots)
    return out


def _grid_html(grid: Grid) -> str:
    out = ['<table border="1" cellspacing="0">']
    for row in merged_rows(grid):
        cells = []
        for slot in row:
            if slot.continued:
                continue  # the cell above spans this row
            spans = (f' colspan="{slot.colspan}"' if slot.colspan > 1 else "") + (
                f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else ""
            )
            cells.append(f"<td{spans}>{html.escape(slot.text).replace(chr(10), '<br>')}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _continues(rows: list[list[GridCell]], r: int, c: int, origin: GridCell) -> bool:
    cell = rows[r][c]
    return cell.span_copy and cell.text == origin.text


def _rectangular(grid: Grid) -> list[list[GridCell]]:
    width = max((len(r) for r in grid.rows), default=0)
    return [row + [GridCell("") for _ in range(width - len(row))] for row in grid.rows]


def plain_rows(grid: Grid) -> list[list[str]]:
    """A grid's rows as a word processor copies them out: a merged cell once, and an empty cell
    where a vertical merge continues."""
    return [[" ".join(slot.text.split()) for slot in row] for row in merged_rows(grid)]


def document_tsv(document: Document) -> str:
    """Paragraphs, and table rows with their cells joined by tabs (as copied out of Word)."""
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Grid):
            lines.extend("\t".join(row) for row in plain_rows(block))
        lines.append("")
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Columns a monospace terminal gives the text: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def document_aligned(document: Document) -> str:
    """Paragraphs, and table rows padded with spaces into aligned columns (two spaces apart)."""
    lines = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Grid):
            rows = plain_rows(block)
            width = max((len(r) for r in rows), default=0)
            widths = [max((display_width(r[c]) for r in rows if c < len(r)), default=0) for c in range(width)]
            for row in rows:
                padded = [cell + " " * (widths[c] - display_width(cell)) for c, cell in enumerate(row)]
                lines.append("  ".join(padded).rstrip())
        lines.append("")
    return "\n".join(lines)
