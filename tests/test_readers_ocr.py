"""Scanned reports read by OCR: scans are made at test time from real PDFs in ../shared.

The OCR tests are few and small (one or two pages each): each page costs seconds on CI's CPU.
The full figures per scan quality are in bench/bench_ocr.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scans import degrade, image_pdf, render

from compliance.engine import Options, get_registry, load_report, read_document
from compliance.model import Report
from conftest import CORPUS, require_shared

HONGZE_2023 = CORPUS / "2023_jiangsu-huaian-hongzequ-zhengfu.pdf"
HUAIAN_2024 = CORPUS / "2024_jiangsu-huaian-shi-zhengfu.pdf"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))


def _needs_ocr() -> None:
    require_shared()
    pytest.importorskip("rapidocr_onnxruntime")


def _cells(report: Report, tables: tuple[str, ...]) -> dict[tuple[str, str, str], object]:
    return {
        (t, r, c): cell.value
        for t in tables
        for r, cells in report.tables.get(t, {}).items()
        for c, cell in cells.items()
    }


def _scan(tmp_path: Path, source: Path, pages: list[int], dpi: int, **damage: object) -> Path:
    images = [degrade(image, **damage) for image in render(source, pages, dpi)]  # type: ignore[arg-type]
    path = tmp_path / f"scan-{source.stem}.pdf"
    path.write_bytes(image_pdf(images, dpi))
    return path


def test_published_error_is_found_in_a_tilted_noisy_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_ocr()
    scan = _scan(tmp_path, HONGZE_2023, [3], 200, tilt=1.3, speckle=0.003, jpeg=75)
    report = load_report(scan)
    printed = load_report(HONGZE_2023)
    assert _cells(report, ("T4",)) == _cells(printed, ("T4",))
    cell = report.tables["T4"]["RV"]["upheld"]
    assert cell.confidence is not None and cell.loc is not None and cell.loc.page == 1 and cell.loc.bbox
    from compliance.engine import check_report

    errors = {f.rule for f in check_report(report) if f.category == "arithmetic" and f.severity == "error"}
    assert {"T4-RV-TOTAL", "T4-LR-TOTAL"} <= errors  # MANIFEST: 总计 printed as 0 twice

    # Read again: the page comes from the cache, the engine is not run.
    import compliance.readers.ocr.pages as pages

    def no_engine(*args: object) -> None:
        raise AssertionError("OCR ran although the page is cached")

    monkeypatch.setattr(pages, "_ocr", no_engine)
    assert _cells(load_report(scan), ("T4",)) == _cells(printed, ("T4",))
    monkeypatch.setenv("COMPLIANCE_OCR_CACHE", "off")
    with pytest.raises(AssertionError, match="cached"):
        load_report(scan)


def test_clean_report_scanned_at_150_dpi_reads_right(tmp_path: Path) -> None:
    _needs_ocr()
    scan = _scan(tmp_path, HUAIAN_2024, [3, 4], 150, tilt=-1.0, jpeg=80)
    report = load_report(scan)
    printed = load_report(HUAIAN_2024)
    assert report.template == printed.template == "V2021"
    expected = _cells(printed, ("T3", "T4"))
    found = _cells(report, ("T3", "T4"))
    right = sum(1 for key, value in expected.items() if found.get(key) == value)
    assert right / len(expected) >= 0.99, [(k, v, found.get(k)) for k, v in expected.items() if found.get(k) != v]
    from compliance.engine import check_report

    assert [f for f in check_report(report) if f.category == "arithmetic" and f.severity == "error"] == []


def test_broken_image_is_one_input_problem(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    from compliance.document import LoadError

    pytest.importorskip("rapidocr_onnxruntime")
    with pytest.raises(LoadError):
        read_document(path, get_registry(), Options())


def test_no_cache_flag_leaves_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_ocr()
    from helpers import run_cli

    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPLIANCE_OCR_CACHE", "on")  # restored after the test: --no-cache sets it
    page = render(HONGZE_2023, [4], 100)[0][:300, :]  # a strip of a page: a second of OCR
    from PIL import Image

    strip = tmp_path / "strip.png"
    Image.fromarray(page).save(strip, dpi=(100, 100))
    run_cli("check", "--no-cache", str(strip))
    assert not any(cache.rglob("*.json"))
    monkeypatch.setenv("COMPLIANCE_OCR_CACHE", "on")
    run_cli("check", str(strip))
    assert len(list(cache.rglob("*.json"))) == 1


def test_huge_image_is_one_input_problem(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import Image

    from compliance.document import LoadError

    path = tmp_path / "huge.png"
    Image.new("L", (9000, 8000), 255).save(path)
    with pytest.raises(LoadError) as raised:
        read_document(path, get_registry(), Options())
    assert "too large" in (raised.value.message_en or "")
