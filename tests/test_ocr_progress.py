"""Progress of OCR: one line per page read, shown with -v and in logs."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.readers.ocr.progress import LOGGER, page_read, show_pages


@pytest.fixture(autouse=True)
def _quiet_logger() -> object:
    yield
    log = logging.getLogger(LOGGER)
    for handler in list(log.handlers):
        log.removeHandler(handler)
    log.setLevel(logging.NOTSET)
    log.propagate = True


def test_page_lines_are_written_only_once_asked_for() -> None:
    page_read("scan.pdf", 1, 3, 2.0)  # nobody asked: nothing happens, nothing fails
    stream = io.StringIO()
    show_pages(stream)
    show_pages(stream)  # once is enough: no line twice
    page_read("scan.pdf", 2, 7, 1.25)
    assert stream.getvalue() == "OCR page 2/7: scan.pdf (1.2 s)\n"


def test_check_verbose_shows_each_ocr_page(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from PIL import Image, ImageDraw
    from scans import cjk_font

    font = cjk_font(40)
    if font is None:
        pytest.skip("no CJK font")
    image = Image.new("L", (900, 300), 255)
    ImageDraw.Draw(image).text((40, 100), "一、总体情况", font=font, fill=0)
    path = tmp_path / "page.png"
    image.save(path, dpi=(200, 200))
    # A real process: the page is read in a batch worker, which writes to the stderr it inherits.
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "compliance", "check", str(path), "--format", "json"]
    verbose = subprocess.run([*command, "-v"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert "OCR page 1/1: page.png (" in verbose.stderr
    assert "Traceback" not in verbose.stderr
