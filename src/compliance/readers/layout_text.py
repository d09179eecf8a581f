"""Space-aligned "layout" text read by position: each run of text becomes a positioned word.

``pdftotext -layout``, many PDF-to-text tools and OCR exports print tables by padding cells
with spaces. Columns are then only recoverable from where each value stands, so every run of
text (separated by two or more spaces, or by one space between two numbers or two CJK words,
which prose never needs) becomes a ``Word`` at its character position, a form feed starts a new page,
and the geometric grid builder recovers paragraphs and tables. pdftotext counts one position per
glyph (CJK included) while hand-typed text aligns by display width (a CJK character is two
columns wide); each document is measured both ways and read with the one its values align in.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from compliance.document import Block
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped
from compliance.readers.repeated_heads import blank_repeated_heads

# Runs of text separated by two or more spaces (an ideographic space counts as two).
_RUN = re.compile(r"\S+(?: \S+)*")
# How many values must line up with values on nearby lines before a document is read by position.
_MIN_ALIGNED_VALUES = 3
# How far apart (in lines) two rows may be and still count as aligned with each other.
_ALIGN_WINDOW = 6


def _cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def _ends_label(piece: str) -> bool:
    """Text a label can end with before its figures: CJK, or closing punctuation (``稳定”``, ``）``)."""
    last = piece[-1]
    return _cjk(last) or not last.isascii() or last in ")]"


def _separates(before: str, after: str) -> bool:
    """Two numbers (``0 0``), or two CJK pieces longer than one character, are two cells."""
    if is_number_shaped(before) and is_number_shaped(after):
        return True
    return len(before) > 1 and len(after) > 1 and _cjk(before[-1]) and _cjk(after[0])


# A line this long is prose (a layout page is a few hundred columns wide): one run, not split, so
# a hostile line of thousands of words costs one step instead of a scan per word.
_LONG_LINE = 1000


def _runs(line: str, in_table: bool = False) -> list[tuple[int, str]]:
    if len(line) > _LONG_LINE:
        stripped = line.strip()
        return [(len(line) - len(line.lstrip()), stripped)] if stripped else []
    return _split_runs(line, in_table)


def _split_runs(line: str, in_table: bool) -> list[tuple[int, str]]:
    """(character offset, text) of each run; see ``_separates`` for single spaces that part runs.

    Letter-spaced text (``三 、 本``, as justified table cells print) is not parted; a number
    ending a run after CJK text (``禁止公开 0``) is a cell of its own when more cells follow or
    the line stands among table lines (``in_table``).
    """
    out: list[tuple[int, str]] = []
    matches = list(_RUN.finditer(line.replace("\u3000", "  ")))
    for number, match in enumerate(matches):
        start, text = match.start(), match.group()
        more_cells = in_table or number < len(matches) - 1
        pieces = _units_joined([(m.start(), m.group()) for m in re.finditer(r"\S+", text)], text)
        trailing = 0  # how many numbers end the run
        while trailing < len(pieces) and is_number_shaped(pieces[len(pieces) - 1 - trailing][1]):
            trailing += 1
        run_start = 0
        for index, ((offset, piece), (next_offset, following)) in enumerate(pairwise(pieces)):
            # Numbers ending a run after CJK text are cells when there are two or more of them
            # or more cells follow on the line (prose wraps before a unit, ``重点工作 39`` /
            # ``条；``, so a prose line keeps its one number).
            ends = index + 1 == len(pieces) - trailing and (trailing >= 2 or more_cells)
            if _separates(piece, following) or (ends and _ends_label(piece)):
                out.append((start + run_start, text[run_start : offset + len(piece)]))
                run_start = next_offset
        out.append((start + run_start, text[run_start:]))
    return [(offset, text) for offset, text in out if text]


# A row label is short; a prose line runs across the page. Only a short line is taken for a
# table row because its neighbour is one (so "行政强制 6" under "行政处罚 94" parts too).
_SHORT_ROW = 24


def _table_lines(lines: list[str]) -> list[bool]:
    """Which lines print two cells or more: by their own spacing, then by their table neighbours."""
    spread = [len(_runs(line)) >= 2 for line in lines]
    # One sweep down and one up carry table-ness along a run of short rows in either direction,
    # in linear time.
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for index in order:
            line = lines[index]
            if spread[index] or not line.strip() or len(line.strip()) > _SHORT_ROW:
                continue
            if _beside_table(lines, spread, index) and len(_runs(line, in_table=True)) >= 2:
                spread[index] = True
    return spread


_UNITS = ("万元", "元", "%")


def _units_joined(pieces: list[tuple[int, str]], text: str) -> list[tuple[int, str]]:
    """A unit printed one space after its figure (``356.21 万元``) belongs to the figure."""
    out: list[tuple[int, str]] = []
    for offset, piece in pieces:
        if out and piece in _UNITS and is_number_shaped(out[-1][1]):
            start = out[-1][0]
            out[-1] = (start, text[start : offset + len(piece)])
        else:
            out.append((offset, piece))
    return out


def _beside_table(lines: list[str], spread: list[bool], index: int) -> bool:
    """Is the nearest non-blank line above or below a table line (two runs or more)?"""
    for step in (-1, 1):
        other = index + step
        while 0 <= other < len(lines) and not lines[other].strip():
            other += step
        if 0 <= other < len(lines) and spread[other]:
            return True
    return False


def _beside_tables(lines: list[str], spread: list[bool]) -> list[bool]:
    """``_beside_table`` for every line in two passes (blank runs are not walked once per line)."""
    above: list[bool] = []
    last = False  # is the nearest non-blank line so far a table line?
    for index, line in enumerate(lines):
        above.append(last)
        if line.strip():
            last = spread[index]
    below: list[bool] = [False] * len(lines)
    last = False
    for index in range(len(lines) - 1, -1, -1):
        below[index] = last
        if lines[index].strip():
            last = spread[index]
    return [a or b for a, b in zip(above, below, strict=True)]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_words(text: str, first_line: int = 1, *, wide: bool = False) -> list[Word]:
    """Words of every line; x in characters (or in display columns when ``wide``)."""
    words: list[Word] = []
    paged = "\f" in text
    page = 1
    # Not splitlines(): it breaks at form feeds too, and a form feed only turns the page.
    raws = text.split("\n")
    lines = [raw.replace("\f", "").rstrip("\r").expandtabs(8) for raw in raws]
    spread = _table_lines(lines)
    beside = _beside_tables(lines, spread)
    for offset, (raw, line) in enumerate(zip(raws, lines, strict=True)):
        page += raw.count("\f")
        number = first_line + offset
        measured, width = 0, 0  # display width of line[:measured], carried from run to run
        for column, run in _runs(line, beside[offset]):
            if wide:
                if column < measured:  # runs come left to right; measure afresh if one does not
                    measured, width = 0, 0
                width += _display_width(line[measured:column])
                measured = column
            x0 = width if wide else column
            x1 = x0 + (_display_width(run) if wide else len(run))
            words.append(Word(run, x0, number, x1, number + 1, page if paged else None, number, column))
    return words


def _values(words: list[Word]) -> dict[int, list[Word]]:
    """Value tokens (number-shaped, after a line's first run) by line number."""
    by_line: dict[int, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line or 0, []).append(word)
    return {
        number: [w for w in line[1:] if is_number_shaped(w.text)] for number, line in by_line.items() if len(line) >= 2
    }


def _spread(words: list[Word]) -> int:
    """How many distinct left and right edges the value tokens have: fewer means better aligned."""
    tokens = [w for line in _values(words).values() for w in line]
    return len({w.x0 for w in tokens}) + len({w.x1 for w in tokens})


def _aligned_values(words: list[Word]) -> int:
    """How many value tokens share a left or right edge with a value a few lines away."""
    values = _values(words)
    aligned = 0
    for number, mine in values.items():
        near = [
            w
            for other in range(number - _ALIGN_WINDOW, number + _ALIGN_WINDOW + 1)
            if other != number
            for w in values.get(other, [])
        ]
        aligned += sum(1 for a in mine if any(a.x0 == b.x0 or a.x1 == b.x1 for b in near))
    return aligned


def looks_like_layout(text: str) -> bool:
    """Several lines print values after a wide gap, aligned with values on nearby lines.

    Only values padded by two spaces or more count: text that separates every field by one space
    (``pdftotext -raw``, copy and paste from a viewer) lines up figures of equal width by accident —
    ``0 0 0 0`` under ``0 0 0 0`` — and carries no positions worth reading.
    """
    lines = [raw.replace("\f", "").rstrip("\r").expandtabs(8) for raw in text.split("\n")]
    # Only a value after a gap of two spaces counts: without enough such gaps the text is not laid
    # out, whatever its length (words are not measured at all, which on a long text takes seconds).
    if sum(1 for line in lines if "  " in line.strip()) < _MIN_ALIGNED_VALUES:
        return False
    aligned = max(
        _aligned_values(_padded(text_words(text), lines)), _aligned_values(_padded(text_words(text, wide=True), lines))
    )
    return aligned >= _MIN_ALIGNED_VALUES


def _padded(words: list[Word], lines: list[str]) -> list[Word]:
    """The words printed after a gap of two spaces or more, and every line's first word."""
    kept = []
    for word in words:
        line = lines[(word.line or 1) - 1] if word.line is not None and word.line <= len(lines) else ""
        column = word.column or 0
        gap = line[max(0, column - 2) : column]
        if column == 0 or not line[:column].strip() or gap == "  ":
            kept.append(word)
    return kept


def layout_blocks(text: str, first_line: int = 1) -> list[Block]:
    """Read layout text by position, measuring columns the way its values align best; a table's
    header rows repeated at the top of each page are read once (``repeated_heads``)."""
    text = blank_repeated_heads(text, lambda line: len(_runs(line.expandtabs(8))))
    narrow = text_words(text, first_line)
    wide = text_words(text, first_line, wide=True)
    chosen = wide if _spread(wide) < _spread(narrow) else narrow
    return blocks_from_words(chosen)
