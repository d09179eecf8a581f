"""One page image in, its recognised text and table rules out, in PDF points; cached.

The steps: greyscale → turned a quarter if its lines run vertically → deskewed → rules found
and erased → text detected and recognised → a page read upside down is turned round and read
again. Coordinates leave this module in points (1/72 inch) of the straightened page, so the
geometric grid builder sees OCR'd pages exactly like PDF pages with a text layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.readers.ocr import cache
from compliance.readers.ocr.engine import TextBox, engine_version, read_crops, recognise, threads
from compliance.readers.ocr.prepare import Segment, despeckle, find_rules, is_sideways, rotate, skew_angle, to_grey

# A page image is OCR'd with at most this many pixels (an A3 page at the 200 dpi PDF pages are
# rendered at has 7.8 million): a larger one (a 600 dpi scan, a page of absurd size) is reduced
# first. Preparing a page costs ≈ 15 bytes a pixel, and the reading, tuned at 200 dpi, gains
# nothing from more.
MAX_OCR_PIXELS = 8_000_000
# Below this mean confidence a page may be upside down: its longest lines are read turned round.
_UPRIGHT_DOUBT = 0.85
_PROBE_LINES = 8
# Resolution at which the detector's lines are looked at only to tell which way they run.
_ORIENTATION_DPI = 70


@dataclass
class OcrPage:
    """A page as read: size, text boxes and rules in points; how it was turned and straightened."""

    number: int
    width: float
    height: float
    boxes: list[TextBox] = field(default_factory=list)
    rules: list[Segment] = field(default_factory=list)
    turned: int = 0  # quarter turns applied (clockwise degrees: 0, 90, 180, 270)
    skew: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "width": self.width,
            "height": self.height,
            "turned": self.turned,
            "skew": self.skew,
            "boxes": [[b.text, b.x0, b.top, b.x1, b.bottom, b.confidence] for b in self.boxes],
            "rules": [[r.x0, r.top, r.x1, r.bottom] for r in self.rules],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> OcrPage:
        return cls(
            number=int(value["number"]),
            width=float(value["width"]),
            height=float(value["height"]),
            turned=int(value.get("turned", 0)),
            skew=float(value.get("skew", 0.0)),
            boxes=[TextBox(str(t), *map(float, rest)) for t, *rest in value["boxes"]],
            rules=[Segment(*map(float, r)) for r in value["rules"]],
        )


def read_page(image: Any, number: int, dpi: float, file_sha256: str | None) -> OcrPage:
    """OCR one page image (PIL image or array) rendered or scanned at ``dpi``; uses the cache."""
    key = None
    if file_sha256:
        key = cache.page_key(file_sha256, engine_version(), number, f"dpi={dpi:g}")
        hit = cache.load(key)
        if hit is not None:
            try:
                return OcrPage.from_json(hit)
            except (KeyError, TypeError, ValueError):
                pass
    page = _ocr(*within_pixels(image, dpi), number)
    if key is not None:
        cache.store(key, page.to_json())
    return page


def within_pixels(image: Any, dpi: float) -> tuple[Any, float]:
    """The page as a greyscale array of at most ``MAX_OCR_PIXELS``, and its resolution then."""
    width, height = image.size if hasattr(image, "mode") else (image.shape[1], image.shape[0])
    scale = min(1.0, (MAX_OCR_PIXELS / max(width * height, 1)) ** 0.5)
    if scale < 1 and hasattr(image, "mode"):  # reduced before it is made grey: a quarter of the copying
        from PIL import Image

        if image.mode not in ("L", "RGB"):  # palette, two-tone, 16-bit: only these resize smoothly
            image = image.convert("L")
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        image = image.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    grey = to_grey(image)
    if scale < 1 and not hasattr(image, "mode"):
        import cv2

        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return grey, dpi * scale


def _ocr(grey: Any, dpi: float, number: int) -> OcrPage:
    import cv2

    threads()
    turned = 0
    angle = skew_angle(grey)
    grey = rotate(grey, angle)
    # Only a straightened page shows whether its lines run across or down.
    if is_sideways(grey) and not _lines_run_across(grey, dpi):
        grey = cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE)
        turned = 90
        angle = skew_angle(grey)
        grey = rotate(grey, angle)
    grey = despeckle(grey)
    rules, erased = find_rules(grey)
    boxes = recognise(erased, dpi, rules)
    if boxes and _upside_down(erased, boxes):
        grey = cv2.rotate(grey, cv2.ROTATE_180)
        turned = (turned + 180) % 360
        rules, erased = find_rules(grey)
        boxes = recognise(erased, dpi, rules)
    boxes += _read_missed_ink(erased, boxes, dpi)
    boxes += _read_empty_cells(erased, boxes, rules)
    to_points = 72.0 / dpi
    height, width = grey.shape
    return OcrPage(
        number=number,
        width=width * to_points,
        height=height * to_points,
        boxes=[
            TextBox(b.text, b.x0 * to_points, b.top * to_points, b.x1 * to_points, b.bottom * to_points, b.confidence)
            for b in boxes
        ],
        rules=[Segment(r.x0 * to_points, r.top * to_points, r.x1 * to_points, r.bottom * to_points) for r in rules],
        turned=turned,
        skew=angle,
    )


# Missed marks recovered per page at most (a page of dense noise must not cost minutes).
_MAX_MISSED = 300


def _read_missed_ink(grey: Any, boxes: list[TextBox], dpi: float) -> list[TextBox]:
    """Read glyph-sized ink the detector left out: typically a lone digit in a borderless table.

    Connected ink blobs of text height that no detected box covers are grouped into runs (blobs
    side by side on one line) and each run is recognised on its own; only clear readings count.
    """
    import cv2
    import numpy as np

    _, ink = cv2.threshold(grey, 180, 1, cv2.THRESH_BINARY_INV)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    low, high = 0.03 * dpi, 0.3 * dpi  # glyph heights from about 2 pt to 20 pt
    covered = np.zeros(ink.shape, dtype=bool)
    for b in boxes:
        covered[max(0, int(b.top) - 2) : int(b.bottom) + 3, max(0, int(b.x0) - 2) : int(b.x1) + 3] = True
    blobs = []
    for index in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[index])
        if not low <= h <= high or w > 3 * high or covered[y + h // 2, x + w // 2]:
            continue
        blobs.append([x, y, x + w, y + h])
    runs: list[list[int]] = []
    for blob in sorted(blobs):
        last = runs[-1] if runs else None
        height = blob[3] - blob[1]
        if last and blob[0] - last[2] < 0.6 * height and min(last[3], blob[3]) > max(last[1], blob[1]):
            last[:] = [last[0], min(last[1], blob[1]), max(last[2], blob[2]), max(last[3], blob[3])]
        else:
            runs.append(blob)
    if not runs or len(runs) > _MAX_MISSED:
        return []
    from compliance.readers.ocr.crops import trim

    found, crops = [], []
    for x0, top, x1, bottom in runs:
        if x1 - x0 < 4:
            # A stroke this thin, alone, is a rule's remnant (read "I") more often than a "1";
            # a lone "1" in an empty ruled cell is read by ``_read_empty_cells``.
            continue
        box = trim(grey, x0, top, x1, bottom)
        if box is not None:
            found.append(box)
            crops.append(grey[box[1] : box[3], box[0] : box[2]])
    return [
        TextBox(text, *box, score)
        for box, (text, score) in zip(found, read_crops(crops), strict=True)
        if text and score >= 0.6
    ]


def _read_empty_cells(grey: Any, boxes: list[TextBox], rules: list[Segment]) -> list[TextBox]:
    """Read table cells the detector found nothing in but that hold ink: a lone digit it missed."""
    import numpy as np

    from compliance.readers.ocr.crops import trim, without_specks
    from compliance.readers.ocr.lattice import empty_slots

    slots = empty_slots(boxes, rules)
    if not slots:
        return []
    line_height = int(np.median([b.bottom - b.top for b in boxes])) if boxes else 0
    found, crops = [], []
    for x0, top, x1, bottom in slots:
        inset = 4  # keep the erased rule's fringe out of the crop
        left, upper, right, lower = int(x0) + inset, int(top) + inset, int(x1) - inset, int(bottom) - inset
        if right - left < 8 or lower - upper < 8:
            continue
        # Only glyph-sized ink counts: specks scattered over an empty cell span it, and the
        # recogniser reads their box as some character ("8"), which a blank would then become.
        ink = without_specks(grey[upper:lower, left:right] < 180, line_height or lower - upper)
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            continue
        box = trim(
            grey, left + int(columns[0]), upper + int(rows[0]), left + int(columns[-1]) + 1, upper + int(rows[-1]) + 1
        )
        if box is None or box[2] - box[0] < 8 or box[3] - box[1] < 8:
            continue
        found.append(box)
        crops.append(grey[box[1] : box[3], box[0] : box[2]])
    out = []
    for (x0, top, x1, bottom), (text, score) in zip(found, read_crops(crops), strict=True):
        if text:  # however unsure: its confidence says so, and a blank would read as 0
            out.append(TextBox(text, x0, top, x1, bottom, score))
    return out


def _lines_run_across(grey: Any, dpi: float) -> bool:
    """Do the detector's lines clearly lie across the page (twice the length in boxes at least twice
    as wide as high than in boxes twice as high as wide)? Asked only when the blank rows and columns
    say the page is turned: a table of sparse figures shows many blank columns too, and its lines
    still run across. Boxes nearer square (a lone figure) say nothing; on a turned page the
    detector still joins some glyphs sideways, hence "twice" (measured: an upright table page
    4,082 px across to 0 down, the same page turned 788 to 554)."""
    from compliance.readers.ocr.engine import detect

    across = down = 0.0
    # Which way lines run shows at 70 dpi as clearly as at 100 (measured on the ruled samples'
    # table pages: across/down 4,000+ either way) for half the cost; at 50 dpi the detector
    # no longer finds the lines.
    for x0, top, x1, bottom in detect(grey, dpi, resolution=_ORIENTATION_DPI):
        width, height = x1 - x0, bottom - top
        if width >= 2 * height:
            across += width
        elif height >= 2 * width:
            down += height
    return across > 2 * down


def _upside_down(grey: Any, boxes: list[TextBox]) -> bool:
    """Read the longest lines turned round too: upside down if that reads clearly better."""
    import cv2

    mean = sum(b.confidence for b in boxes) / len(boxes)
    if mean >= _UPRIGHT_DOUBT:
        return False
    longest = sorted(boxes, key=lambda b: b.x0 - b.x1)[:_PROBE_LINES]
    crops = [grey[int(b.top) : int(b.bottom) + 1, int(b.x0) : int(b.x1) + 1] for b in longest]
    upright = sum(b.confidence for b in longest)
    flipped = sum(score for _, score in read_crops([cv2.rotate(c, cv2.ROTATE_180) for c in crops]))
    return flipped > upright + 0.1 * len(longest)
