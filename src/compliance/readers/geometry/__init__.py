"""Geometric grid builder: positioned words (layout text, OCR, OFD) → Paragraphs and Grids.

Readers that know where each piece of text stands describe it as ``Word`` boxes (and drawn
``Ruling`` segments when they have them) and call ``blocks_from_words``. See docs/reading.md,
"Positioned text → grids", for the stages.
"""

from compliance.readers.geometry.builder import blocks_from_words
from compliance.readers.geometry.words import Ruling, Word, is_number_shaped

__all__ = ["Ruling", "Word", "blocks_from_words", "is_number_shaped"]
