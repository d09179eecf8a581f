"""Reading generalises: every rendering of a real report reads as the report itself does.

For each corpus document with real tables and each way it is re-rendered (LibreOffice DOCX, PDF
on three page sizes and filtered HTML; Chromium's PDF; pdftotext -layout/-raw of every PDF; pandoc's
CommonMark, GitHub and pandoc Markdown of the DOCX; other text encodings; tab- and space-aligned
text), the engine must find the same template, every cell the source reads with certainty, and the
same error-level findings. A rendering that itself lost
content may instead be judged "cannot verify" (bench/renderings/compare.py says when): the engine
then must not have read a wrong number nor raised an error other than missing content.

Text extractions that keep no cell boundaries (``pdftotext -layout``/``-raw``, space-aligned text,
``pdftohtml``'s positioned web pages)
are read by position or by one-space runs; their accuracy is measured, not yet at 100 %, by
``bench/bench_reading_accuracy.py`` (figures in the README). Here they must load as a report of
the same template, read no cell as a different number and raise no error the source lacks; the
full comparison gates every rendering that keeps its cells.

The renderings are made once into the cache (``$COMPLIANCE_RENDER_CACHE`` or ``.cache/renderings``)
and reused. Without LibreOffice, Chromium, pdftotext or pandoc the tests skip locally and fail under CI.
"""

from __future__ import annotations

import functools
import os

import pytest

from bench.renderings import render, tools
from bench.renderings.compare import Judge, Verdict
from conftest import SHARED, require_shared


@functools.cache
def _sources() -> tuple[render.Source, ...]:
    return tuple(render.discover())


# Measured by bench/bench_reading_accuracy.py, not gated here: renderings that lose part of a
# table's structure, so their cells are read only in part — pandoc's plain text drops a table with
# merged cells ("[TABLE]"), text printed one cell a line loses a label whose source cell was already
# scrambled, pdftohtml joins a header repeated on every page with the next caption, and reading-order
# text (lynx, pdftotext without options, pdfminer.six, pdfplumber) loses rows and blanks.
MEASURED_ONLY = (
    "lo-txt",
    "pandoc-plain",
    "lo-html.lynx",
    "lo-pdf-a4-headers.pdftohtml",
    "lo-pdf-a4.plain",
    "lo-pdf-a4.pdfminer",
    "lo-pdf-a4.pdfplumber",
)


def _cases(*, positional: bool) -> list[tuple[render.Source, str]]:
    root = render.cache_root()
    return [
        (source, name)
        for source in _sources()
        for name in render.plan(source, root).names
        if is_positional(name) == positional and name not in MEASURED_ONLY
    ]


def is_positional(rendering: str) -> bool:
    """A text extraction that prints no cell boundaries: cells are known only by position (a PDF
    converted to a web page by pdftohtml places each run of text, not each cell)."""
    return rendering.endswith((".layout", ".raw", ".w3m")) or ".pdftohtml" in rendering or rendering == "plain-aligned"


@functools.cache
def _verdicts() -> dict[tuple[str, str], Verdict]:
    judge = Judge()
    made = render.generate(list(_sources()))
    return {(r.source.sha256, r.name): judge.judge(r) for r in made}


def _require_tools() -> None:
    missing = tools.missing_tools()
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"converters missing: {', '.join(missing)}; .ci/run must install them")
    pytest.skip(f"converters missing: {', '.join(missing)}")


def test_every_source_document_is_rendered() -> None:
    """The harness covers the corpus: all formats with tables, and each source gets its renderings."""
    require_shared()
    formats = {s.format for s in _sources()}
    assert {"html", "pdf", "markdown", "text"} <= formats
    names = {s.name for s in _sources()}
    # The crawler dumps with run-together digits have no table grid and are left out on purpose.
    assert not any(n.startswith("2019_fujian") and n.endswith(".txt") for n in names)


def _verdict(source: render.Source, rendering: str) -> Verdict:
    if SHARED in source.path.parents:
        require_shared()
    _require_tools()
    return _verdicts()[(source.sha256, rendering)]


@pytest.mark.parametrize(
    ("source", "rendering"),
    [pytest.param(s, n, id=f"{s.name}::{n}") for s, n in _cases(positional=True)],
)
def test_text_extraction_loads_as_the_same_template(source: render.Source, rendering: str) -> None:
    verdict = _verdict(source, rendering)
    assert verdict.status != "not-made", verdict.explain()
    assert verdict.template_same, verdict.explain()
    # Cells it cannot place are "cannot verify"; a figure in a wrong cell, or an error the source
    # does not have, is never acceptable (a wrong reading is worse than a missing one).
    assert not [d for d in verdict.cell_diffs if d.kind == "wrong"], verdict.explain()
    assert not verdict.extra_errors, verdict.explain()


@pytest.mark.parametrize(
    ("source", "rendering"),
    [pytest.param(s, n, id=f"{s.name}::{n}") for s, n in _cases(positional=False)],
)
def test_rendering_reads_like_its_source(source: render.Source, rendering: str) -> None:
    verdict = _verdict(source, rendering)
    if verdict.status == "not-applicable":
        pytest.skip(verdict.explain())
    assert verdict.status != "not-made", verdict.explain()
    assert verdict.status in ("pass", "cannot-verify"), verdict.explain()
    if verdict.status == "cannot-verify":
        # The rendering lost content; the engine must still never have guessed a number.
        assert not [d for d in verdict.cell_diffs if d.kind != "lost"], verdict.explain()
