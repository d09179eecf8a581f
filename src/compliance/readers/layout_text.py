"""Space-aligned "layout" text read by position: each run of text becomes a positioned word.

``pdftotext -layout``, many PDF-to-text tools and OCR exports print tables by padding cells
with spaces. Columns are then only recoverable from where each value stands, so every run of
text (separated by two or more spaces, or by one space between two CJK characters or two
digits, which prose never needs) becomes a ``Word`` at its character position, a form feed starts a new page,
and the geometric grid builder recovers paragraphs and tables. pdftotext counts one position per
glyph (CJK included) while hand-typed text aligns by display width (a CJK character is two
columns wide); each document is measured both ways and read with the one its values align in.
"""

from __future__ import annotations

import re
import unicodedata

from compliance.document import Block
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped

# Runs of text separated by two or more spaces (an ideographic space counts as two).
_RUN = re.compile(r"\S+(?: \S+)*")
# How many values must line up with values on nearby lines before a document is read by position.
_MIN_ALIGNED_VALUES = 3
# How far apart (in lines) two rows may be and still count as aligned with each other.
_ALIGN_WINDOW = 6


def _cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def _separates(before: str, after: str) -> bool:
    """One space between two CJK characters, or between two digits (``0 0``), parts two cells."""
    return (_cjk(before) and _cjk(after)) or (before.isdigit() and after.isdigit())


def _runs(line: str) -> list[tuple[int, str]]:
    """(character offset, text) of each run; see ``_separates`` for single spaces that part runs."""
    out: list[tuple[int, str]] = []
    for match in _RUN.finditer(line.replace("\u3000", "  ")):
        start, text = match.start(), match.group()
        piece = 0
        for index, char in enumerate(text):
            if char == " " and 0 < index < len(text) - 1 and _separates(text[index - 1], text[index + 1]):
                out.append((start + piece, text[piece:index]))
                piece = index + 1
        out.append((start + piece, text[piece:]))
    return [(offset, text) for offset, text in out if text]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_words(text: str, first_line: int = 1, *, wide: bool = False) -> list[Word]:
    """Words of every line; x in characters (or in display columns when ``wide``)."""
    words: list[Word] = []
    paged = "\f" in text
    page = 1
    # Not splitlines(): it breaks at form feeds too, and a form feed only turns the page.
    for offset, raw in enumerate(text.split("\n")):
        page += raw.count("\f")
        line = raw.replace("\f", "").rstrip("\r").expandtabs(8)
        number = first_line + offset
        for column, run in _runs(line):
            x0 = _display_width(line[:column]) if wide else column
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
    """Several lines print values after a wide gap, aligned with values on nearby lines."""
    aligned = max(_aligned_values(text_words(text)), _aligned_values(text_words(text, wide=True)))
    return aligned >= _MIN_ALIGNED_VALUES


def layout_blocks(text: str, first_line: int = 1) -> list[Block]:
    """Read layout text by position, measuring columns the way its values align best."""
    narrow = text_words(text, first_line)
    wide = text_words(text, first_line, wide=True)
    chosen = wide if _spread(wide) < _spread(narrow) else narrow
    return blocks_from_words(chosen)
