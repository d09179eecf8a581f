"""A positioned page → Paragraphs and Grids, or None when the page is not one.

The rule, the same for every converter: a page is read by position when most of its visible text
(``SHARE``) stands in elements placed with an absolute position, and there is enough of it to be
a document (``MIN_CHARS``). Class names and generator tags are never looked at.
"""

from __future__ import annotations

from statistics import median

from lxml import etree

from compliance.document import Block
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped
from compliance.readers.positioned_html.css import sheet_of
from compliance.readers.positioned_html.runs import Run, positioned_text
from compliance.readers.positioned_html.words import page_words

# Share of the visible text that must be positioned for the page to be read by position.
SHARE = 0.8
# Fewer positioned characters than this is a web page with a positioned banner, not a document.
MIN_CHARS = 40


def positioned_blocks(root: etree._Element) -> list[Block] | None:
    """The page's blocks read by position, or None when its text is not mostly positioned."""
    found = positioned_text(root, sheet_of(root))
    if found.positioned_chars < MIN_CHARS or found.positioned_chars < SHARE * found.visible_chars:
        return None
    return blocks_of_runs(found.runs)


def blocks_of_runs(runs: list[Run]) -> list[Block]:
    """Paragraphs and grids of positioned runs (pages numbered by ``Run.origin``)."""
    words = page_words(runs)
    # Runs that belong together were joined already (``page_words``); the builder joins nothing
    # more, so that two figures a space apart stay two cells.
    return blocks_from_words(words, word_gap=float("-inf"), char=_figure_width(words))


def _figure_width(words: list[Word]) -> float | None:
    """The width of one digit: the unit layout text measures in (a CJK character is two)."""
    widths = [(w.x1 - w.x0) / len(w.text) for w in words if is_number_shaped(w.text) and w.text.isdigit()]
    return median(widths) if widths else None
