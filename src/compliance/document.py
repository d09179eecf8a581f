"""The neutral document every reader produces: ordered paragraphs and table grids.

Readers know file formats and nothing about reports; the template mapping knows reports and
nothing about file formats. This module is the only thing both sides share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from compliance.model import Loc


@dataclass
class Paragraph:
    text: str
    loc: Loc = field(default_factory=Loc)
    # A reader that knows a paragraph is a heading (Markdown '#', HTML <h2>, a DOCX heading
    # style) says so; plain text leaves it None and the mapping decides from the wording.
    heading_level: int | None = None
    # Set only for text read by OCR: the confidence of its least sure word, 0–1 (see readers/ocr).
    confidence: float | None = None


@dataclass
class GridCell:
    text: str
    loc: Loc = field(default_factory=Loc)
    # True for the copies a rowspan/colspan expansion creates: the value was printed once.
    span_copy: bool = False
    # Set only for text read by OCR: the recogniser's confidence, 0–1 (see readers/ocr).
    confidence: float | None = None


@dataclass
class Grid:
    """A rectangular-ish table after spans are expanded; rows may differ in length in text."""

    rows: list[list[GridCell]]
    loc: Loc = field(default_factory=Loc)
    # A table the source says its converter left out (pandoc's plain text writes "[TABLE]" for a
    # table it cannot draw): no rows, but a table stood here.
    omitted: bool = False


Block = Paragraph | Grid


def least_sure(confidences: Iterable[float | None]) -> float | None:
    """The lowest OCR confidence among ``confidences``; None when none was read by OCR (printed text)."""
    known = [c for c in confidences if c is not None]
    return min(known) if known else None


@dataclass
class Document:
    blocks: list[Block]
    format: str
    path: str = ""
    sha256: str | None = None
    # Page or crawler metadata a reader found outside the body (e.g. an HTML <title>).
    meta: dict[str, str] = field(default_factory=dict)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]

    def number_offsets(self) -> None:
        """Give every paragraph and cell its 0-based offset in the document's text as read.

        The text as read is the blocks in order: a paragraph and a newline; a table row's printed
        cells joined by tabs, and a newline. It is the same for every format, so a finding in an
        HTML page points into its visible text rather than into the markup. A copy made by a
        span expansion takes the position it stands at without adding its text again.
        """
        offset = 0
        for block in self.blocks:
            if isinstance(block, Paragraph):
                block.loc = block.loc.moved(offset=offset)
                offset += len(block.text) + 1
                continue
            for row in block.rows:
                for cell in row:
                    cell.loc = cell.loc.moved(offset=offset)
                    if not cell.span_copy:
                        offset += len(cell.text) + 1
                offset += 1


class LoadError(Exception):
    """A file exists but cannot be read as a report; becomes an ``input`` finding."""

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.message_en = message_en
