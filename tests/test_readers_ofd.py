"""OFD files (built at test time from our samples): read through the geometric grid builder."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ofd_build import to_ofd

from compliance.document import LoadError
from compliance.engine import Options, get_registry, load_report, read_document
from conftest import SAMPLES


def _cells(path: Path) -> dict[tuple[str, str, str], object]:
    report = load_report(path)
    return {(t, r, c): x.value for t, rows in report.tables.items() for r, row in rows.items() for c, x in row.items()}


@pytest.mark.parametrize("sample", ["v2021-clean-2023.txt", "v2019-clean-2020.txt"])
def test_ofd_reads_like_its_text(tmp_path: Path, sample: str) -> None:
    source = SAMPLES / sample
    path = tmp_path / "report.ofd"
    path.write_bytes(to_ofd(source.read_text(encoding="utf-8")))
    document = read_document(path, get_registry(), Options())
    assert document.format == "ofd"
    expected = _cells(source)
    found = _cells(path)
    wrong = {k: (v, found.get(k)) for k, v in expected.items() if found.get(k) != v}
    assert not wrong
    report = load_report(path)
    assert [s.key for s in report.sections] == [s.key for s in load_report(source).sections]


def test_ofd_without_document_root_is_one_input_problem(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody/></ofd:OFD>')
    path = tmp_path / "empty.ofd"
    path.write_bytes(out.getvalue())
    with pytest.raises(LoadError):
        read_document(path, get_registry(), Options())


def test_ofd_zip_bomb_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", "<a/>")
        archive.writestr("Doc_0/big.xml", b"0" * (8 * 1024 * 1024))
    path = tmp_path / "bomb.ofd"
    path.write_bytes(out.getvalue())
    with pytest.raises(LoadError, match="压缩炸弹"):
        read_document(path, get_registry(), Options())
