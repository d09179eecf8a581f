"""OCR in bounded memory: the page is reduced to a pixel budget, the detector sees it in bands.

The end-to-end case (a blank page of 200 × 200 inches read under 400 MB) is a bomb in
test_hostile_input.py; here the two bounds, and that reading through bands finds what one pass finds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from compliance.readers.ocr import engine
from compliance.readers.ocr.engine import DETECTION_BAND_PIXELS, detection_bands
from compliance.readers.ocr.pages import MAX_OCR_PIXELS, within_pixels

SHAPES = [(1170, 827), (827, 1170), (1169, 1654), (1654, 1169), (300, 827), (5000, 400), (2000, 1800)]


@pytest.mark.parametrize(("height", "width"), SHAPES)
def test_detection_bands_split_the_page_and_hold_every_line_whole(height: int, width: int) -> None:
    bands = detection_bands(height, width)
    assert (len(bands) == 1) == (height * width <= 1_000_000)  # A4 and smaller: one pass, as before bands
    assert bands[0][0] == 0 and bands[-1][1] == height
    assert bands[0][2] == 0 and bands[-1][3] == height
    for (_, _, _, kept_to), (_, _, kept_from, _) in itertools.pairwise(bands):
        assert kept_to == kept_from  # the kept rows split the page: every line is kept once
    for top, bottom, kept_from, kept_to in bands:
        rows = bottom - top
        if len(bands) > 1:
            assert rows % 32 == 0  # the detector stretches other heights
            assert rows * width <= max(DETECTION_BAND_PIXELS, 288 * width)
        # a line of up to 48 rows whose middle is kept lies whole inside the band
        assert kept_from - top >= 48 or top == 0
        assert bottom - kept_to >= 48 or bottom == height


def test_a_page_over_the_pixel_budget_is_reduced_with_its_resolution() -> None:
    from PIL import Image

    page = np.full((8000, 6000), 255, np.uint8)  # an A4 page at about 720 dpi
    grey, dpi = within_pixels(page, 720.0)
    assert grey.size <= MAX_OCR_PIXELS and grey.dtype == np.uint8
    assert dpi == pytest.approx(720.0 * grey.shape[1] / 6000, rel=0.01)
    for mode in ("RGB", "P", "1", "I;16"):
        grey, dpi = within_pixels(Image.new(mode, (6000, 8000)), 720.0)
        assert grey.ndim == 2 and grey.dtype == np.uint8 and grey.size <= MAX_OCR_PIXELS and dpi < 720
    small = np.zeros((100, 80), np.uint8)
    grey, dpi = within_pixels(small, 200.0)
    assert grey.shape == (100, 80) and dpi == 200.0


def test_banded_detection_finds_the_lines_one_pass_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    import cv2

    page = np.full((3307, 2339), 255, np.uint8)  # A3 at 200 dpi: banded, lines on every band boundary
    for row in range(56):
        where = (100, 120 + 56 * row)
        cv2.putText(page, f"Line {row} of the report 12 345", where, cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    assert len(detection_bands(1654, 1170)) > 1
    banded = engine.detect(page, 200)
    monkeypatch.setattr(engine, "DETECTION_ONE_PASS", 10**9)
    whole = engine.detect(page, 200)
    assert len(banded) == len(whole) == 56

    def middles(boxes: list[tuple[float, float, float, float]]) -> list[float]:
        return sorted((top + bottom) / 2 for _, top, _, bottom in boxes)

    assert np.allclose(middles(banded), middles(whole), atol=6)


def test_an_image_frame_is_decoded_on_its_own_and_a_jpeg_at_a_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from PIL import Image

    from compliance.readers.ocr import scanned

    seen: list[tuple[int, int]] = []
    real = scanned.within_pixels

    def spy(image: object, dpi: float) -> tuple[object, float]:
        seen.append(image.size)  # type: ignore[attr-defined]
        return real(image, dpi)

    monkeypatch.setattr(scanned, "within_pixels", spy)
    out = io.BytesIO()
    Image.new("L", (6000, 8000), 255).save(out, format="JPEG", dpi=(720, 720))  # A4 at 720 dpi
    grey, dpi = scanned._frame(out.getvalue(), 0)
    # Decoded at half scale (the smallest JPEG scale over the budget), not at 48 M pixels.
    assert seen == [(3000, 4000)]
    assert grey.size <= MAX_OCR_PIXELS and dpi == pytest.approx(720.0 * grey.shape[1] / 6000, rel=0.01)
    frames = [Image.new("L", (40, 30), shade) for shade in (0, 128, 255)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    read = [scanned._frame(out.getvalue(), index)[0] for index in range(3)]
    assert [int(page[0, 0]) for page in read] == [0, 128, 255]


def test_the_detector_gives_its_arena_back_after_each_run() -> None:
    """Every detection run asks ONNX Runtime to shrink the CPU arena; the session is otherwise its own."""

    class Session:
        def __init__(self) -> None:
            self.calls: list[tuple[object, ...]] = []

        def run(self, *args: object) -> list[str]:
            self.calls.append(args)
            return ["boxes"]

        def get_inputs(self) -> list[str]:
            return ["x"]

    session = Session()
    wrapped = engine._ArenaGivenBack(session)
    assert wrapped.run(None, {"x": 1}) == ["boxes"] and wrapped.get_inputs() == ["x"]
    ((names, feeds, options),) = session.calls
    assert names is None and feeds == {"x": 1}
    assert options.get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"
    assert isinstance(engine._engine().text_det.infer.session, engine._ArenaGivenBack)


def test_large_blocks_are_mapped_once_per_process() -> None:
    import platform

    from compliance.readers.ocr.heap import map_large_blocks

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert map_large_blocks() is True and map_large_blocks() is True


def test_a_600_dpi_a4_scan_is_read_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real scan at 600 dpi (our sample's table 四 on an A4 page, slightly tilted, with specks
    of dust) is read whole by ``compliance check`` in under 400 MB (432 MB before December 2026)."""
    from PIL import Image
    from scans import degrade, section_page
    from test_hostile_input import PEAK_BYTES, run_measured

    from compliance.engine import load_report

    sample = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"
    try:
        page = section_page(sample.read_text(encoding="utf-8"), "四、", ruled=True, dpi=600)
    except RuntimeError:
        pytest.skip("no CJK font to print the page with")
    path = tmp_path / "scan.png"
    Image.fromarray(degrade(page, tilt=0.8, speckle=0.002 * (200 / 600) ** 2)).save(path, dpi=(600, 600))
    del page
    _, peak, document = run_measured("--isolated", "--no-cache", str(path))
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"
    assert [f for f in document["reports"][0]["findings"] if f["category"] == "input"] == []
    monkeypatch.setenv("COMPLIANCE_OCR_CACHE", "off")
    expected = load_report(sample).tables["T4"]
    read = load_report(path).tables["T4"]
    assert {r: {c: x.value for c, x in row.items()} for r, row in read.items()} == {
        r: {c: x.value for c, x in row.items()} for r, row in expected.items()
    }
