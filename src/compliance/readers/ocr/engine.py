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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compliance.readers.ocr.prepare import Segment

# Bumped whenever page preparation or reading changes what a page yields: part of the cache key.
PIPELINE_VERSION = 10
# Detection runs on the page scaled to this resolution: text lines are still 10–20 px high.
DETECTION_DPI = 100
# Grey level below which a pixel is ink when trimming crops to their content.
_INK = 180
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
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # One intra-op thread per worker by default: batches already run one report per core.
    threads = int(os.environ.get("COMPLIANCE_OCR_THREADS", "1"))
    engine = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False, print_verbose=False)
    # Our detection image is already small: keep the detector from scaling it back up.
    engine.text_det.limit_side_len = 32
    # Accept fainter line boxes than the default 0.5: a lone digit in a noisy scan scores low,
    # and a box with nothing legible in it is dropped by the recogniser anyway.
    engine.text_det.postprocess_op.box_thresh = 0.3
    # The recogniser pads every crop to at least 320 px wide; table cells are mostly one to four
    # digits, so padding them to 96 px instead reads the same text in less than half the time.
    engine.text_rec.rec_image_shape = [3, 48, 96]
    # One crop per inference: a batch is padded to its widest crop, and a page's crops range from one
    # digit to a whole line of prose, so batching spent most of its time on padding (measured on one
    # thread: a prose page 2.0 → 1.3 s, a table page 1.8 → 1.6 s, the same digits read).
    engine.text_rec.rec_batch_num = 1
    return engine


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
    engine = _engine()
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    scale = min(1.0, DETECTION_DPI / dpi)
    small = cv2.resize(colour, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else colour
    found, _ = engine.text_det(small)
    detected = time.perf_counter()
    if timings is not None:
        timings["detect"] = timings.get("detect", 0.0) + detected - started
    if found is None or len(found) == 0:
        return []
    boxes = []
    verticals = [s for s in rulings or [] if s.vertical]
    for quad in found:
        xs, ys = quad[:, 0] / scale, quad[:, 1] / scale
        box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        boxes.extend(_cut_at_rules(box, verticals))
    height, width = page.shape[:2]
    crops, kept = [], []
    for x0, top, x1, bottom in _without_nested(boxes):
        left, right = max(0, int(x0)), min(width, int(np.ceil(x1)))
        upper, lower = max(0, int(top)), min(height, int(np.ceil(bottom)))
        trimmed = trim(page, left, upper, right, lower)
        if trimmed is None:
            continue
        left, upper, right, lower = trimmed
        crops.append(np.ascontiguousarray(colour[upper:lower, left:right]))
        kept.append((left, upper, right, lower))
    if not crops:
        return []
    results, _ = engine.text_rec(crops, False)
    if timings is not None:
        timings["recognise"] = timings.get("recognise", 0.0) + time.perf_counter() - detected
    out = []
    for (left, upper, right, lower), result in zip(kept, results, strict=True):
        text, score = str(result[0]).strip(), float(result[1])
        if text:
            out.append(TextBox(text, left, upper, right, lower, score))
    return out


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


def trim(page: Any, left: int, upper: int, right: int, lower: int) -> tuple[int, int, int, int] | None:
    """Shrink a box to its ink plus a margin: the recogniser misreads a small digit in a wide blank."""
    import numpy as np

    if right - left < 4 or lower - upper < 4:
        return None
    # Generous: at 150 dpi, after rotation and JPEG, a thin stroke may be no darker than mid-grey.
    ink = page[upper:lower, left:right] < _INK
    columns = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    if columns.size == 0:
        return None
    height, width = page.shape[:2]
    # Margins in proportion to the ink's own height: the recogniser judges a glyph by its size
    # within the crop, and a "0" with too much room around it reads as "。".
    ink_height = int(rows[-1] - rows[0]) + 1
    pad_x = max(3, ink_height // 4)
    pad_y = max(3, ink_height // 5)
    return (
        max(0, left + int(columns[0]) - pad_x),
        max(0, upper + int(rows[0]) - pad_y),
        min(width, left + int(columns[-1]) + 1 + pad_x),
        min(height, upper + int(rows[-1]) + 1 + pad_y),
    )


def read_crops(crops: list[Any]) -> list[tuple[str, float]]:
    """Recognise ready-cut greyscale line images: (text, confidence) each."""
    import cv2

    if not crops:
        return []
    colour = [cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR) for crop in crops]
    results, _ = _engine().text_rec(colour, False)
    return [(str(text).strip(), float(score)) for text, score, *_ in results]


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
