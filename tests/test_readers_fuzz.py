"""Property-based tests: random and mutated bytes never make a reader or the engine raise.

Readers may only raise LoadError; ``check_file`` never raises at all and turns bad input into
``input`` findings. Seeds are our own samples rendered as HTML, Markdown, DOCX and PDF.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from documents import minimal_pdf, pdf_ruled_table, pdf_text, to_docx, to_html, to_markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.document import Document, LoadError
from compliance.engine import Options, check_file, get_registry
from compliance.model import Report

SAMPLE = Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def seeds() -> dict[str, bytes]:
    text = SAMPLE.read_text(encoding="utf-8")
    table = pdf_ruled_table(72, 700, [150, 60, 60], [["Label", "A", "Total"], ["row", "1", "1"]])
    return {
        ".txt": text.encode("utf-8"),
        ".html": to_html(text).encode("utf-8"),
        ".md": to_markdown(text).encode("utf-8"),
        ".docx": to_docx(text),
        ".pdf": minimal_pdf([pdf_text(72, 780, "Annual report") + table]),
    }


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(seeds())))
    data = bytearray(seeds()[suffix])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate"]))
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[position] ^= draw(st.integers(min_value=1, max_value=255))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
        elif action == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=512))]
        elif action == "duplicate":
            data[position:position] = data[position : position + 256]
    return suffix, bytes(data)


def assert_readers_survive(data: bytes, name: str) -> None:
    for reader in get_registry().readers:
        try:
            result = reader.read(data, name)
        except LoadError as error:
            assert error.message
            continue
        assert isinstance(result, Document | Report)


def assert_engine_survives(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        outcome = check_file(path, get_registry(), Options())
    assert all(f.category != "internal" for f in outcome.result.findings), outcome.result.findings
    if outcome.report is None:
        assert [f.category for f in outcome.result.findings] == ["input"]


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([".txt", ".html", ".md", ".docx", ".pdf", ".json", ""]))
def test_random_bytes_never_raise(data: bytes, suffix: str) -> None:
    assert_readers_survive(data, f"report{suffix}")
    assert_engine_survives(data, f"report{suffix}")


@FUZZ
@given(mutated())
def test_mutated_documents_never_raise(case: tuple[str, bytes]) -> None:
    suffix, data = case
    assert_readers_survive(data, f"report{suffix}")
    assert_engine_survives(data, f"report{suffix}")


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' tdrhablepx colspanrowspan0123456789&;#一二、")), max_size=400))
def test_random_markup_never_raises(markup: str) -> None:
    data = f"<html><body><table>{markup}</table></body></html>".encode()
    assert_readers_survive(data, "page.html")
    assert_engine_survives(data, "page.html")
