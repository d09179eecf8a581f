"""Positioned runs → the grid builder's words, split where a run spans several cells.

A converter states where each run starts, rarely where it ends, so each character's advance is
estimated from its font size: a full-width (CJK) character is one em, a digit or Latin letter a
little over half, a space about a quarter; when the page states the run's width, the estimates
are scaled to it. Converters join what stands on one line into one run with a single space for
any gap (``0&#160;0&#160;0``: three cells a column apart), so a run's figures that end a line are
words of their own and only the line's first phrase stands where the run says: the others are
marked ``estimated`` (the grid builder gives them in order, never by column). Two spaces or more
start a new phrase. Adjacent runs that touch on a line (a run broken at a change of font, a
justified line's letters) are joined again; two figures never are.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import pairwise

from compliance.readers.geometry import Word, is_number_shaped
from compliance.readers.positioned_html.runs import Piece, Run

# Estimated advances, in ems.
_WIDE = 1.0
_DIGIT = 0.56
_LATIN = 0.55
_NARROW = 0.3  # . , : ; ' | i l
_SPACE = 0.27
# A font size is rescaled only on this many observations, and never by more than this.
_MIN_BOUNDS = 5
_MAX_SCALE = 1.5
_NARROW_CHARS = frozenset(".,:;'|!il()[]")
_SPACES = frozenset(" \u00a0\u2002\u2003\u2009\u3000")
# Runs on one line closer than this (in ems) are one phrase: a run broken where the font changes
# or a justified line's letters spaced apart. The grid builder joins PDF words the same way (half
# a line height); two cells' texts stand further apart. A figure joins text only as close as the
# quarter em set between CJK and Latin text (a cell's padding is wider), and two figures never.
_TOUCHING = 0.5
_TOUCHING_FIGURE = 0.3


@dataclass
class _Glyph:
    char: str
    x0: float
    x1: float


def advance(char: str, size: float, cjk: bool = False) -> float:
    """The estimated width of ``char`` set at ``size`` px; ``cjk``: in a run of CJK text, whose
    fonts set the punctuation that East Asian widths call ambiguous (“ ” — …) full width."""
    if char == "\u3000":
        return size * _WIDE
    if char in _SPACES:
        return size * _SPACE
    width = unicodedata.east_asian_width(char)
    if width in ("W", "F") or (cjk and width == "A"):
        return size * _WIDE
    if char.isdigit():
        return size * _DIGIT
    if char in _NARROW_CHARS:
        return size * _NARROW
    return size * _LATIN


def em_scales(runs: list[Run]) -> dict[float, float]:
    """Per stated font size, how much further its CJK characters advance than that size says.

    Some converters state a font size that is not the glyphs' (pdftohtml's ``-c`` writes 16px
    for text set 18px apart). Where a run of CJK characters is followed on its line by another
    run, their distance bounds the advance from above. When most of those bounds agree with the
    lowest (the runs touch: text cut into runs at each change of font), that is the advance;
    bounds that scatter are runs set apart (cells), which say nothing about the font.
    """
    bounds: dict[float, list[float]] = {}
    for run, after in pairwise(runs):
        text = run.text
        if (
            run.width is None
            and len(run.lines) == 1
            and text
            and after.origin == run.origin
            and abs(after.top - run.top) <= 0.25 * run.size
            and after.left > run.left
            and all(unicodedata.east_asian_width(c) in ("W", "F") for c in text)
        ):
            bounds.setdefault(run.size, []).append((after.left - run.left) / len(text) / run.size)
    scales: dict[float, float] = {}
    for size, found in bounds.items():
        lowest = min(found)
        touching = sum(1 for bound in found if bound <= lowest * 1.02)
        if len(found) >= _MIN_BOUNDS and 2 * touching >= len(found) and 1.0 < lowest <= _MAX_SCALE:
            scales[size] = lowest
    return scales


def _glyphs(run: Run, pieces: list[Piece], scales: dict[float, float]) -> list[_Glyph]:
    x = run.left
    out: list[_Glyph] = []
    cjk = any(unicodedata.east_asian_width(c) in ("W", "F") for p in pieces for c in p.text)
    for piece in pieces:
        x += piece.gap
        for char in piece.text:
            width = advance(char, piece.size * scales.get(piece.size, 1.0), cjk)
            out.append(_Glyph(char, x, x + width))
            x += width
    if run.width is not None and out and len(run.lines) == 1 and out[-1].x1 > run.left:
        # The page states the run's real extent: the estimates are only proportions within it.
        ratio = run.width / (out[-1].x1 - run.left)
        out = [_Glyph(g.char, run.left + (g.x0 - run.left) * ratio, run.left + (g.x1 - run.left) * ratio) for g in out]
    return out


def _tokens(glyphs: list[_Glyph]) -> list[tuple[int, list[_Glyph]]]:
    """The glyphs split at spaces: (number of spaces before, the token's glyphs) in order."""
    tokens: list[tuple[int, list[_Glyph]]] = []
    spaces = 0
    for glyph in glyphs:
        if glyph.char in _SPACES or glyph.char.isspace():
            spaces += 1
            continue
        if tokens and spaces == 0:
            tokens[-1][1].append(glyph)
        else:
            tokens.append((spaces, [glyph]))
        spaces = 0
    return tokens


def _phrases(glyphs: list[_Glyph]) -> list[tuple[list[_Glyph], bool]]:
    """The phrases of one line of a run, each with whether its place is only estimated.

    The figures that end the line are words of their own (a row's values run into one run with
    its label or with each other); before them, tokens one space apart are one phrase and a wider
    gap starts a new one. Only the line's first phrase stands where the run says; the others
    stand after a space of unknown width.
    """
    tokens = _tokens(glyphs)
    tail = len(tokens)
    while tail > 0 and _figure(tokens[tail - 1][1]):
        tail -= 1
    out: list[list[_Glyph]] = []
    for index, (spaces, token) in enumerate(tokens):
        if out and index < tail and spaces == 1:
            out[-1] = [*out[-1], _Glyph(" ", out[-1][-1].x1, token[0].x0), *token]
        else:
            out.append(token)
    return [(phrase, index > 0) for index, phrase in enumerate(out)]


def _figure(glyphs: list[_Glyph]) -> bool:
    return is_number_shaped("".join(g.char for g in glyphs))


def run_words(run: Run, page: int, scales: dict[float, float] | None = None) -> list[Word]:
    """The words of one run, one line of the run after another (``scales``: see ``em_scales``)."""
    words: list[Word] = []
    for index, pieces in enumerate(run.lines):
        top = run.top + index * run.line_height
        size = max((p.size for p in pieces if p.text.strip()), default=run.size)
        for phrase, estimated in _phrases(_glyphs(run, pieces, scales or {})):
            text = "".join(g.char for g in phrase)
            words.append(
                Word(text, phrase[0].x0, top, phrase[-1].x1, top + size, page, run.sourceline, estimated=estimated)
            )
    return words


def _touching(last: Word, word: Word) -> float:
    figures = is_number_shaped(last.text), is_number_shaped(word.text)
    if all(figures):
        return float("-inf")
    return _TOUCHING_FIGURE if any(figures) else _TOUCHING


def page_words(runs: list[Run]) -> list[Word]:
    """The words of all runs, a run joined to the one before it (in document order, as converters
    write a line's runs) when it continues it on the same line without a gap."""
    scales = em_scales(runs)
    words = [word for run in runs for word in run_words(run, run.origin, scales)]
    out: list[Word] = []
    for word in words:
        last = out[-1] if out else None
        size = word.bottom - word.top
        if (
            last is not None
            and not last.estimated
            and not word.estimated
            and last.page == word.page
            and abs(last.top - word.top) <= 0.25 * size
            and -0.5 * size <= word.x0 - last.x1 <= _touching(last, word) * size
        ):
            out[-1] = Word(
                last.text + word.text,
                last.x0,
                min(last.top, word.top),
                max(last.x1, word.x1),
                max(last.bottom, word.bottom),
                last.page,
                last.line,
                estimated=last.estimated,
            )
        else:
            out.append(word)
    return out
