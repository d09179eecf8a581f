"""A web page whose table 三 is a picture saved beside it: the picture's table is read by OCR.

The picture is drawn at test time from our own sample's table 三 (a ruled grid, CJK font); the
same page with the real <table> is the reference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import to_html
from lxml import html as lxml_html

from compliance.engine import load_report
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))


def _table_picture(folder: Path, rows: list[list[str]]) -> Path:
    """The table drawn like a screenshot (``scans.table_picture``), saved beside the page."""
    from scans import table_picture

    picture = folder / "pictures" / "t3.png"
    picture.parent.mkdir()
    table_picture(rows).save(picture, dpi=(200, 200))
    return picture


def _t3_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度"))
    return [line.split("\t") for line in lines[start : end + 1] if line.strip()]


def test_table_picture_beside_the_page_is_read(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    from scans import cjk_font

    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the table picture with")
    text = CLEAN.read_text(encoding="utf-8")
    page = to_html(text)
    reference = tmp_path / "reference.html"
    reference.write_text(page, encoding="utf-8")
    picture = _table_picture(tmp_path, _t3_rows(text))
    root = lxml_html.fromstring(page)
    table = next(t for t in root.iter("table") if "本年新收" in t.text_content())
    image = lxml_html.Element("img", src="pictures/t3.png")
    table.getparent().replace(table, image)
    pictured = tmp_path / "pictured.html"
    pictured.write_bytes(lxml_html.tostring(root, encoding="utf-8"))
    assert picture.is_file()

    expected = load_report(reference).tables["T3"]
    found = load_report(pictured).tables["T3"]
    values = {(r, c): cell.value for r, row in found.items() for c, cell in row.items()}
    assert values == {(r, c): cell.value for r, row in expected.items() for c, cell in row.items()}
    assert all(cell.confidence is not None for row in found.values() for cell in row.values())

    # A picture outside the page's folder is never read.
    image.set("src", "../" + tmp_path.name + "/pictures/t3.png")
    nested = tmp_path / "sub"
    nested.mkdir()
    outside = nested / "page.html"
    outside.write_bytes(lxml_html.tostring(root, encoding="utf-8"))
    tables = load_report(outside).tables
    assert not any(
        cell.confidence is not None for rows in tables.values() for r in rows.values() for cell in r.values()
    )
