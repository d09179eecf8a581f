"""Page preparation before OCR: greyscale, orientation, deskew, and the table rules of the page.

Skew is measured by projection profiles: a page of horizontal text lines and table rules, rotated
back by the right angle, has the sharpest row profile (rows of ink alternate with rows of paper),
so the angle that maximises the profile's variance is the page's tilt. It is searched coarsely
and then finely on a reduced copy of the page, which costs a few tens of milliseconds. A page
turned by 90° is told by its blank rows and columns (``is_sideways``); a page upside down is
caught later, by the recogniser's confidence (see ``pages``).

Table rules are found by morphological opening with long thin kernels: what survives a 1×N
opening is a horizontal rule, N×1 a vertical one. They are returned as segments in page pixels
and also erased from the image handed to the recogniser, so a rule next to a digit is never read
as a "1" and a line box never runs across a rule unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Largest tilt searched (degrees); scans are rarely off by more, and more would be a different problem.
MAX_SKEW = 5.0
# A rule is at least this share of the page width (horizontal) or height (vertical) long.
_RULE_SHARE = 1 / 40
# Largest ink blob (pixels) taken for a speck of noise rather than a mark.
_SPECK = 4
# A piece of rule continues a rule found across a break of at most this many pixels.
_BREAK = 12


@dataclass(frozen=True)
class Segment:
    """A straight table rule in page pixels."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def vertical(self) -> bool:
        return self.bottom - self.top > self.x1 - self.x0


def to_grey(image: Any) -> Any:
    """A uint8 greyscale array from a PIL image or an array in any common mode."""
    import numpy as np

    if hasattr(image, "mode"):
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
        image = np.asarray(image)
    if image.ndim == 3:
        import cv2

        image = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(image.astype(np.uint8))


def _ink(grey: Any, scale: float) -> Any:
    import cv2

    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale != 1 else grey
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def _sharpness(ink: Any, angle: float) -> float:
    import cv2
    import numpy as np

    height, width = ink.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def skew_angle(grey: Any) -> float:
    """The angle (degrees, counter-clockwise positive as OpenCV rotates) that straightens the page."""
    import numpy as np

    scale = min(1.0, 800 / max(grey.shape))
    ink = _ink(grey, scale)
    if ink.sum() == 0:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 0.001, 0.5)
    best = max(coarse, key=lambda a: _sharpness(ink, float(a)))
    fine = np.arange(best - 0.5, best + 0.501, 0.1)
    best = max(fine, key=lambda a: _sharpness(ink, float(a)))
    return round(float(best), 2)


def is_sideways(grey: Any) -> bool:
    """Does the page read top to bottom (turned by 90°)?

    Between lines of text there are blank rows of paper (the leading); between characters of a
    line hardly any blank columns, even in grid-aligned CJK text. A page turned a quarter shows
    it the other way round: many blank columns, few blank rows.
    """
    import numpy as np

    ink = _ink(grey, min(1.0, 800 / max(grey.shape)))
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return False
    ink = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    height, width = ink.shape
    blank_rows = float((ink.sum(axis=1) < 0.03 * width).mean())
    blank_columns = float((ink.sum(axis=0) < 0.03 * height).mean())
    return blank_columns > 0.15 and blank_columns > 2 * blank_rows


def rotate(grey: Any, angle: float) -> Any:
    """Rotate by ``angle`` degrees about the centre, keeping the page size and white corners."""
    import cv2

    if abs(angle) < 0.05:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def despeckle(grey: Any) -> Any:
    """Remove isolated specks (scanner dust, speckle noise): tiny ink components become paper.

    A speck is a connected blob of at most a few pixels; the smallest real mark, a decimal
    point at 150 dpi, is larger. Specks otherwise make the detector drop lone digits and the
    recogniser read a stray "." after a number.
    """
    import cv2

    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    del ink
    speck = stats[:, cv2.CC_STAT_AREA] <= _SPECK
    speck[0] = False  # the paper
    if not speck.any():
        return grey
    # A table lookup, one byte a pixel: ``np.isin`` sorted a copy of the page's labels with 8-byte
    # indexes (≈ 20 MB more at the OCR pixel budget).
    cleaned = grey.copy()
    cleaned[speck[labels]] = 255
    return cleaned


def _continuations(
    ink: Any, verticals: list[Segment], horizontals: list[Segment], length: int, mask: Any
) -> list[Segment]:
    """Pieces of vertical rule shorter than the kernel that continue a rule found across a small
    break, down or up to a horizontal rule; they are added to ``mask`` (the ink to erase).

    A thin rule broken by a speck of paper leaves, beside one tight table row, a piece shorter
    than the kernel, which the opening drops: the row then loses the rule between two of its
    cells. A piece half a kernel long is taken only in line with a rule found, starting within a
    few pixels of its end and ending on a horizontal rule, so strokes of text never become rules.
    """
    import cv2
    import numpy as np

    half = max(8, length // 2)
    short = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, half)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(short, connectivity=8)
    pieces: list[Segment] = []
    keep = np.zeros(count, dtype=bool)
    for index in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[index])
        if h >= length or w > 12:
            continue  # a whole rule (already found) or a blob
        piece = Segment(float(x), float(y), float(x + w), float(y + h))
        middle = (piece.x0 + piece.x1) / 2
        for rule in verticals:
            if abs((rule.x0 + rule.x1) / 2 - middle) > 3:
                continue
            below = 0 <= piece.top - rule.bottom <= _BREAK  # the piece continues the rule downwards
            above = 0 <= rule.top - piece.bottom <= _BREAK
            far = piece.bottom if below else piece.top
            if (below or above) and any(
                abs((h_.top + h_.bottom) / 2 - far) <= 4 and h_.x0 - 4 <= middle <= h_.x1 + 4 for h_ in horizontals
            ):
                pieces.append(piece)
                keep[index] = True
                break
    if pieces:
        mask[keep[labels]] = 255  # a byte a pixel (``np.where`` made an 8-byte copy of the page first)
    return pieces


def find_rules(grey: Any) -> tuple[list[Segment], Any]:
    """Table rules of a straightened page, and a copy of the page with them erased."""
    import cv2
    import numpy as np

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height, width = grey.shape
    segments: list[Segment] = []
    mask = np.zeros_like(ink)
    for horizontal in (True, False):
        length = max(15, int((width if horizontal else height) * _RULE_SHARE))
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # Bridge small breaks (speckle, JPEG) along the rule before taking components.
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 1) if horizontal else (1, 15))
        lines = cv2.morphologyEx(lines, cv2.MORPH_CLOSE, bridge)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        found = []
        for index in range(1, count):
            x, y, w, h, _ = (int(v) for v in stats[index])
            # A rule piece between two breaks may span a single row: one kernel length is enough.
            if (w if horizontal else h) < length or (h if horizontal else w) > 12:
                continue
            found.append(Segment(float(x), float(y), float(x + w), float(y + h)))
        mask |= lines
        if not horizontal:
            found += _continuations(ink, found, [r for r in segments if not r.vertical], length, mask)
        segments += found
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    erased = grey.copy()
    erased[mask > 0] = 255
    return segments, erased
