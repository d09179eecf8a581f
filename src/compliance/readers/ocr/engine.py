"""The OCR engine: RapidOCR's PP-OCR detection and recognition models on ONNX Runtime, on the CPU.

The models ship inside the ``rapidocr-onnxruntime`` wheel, so reading works offline. Detection runs
on a copy of the page reduced to about 100 dpi (text lines are still 10–20 px high there, which is all the
detector needs), recognition on crops of the full-resolution page, so each costs what it must.
A detected line that crosses a vertical table rule is cut at the rule before recognition: the
detector happily joins neighbouring cells into one line, a ruled table never does.
The engine is loaded once per process and only when something is actually OCR'd.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compliance.readers.ocr.digits import Decoder, as_read
from compliance.readers.ocr.prepare import Segment

# Bumped whenever page preparation or reading changes what a page yields: part of the cache key.
PIPELINE_VERSION = 20
# Detection runs on the page scaled to this resolution: text lines are still 10–20 px high.
DETECTION_DPI = 100
# The detector's working memory grows with its input (≈ 180 MB for an A4 page at 100 dpi, a
# million pixels), so a larger page is detected in overlapping bands of full width and at most
# ``DETECTION_BAND_PIXELS`` each. A page up to ``DETECTION_ONE_PASS`` (A4 and Letter) is detected
# whole, as before bands: cut into bands, the detector sees less of the page around each line and
# a degraded corpus scan lost a row. A text line up to half the overlap high lies whole inside the
# kept part of one band (96 px at 100 dpi: lines up to 35 pt).
DETECTION_ONE_PASS = 1_000_000
DETECTION_BAND_PIXELS = 450_000
_BAND_OVERLAP = 96
# A band is never lower than this (rows): the overlap then costs at most half as much detection again.
_MIN_BAND = 288
# A page of absurd size is detected at a lower resolution than DETECTION_DPI rather than for minutes
# or gigabytes: at most this many pixels in all, and this many columns (18 inches at 100 dpi,
# wider than A3 landscape), so that a band of ``_MIN_BAND`` rows stays near the band size.
MAX_DETECTION_PIXELS = 4_000_000
MAX_DETECTION_WIDTH = 1800
# Crops no wider than the recogniser's minimum width are read this many at a time.
NARROW_BATCH = 8
# Grey level below which a pixel is ink when trimming crops to their content.
_INK = 180
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


@dataclass(frozen=True)
class TextBox:
    """One recognised piece of text: axis-aligned box in page pixels, text, confidence 0–1."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


def engine_version() -> str:
    """Identifies the engine and its models: part of the OCR cache key."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} pipeline {PIPELINE_VERSION}"
    except PackageNotFoundError:
        return "rapidocr-onnxruntime unknown"


@lru_cache(maxsize=1)
def threads() -> int:
    """Threads per process for ONNX Runtime and OpenCV: one by default, since batches already run
    one report per core; ``COMPLIANCE_OCR_THREADS`` gives a lone report more. Set once."""
    import cv2

    try:
        count = max(1, int(os.environ.get("COMPLIANCE_OCR_THREADS", "1")))
    except ValueError:
        count = 1
    # OpenCV would otherwise start a thread per core for every resize and rotation, in every worker.
    cv2.setNumThreads(count)
    return count


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    with _lean_detector():
        engine = RapidOCR(intra_op_num_threads=threads(), inter_op_num_threads=1, use_cls=False, print_verbose=False)
    # Our detection image is already small: keep the detector from scaling it back up.
    engine.text_det.limit_side_len = 32
    # Accept fainter line boxes than the default 0.5: a lone digit in a noisy scan scores low,
    # and a box with nothing legible in it is dropped by the recogniser anyway.
    engine.text_det.postprocess_op.box_thresh = 0.3
    # The recogniser pads every crop to at least 320 px wide; table cells are mostly one to four
    # digits (33–60 px wide at its 48 px height), so padding them to 64 px instead reads the same
    # text in a fifth of the time (320 → 96 halved it, 96 → 64 saves another 10 % of a table page).
    engine.text_rec.rec_image_shape = [3, 48, 64]
    # Wider crops one per inference (see ``_read``): on one thread a batch of lines of prose costs
    # more than its lines read one by one, even when they are of one width (measured: a prose page
    # 1.95 s one by one, 2.3 s in pairs, 6.1 s by eights).
    engine.text_rec.rec_batch_num = 1
    # Every result also carries its digits-only reading (see ``digits``).
    engine.text_rec.postprocess_op = Decoder(engine.text_rec.postprocess_op)
    return engine


@contextmanager
def _lean_detector() -> Iterator[None]:
    """While the engine is built, give the detection session ONNX Runtime's own memory arena and
    no memory pattern.

    RapidOCR builds every session without the arena: the detector's tensors, tens of MB each and
    of new sizes for every page size, then come from the C heap, which keeps what they leave
    fragmented. An A4 page took ≈ 400 MB that way and the process kept it; with the arena, which
    reuses its blocks, ≈ 135 MB (measured on one page, December 2026). Should RapidOCR stop building
    its options there, the engine is simply built with its own.
    """
    from rapidocr_onnxruntime.utils import infer_engine

    build = getattr(infer_engine.OrtInferSession, "_init_sess_opts", None)
    if build is None:
        yield
        return

    def options(config: dict[str, Any]) -> Any:
        chosen = build(config)
        if "det" in os.path.basename(str(config.get("model_path", ""))):
            chosen.enable_cpu_mem_arena = True
            chosen.enable_mem_pattern = False
        return chosen

    infer_engine.OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        infer_engine.OrtInferSession._init_sess_opts = staticmethod(build)


def recognise(
    page: Any, dpi: float, rulings: list[Segment] | None = None, timings: dict[str, float] | None = None
) -> list[TextBox]:
    """Detect and recognise the text of a greyscale page image (numpy uint8, white paper) at ``dpi``.

    ``timings``, when given, receives the seconds spent detecting and recognising (benchmarks).
    """
    import time

    import cv2
    import numpy as np

    started = time.perf_counter()
    found = detect(page, dpi)
    detected = time.perf_counter()
    if timings is not None:
        timings["detect"] = timings.get("detect", 0.0) + detected - started
    if not found:
        return []
    boxes = []
    verticals = [s for s in rulings or [] if s.vertical]
    for box in found:
        boxes.extend(_cut_at_rules(box, verticals))
    height, width = page.shape[:2]
    crops, kept = [], []
    line_height = float(np.median([b[3] - b[1] for b in boxes]))
    # Specks are removed once for the whole page, not box by box (a tenth of a second a page).
    clean = without_specks(page < _INK, int(line_height))
    for x0, top, x1, bottom in _without_nested(boxes):
        left, right = max(0, int(x0)), min(width, int(np.ceil(x1)))
        upper, lower = max(0, int(top)), min(height, int(np.ceil(bottom)))
        for piece in split_at_gaps(page, left, upper, right, lower, clean=clean):
            if not clean[piece[1] : piece[3], piece[0] : piece[2]].any():
                # Only specks: the detector boxed noise, which the recogniser would read as a
                # random character (a "8" or "尿" in an empty table cell), at any confidence.
                continue
            trimmed = trim(page, *piece, line_height=line_height, clean=clean)
            if trimmed is None:
                continue
            left, upper, right, lower = trimmed
            # Each crop is made colour on its own: a colour copy of the whole page is 3 bytes a pixel.
            crops.append(cv2.cvtColor(page[upper:lower, left:right], cv2.COLOR_GRAY2BGR))
            kept.append((left, upper, right, lower))
    if not crops:
        return []
    results = _read(crops)
    if timings is not None:
        timings["recognise"] = timings.get("recognise", 0.0) + time.perf_counter() - detected
    out = []
    for (left, upper, right, lower), result in zip(kept, results, strict=True):
        text, score = as_read(result)
        if text:
            out.append(TextBox(text, left, upper, right, lower, score))
    return out


def detect(page: Any, dpi: float, resolution: float = DETECTION_DPI) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, top, x1, bottom, in page pixels) of the text lines the detector finds on a
    greyscale page at ``dpi``; it looks at a copy reduced to ``resolution`` dpi, in bands."""
    import cv2

    height, width = page.shape[:2]
    scale = min(
        1.0, resolution / dpi, (MAX_DETECTION_PIXELS / max(height * width, 1)) ** 0.5, MAX_DETECTION_WIDTH / width
    )
    # Reduced before it is made colour (the detector wants three channels): the same image, a
    # quarter of the copying.
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else page
    small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    boxes = []
    for top, bottom, keep_from, keep_to in detection_bands(*small.shape[:2]):
        found, _ = _engine().text_det(small[top:bottom])
        for q in [] if found is None else found:
            upper, lower = float(q[:, 1].min()) + top, float(q[:, 1].max()) + top
            if keep_from <= (upper + lower) / 2 < keep_to:  # a line in an overlap: the band that holds it whole
                boxes.append((float(q[:, 0].min()) / scale, upper / scale, float(q[:, 0].max()) / scale, lower / scale))
    return boxes


def detection_bands(height: int, width: int) -> list[tuple[int, int, int, int]]:
    """(top, bottom, keep from, keep to) rows of each band the detector sees, top down.

    A page up to ``DETECTION_ONE_PASS`` pixels is one band. Bands hold at most
    ``DETECTION_BAND_PIXELS``, a multiple of 32 rows (the detector would stretch other heights),
    and overlap by ``_BAND_OVERLAP`` rows or more (the last band ends at the page's foot); the
    kept rows split the page, each a half overlap inside its band, so a line is kept from the
    band that holds it whole.
    """
    rows = max(_MIN_BAND, DETECTION_BAND_PIXELS // max(width, 1) // 32 * 32)
    if height <= rows or height * width <= DETECTION_ONE_PASS:
        return [(0, height, 0, height)]
    bands = []
    top = kept = 0
    while top + rows < height:
        keep_to = top + rows - _BAND_OVERLAP // 2
        bands.append((top, top + rows, kept, keep_to))
        top, kept = top + rows - _BAND_OVERLAP, keep_to
    bands.append((height - rows, height, kept, height))
    return bands


def _without_nested(boxes: list[tuple[float, ...]]) -> list[tuple[float, ...]]:
    """Drop a box lying mostly inside a larger one: the detector sometimes finds a line twice."""

    def area(box: tuple[float, ...]) -> float:
        return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])

    def shared(a: tuple[float, ...], b: tuple[float, ...]) -> float:
        return area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))

    ordered = sorted(boxes, key=area, reverse=True)
    kept: list[tuple[float, ...]] = []
    for box in ordered:
        if not any(shared(box, bigger) > 0.6 * area(box) for bigger in kept):
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
        ink = without_specks(page[upper:lower, left:right] < _INK, lower - upper)
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

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
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
    ink = page[upper:lower, left:right] < _INK if clean is None else clean[upper:lower, left:right]
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
    ink = (page[y0:y1, x0:x1] < _INK).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    grown = [left, upper, right, lower]
    for index in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[index])
        x, y = x + x0, y + y0
        touches = x < right and x + w > left and y < lower and y + h > upper
        if touches and h <= line_height and w <= line_height:
            grown = [min(grown[0], x), min(grown[1], y), max(grown[2], x + w), max(grown[3], y + h)]
    return grown[0], grown[1], grown[2], grown[3]


def _read(crops: list[Any]) -> list[tuple[Any, ...]]:
    """Recognise colour crops: (text, score) each, in order.

    A crop no wider than the recogniser's minimum width is padded to that width whatever its
    size, so such crops (figures, short words: most of a table page) cost the same in a batch as
    alone and are read ``NARROW_BATCH`` at a time (78 figures of a table page: 0.45 → 0.35 s);
    wider crops (lines of prose) one at a time.
    """
    engine = _engine()
    _, height, width = engine.text_rec.rec_image_shape
    narrow = [i for i, crop in enumerate(crops) if crop.shape[1] * height <= crop.shape[0] * width]
    wide = [i for i, crop in enumerate(crops) if crop.shape[1] * height > crop.shape[0] * width]
    results: list[tuple[Any, ...]] = [("", 0.0)] * len(crops)
    for indexes, batch in ((narrow, NARROW_BATCH), (wide, 1)):
        if not indexes:
            continue
        engine.text_rec.rec_batch_num = batch
        found, _ = engine.text_rec([crops[i] for i in indexes], False)
        for i, result in zip(indexes, found, strict=True):
            results[i] = tuple(result)
    return results


def read_crops(crops: list[Any]) -> list[tuple[str, float]]:
    """Recognise ready-cut greyscale line images: (text, confidence) each."""
    import cv2

    if not crops:
        return []
    colour = [cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) for crop in crops]
    results = _read(colour)
    return [as_read(result) for result in results]


def _cut_at_rules(box: tuple[float, float, float, float], verticals: list[Segment]) -> list[tuple[float, ...]]:
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
