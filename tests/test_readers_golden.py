"""Readers give exactly the same Document as before on the real corpus (a speed-up must not change output).

The golden file holds, per corpus file, the sha256 of the source bytes, the sha256 of a normalised
dump of the whole extraction (every paragraph and cell: text, location, bbox, heading level, span
flag) and structural counts. It never holds corpus text. After a deliberate change to what a reader
extracts, rewrite it with ``COMPLIANCE_UPDATE_GOLDEN=1 pytest tests/test_readers_golden.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from compliance.document import Document, Grid
from compliance.readers.html import HtmlReader
from compliance.readers.markdown import MarkdownReader
from compliance.readers.pdf.reader import PdfReader
from conftest import CORPUS, REPO, require_shared

GOLDEN = REPO / "tests" / "golden" / "reader_extraction.json"
READERS = {".html": HtmlReader, ".pdf": PdfReader, ".md": MarkdownReader}


def normalised(document: Document) -> list[object]:
    """Everything a reader decides, as plain JSON-able values in document order."""
    dump: list[object] = [document.format, sorted(document.meta.items())]
    for block in document.blocks:
        if isinstance(block, Grid):
            rows = [[[c.text, c.loc.model_dump(), c.span_copy] for c in row] for row in block.rows]
            dump.append(["grid", block.loc.model_dump(), rows])
        else:
            dump.append(["paragraph", block.text, block.loc.model_dump(), block.heading_level])
    return dump


def summary(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    document = READERS[path.suffix]().read(data, path.name)
    grids = document.grids()
    pages = {c.loc.page for g in grids for row in g.rows for c in row} | {p.loc.page for p in document.paragraphs()}
    text = json.dumps(normalised(document), ensure_ascii=False, sort_keys=True)
    return {
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "extraction_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "paragraphs": len(document.paragraphs()),
        "grids": len(grids),
        "rows": sum(len(g.rows) for g in grids),
        "cells": sum(len(row) for g in grids for row in g.rows),
        "pages": len(pages - {None}),
    }


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    # MANIFEST.md describes the corpus; it is not a report.
    return sorted(p for p in CORPUS.iterdir() if p.suffix in READERS and p.name != "MANIFEST.md")


@pytest.mark.parametrize("name", [p.name for p in corpus_files()] or ["(corpus missing)"])
def test_reader_extraction_matches_golden(name: str) -> None:
    require_shared()
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    current = summary(CORPUS / name)
    if os.environ.get("COMPLIANCE_UPDATE_GOLDEN"):
        golden[name] = current
        GOLDEN.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert name in golden, f"no golden extraction for {name}; see the module docstring"
    expected = golden[name]
    if expected["source_sha256"] != current["source_sha256"]:
        pytest.fail(f"{name} changed in the corpus; regenerate the golden file")
    assert current == expected
