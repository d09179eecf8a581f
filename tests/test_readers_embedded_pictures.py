"""Tables pasted as pictures into Word documents and text PDFs are read by OCR where they stand.

The documents are made at test time from our own sample: table 三 is drawn as a spreadsheet
screenshot and pasted into the DOCX in place of the real table (python-docx), the DOCX is printed
to PDF by LibreOffice, and a seal-sized picture is pasted beside the signature. The same DOCX with
the real table is the reference.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from documents import office_convert, to_docx, with_rotate
from scans import cjk_font, seal_picture, table_picture

from compliance.document import Grid
from compliance.engine import check_report, load_report
from compliance.model import Report
from compliance.readers.pdf.reader import PdfReader
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))


def _png(image: Any) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(200, 200))
    out.seek(0)
    return out


def _t3_rows(text: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("一、本年新收"))
    end = next(i for i, line in enumerate(lines) if line.startswith("四、结转下年度"))
    return [line.split("\t") for line in lines[start : end + 1] if line.strip()]


def _pictured_docx(text: str, *, table: bool, seal: bool, seal_width: float = 4.2) -> bytes:
    """The sample as a DOCX; table 三 pasted as a picture when ``table``, a seal (4.2 cm) at the end when ``seal``."""
    import docx
    from docx.oxml import OxmlElement
    from docx.shared import Cm
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(to_docx(text, ruled=True)))
    if table:
        # Table 三 is printed as several tables (its group titles are lines of their own): the
        # picture replaces all of them and the titles between.
        first = next(t for t in document.tables if any("本年新收" in cell.text for cell in t.columns[0].cells))
        last = next(t for t in document.tables if any("结转下年度" in cell.text for cell in t.columns[0].cells))
        holder = OxmlElement("w:p")
        first._tbl.addprevious(holder)
        Paragraph(holder, first._parent).add_run().add_picture(_png(table_picture(_t3_rows(text))), width=Cm(16))
        element = first._tbl
        while element is not None:
            following = element.getnext()
            element.getparent().remove(element)
            element = None if element is last._tbl else following
    if seal:
        document.add_paragraph().add_run().add_picture(_png(seal_picture(400)), width=Cm(seal_width))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _values(report: Report, table: str) -> dict[tuple[str, str], object]:
    return {(r, c): cell.value for r, row in report.tables[table].items() for c, cell in row.items()}


def _arithmetic_errors(report: Report) -> list[str]:
    return [f.rule for f in check_report(report) if f.category == "arithmetic" and f.severity == "error"]


def _needs_ocr() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the table picture with")


def test_seal_in_a_word_document_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the seal with")
    from compliance.readers.docx import DocxReader
    from compliance.readers.ocr import embedded

    sent: list[bytes] = []

    def record(data: bytes, *args: object, **kwargs: object) -> list[object]:
        sent.append(data)
        return []

    monkeypatch.setattr(embedded, "image_grids", record)
    text = CLEAN.read_text(encoding="utf-8")
    plain = DocxReader().read(_pictured_docx(text, table=False, seal=False), "plain.docx")
    sealed = DocxReader().read(_pictured_docx(text, table=False, seal=True), "sealed.docx")
    assert sealed.blocks == plain.blocks and sent == []
    # The same 400-pixel picture shown across the page could be a table: it is sent to OCR.
    DocxReader().read(_pictured_docx(text, table=False, seal=True, seal_width=16), "wide.docx")
    assert len(sent) == 1


def test_table_pasted_as_a_picture_into_word_and_its_pdf(tmp_path: Path) -> None:
    _needs_ocr()
    text = CLEAN.read_text(encoding="utf-8")
    reference_path = tmp_path / "reference.docx"
    reference_path.write_bytes(_pictured_docx(text, table=False, seal=False))
    reference = load_report(reference_path)
    pictured = tmp_path / "pictured.docx"
    pictured.write_bytes(_pictured_docx(text, table=True, seal=True))

    found = load_report(pictured)
    assert _values(found, "T3") == _values(reference, "T3")
    assert all(cell.confidence is not None for row in found.tables["T3"].values() for cell in row.values())
    for other in ("T2", "T4"):  # the real tables are read as before, not as OCR
        assert _values(found, other) == _values(reference, other)
        assert all(cell.confidence is None for row in found.tables[other].values() for cell in row.values())
    assert found.template == reference.template
    assert _arithmetic_errors(found) == _arithmetic_errors(reference) == []

    # The same document printed to PDF: the picture on a text page is read, the seal is not.
    pdf = office_convert(pictured, "pdf", tmp_path)
    printed = load_report(pdf)
    assert _values(printed, "T3") == _values(reference, "T3")
    assert all(cell.confidence is not None for row in printed.tables["T3"].values() for cell in row.values())
    assert all(cell.confidence is None for row in printed.tables["T4"].values() for cell in row.values())
    assert _arithmetic_errors(printed) == []

    import pdfplumber

    from compliance.readers.pdf.pictures import table_pictures

    with pdfplumber.open(pdf) as document:
        images = sum(len(page.images) for page in document.pages)
        chosen = table_pictures(document.pages, set())
    assert images == 2 and len(chosen) == 1  # the table picture, not the seal

    # The picture's page and the first page turned by /Rotate read like the PDF as printed: turned
    # in a viewer and saved (the pages show sideways and upside down), or printed onto sheets of the
    # turned size (content drawn turned back, the pages show upright).
    printed_blocks = _texts(PdfReader().read(pdf.read_bytes(), "printed.pdf").blocks)
    turns = [{chosen[0].index: 90, 0: 180}, {chosen[0].index: 270}]
    for turned in [with_rotate(pdf.read_bytes(), t) for t in turns] + [
        with_rotate(pdf.read_bytes(), t, content_turned=True) for t in turns
    ]:
        assert _texts(PdfReader().read(turned, "turned.pdf").blocks) == printed_blocks


def _texts(blocks: list[Any]) -> list[object]:
    """What a reading says, cell by cell and paragraph by paragraph."""
    return [
        [[cell.text for cell in row] for row in block.rows] if isinstance(block, Grid) else block.text
        for block in blocks
    ]


class _Page:
    """A pdfplumber page as far as ``table_pictures`` looks: size, images, characters."""

    def __init__(self, images: list[dict[str, Any]], chars: list[dict[str, Any]] | None = None) -> None:
        self.width, self.height = 595.0, 842.0
        self.images = images
        self.chars = chars or []


def _image(x0: float, top: float, x1: float, bottom: float, pixels: tuple[int, int]) -> dict[str, Any]:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "srcsize": pixels}


def test_which_pictures_on_text_pages_may_be_tables() -> None:
    from compliance.readers.pdf.pictures import MAX_PAGE_IMAGES, table_pictures

    table = _image(72, 300, 523, 500, (1800, 800))
    seal = _image(400, 600, 520, 720, (400, 400))  # a fifth of the page wide
    icon = _image(72, 100, 400, 120, (200, 40))  # wide enough, too few pixels
    chosen = table_pictures([_Page([table, seal, icon])], set())
    assert [(p.index, p.x0, p.top, p.x1, p.bottom) for p in chosen] == [(0, 72, 300, 523, 500)]
    # A page read wholly by OCR is not looked at again.
    assert table_pictures([_Page([table])], {0}) == []
    # A picture under the text layer's own words (a scan with its recognised text) is already read.
    words = [{"text": "字", "x0": 80 + 12 * i, "x1": 90 + 12 * i, "top": 310, "bottom": 320} for i in range(12)]
    assert table_pictures([_Page([table], words)], set()) == []
    assert len(table_pictures([_Page([table], words[:3])], set())) == 1
    # Tiles of one picture, or a photo page: nothing is read picture by picture.
    assert table_pictures([_Page([table] * (MAX_PAGE_IMAGES + 1))], set()) == []
    # A document with very many table-sized pictures is not a report with a pasted table.
    assert table_pictures([_Page([table])] * 13, set()) == []
    assert len(table_pictures([_Page([table])] * 12, set())) == 12


def test_a_damaged_picture_is_just_a_picture() -> None:
    """A table-sized picture whose data is cut short (or absurdly large) leaves the document as it was."""
    import docx
    from docx.shared import Cm

    from compliance.readers.docx import DocxReader

    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the table picture with")
    text = CLEAN.read_text(encoding="utf-8")
    plain = DocxReader().read(_pictured_docx(text, table=False, seal=False), "plain.docx")
    document = docx.Document(io.BytesIO(_pictured_docx(text, table=False, seal=False)))
    picture = _png(table_picture(_t3_rows(text))).getvalue()
    document.add_paragraph().add_run().add_picture(io.BytesIO(picture), width=Cm(16))
    image_part = next(p for p in document.part.package.iter_parts() if p.partname.startswith("/word/media/"))
    image_part._blob = picture[:400]  # the header says 1800 pixels wide; the pixels are gone
    out = io.BytesIO()
    document.save(out)
    assert DocxReader().read(out.getvalue(), "damaged.docx").blocks == plain.blocks


def test_picture_framed_in_a_table_cell_stands_where_the_frame_stood(monkeypatch: pytest.MonkeyPatch) -> None:
    """Some reports frame the pasted picture in a one-cell table: the picture is what the table shows."""
    import docx
    from docx.shared import Cm

    from compliance.document import Grid, GridCell, Paragraph
    from compliance.model import Loc
    from compliance.readers.docx import DocxReader
    from compliance.readers.ocr import embedded

    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the table picture with")
    marker = Grid(rows=[[GridCell("从图片识别", Loc(line=0)), GridCell("1", Loc(line=0))]], loc=Loc(line=0))
    monkeypatch.setattr(embedded, "image_grids", lambda data, line, name="": [marker])
    document = docx.Document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    frame = document.add_table(rows=1, cols=1)
    picture = _png(table_picture([["一、本年新收政府信息公开申请数量", "30", "6"], ["二、上年结转", "2", "1"]]))
    frame.cell(0, 0).paragraphs[0].add_run().add_picture(picture, width=Cm(15))
    document.add_paragraph("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")
    out = io.BytesIO()
    document.save(out)
    blocks = DocxReader().read(out.getvalue(), "framed.docx").blocks
    kinds = [b.text[:2] if isinstance(b, Paragraph) else "grid:" + b.rows[0][0].text for b in blocks]
    # The one-cell frame lays the page out (its content is the flow): the picture's table stands there.
    assert kinds == ["三、", "grid:从图片识别", "四、"]


def test_a_picture_deleted_with_revision_marks_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    from compliance.readers.docx import DocxReader
    from compliance.readers.ocr import embedded

    if cjk_font(26) is None:
        pytest.skip("no CJK font to draw the table picture with")
    sent: list[bytes] = []
    monkeypatch.setattr(embedded, "image_grids", lambda data, line, name="": sent.append(data) or [])
    picture = table_picture([["一、本年新收政府信息公开申请数量", "30", "6"], ["二、上年结转", "2", "1"]])

    def document(deleted: bool) -> bytes:
        word = docx.Document()
        run = word.add_paragraph().add_run()
        run.add_picture(_png(picture), width=Cm(15))
        if deleted:
            removal = OxmlElement("w:del")
            run._r.addprevious(removal)
            removal.append(run._r)
        out = io.BytesIO()
        word.save(out)
        return out.getvalue()

    DocxReader().read(document(deleted=True), "deleted.docx")
    assert sent == []
    DocxReader().read(document(deleted=False), "kept.docx")
    assert len(sent) == 1


def test_which_way_text_runs() -> None:
    from compliance.readers.pdf.rotation import reads_across

    def chars(matrix: tuple[float, ...], count: int) -> list[dict[str, Any]]:
        return [{"text": "字", "matrix": matrix}] * count + [{"text": " ", "matrix": (0, 1, -1, 0, 0, 0)}] * 9

    assert reads_across(chars((10, 0, 0, 10, 0, 0), 5)) is True
    assert reads_across(chars((0, -10, 10, 0, 0, 0), 5)) is False  # turned a quarter
    assert reads_across(chars((-10, 0, 0, -10, 0, 0), 5)) is False  # upside down
    assert reads_across(chars((10, 0, 0, 10, 0, 0), 2) + chars((0, 10, -10, 0, 0, 0), 3)) is False
    assert reads_across(chars((10, 0, 0, 10, 0, 0), 0)) is None  # white space only
