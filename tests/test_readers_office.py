"""Legacy .doc / .rtf files: converted by LibreOffice at read time, then read as DOCX.

The files are made at test time from our own sample (DOCX built by tests/documents.py, turned
into .doc by LibreOffice; RTF written by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import office_convert, to_docx

from compliance.document import LoadError
from compliance.engine import Options, get_registry, load_report, read_document
from compliance.readers import office
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"


def _needs_soffice() -> None:
    if office.find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")


def _cells(path: Path) -> dict[tuple[str, str, str], object]:
    report = load_report(path)
    return {(t, r, c): x.value for t, rows in report.tables.items() for r, row in rows.items() for c, x in row.items()}


def test_doc_reads_like_the_docx_it_was_saved_from(tmp_path: Path) -> None:
    _needs_soffice()
    docx = tmp_path / "report.docx"
    docx.write_bytes(to_docx(CLEAN.read_text(encoding="utf-8")))
    doc = office_convert(docx, "doc", tmp_path)
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    document = read_document(doc, get_registry(), Options())
    assert document.format == "doc"
    expected = _cells(docx)
    assert expected and _cells(doc) == expected


def test_rtf_is_converted(tmp_path: Path) -> None:
    _needs_soffice()
    lines = ["二〇二三年政府信息公开工作年度报告", "一、总体情况", "本机关认真贯彻落实条例。"]
    body = "".join("\\par " + "".join(f"\\u{ord(ch)}?" for ch in line) + "\n" for line in lines)
    path = tmp_path / "note.rtf"
    path.write_text("{\\rtf1\\ansi\\deff0 " + body + "}", encoding="ascii")
    document = read_document(path, get_registry(), Options())
    assert document.format == "rtf"
    texts = [p.text for p in document.paragraphs()]
    assert "一、总体情况" in texts


def test_missing_converter_is_one_input_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(LoadError, match="LibreOffice"):
        read_document(path, get_registry(), Options())


def test_broken_doc_is_one_input_problem(tmp_path: Path) -> None:
    _needs_soffice()
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 600)
    # LibreOffice may "convert" garbage into an empty document; either way it is not a report.
    with pytest.raises(LoadError):
        load_report(path)
