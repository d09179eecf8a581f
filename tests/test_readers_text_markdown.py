"""OCR/LLM text conversions: pipe rows, Markdown headings, per-row mini tables, T4 in fragments."""

from __future__ import annotations

from pathlib import Path

from compliance.readers.text import split_fields, text_blocks
from conftest import SAMPLES
from helpers import check_text, load_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")


def as_markdown(text: str) -> str:
    """Our sample the way an OCR/LLM conversion prints it: headings marked, each T3 row its own
    mini table under generic headers, T4 as three captioned fragments."""
    out: list[str] = []
    t4: list[str] = []
    for line in text.split("\n"):
        fields = [f.strip() for f in line.split("\t")]
        numbers = [f for f in fields if f.replace(".", "").lstrip("+-").isdigit()]
        label = "".join(f for f in fields if f and f not in numbers)
        if line[:2] in ("一、", "二、", "三、", "四、", "五、", "六、") and "\t" not in line:
            out.append(f"## {line}")
        elif len(numbers) == 15:
            t4 = numbers
        elif len(numbers) == 7:
            # Bare labels, as in OCR output that drops the numbering of the first rows.
            bare = label.split("、", 1)[1] if label.startswith(("一、", "二、")) else label
            out += [
                "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |",
                "|---|---|---|---|---|---|---|---|",
            ]
            out.append("| " + " | ".join([bare, *numbers]) + " |")
        elif numbers and label:
            out.append("| " + " | ".join([label, *numbers]) + " |")
        elif "\t" not in line:
            out.append(line)
    for caption, part in zip(
        ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"), range(3), strict=True
    ):
        cells = t4[part * 5 : part * 5 + 5]
        out += [f"### {caption}", "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|"]
        out.append("| " + " | ".join(cells) + " |")
    # The T4 fragments belong before section 五.
    text_out = "\n".join(out)
    five = text_out.index("## 五、")
    fragments = text_out[text_out.index("### 行政复议") :]
    return text_out[:five] + fragments + "\n" + text_out[five : text_out.index("### 行政复议")]


def test_markdown_pipe_rows_are_cells() -> None:
    assert split_fields("| 规章 | 0 | 0 | 0 |") == ["规章", "0", "0", "0"]
    blocks = text_blocks("## 二、主动公开政府信息情况\n|---|---|\n| 行政许可 | 12 |")
    assert blocks[0].heading_level == 2  # type: ignore[union-attr]
    assert len(blocks) == 2


def test_markdown_conversion_reads_like_the_original(tmp_path: Path) -> None:
    original = load_text(tmp_path, CLEAN, "a.txt")
    report = load_text(tmp_path, as_markdown(CLEAN), "b.txt")
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    for table in ("T3", "T4"):
        assert {r: [c.value for c in cells.values()] for r, cells in report.tables[table].items()} == {
            r: [c.value for c in cells.values()] for r, cells in original.tables[table].items()
        }
    assert [f for f in check_text(tmp_path, as_markdown(CLEAN), "c.txt") if f.severity == "error"] == []


def test_markdown_t4_fragments_without_captions_use_template_order(tmp_path: Path) -> None:
    text = as_markdown(CLEAN)
    for caption in ("### 行政复议", "### 行政诉讼（未经复议直接起诉）", "### 行政诉讼（复议后起诉）"):
        text = text.replace(caption, "### 分表")
    report = load_text(tmp_path, text)
    original = load_text(tmp_path, CLEAN, "a.txt")
    assert report.tables["T4"] == {
        r: {c: cell.model_copy(update={"loc": report.tables["T4"][r][c].loc}) for c, cell in cells.items()}
        for r, cells in original.tables["T4"].items()
    }


def test_t4_fragments_with_their_header_printed_between_caption_and_figures(tmp_path: Path) -> None:
    """Text extracted from a PDF: caption, then the header line, then the figures (one space apart)."""
    header = "结果维持 结果纠正 其他结果 尚未审结 总计"
    fragments = "\n".join(
        [
            "行政复议（本机关作为被申请人）",
            header,
            "2 1 0 1 4",
            "行政诉讼（未经复议直接起诉）",
            header,
            "1 0 0 1 2",
            "行政诉讼（复议后起诉）",
            header,
            "0 0 0 0 0",
        ]
    )
    lines = CLEAN.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("行政复议\t"))
    text = "\n".join([*lines[:start], fragments, *lines[start + 4 :]])
    report = load_text(tmp_path, text)
    original = load_text(tmp_path, CLEAN, "a.txt")
    values = {r: {c: cell.value for c, cell in cells.items()} for r, cells in report.tables["T4"].items()}
    assert values == {r: {c: cell.value for c, cell in cells.items()} for r, cells in original.tables["T4"].items()}
