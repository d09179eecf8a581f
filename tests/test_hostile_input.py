"""Hostile input: every file ends in seconds and bounded memory, with one input finding naming the limit.

Each bomb is built at test time (tests/bombs.py) and checked by the real command line in a child
process, whose wall time and peak memory (the largest resident size of the command and its
workers) are measured. docs/security.md lists the limits these tests stand for.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bombs import BOMBS, docx_grid_span, docx_zip_bomb, sample_text, utf16_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_bombs import PDF_BOMBS

from compliance.document import Grid, LoadError
from compliance.engine import get_registry, load_report
from compliance.mapping.fuzzy import TitleMatch, _in_order
from compliance.mapping.numbers import CellStatus, parse_cell
from compliance.readers.docx import DocxReader
from compliance.rules.regex_guard import UnsafePattern, safe_pattern

WALL_SECONDS = 10.0
PEAK_BYTES = 400 * 1024 * 1024
# Measures a command: runs it, then reports the largest resident size among it and its workers.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stdout.write(done.stdout)\n"
    "sys.stderr.write(done.stderr)\n"
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
)
COMPLIANCE = [sys.executable, "-c", "import sys; from compliance.cli import main; sys.exit(main())"]


def run_measured(*args: str) -> tuple[float, int, dict]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *COMPLIANCE, "check", "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    wall = time.monotonic() - start
    peak_kb = int(done.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0])
    return wall, peak_kb * 1024, json.loads(done.stdout)


# bomb → what its one finding must say (None: the file is readable and must simply end in time)
EXPECTED = {
    "docx_zip_bomb": "max-ratio",
    "docx_grid_span": None,
    "ofd_zip_bomb": "max-ratio",
    "pdf_flate_bomb": "max-stream",
    "pdf_many_operators": "max-page-objects",
    "pdf_many_pages": "max-pages",
    "pdf_textless_pages": "max-ocr-pages",
    "yaml_laughs": "YAML aliases",
    "json_deep": "max-depth",
    "yaml_deep": "max-depth",
    "whitespace_lines": "no report sections",
    "repeated_title": None,
    "html_rows": "max-cells",
    "text_rows": "max-cells",
    **{name: limit for name, (_, limit) in PDF_BOMBS.items()},
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_bomb_ends_in_time_and_memory(tmp_path: Path, bomb: str) -> None:
    name, data = BOMBS[bomb]()
    path = tmp_path / name
    path.write_bytes(data)
    wall, peak, document = run_measured("--isolated", str(path))
    assert wall < WALL_SECONDS, f"{bomb}: {wall:.1f} s"
    assert peak < PEAK_BYTES, f"{bomb}: {peak / 2**20:.0f} MB"
    findings = document["reports"][0]["findings"]
    inputs = [f for f in findings if f["category"] == "input"]
    expected = EXPECTED[bomb]
    if expected is None:
        assert inputs == []
    else:
        assert len(findings) == 1 and len(inputs) == 1, findings
        assert expected in inputs[0]["message_en"]


def test_worker_memory_limit_is_one_input_finding_and_the_batch_goes_on(tmp_path: Path) -> None:
    # The reader limits raised out of the way, so only the worker's memory cap can stop the bomb.
    (tmp_path / "compliance.toml").write_text(
        "[limits]\nmax-unzipped = 4000000000\nmax-member = 4000000000\nmax-ratio = 1000000\n", encoding="utf-8"
    )
    name, data = docx_zip_bomb(600 << 20)
    bomb = tmp_path / name
    bomb.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(sample_text(), encoding="utf-8")
    config = str(tmp_path / "compliance.toml")
    _, peak, document = run_measured("--config", config, "--max-memory", "150", str(bomb), str(good))
    assert peak < PEAK_BYTES
    by_source = {Path(r["source"]).name: r["findings"] for r in document["reports"]}
    assert [f["category"] for f in by_source[name]] == ["input"]
    assert "max-memory" in by_source[name][0]["message_en"]
    assert all(f["category"] != "input" for f in by_source["good.txt"])


def test_limits_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "compliance.toml").write_text("[limits]\nmax-depth = 2\n", encoding="utf-8")
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"source": "x", "tables": [{"rows": [[1]]}]}), encoding="utf-8")
    _, _, document = run_measured("--config", str(tmp_path / "compliance.toml"), str(report))
    assert "max-depth = 2" in document["reports"][0]["findings"][0]["message_en"]


def test_grid_spans_are_clamped_to_the_table_width() -> None:
    _, data = docx_grid_span(cells=10, span=10_000_000)
    document = DocxReader().read(data, "spans.docx")
    grids = [b for b in document.blocks if isinstance(b, Grid)]
    assert grids and all(len(row) <= 2 for grid in grids for row in grid.rows)


@pytest.mark.parametrize("name", [n for n, _ in utf16_variants()])
def test_utf16_and_utf32_read_like_utf8(tmp_path: Path, name: str) -> None:
    data = dict(utf16_variants())[name]
    wide = tmp_path / name
    wide.write_bytes(data)
    plain = tmp_path / ("plain" + wide.suffix)
    plain.write_text(sample_text(), encoding="utf-8")
    assert load_report(wide).model_dump(exclude={"source"}) == load_report(plain).model_dump(exclude={"source"})


@pytest.mark.parametrize("pattern", [r"(a+)+b", r"(\s*\s*)*x", r"(a)\1", "[", r".*.*.*.*.*x"])
def test_catastrophic_user_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafePattern):
        safe_pattern(pattern)


def test_built_in_patterns_pass_the_guard() -> None:
    assert get_registry().rules  # the packs' patterns were validated as they loaded
    assert safe_pattern(r"\d+(?:\.\d+)?") == r"\d+(?:\.\d+)?"


def test_a_run_of_digits_is_not_a_figure() -> None:
    assert parse_cell("9" * 5000).status is CellStatus.invalid
    assert parse_cell("12").value == 12


def test_title_chain_matches_trying_every_earlier_match() -> None:
    def brute(found: list[tuple[int, TitleMatch]]) -> list[TitleMatch]:
        chains: list[tuple[int, int, int]] = []
        for i, (order, match) in enumerate(found):
            best = (1, -match.distance, -1)
            for j in range(i):
                if found[j][0] < order and found[j][1].end <= match.start:
                    candidate = (chains[j][0] + 1, chains[j][1] - match.distance, j)
                    best = candidate if candidate[:2] > best[:2] else best
            chains.append(best)
        if not found:
            return []
        last, out = max(range(len(found)), key=lambda i: chains[i][:2]), []
        while last != -1:
            out.append(found[last][1])
            last = chains[last][2]
        return out[::-1]

    rng = random.Random(7)
    for _ in range(500):
        starts = sorted(rng.sample(range(200), rng.randint(0, 20)))
        found = [(rng.randint(0, 6), TitleMatch(s, s + rng.randint(1, 15), "S", rng.randint(0, 2))) for s in starts]
        assert _in_order(found) == brute(found)


# ---- bounded mutation fuzz of the loaders the older fuzz tests do not seed ----------------------------


def _structured_seeds() -> dict[str, bytes]:
    import yaml

    report = load_report(Path(__file__).resolve().parents[1] / "reports" / "v2021-clean-2023.txt")
    payload = report.model_dump(mode="json")
    return {
        "r.json": json.dumps(payload, ensure_ascii=False).encode(),
        "r.yaml": yaml.safe_dump(payload, allow_unicode=True).encode(),
        "r.txt": sample_text().encode("utf-16"),
        "r.md": sample_text().encode("utf-32-be"),
    }


SEEDS = _structured_seeds()


@st.composite
def hostile_mutation(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "repeat"]))
        if action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
        else:  # a chunk repeated many times: deep nesting, long lines, many aliases
            chunk = bytes(data[position : position + draw(st.integers(1, 8))]) or b"["
            data[position:position] = chunk * draw(st.integers(100, 5000))
    return name, bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_mutation())
def test_mutated_structured_and_wide_inputs_end_quickly(case: tuple[str, bytes]) -> None:
    name, data = case
    for reader in get_registry().readers:
        if not name.endswith(reader.extensions) and reader.extensions:
            continue
        start = time.monotonic()
        try:
            reader.read(data, name)
        except LoadError as error:
            assert error.message
        assert time.monotonic() - start < 5.0


def test_pages_of_a_pdf_pdfium_refuses_are_counted_by_their_operators(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfminer still reads some files pdfium refuses; it would interpret their pages whatever their size.
    from bombs import pdf_many_operators, plain_pdf

    import compliance.readers.pdf.reader as pdf_reader

    def refuse(data: bytes) -> None:
        raise RuntimeError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pdf_reader, "PageObjects", refuse)
    started = time.monotonic()
    with pytest.raises(LoadError) as refused:
        pdf_reader.read_pdf(pdf_many_operators()[1])
    assert "max-page-objects" in refused.value.message_en
    assert time.monotonic() - started < WALL_SECONDS
    assert pdf_reader.read_pdf(plain_pdf())  # an ordinary page is read as before


def test_pages_left_for_ocr_are_counted_against_their_limit() -> None:
    from bombs import pdf_many_pages

    from compliance.readers.limits import LimitExceeded, Limits, applied
    from compliance.readers.pdf.limits import check_ocr_pages
    from compliance.readers.pdf.reader import read_pdf

    check_ocr_pages(60, 60, Limits())  # a 60-page scan is read by default
    with applied(Limits(max_ocr_pages=2)), pytest.raises(LimitExceeded) as refused:
        read_pdf(pdf_many_pages(3)[1])  # refused as the third blank page is reached, before any OCR
    assert refused.value.key == "max-ocr-pages"
    assert "3 without a text layer by page 3" in refused.value.message_en


def test_pages_of_a_pdf_pdfium_refuses_are_counted_once_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    # A file only pdfminer opens has its pages counted in the document the reader parses, before
    # any page is built: parsed once, not once to count and again to read.
    from bombs import pdf_many_pages
    from pdfminer import pdfdocument

    import compliance.readers.pdf.limits as pdf_limits
    from compliance.readers.limits import LimitExceeded, Limits, applied
    from compliance.readers.pdf.reader import read_pdf

    monkeypatch.setattr(pdf_limits, "_pdfium_pages", lambda data: None)
    parsed = []
    real = pdfdocument.PDFDocument.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        parsed.append(1)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdfdocument.PDFDocument, "__init__", counting)
    with applied(Limits(max_pages=2)), pytest.raises(LimitExceeded) as refused:
        read_pdf(pdf_many_pages(3)[1])
    assert refused.value.key == "max-pages" and "(3)" in refused.value.message_en
    assert len(parsed) == 1
