"""Our samples rendered as HTML, Markdown and DOCX read to the same tables as the text originals."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import to_docx, to_html, to_markdown

from compliance.engine import Options, check_file, get_registry, load_report
from compliance.model import Report

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "reports").glob("*.txt"))
RENDERERS = {
    "html": lambda text: to_html(text).encode("utf-8"),
    "md": lambda text: to_markdown(text).encode("utf-8"),
    "docx": to_docx,
}


def values(report: Report) -> dict:
    return {
        table: {row: {col: cell.value for col, cell in cells.items()} for row, cells in rows.items()}
        for table, rows in report.tables.items()
    }


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_rendered_sample_reads_same_tables_as_text(tmp_path: Path, sample: Path, suffix: str) -> None:
    text = sample.read_text(encoding="utf-8")
    path = tmp_path / f"report.{suffix}"
    path.write_bytes(RENDERERS[suffix](text))
    original = load_report(sample)
    rendered = load_report(path)
    assert rendered.source.format == {"md": "markdown"}.get(suffix, suffix)
    assert (rendered.template, rendered.year, rendered.agency) == (original.template, original.year, original.agency)
    assert [s.key for s in rendered.sections] == [s.key for s in original.sections]
    assert values(rendered) == values(original)


@pytest.mark.parametrize("suffix", sorted(RENDERERS))
def test_rendered_faulty_sample_reports_same_findings(tmp_path: Path, suffix: str) -> None:
    sample = next(p for p in SAMPLES if "faults" in p.name)
    path = tmp_path / f"report.{suffix}"
    path.write_bytes(RENDERERS[suffix](sample.read_text(encoding="utf-8")))
    options = Options(select=["arithmetic"])
    expected = check_file(sample, get_registry(), options).result.findings
    found = check_file(path, get_registry(), options).result.findings
    assert expected, "the faulty sample must have arithmetic findings"
    assert [(f.rule, f.location.row, f.location.column, f.expected, f.actual) for f in found] == [
        (f.rule, f.location.row, f.location.column, f.expected, f.actual) for f in expected
    ]


@pytest.mark.parametrize("suffix", ["html", "md", "docx"])
def test_misnamed_file_is_read_by_content(tmp_path: Path, suffix: str) -> None:
    sample = SAMPLES[0]
    path = tmp_path / "report.txt"
    path.write_bytes(RENDERERS[suffix](sample.read_text(encoding="utf-8")))
    report = load_report(path)
    assert report.source.format == {"md": "markdown"}.get(suffix, suffix)
    assert values(report) == values(load_report(sample))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "news.html",
            "<html><body><h1>新闻</h1><p>今天天气晴。</p><table><tr><td>a</td><td>b</td></tr></table></body></html>",
        ),
        ("empty.html", ""),
        ("garbage.pdf", "\x00\x01binary"),
        ("report.docx", "PK\x03\x04 not really a zip"),
    ],
)
def test_bad_input_is_one_input_finding(tmp_path: Path, name: str, data: str) -> None:
    path = tmp_path / name
    path.write_bytes(data.encode("latin-1", errors="ignore") if "\x00" in data else data.encode("utf-8"))
    outcome = check_file(path, get_registry(), Options())
    assert outcome.report is None
    assert [(f.category, f.severity) for f in outcome.result.findings] == [("input", "error")]
    assert outcome.result.findings[0].message


def test_cli_max_bytes_limits_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compliance.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--max-bytes", "100", "--format", "json", str(SAMPLES[0])])
    assert result.exit_code == 1 and "100" in result.output and '"input"' in result.output
    assert runner.invoke(cli, ["extract", "--max-bytes", "100", str(SAMPLES[0])]).exit_code != 0
    assert runner.invoke(cli, ["check", "--max-bytes", "0", str(SAMPLES[0])]).exit_code == 2


def test_kangxi_radicals_read_as_the_ideographs_they_show(tmp_path: Path) -> None:
    """Text extracted from PDFs whose fonts map glyphs to radicals (⼀ U+2F00, ⾏ U+2F8F) reads as plain text."""
    clean = next(p for p in SAMPLES if p.name == "v2021-clean-2023.txt").read_text(encoding="utf-8")
    radicals = clean.replace("一", "\u2f00").replace("行", "\u2f8f").replace("人", "\u2f08")
    assert radicals != clean
    (tmp_path / "clean.txt").write_text(clean, encoding="utf-8")
    (tmp_path / "radicals.txt").write_text(radicals, encoding="utf-8")
    original = load_report(tmp_path / "clean.txt", get_registry())
    folded = load_report(tmp_path / "radicals.txt", get_registry())
    assert [s.key for s in folded.sections] == [s.key for s in original.sections]
    assert folded.sections[0].text == original.sections[0].text
    assert {r: {c: v.value for c, v in cells.items()} for r, cells in folded.tables["T3"].items()} == {
        r: {c: v.value for c, v in cells.items()} for r, cells in original.tables["T3"].items()
    }


def _values(report: Report) -> dict:
    return {
        t: {r: {c: v.value for c, v in cells.items()} for r, cells in rows.items()} for t, rows in report.tables.items()
    }


def test_utf16_without_bom_of_mostly_chinese_text_reads_like_utf8(tmp_path: Path) -> None:
    """CJK characters with a zero low byte (一 U+4E00) put zero bytes where Latin text has none."""
    for sample in SAMPLES:
        text = sample.read_text(encoding="utf-8")
        original = load_report(sample, get_registry())
        for encoding in ("utf-16-le", "utf-16-be"):
            path = tmp_path / f"{encoding}-{sample.name}"
            path.write_bytes(text.encode(encoding))
            report = load_report(path, get_registry())
            assert _values(report) == _values(original), (sample.name, encoding)
