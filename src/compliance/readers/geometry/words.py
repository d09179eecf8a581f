"""Positioned words, drawn rulings and the lines they form: the input of the grid builder.

Any reader that knows where its text stands (layout text by character column, OCR by pixel
box, OFD or PDF by point) describes it as ``Word`` objects. Coordinates only need to share one
unit per page; the builder measures distances in "characters" estimated from the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from compliance.document import least_sure

# A printed figure: digits with separators, an optional sign, decimal part, percent or unit of money.
# Readers only need the shape (is this token a value?); parsing values is the mapping's job.
_NUMBER = re.compile(r"^[+\-−]{0,2}\d[\d,，]*(?:[.．]\d+)?\s*(?:%|万元|元)?$")


# A numbering mark at the start of a label or paragraph (一、 （一） (1) 1. 1、): it starts a new
# row or paragraph, never continues a wrapped one. Generic numbering, not any template's labels.
NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[.．、](?!\d))"
)


def is_number_shaped(text: str) -> bool:
    """True for a token printed like a table value: ``12``, ``-3``, ``+5``, ``1,268``, ``12.5万元``."""
    return bool(_NUMBER.match(text.strip()))


@dataclass(frozen=True)
class Word:
    """One run of text and its box (x grows to the right, top/bottom grow downwards)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int | None = None
    line: int | None = None  # source line (text formats)
    column: int | None = None  # character offset of the word within its source line
    confidence: float | None = None  # OCR confidence 0–1; None for printed text
    # Its x is only estimated: a converter ran it into the text before it (positioned HTML joins
    # cells a column apart into one run with a single space), so it says nothing about columns.
    estimated: bool = False

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Ruling:
    """A drawn line segment (table border); horizontal if top == bottom, vertical if x0 == x1."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Line:
    """Words sharing one baseline band, left to right; adjacent close words merged into phrases."""

    words: list[Word] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def page(self) -> int | None:
        return self.words[0].page

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def group_lines(words: list[Word]) -> list[Line]:
    """Group words into lines by vertical overlap, pages kept apart and in order."""
    ordered = sorted(words, key=lambda w: (w.page or 0, (w.top + w.bottom) / 2, w.x0))
    lines: list[Line] = []
    for word in ordered:
        middle = (word.top + word.bottom) / 2
        current = lines[-1] if lines else None
        if current is not None and current.page == word.page and current.top <= middle <= current.bottom:
            current.words.append(word)
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def char_width(words: list[Word]) -> float:
    """The typical width of one character, the builder's unit of horizontal distance."""
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if w.text and w.x1 > w.x0]
    return median(widths) if widths else 1.0


def line_height(lines: list[Line]) -> float:
    heights = [line.bottom - line.top for line in lines if line.bottom > line.top]
    return median(heights) if heights else 1.0


def merge_phrases(line: Line, gap: float) -> Line:
    """Join words whose horizontal gap is below ``gap``: OCR splits one cell's text into words."""
    merged: list[Word] = []
    for word in line.words:
        if merged and word.x0 - merged[-1].x1 < gap and word.page == merged[-1].page:
            last = merged[-1]
            joiner = "" if _cjk_edge(last.text[-1:]) or _cjk_edge(word.text[:1]) else " "
            merged[-1] = Word(
                last.text + joiner + word.text,
                last.x0,
                min(last.top, word.top),
                max(last.x1, word.x1),
                max(last.bottom, word.bottom),
                last.page,
                last.line,
                last.column,
                least_sure((last.confidence, word.confidence)),
                last.estimated or word.estimated,
            )
        else:
            merged.append(word)
    return Line(merged)


def _cjk_edge(char: str) -> bool:
    return bool(char) and ord(char) >= 0x2E80
