"""DOCX reader: merged cells, heading styles, numbering, and archives that must be refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from compliance.document import Grid, LoadError, Paragraph
from compliance.readers.docx import DocxReader
from compliance.readers.numbering import chinese_counting, format_number


def save(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(data: bytes) -> list:
    return DocxReader().read(data, "report.docx").blocks


def test_docx_paragraphs_and_tables_in_document_order_with_merged_cells() -> None:
    document = docx.Document()
    document.add_paragraph("一、总体情况", style="Heading 2")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "三、结果"
    table.cell(1, 1).text, table.cell(1, 2).text = "a", "1"
    table.cell(2, 1).text, table.cell(2, 2).text = "b", "2"
    document.add_paragraph("正文")
    blocks = read(save(document))
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Grid", "Paragraph"]
    assert blocks[0].heading_level == 2
    grid: Grid = blocks[1]
    assert [[c.text for c in row] for row in grid.rows] == [
        ["申请人情况"] * 3,
        ["三、结果", "a", "1"],
        ["三、结果", "b", "2"],
    ]
    assert [[c.span_copy for c in row] for row in grid.rows] == [
        [False, True, True],
        [False, False, False],
        [True, False, False],
    ]


def test_docx_automatic_numbering_rendered_into_text() -> None:
    document = docx.Document()
    for title in ("总体情况", "主动公开政府信息情况"):
        document.add_paragraph(title, style="List Number")
    blocks = read(save(document))
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["1.总体情况", "2.主动公开政府信息情况"]


@pytest.mark.parametrize(("number", "text"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "一百零五")])
def test_chinese_counting_numbers(number: int, text: str) -> None:
    assert chinese_counting(number) == text
    assert format_number(number, "chineseCounting") == text


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_zip_bomb_refused_before_parsing() -> None:
    bomb = _zip({"word/document.xml": b"<a/>" + b" " * (8 * 1024 * 1024)})
    with pytest.raises(LoadError, match="压缩炸弹"):
        read(bomb)


def test_docx_too_many_entries_refused() -> None:
    with pytest.raises(LoadError, match="条目过多"):
        read(_zip({f"word/media/{i}.bin": b"" for i in range(2100)}))


def test_docx_encrypted_or_legacy_doc_refused() -> None:
    with pytest.raises(LoadError, match="加密"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04garbage", _zip({"hello.txt": b"hi"}), _zip({"word/document.xml": b"<not xml"})],
    ids=["corrupt", "not-word", "bad-xml"],
)
def test_docx_damaged_archive_is_load_error(data: bytes) -> None:
    with pytest.raises(LoadError):
        read(data)


def test_docx_truncated_file_is_load_error() -> None:
    data = save(docx.Document())
    with pytest.raises(LoadError):
        read(data[: len(data) // 2])


def test_docx_xml_entities_not_expanded() -> None:
    document = save(docx.Document())
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    entries["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    try:
        blocks = read(_zip(entries))
    except LoadError:
        return
    assert "root:" not in "".join(b.text for b in blocks if isinstance(b, Paragraph))
