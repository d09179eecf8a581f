"""Render our own tab-separated samples as space-aligned layout text (the way PDF-to-text tools print).

Each table cell is padded with spaces to its column's width; widths count characters (as
``pdftotext -layout`` does, one position per glyph) or display columns (a CJK character is two
wide, as hand-typed text aligns). Labels may be wrapped over several lines at a fixed width, the
continuation written in the label column under the first line, as a narrow table cell prints.
"""

from __future__ import annotations

import unicodedata

from documents import pieces


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def layout_text(text: str, *, wide: bool = False, wrap: int | None = None, gap: int = 3) -> str:
    """The sample with every table printed as padded columns (optionally labels wrapped at ``wrap``)."""
    measure = display_width if wide else len
    out: list[str] = []
    for piece in pieces(text):
        if piece.kind == "p":
            out += [piece.text, ""]
            continue
        assert piece.rows is not None
        rows = [[_wrapped(row[0], wrap), *[[c] for c in row[1:]]] for row in piece.rows]
        widths = [max(measure(part) for row in rows for part in row[i]) for i in range(len(rows[0]))]
        for row in rows:
            height = max(len(cell) for cell in row)
            for level in range(height):
                parts = [cell[level] if level < len(cell) else "" for cell in row]
                padded = [p + " " * (widths[i] - measure(p) + gap) for i, p in enumerate(parts)]
                out.append("".join(padded).rstrip())
            out.append("")
    return "\n".join(out) + "\n"


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
