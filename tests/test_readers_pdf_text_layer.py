"""Pages whose text layer is not their text are read by OCR: fonts without a Unicode map (the
text extracts as glyph ids), and scans carrying a few words of real text (a website's watermark).
The documents are made at test time from a sentence of our own."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import office_convert, to_docx

from compliance.document import Grid, Paragraph
from compliance.readers.pdf.reader import PdfReader
from compliance.readers.pdf.text_layer import text_is_undecodable, undecodable

SENTENCE = "一、总体情况\n本机关全年主动公开政府信息120条，收到政府信息公开申请36件。\n"


def _chars(*texts: str) -> list[dict[str, str]]:
    return [{"text": t} for t in texts]


def test_glyph_ids_private_use_and_replacement_characters_do_not_decode() -> None:
    assert undecodable("(cid:12)") and undecodable("\ue013") and undecodable("\ufffd") and undecodable("\x03")
    assert not undecodable("年") and not undecodable("7") and not undecodable("（")


def test_a_page_is_undecodable_only_when_most_of_its_visible_characters_are() -> None:
    assert text_is_undecodable(_chars("(cid:1)", "(cid:2)", " ", "年"))
    assert not text_is_undecodable(_chars("(cid:1)", "年", "度", " ", " "))
    assert not text_is_undecodable(_chars(" ", "\n"))
    assert not text_is_undecodable([])


def test_pdf_printed_with_fonts_without_a_unicode_map_is_read_by_ocr(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    printed = _printed(tmp_path).read_bytes()
    assert b"/ToUnicode" in printed
    # The same file with its fonts' Unicode maps hidden (a key of the same length keeps the offsets).
    garbled = printed.replace(b"/ToUnicode", b"/ToUnicodX")
    blocks = PdfReader().read(garbled, "garbled.pdf").blocks
    read = _text(blocks)
    assert "(cid:" not in read
    assert "总体情况" in read and "120" in read
    assert all(b.confidence is not None for b in blocks if isinstance(b, Paragraph))


def test_scan_with_a_line_of_real_text_on_its_page_is_read_by_ocr(tmp_path: Path) -> None:
    """A page that is a picture of the report, with a website's address printed as text above it."""
    pytest.importorskip("rapidocr_onnxruntime")
    import docx as python_docx
    from docx.shared import Mm
    from PIL import Image
    from scans import render

    picture = tmp_path / "page.png"
    Image.fromarray(render(_printed(tmp_path), [0], 150)[0]).save(picture)
    document = python_docx.Document()
    document.sections[0].header.paragraphs[0].text = "www.example.gov.cn"
    document.add_picture(str(picture), width=Mm(160))
    scan_docx = tmp_path / "scan.docx"
    document.save(str(scan_docx))
    blocks = PdfReader().read(office_convert(scan_docx, "pdf", tmp_path).read_bytes(), "scan.pdf").blocks
    read = _text(blocks)
    assert "总体情况" in read and "120" in read
    assert any(isinstance(b, Paragraph) and b.confidence is not None for b in blocks)


def test_a_page_of_text_with_a_picture_on_it_keeps_its_text_layer(tmp_path: Path) -> None:
    """A seal or a logo beside the text is no scan: the text layer is read, nothing is OCR'd."""
    import docx as python_docx
    from docx.shared import Mm
    from PIL import Image

    picture = tmp_path / "seal.png"
    Image.new("L", (200, 200), 128).save(picture)
    document = python_docx.Document()
    for line in SENTENCE.splitlines():
        document.add_paragraph(line)
    document.add_picture(str(picture), width=Mm(40))
    made = tmp_path / "seal.docx"
    document.save(str(made))
    blocks = PdfReader().read(office_convert(made, "pdf", tmp_path).read_bytes(), "seal.pdf").blocks
    assert "总体情况" in _text(blocks)
    assert all(b.confidence is None for b in blocks if isinstance(b, Paragraph))


def _printed(folder: Path) -> Path:
    docx = folder / "short.docx"
    docx.write_bytes(to_docx(SENTENCE))
    return office_convert(docx, "pdf", folder)


def _text(blocks: list) -> str:
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    texts += [c.text for b in blocks if isinstance(b, Grid) for row in b.rows for c in row]
    return "".join(texts)
