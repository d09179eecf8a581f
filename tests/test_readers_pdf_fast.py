"""The pdfium fast path gives the same Document as pdfminer alone, and steps aside when unsure."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from documents import minimal_pdf, pdf_ruled_table, pdf_text
from test_readers_golden import normalised

from compliance.document import Document
from compliance.readers.pdf import reader as pdf_module
from compliance.readers.pdf.objects import PageObjects
from compliance.readers.pdf.reader import PdfReader

ROWS = [["Label", "A", "B", "Total"], ["first", "1", "2", "3"], ["second", "4", "", "4"]]


def filled_table(x: float, top: float, widths: list[float], rows: list[list[str]], height: float = 20) -> str:
    """A table as Word prints it: every rule a thin filled rectangle (``re f``), under a flipped CTM."""
    ops = ["q 1 0 0 -1 0 842 cm\n"]
    total = sum(widths)
    for r in range(len(rows) + 1):
        ops.append(f"{x} {842 - top + r * height} {total} 0.5 re f\n")
    edge = x
    for w in [0, *widths]:
        edge += w
        ops.append(f"{edge} {842 - top} 0.5 {len(rows) * height} re f\n")
    ops.append("Q\n")
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell:
                ops.append(pdf_text(xs[c] + 3, top - (r + 1) * height + 6, cell))
    return "".join(ops)


def read(data: bytes) -> Document:
    return PdfReader().read(data, "report.pdf")


def read_with_pdfminer_only(data: bytes, monkeypatch: pytest.MonkeyPatch) -> Document:
    def refuse(_: bytes) -> PageObjects:
        raise RuntimeError("pdfium disabled for this comparison")

    with monkeypatch.context() as patch:
        patch.setattr(pdf_module, "PageObjects", refuse)
        return read(data)


PAGES = {
    "stroked lines": [pdf_text(72, 780, "Annual report") + pdf_ruled_table(72, 700, [150, 60, 60, 60], ROWS)],
    "filled rectangles": [pdf_text(72, 780, "Annual report") + filled_table(72, 700, [150, 60, 60, 60], ROWS)],
    "two pages": [
        pdf_ruled_table(72, 300, [150, 60, 60, 60], ROWS[:2]) + pdf_text(290, 30, "- 1 -"),
        filled_table(72, 800, [150, 60, 60, 60], ROWS[1:]) + pdf_text(290, 30, "- 2 -"),
    ],
    "a curve on the page": [pdf_ruled_table(72, 700, [150, 60, 60, 60], ROWS) + "10 10 m 20 30 40 30 50 10 c S\n"],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_pdf_fast_path_matches_pdfminer(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = minimal_pdf(PAGES[name])
    assert normalised(read(data)) == normalised(read_with_pdfminer_only(data, monkeypatch))


def page_objects(data: bytes) -> list[dict | None]:
    fast = PageObjects(data)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [fast.objects(i, page) for i, page in enumerate(pdf.pages)]
    finally:
        fast.close()


def test_pdf_fast_path_takes_plain_pages_with_pdfminer_coordinates() -> None:
    data = minimal_pdf(PAGES["filled rectangles"])
    (objects,) = page_objects(data)
    assert objects is not None
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        expected = pdf.pages[0].rects
    keys = ("x0", "x1", "top", "bottom", "width", "height", "doctop")
    assert [[r[k] for k in keys] for r in objects["rect"]] == [[r[k] for k in keys] for r in expected]


def test_pdf_fast_path_leaves_curves_to_pdfminer() -> None:
    assert page_objects(minimal_pdf(PAGES["a curve on the page"])) == [None]
