"""Markdown reader: pipe tables, alignment rows, headings, loose label rows, line numbers."""

from __future__ import annotations

from compliance.document import Grid, Paragraph
from compliance.readers.markdown import MarkdownReader


def read(text: str) -> list:
    return MarkdownReader().read(text.encode("utf-8"), "report.md").blocks


def test_markdown_pipe_table_becomes_grid_without_alignment_rows() -> None:
    blocks = read(
        "## 二、主动公开\n\n| 信息内容 | 本年制发件数 |\n|:---|---:|\n| 规章 | 3 |\n|---|---|\n| 行政规范性文件 | 4 |\n"
    )
    heading, grid = blocks
    assert isinstance(heading, Paragraph) and heading.heading_level == 2 and heading.loc.line == 1
    assert isinstance(grid, Grid)
    assert [[c.text for c in row] for row in grid.rows] == [
        ["信息内容", "本年制发件数"],
        ["规章", "3"],
        ["行政规范性文件", "4"],
    ]
    assert grid.rows[1][1].loc.line == 5


def test_markdown_loose_label_row_and_prose() -> None:
    blocks = read("行政许可 97\n根据条例的要求，编制本报告。\n")
    assert isinstance(blocks[0], Grid) and [c.text for c in blocks[0].rows[0]] == ["行政许可", "97"]
    assert isinstance(blocks[1], Paragraph) and blocks[1].loc.line == 2


def test_markdown_escaped_pipes_and_emphasis_in_cells() -> None:
    (grid,) = read("| **总计** | a\\|b |\n")
    assert [c.text for c in grid.rows[0]] == ["总计", "a|b"]


def test_markdown_sniff_needs_extension_or_tables() -> None:
    reader = MarkdownReader()
    assert reader.sniff(b"text", "report.md") == 90
    assert reader.sniff(b"| a | b |\n|---|---|\n| 1 | 2 |\n", "report") > 60
    assert reader.sniff(b"plain prose", "report") == 0


def test_markdown_table_without_outer_pipes_is_a_table() -> None:
    """GitHub's form: no pipe at either end; the delimiter row under the header says it is a table."""
    table = "信息内容 | 本年制发件数 | 现行有效件数\n--- | ---: | ---\n规章 | 3 | 12\n行政规范性文件 | 4 | 30 |\n"
    blocks = read(f"说明 | 文字\n\n{table}\n正文。\n")
    grids = [b for b in blocks if isinstance(b, Grid)]
    assert [[c.text for c in row] for g in grids for row in g.rows] == [
        ["信息内容", "本年制发件数", "现行有效件数"],
        ["规章", "3", "12"],
        ["行政规范性文件", "4", "30"],
    ]
    # A line with a pipe but no delimiter row under it stays prose.
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["说明 | 文字", "正文。"]


def test_markdown_sample_without_outer_pipes_reads_like_the_sample(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from documents import to_markdown

    from compliance.engine import load_report
    from conftest import SAMPLES
    from helpers import cell_readings

    text = to_markdown((SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8"))
    bare = "\n".join(line.strip()[1:-1] if line.strip().startswith("|") else line for line in text.splitlines())
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    (tmp_path / "b.md").write_text(bare, encoding="utf-8")
    original, report = load_report(tmp_path / "a.md"), load_report(tmp_path / "b.md")

    assert cell_readings(original) and cell_readings(report) == cell_readings(original)
