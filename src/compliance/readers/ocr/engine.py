"""The OCR engine: RapidOCR's PP-OCR detection and recognition models on ONNX Runtime, on the CPU.

The models ship inside the ``rapidocr-onnxruntime`` wheel, so reading works offline. Detection runs
on a copy of the page reduced to about 100 dpi (text lines are still 10–20 px high there, which is all the
detector needs), recognition on crops of the full-resolution page, so each costs what it must.
A detected line that crosses a vertical table rule is cut at the rule before recognition: the
detector happily joins neighbouring cells into one line, a ruled table never does.
The engine is loaded once per process and only when something is actually OCR'd.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from compliance.readers.ocr.crops import INK, cut_at_rules, split_at_gaps, trim, without_nested, without_specks
from compliance.readers.ocr.digits import Decoder, as_read
from compliance.readers.ocr.prepare import Segment

# Bumped whenever page preparation or reading changes what a page yields: part of the cache key.
PIPELINE_VERSION = 21
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

    from compliance.readers.ocr.heap import map_large_blocks

    map_large_blocks()  # set once with the threads: every OCR path (PDF pages, image frames) calls this first
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
        engine = RapidOCR(
            intra_op_num_threads=threads(), inter_op_num_threads=1, use_cls=False, print_verbose=False, **_model_paths()
        )
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
    # The detector gives its arena back after every page (see ``_ArenaGivenBack``); should RapidOCR
    # stop holding its session there, the session keeps its arena as before.
    infer = getattr(engine.text_det, "infer", None)
    if infer is not None and hasattr(infer, "session"):
        infer.session = _ArenaGivenBack(infer.session)
    return engine


class _ArenaGivenBack:
    """The detection session, run so that ONNX Runtime shrinks its memory arena after each run.

    The arena keeps the blocks of the largest page detected so far (≈ 160 MB for an A4 page at
    100 dpi, the power-of-two blocks it grows by included) for the rest of the process. The page's
    later steps (connected components of its ink at 4 bytes a pixel, cutting and reading the
    lines) then came on top: a 600 dpi A4 scan peaked at 375 MB in the reader, 353 MB with the
    arena given back, for ≈ 1 % more CPU time (measured December 2026). Without an arena at all
    the peak is lower still (327 MB), but every tensor is then mapped and faulted in afresh:
    detection took 2.5 times as long. Everything else is the session's own.
    """

    def __init__(self, session: Any) -> None:
        import onnxruntime as ort

        self._session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, names: Any, feeds: Any) -> Any:
        return self._session.run(names, feeds, self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _model_paths() -> dict[str, str]:
    """The detector's and recogniser's lean copies (``lean``), as RapidOCR's settings; none when
    ``COMPLIANCE_OCR_LEAN`` is off (to compare) or RapidOCR no longer lays out its settings so."""
    from compliance.datacache import switched_on
    from compliance.readers.ocr.lean import lean_model

    if not switched_on("COMPLIANCE_OCR_LEAN"):
        return {}
    try:
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        return {f"{part.lower()}_model_path": lean_model(config[part]["model_path"]) for part in ("Det", "Rec")}
    except (ImportError, KeyError, TypeError, OSError):
        return {}


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


def recognise(page: Any, dpi: float, rulings: list[Segment] | None = None) -> list[TextBox]:
    """Detect and recognise the text of a greyscale page image (numpy uint8, white paper) at ``dpi``.
    (``bench/bench_ocr.py`` times the stages by wrapping ``detect`` and ``_read``.)"""
    import cv2
    import numpy as np

    found = detect(page, dpi)
    if not found:
        return []
    boxes = []
    verticals = [s for s in rulings or [] if s.vertical]
    for box in found:
        boxes.extend(cut_at_rules(box, verticals))
    height, width = page.shape[:2]
    crops, kept = [], []
    line_height = float(np.median([b[3] - b[1] for b in boxes]))
    # Specks are removed once for the whole page, not box by box (a tenth of a second a page).
    clean = without_specks(page < INK, int(line_height))
    for x0, top, x1, bottom in without_nested(boxes):
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
