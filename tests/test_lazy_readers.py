"""Readers registered lazily (readers/lazy.py) behave exactly as the readers themselves.

A stand-in turns a file away without its module only when that file lacks the name and the bytes
its reader requires; were that check narrower than the reader's own sniff, a report in that
format would silently go to another reader. So every sniff is compared with the real reader's on
our samples, on the real corpus, and on files built to sit at the edge of each reader's markers.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from compliance.engine import get_registry
from compliance.readers.lazy import READERS, LazyReader
from conftest import REPO

SHARED = REPO.parent / "shared"


def _real(stand_in: LazyReader) -> object:
    return importlib.import_module(stand_in.module).compliance_readers()[stand_in.position]


def _inputs() -> list[tuple[bytes, str]]:
    files = [p for p in (REPO / "reports").iterdir() if p.is_file()]
    corpus = SHARED / "corpus" / "real"
    if corpus.is_dir():
        files += [p for p in corpus.iterdir() if p.is_file()]
    found = [(p.read_bytes(), p.name) for p in sorted(files)]
    text = (REPO / "reports" / "v2021-clean-2023.txt").read_bytes()
    edges = [
        b"<!DOCTYPE html><html><body><p>x</p></body></html>",
        b"<table><tr><td>1</td></tr></table>",
        "\ufeff<html>".encode("utf-16"),
        "<p>年度报告</p>".encode("utf-16-be"),
        b"x" * 4000 + b"<div>late</div>",  # past the HTML head: not HTML
        b"| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"\n\n  %PDF-1.4\n",
        b"PK\x03\x04" + b"\x00" * 26 + b"word/document.xml",
        b"PK\x03\x04" + b"\x00" * 26 + b"OFD.xml",
        b"plain words, nothing else",
        b'  {"schema_version": 1}',
        b"schema_version: 1\nsource: {path: x, format: txt}\n",
    ]
    names = ["report.txt", "report.html", "report.PDF", "report.md", "report.docx", "report", "report.bin"]
    names += ["report.JSON", "report.yml", "report.yaml"]
    return found + [(data, name) for data in [*edges, text] for name in names]


@pytest.mark.parametrize("key", sorted(READERS))
def test_a_stand_in_scores_every_file_as_its_reader_does(key: str) -> None:
    stand_in = READERS[key]
    real = _real(stand_in)
    assert stand_in.name == real.name  # type: ignore[attr-defined]
    assert stand_in.extensions == real.extensions  # type: ignore[attr-defined]
    for data, name in _inputs():
        expected = real.sniff(data, name)  # type: ignore[attr-defined]
        assert stand_in.could_be(data, name.lower()) or expected == 0, (key, name, data[:40])
        assert stand_in.sniff(data, name) == expected, (key, name, data[:40])


def test_the_registry_holds_stand_ins_in_the_readers_places() -> None:
    readers = get_registry().readers
    names = [reader.name for reader in readers]
    assert names == ["text", "json", "yaml", "pdf", "office", "ofd", "markdown", "image", "html", "docx"]
    assert {reader.name for reader in readers if isinstance(reader, LazyReader)} == set(READERS)


def test_checking_a_text_report_imports_no_other_format(tmp_path: Path) -> None:
    code = (
        "import sys, pathlib\n"
        "from compliance.engine import check_file, get_registry, Options\n"
        f"check_file(pathlib.Path({str(REPO / 'reports' / 'v2021-clean-2023.txt')!r}), get_registry(), Options())\n"
        "print(sorted(m for m in sys.modules if m == 'lxml' or m.startswith(\n"
        "    ('compliance.readers.html', 'compliance.readers.pdf', 'compliance.readers.docx',\n"
        "     'compliance.readers.markdown', 'compliance.readers.structured', 'yaml'))))\n"
    )
    # The second run: the first fills the data cache (parsing the YAML packs and templates).
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("COMPLIANCE_DATA_CACHE", None)
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == "[]"


def test_a_file_of_a_lazy_format_is_read_by_its_reader(tmp_path: Path) -> None:
    from compliance.engine import Options, check_file

    page = tmp_path / "report.html"
    text = (REPO / "reports" / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    checked = check_file(page, get_registry(), Options())
    assert checked.report is not None
    assert checked.report.source.format == "html"
