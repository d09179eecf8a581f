"""DOCX drafts as offices save them: tracked changes, content controls and a page typed inside a
framing table read as Word prints them.

The documents are our own samples (reports/) made into Word files at test time; the same sample
with every table figure typed as a tracked change, with its blocks inside content controls, or typed
inside a one-cell table with its tables nested there, must read exactly like the plain file.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import docx
from documents import to_docx
from docx.oxml import parse_xml

from compliance.engine import load_report
from compliance.model import Report
from compliance.readers.word_text import W, shown_text
from conftest import SAMPLES
from helpers import cell_readings

_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FIGURE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _load(tmp_path: Path, name: str, data: bytes) -> Report:
    path = tmp_path / name
    path.write_bytes(data)
    return load_report(path)


def _with_revisions(data: bytes) -> bytes:
    """Every figure in a table retyped with revision marks on: the old figure deleted, the new inserted."""
    word = docx.Document(io.BytesIO(data))
    changed = 0
    for table in word.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    text = paragraph.text.strip()
                    if not _FIGURE.match(text) or not paragraph.runs:
                        continue
                    for run in paragraph.runs:
                        run._r.getparent().remove(run._r)
                    deleted = f"<w:r><w:delText>9{text}</w:delText></w:r>"
                    inserted = f"<w:r><w:t>{text}</w:t></w:r>"
                    paragraph._p.append(parse_xml(f'<w:del {_NS} w:id="{changed}" w:author="x">{deleted}</w:del>'))
                    paragraph._p.append(parse_xml(f'<w:ins {_NS} w:id="{changed + 1}" w:author="x">{inserted}</w:ins>'))
                    changed += 2
    assert changed > 50
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _in_content_controls(data: bytes) -> bytes:
    """Every block of the body (paragraphs and tables) wrapped in its own content control."""
    word = docx.Document(io.BytesIO(data))
    body = word.element.body
    for element in [e for e in body if e.tag in (W + "p", W + "tbl")]:
        control = parse_xml(f"<w:sdt {_NS}><w:sdtPr/><w:sdtContent/></w:sdt>")
        element.addprevious(control)
        control[1].append(element)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def test_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    plain = to_docx((SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8"), ruled=True)
    original = _load(tmp_path, "plain.docx", plain)
    revised = _load(tmp_path, "revised.docx", _with_revisions(plain))
    assert cell_readings(original) and cell_readings(revised) == cell_readings(original)


def test_blocks_in_content_controls_are_read_in_place(tmp_path: Path) -> None:
    plain = to_docx((SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8"), ruled=True)
    original = _load(tmp_path, "plain.docx", plain)
    controlled = _load(tmp_path, "controlled.docx", _in_content_controls(plain))
    assert cell_readings(original) and cell_readings(controlled) == cell_readings(original)
    assert [s.key for s in controlled.sections] == [s.key for s in original.sections]
    assert [s.text for s in controlled.sections] == [s.text for s in original.sections]


def test_a_report_typed_inside_a_framing_table_reads_like_the_plain_file(tmp_path: Path) -> None:
    text = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    original = _load(tmp_path, "plain.docx", to_docx(text, ruled=True))
    framed = _load(tmp_path, "framed.docx", to_docx(text, ruled=True, framed=True))
    assert [s.key for s in framed.sections] == [s.key for s in original.sections]
    assert cell_readings(framed) == cell_readings(original)


def test_shown_text_leaves_out_deletions_field_codes_and_text_boxes() -> None:
    paragraph = parse_xml(
        f"<w:p {_NS}><w:r><w:t>共</w:t></w:r>"
        '<w:del w:id="1" w:author="x"><w:r><w:delText>35</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>36</w:t></w:r></w:ins>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>件</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:drawing><w:t>文本框</w:t></w:drawing></w:r><w:r><w:tab/><w:t>。</w:t></w:r></w:p>"
    )
    assert shown_text(copy.deepcopy(paragraph)) == "共36件\t。"
