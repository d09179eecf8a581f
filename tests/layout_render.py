"""Render our own tab-separated samples as space-aligned layout text (the way PDF-to-text tools print).

Each table cell is padded with spaces to its column's width; widths count characters (as
``pdftotext -layout`` does, one position per glyph) or display columns (a CJK character is two
wide, as hand-typed text aligns). Labels may be wrapped over several lines at a fixed width, the
continuation written in the label column under the first line, as a narrow table cell prints.
"""

from __future__ import annotations

import re
import unicodedata

from documents import Piece, pieces


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def layout_text(
    text: str,
    *,
    wide: bool = False,
    wrap: int | None = None,
    gap: int = 3,
    right: bool = False,
    one_table: bool = False,
) -> str:
    """The sample with every table printed as padded columns (optionally labels wrapped at ``wrap``).

    ``right`` aligns figures to the right of their column, as PDF tables print them. Without
    ``one_table`` each stretch of a table between two group-label lines (``（三）不予公开``) gets its
    own column widths, closing up its empty columns the way ``pdftotext -layout`` lays out each
    block of a page afresh; with it, those lines stay rows of the table and share its widths.
    """
    measure = display_width if wide else len
    out: list[str] = []
    for piece in _joined(pieces(text)) if one_table else pieces(text):
        if piece.kind == "p":
            out += [piece.text, ""]
            continue
        assert piece.rows is not None
        width = max(len(row) for row in piece.rows)
        rows = [[_wrapped(row[0], wrap), *[[c] for c in row[1:]], *[[""]] * (width - len(row))] for row in piece.rows]
        widths = [max(measure(part) for row in rows for part in row[i]) for i in range(width)]
        for row in rows:
            height = max(len(cell) for cell in row)
            for level in range(height):
                parts = [cell[level] if level < len(cell) else "" for cell in row]
                padded = []
                for i, part in enumerate(parts):
                    pad = " " * (widths[i] - measure(part))
                    padded.append((pad + part if right and _FIGURE.match(part) else part + pad) + " " * gap)
                out.append("".join(padded).rstrip())
            out.append("")
    return "\n".join(out) + "\n"


_FIGURE = re.compile(r"^[+-]?\d[\d,.]*(?:万元|元)?$")
# A line this short between two parts of a table is a group label printed on a row of its own.
_GROUP_LABEL = 12


def _joined(parts: list[Piece]) -> list[Piece]:
    """The pieces with a table, its short group-label lines and the table that follows them as one."""
    out: list[Piece] = []
    index = 0
    while index < len(parts):
        piece = parts[index]
        last = out[-1] if out else None
        if last is not None and last.kind == "table" and last.rows is not None:
            labels = index
            while labels < len(parts) and parts[labels].kind == "p" and len(parts[labels].text) < _GROUP_LABEL:
                labels += 1
            following = parts[labels] if labels < len(parts) else None
            if following is not None and following.kind == "table" and following.rows is not None:
                last.rows.extend([[p.text] for p in parts[index:labels]] + following.rows)
                index = labels + 1
                continue
        out.append(piece)
        index += 1
    return out


def _wrapped(label: str, width: int | None) -> list[str]:
    if not width or len(label) <= width:
        return [label]
    return [label[i : i + width] for i in range(0, len(label), width)]


def zeros_left_blank(text: str, first: str = "一、本年新收", last: str = "四、结转", keep: tuple[str, ...] = ()) -> str:
    """The sample with every 0 of table 三 left blank (as many reports print it), except in the rows
    whose label starts with one of ``keep``."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith(first))
    end = next(n for n, line in enumerate(lines) if line.startswith(last))
    for number in range(start, end + 1):
        cells = lines[number].split("\t")
        if cells[0].startswith(keep) or len(cells) < 2:
            continue
        lines[number] = "\t".join([cells[0], *("" if cell == "0" else cell for cell in cells[1:])])
    return "\n".join(lines)
