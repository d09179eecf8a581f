"""Cutting a page into the crops the recogniser reads: detected lines cut at blanks and at table
rules, trimmed to their ink, specks left out.

The detector's boxes are rough: a box may join a label and its figure, clip a lone figure, or hold
only scanner noise. What is cut here decides what the recogniser sees, so each step errs towards
leaving a glyph whole and never hands it specks to read as characters.
"""

from __future__ import annotations

import itertools
from typing import Any

from compliance.readers.ocr.prepare import Segment

# Grey level below which a pixel is ink when trimming crops to their content.
INK = 180
# A detected box lower than this share of the page's median line box may have clipped its glyphs.
_CLIPPED = 0.75
# A detected line is cut at a blank this many times as wide as its ink is high: more than a
# full-width punctuation mark leaves, less than the blank between two table columns.
_GAP = 1.5
# A blank inside a detected line is never taken as narrower than this (px, full resolution).
_MIN_GAP = 8
# Margin left round the ink of a crop, as a share of the ink's height (see ``trim``).
_MARGIN = 0.15
# A rule must reach this far into a box (px, full resolution) on both sides to cut it.
_CUT_MARGIN = 6


def without_nested(boxes: list[tuple[float, ...]]) -> list[tuple[float, ...]]:
    """Drop a box lying mostly inside a larger one: the detector sometimes finds a line twice."""

    def area(box: tuple[float, ...]) -> float:
        return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])

    kept: list[tuple[float, ...]] = []
    # Written out rather than with helper functions: a table page has a few hundred boxes, and
    # the pairs cost a tenth of a second of calls.
    for box in sorted(boxes, key=area, reverse=True):
        x0, top, x1, bottom = box[:4]
        limit = 0.6 * area(box)
        for other in kept:
            width = min(x1, other[2]) - max(x0, other[0])
            if width > 0:
                height = min(bottom, other[3]) - max(top, other[1])
                if height > 0 and width * height > limit:
                    break
        else:
            kept.append(box)
    return kept


def split_at_gaps(
    page: Any, left: int, upper: int, right: int, lower: int, *, clean: Any = None
) -> list[tuple[int, int, int, int]]:
    """Cut a detected line where its ink leaves a blank one and a half times as wide as it is high.

    At detection resolution the detector joins text separated by a wide blank into one line:
    a label and its figure, the figures of a row of a table printed without rules. Neither a
    prose line nor one figure has a blank a whole character wide inside it, so cutting there
    yields the words a PDF text layer would give (one per cell), which the grid builder aligns.
    ``clean``: the page's ink mask without specks (``without_specks``), when already made.
    """
    import numpy as np

    if right - left < 4 or lower - upper < 4:
        return [(left, upper, right, lower)]
    if clean is None:
        ink = without_specks(page[upper:lower, left:right] < INK, lower - upper)
    else:
        ink = clean[upper:lower, left:right]
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return [(left, upper, right, lower)]
    gap = max(_MIN_GAP, int(_GAP * (rows[-1] - rows[0] + 1)))
    inked = np.flatnonzero(ink.any(axis=0))
    if inked.size < 2:
        return [(left, upper, right, lower)]
    breaks = np.flatnonzero(np.diff(inked) > gap)
    if breaks.size == 0:
        return [(left, upper, right, lower)]
    pieces, start = [], left
    for index in breaks:
        end = left + int(inked[index]) + 1
        pieces.append((start, upper, end, lower))
        start = left + int(inked[index + 1])
    pieces.append((start, upper, right, lower))
    return pieces


def without_specks(ink: Any, line_height: int) -> Any:
    """The ink mask without blobs far smaller than a glyph of lines ``line_height`` high: a speck
    left in a blank (noise, a JPEG fringe) must not bridge it. A decimal point is small too, but
    it stands inside a figure, where no blank a character wide is looked for."""
    import cv2
    import numpy as np

    # A boolean mask is already one byte of 0 or 1 a pixel: viewed as such, not copied.
    pixels = ink.view(np.uint8) if ink.dtype == np.bool_ else ink.astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(pixels, connectivity=8)
    smallest = max(3, line_height // 8)
    keep = np.zeros(count, dtype=bool)
    keep[1:] = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]) >= smallest
    return keep[labels]


def trim(
    page: Any,
    left: int,
    upper: int,
    right: int,
    lower: int,
    *,
    line_height: float | None = None,
    clean: Any = None,
) -> tuple[int, int, int, int] | None:
    """Shrink a box to its ink plus a margin: the recogniser misreads a small digit in a wide blank.

    ``line_height`` (the page's usual line box): a box much lower than that is first widened to
    the whole glyphs it touches (``_grown``). ``clean``: the page's ink without specks
    (``without_specks``); when given, a speck beside the text does not stretch the box (a label's
    box stretched towards the figure beside it is taken for a phrase running into that figure).
    """
    import numpy as np

    if right <= left or lower <= upper:  # a thin "1" may be 3 px wide
        return None
    if line_height:
        left, upper, right, lower = _grown(page, (left, upper, right, lower), line_height)
    # Generous: at 150 dpi, after rotation and JPEG, a thin stroke may be no darker than mid-grey.
    ink = page[upper:lower, left:right] < INK if clean is None else clean[upper:lower, left:right]
    columns = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    if columns.size == 0:
        return None
    height, width = page.shape[:2]
    # Margins in proportion to the ink's own height: the recogniser judges a glyph by its size
    # within the crop, and a "0" with too much room around it reads as "。" or "0." (measured on
    # 406 table figures: margins of 0.15 of the ink height read all but one with confidence
    # ≥ 0.98; 0.25 × 0.2 left some at 0.89, 0.5 × 0.3 sixty-five below 0.8). Never under 3 px:
    # a small figure's faint strokes lie outside its dark ink (a "4" whose diagonal was cut off
    # read as "1").
    ink_height = int(rows[-1] - rows[0]) + 1
    pad_x = pad_y = max(3, round(_MARGIN * ink_height))
    return (
        max(0, left + int(columns[0]) - pad_x),
        max(0, upper + int(rows[0]) - pad_y),
        min(width, left + int(columns[-1]) + 1 + pad_x),
        min(height, upper + int(rows[-1]) + 1 + pad_y),
    )


def _grown(page: Any, box: tuple[int, int, int, int], line_height: float) -> tuple[int, int, int, int]:
    """A box lower than the page's lines, widened to the whole of the glyphs it touches.

    The detector works on a reduced page, and the box it draws round a lone figure can be
    smaller than the figure ("0" clipped top and bottom reads as "Q"). Only such low boxes are
    widened, and only by blobs no larger than a glyph of the page's lines: a box that touches
    a neighbouring line must not take that line along.
    """
    import cv2
    import numpy as np

    left, upper, right, lower = box
    if lower - upper >= _CLIPPED * line_height:
        return box
    height, width = page.shape[:2]
    reach = int(line_height)
    x0, y0 = max(0, left - reach), max(0, upper - reach)
    x1, y1 = min(width, right + reach), min(height, lower + reach)
    ink = (page[y0:y1, x0:x1] < INK).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    grown = [left, upper, right, lower]
    for index in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[index])
        x, y = x + x0, y + y0
        touches = x < right and x + w > left and y < lower and y + h > upper
        if touches and h <= line_height and w <= line_height:
            grown = [min(grown[0], x), min(grown[1], y), max(grown[2], x + w), max(grown[3], y + h)]
    return grown[0], grown[1], grown[2], grown[3]


def cut_at_rules(box: tuple[float, float, float, float], verticals: list[Segment]) -> list[tuple[float, ...]]:
    """Cut a detected line box where a vertical table rule runs through it."""
    x0, top, x1, bottom = box
    middle = (top + bottom) / 2
    cuts = sorted(
        (s.x0 + s.x1) / 2
        for s in verticals
        if s.top <= middle <= s.bottom and x0 + _CUT_MARGIN < (s.x0 + s.x1) / 2 < x1 - _CUT_MARGIN
    )
    if not cuts:
        return [box]
    edges = [x0, *cuts, x1]
    pieces: list[tuple[float, ...]] = []
    for index, (a, b) in enumerate(itertools.pairwise(edges)):
        # Keep clear of the rule itself, which would otherwise be read as a "1" or "|".
        left = a + _CUT_MARGIN / 2 if index else a
        right = b - _CUT_MARGIN / 2 if index < len(cuts) else b
        if right - left > _CUT_MARGIN:
            pieces.append((left, top, right, bottom))
    return pieces
