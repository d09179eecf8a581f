"""A web page whose table 三 is a picture saved beside it: the picture's table is read by OCR.

The picture is drawn at test time from our own sample's table 三 (a ruled grid, CJK font); the
same page with the real <table> is the reference.
"""

from __future__ import annotations

import subprocess
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


def _cjk_font() -> str | None:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = [line.split(":")[0].strip() for line in listed.splitlines() if line.strip()]
    regular = [f for f in files if "Regular" in f or "zenhei" in f.lower()]
    return (regular or files or [None])[0]


def _table_picture(folder: Path, rows: list[list[str]], font_file: str) -> Path:
    """A ruled table drawn like a screenshot at about 200 dpi: label column, then value columns."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file, 26)
    label_width, value_width, height = 1060, 100, 52
    columns = max(len(row) for row in rows)
    width = label_width + value_width * (columns - 1) + 40
    image = Image.new("L", (width, height * len(rows) + 40), 255)
    draw = ImageDraw.Draw(image)
    for r, row in enumerate(rows):
        top = 20 + r * height
        x = 20
        for c in range(columns):
            cell_width = label_width if c == 0 else value_width
            draw.rectangle((x, top, x + cell_width, top + height), outline=0, width=2)
            text = row[c] if c < len(row) else ""
            if text:
                box = draw.textbbox((0, 0), text, font=font)
                left = x + 10 if c == 0 else x + (cell_width - (box[2] - box[0])) // 2
                draw.text((left, top + (height - (box[3] - box[1])) // 2 - box[1]), text, fill=0, font=font)
            x += cell_width
    picture = folder / "pictures" / "t3.png"
    picture.parent.mkdir()
    image.save(picture, dpi=(200, 200))
    return picture


def _t3_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度"))
    return [line.split("\t") for line in lines[start : end + 1] if line.strip()]


def test_table_picture_beside_the_page_is_read(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    font = _cjk_font()
    if font is None:
        pytest.skip("no CJK font to draw the table picture with")
    text = CLEAN.read_text(encoding="utf-8")
    page = to_html(text)
    reference = tmp_path / "reference.html"
    reference.write_text(page, encoding="utf-8")
    picture = _table_picture(tmp_path, _t3_rows(text), font)
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
