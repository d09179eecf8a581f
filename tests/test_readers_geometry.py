"""The geometric grid builder on synthetic words, and layout text read through it end to end."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from documents import office_convert, to_docx
from layout_render import layout_text

from compliance.document import Grid, Paragraph
from compliance.model import Report
from compliance.readers.geometry import Word, blocks_from_words, is_number_shaped
from compliance.readers.layout_text import looks_like_layout
from compliance.readers.text import text_blocks
from conftest import SAMPLES
from helpers import load_text


def _line(y: int, *cells: tuple[float, str], page: int | None = None) -> list[Word]:
    """Words of one text line: (x, text) pairs, one unit per character, line height 1."""
    return [Word(text, x, y, x + len(text), y + 1, page, y) for x, text in cells]


def _grids(words: list[Word]) -> list[Grid]:
    return [b for b in blocks_from_words(words) if isinstance(b, Grid)]


def _texts(grid: Grid) -> list[list[str]]:
    return [[c.text for c in row] for row in grid.rows]


def test_number_shape_accepts_figures_and_rejects_words() -> None:
    assert all(is_number_shaped(t) for t in ("12", "-3", "+5", "1,268", "12.5万元", "0"))
    assert not any(is_number_shaped(t) for t in ("一、本", "2023年", "12a", ""))


def test_builder_joins_a_label_wrapped_over_lines_and_keeps_blank_columns() -> None:
    words = [
        *_line(1, (0, "项目"), (10, "甲"), (16, "乙"), (22, "丙")),
        *_line(3, (0, "一、本年"), (10, "30"), (22, "41")),
        *_line(4, (0, "新收数量")),
        *_line(6, (0, "二、上年"), (10, "2"), (16, "1"), (22, "3")),
        *_line(7, (0, "结转数量")),
    ]
    [grid] = _grids(words)
    rows = _texts(grid)
    assert rows[0] == ["项目", "甲", "乙", "丙"]
    assert rows[1] == ["一、本年新收数量", "30", "", "41"]  # the blank stays a blank in its place
    assert rows[2] == ["二、上年结转数量", "2", "1", "3"]


def test_row_after_a_label_wrapped_over_many_lines_is_still_a_row() -> None:
    """A narrow label column wraps a long label into a line per few characters (scans of
    borderless Word tables): the next row must still be seen aligned with the rows above."""
    label = "申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请"
    words = [
        *_line(1, (0, "1.重复"), (10, "1"), (16, "0"), (22, "1")),
        *_line(2, (0, "2.申请"), (10, "1"), (16, "0"), (22, "1")),
        *[w for k in range(0, len(label), 3) for w in _line(3 + k // 3, (0, label[k : k + 3]))],
        *_line(20, (0, "3.其他"), (10, "0"), (16, "1"), (22, "1")),
    ]
    [grid] = _grids(words)
    rows = _texts(grid)
    assert rows[-1] == ["3.其他", "0", "1", "1"]
    assert rows[-2] == ["2.申请" + label, "1", "0", "1"]


def test_builder_takes_a_column_only_the_header_names() -> None:
    words = [
        *_line(1, (0, "项目"), (10, "甲列"), (16, "乙列"), (22, "合计")),
        *_line(2, (0, "第一行"), (10, "5"), (16, "6")),
        *_line(3, (0, "第二行"), (10, "7"), (16, "8")),
    ]
    [grid] = _grids(words)
    assert [len(row) for row in grid.rows] == [4, 4, 4]
    assert _texts(grid)[2] == ["第二行", "7", "8", ""]


def test_builder_takes_header_only_columns_from_a_header_printed_wider_than_its_rows() -> None:
    # pdftotext may space a header on its own: here the captions span 10..41, the values 24..35.
    words = [
        *_line(1, (0, "项目"), (10, "甲列"), (20, "乙列"), (30, "丙列"), (40, "合计")),
        *_line(3, (0, "第一行"), (24, "5"), (34, "5")),
        *_line(4, (0, "第二行"), (24, "7"), (34, "7")),
    ]
    [grid] = _grids(words)
    assert _texts(grid)[1:] == [["第一行", "5", "", "", "5"], ["第二行", "7", "", "", "7"]]


def test_builder_does_not_count_scattered_vertical_letters_as_columns() -> None:
    words = [
        *_line(1, (0, "结"), (2, "结"), (4, "其"), (6, "尚"), (8, "总")),
        *_line(2, (1, "果"), (3, "果"), (5, "他"), (7, "未"), (9, "计")),
        *_line(4, (0, "1"), (4, "2"), (8, "3")),
        *_line(5, (0, "4"), (4, "5"), (8, "6")),
    ]
    [grid] = _grids(words)
    assert [len(row) for row in grid.rows[-2:]] == [4, 4]  # an empty label cell and three values
    assert _texts(grid)[-1] == ["", "4", "5", "6"]


def test_builder_moves_a_value_printed_on_its_own_baseline_into_its_row() -> None:
    words = [
        *_line(1, (0, "项目"), (10, "甲"), (16, "乙"), (22, "丙")),
        *_line(3, (0, "第一行"), (10, "1"), (16, "2"), (22, "3")),
        *_line(4, (10, "4")),
        *_line(5, (0, "第二行"), (16, "5"), (22, "6")),
    ]
    [grid] = _grids(words)
    assert _texts(grid)[1:] == [["第一行", "1", "2", "3"], ["第二行", "4", "5", "6"]]


def test_layout_runs_part_numbers_and_cjk_words_but_not_letter_spacing_or_prose() -> None:
    from compliance.readers.layout_text import _runs

    assert [t for _, t in _runs("0 0   2")] == ["0", "0", "2"]
    assert [t for _, t in _runs("商业 科研 社会公益")] == ["商业", "科研", "社会公益"]
    assert [t for _, t in _runs("三 、 本 （一）予以公开   7")] == ["三 、 本 （一）予以公开", "7"]
    assert [t for _, t in _runs("禁止公开 0      0")] == ["禁止公开", "0", "0"]
    assert [t for _, t in _runs("信息 9 条；重点工作 39")] == ["信息 9 条；重点工作 39"]
    assert [t for _, t in _runs("一、本年新收 12 3 15")] == ["一、本年新收", "12", "3", "15"]


def test_builder_reads_a_value_centred_between_the_lines_of_its_wrapped_label() -> None:
    words = [
        *_line(1, (0, "信息内容"), (10, "本年收费金额")),
        *_line(3, (0, "行政事业性收")),
        *_line(4, (12, "12.5")),
        *_line(5, (0, "费")),
    ]
    [grid] = _grids(words)
    assert _texts(grid) == [["信息内容", "本年收费金额"], ["行政事业性收费", "12.5"]]


def test_builder_places_values_by_the_nearest_full_row_despite_ragged_alignment() -> None:
    words = [
        *_line(1, (0, "甲行"), (10, "10"), (17, "20"), (24, "30")),
        *_line(2, (0, "乙行"), (11, "1"), (25, "3")),  # one character off, middle blank
        *_line(3, (0, "丙行"), (9, "100"), (16, "200"), (23, "300")),
        *_line(4, (0, "丁行"), (18, "2")),
    ]
    [grid] = _grids(words)
    assert _texts(grid) == [
        ["甲行", "10", "20", "30"],
        ["乙行", "1", "", "3"],
        ["丙行", "100", "200", "300"],
        ["丁行", "", "2", ""],
    ]


def test_builder_keeps_group_label_fragments_in_their_own_label_column() -> None:
    words = [
        *_line(1, (0, "项目"), (20, "甲"), (26, "乙")),
        *_line(2, (0, "三、本年"), (6, "（一）公开"), (20, "5"), (26, "1")),
        *_line(3, (0, "度办理结")),
        *_line(4, (0, "果"), (6, "（二）部分公开的"), (20, "2"), (26, "0")),
        *_line(5, (6, "情形")),
    ]
    [grid] = _grids(words)
    rows = _texts(grid)
    assert rows[1] == ["三、本年度办理结", "（一）公开", "5", "1"]
    assert rows[2] == ["果", "（二）部分公开的情形", "2", "0"]


def test_builder_follows_a_table_over_a_page_break_without_page_number_or_repeated_header() -> None:
    words = [
        *_line(1, (0, "项目"), (10, "甲"), (16, "乙"), page=1),
        *_line(2, (0, "第一行"), (10, "1"), (16, "2"), page=1),
        *_line(3, (0, "第二行"), (10, "3"), (16, "4"), page=1),
        *_line(5, (12, "- 1 -"), page=1),
        *_line(6, (0, "项目"), (10, "甲"), (16, "乙"), page=2),
        *_line(7, (0, "第三行"), (10, "5"), (16, "6"), page=2),
    ]
    [grid] = _grids(words)
    rows = _texts(grid)
    assert [r[0] for r in rows] == ["项目", "第一行", "第二行", "第三行"]
    assert rows[3] == ["第三行", "5", "6"]
    assert grid.rows[3][1].loc.page == 2


def test_builder_tells_prose_from_tables_and_joins_wrapped_prose() -> None:
    words = [
        *_line(1, (0, "一、总体情况")),
        *_line(2, (0, "本年度共收到申请二十件，全部按时予以")),
        *_line(3, (0, "答复，无逾期。")),
        *_line(5, (0, "项目"), (10, "甲"), (16, "乙")),
        *_line(6, (0, "第一行"), (10, "1"), (16, "2")),
        *_line(7, (0, "第二行"), (10, "3"), (16, "4")),
        *_line(8, (0, "二、下一部分的标题伸进数值列")),
    ]
    blocks = blocks_from_words(words)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Paragraph", "Paragraph", "Grid", "Paragraph"]
    assert isinstance(blocks[1], Paragraph) and blocks[1].text == "本年度共收到申请二十件，全部按时予以答复，无逾期。"
    assert blocks[1].loc.line == 2 and blocks[1].loc.line_end == 3


def test_builder_merges_ocr_word_boxes_within_a_cell() -> None:
    # Pixel boxes 20 high; the label is split in two boxes 4 px apart, columns ~100 px apart.
    def box(x: float, y: float, text: str, width: float) -> Word:
        return Word(text, x, y, x + width, y + 20, page=1, confidence=0.9)

    words = [
        box(0, 0, "信息", 40), box(44, 0, "内容", 40), box(200, 0, "甲", 20), box(300, 0, "乙", 20),
        box(0, 40, "规章", 40), box(204, 42, "0", 10), box(304, 38, "1", 10),
        box(0, 80, "行政", 40), box(43, 80, "规范", 40), box(86, 80, "文件", 40), box(202, 80, "3", 10),
        box(301, 80, "12", 20),
    ]  # fmt: skip
    [grid] = _grids(words)
    assert _texts(grid) == [["信息内容", "甲", "乙"], ["规章", "0", "1"], ["行政规范文件", "3", "12"]]
    assert grid.rows[1][1].loc.bbox == (204, 42, 214, 62)


def _values(report: Report) -> dict[tuple[str, str, str], object]:
    out: dict[tuple[str, str, str], object] = {}
    for table, rows in report.tables.items():
        for row, columns in rows.items():
            for column, cell in columns.items():
                out[(table, row, column)] = getattr(cell, "value", cell)
    return out


@pytest.mark.parametrize("sample", ["v2021-clean-2023.txt", "v2019-clean-2020.txt", "v2021-faults-2022.txt"])
@pytest.mark.parametrize(("wide", "wrap"), [(False, None), (True, None), (False, 4), (True, 6)])
def test_layout_text_of_a_sample_reads_the_same_cells(
    tmp_path: Path, sample: str, wide: bool, wrap: int | None
) -> None:
    source = (SAMPLES / sample).read_text(encoding="utf-8")
    spaced = layout_text(source, wide=wide, wrap=wrap)
    assert "\t" not in spaced and looks_like_layout(spaced)
    expected = _values(load_text(tmp_path, source, "source.txt"))
    read = _values(load_text(tmp_path, spaced, "layout.txt"))
    assert {k: v for k, v in expected.items() if k[0] in ("T2", "T3", "T4")}
    wrong = {k: (v, read.get(k)) for k, v in expected.items() if k[0] in ("T2", "T3", "T4") and read.get(k) != v}
    assert not wrong


def _placed(*cells: tuple[int, str]) -> str:
    """One layout line with each text starting at its character column."""
    line = ""
    for column, text in cells:
        line = line.ljust(column) + text
    return line


def test_layout_row_with_a_group_label_and_blank_cells_is_a_row_not_a_section_title() -> None:
    text = "\n".join(
        [
            "三、收到和处理申请情况",
            "",
            _placed((0, "项目"), (24, "甲"), (30, "乙"), (36, "总计")),
            "",
            _placed((0, "一、本年新收"), (24, "26"), (30, "3"), (36, "29")),
            _placed((0, "三、本年度"), (9, "（一）予以公开"), (24, "26")),
            _placed((9, "（二）部分公开"), (24, "3"), (36, "3")),
        ]
    )
    blocks = text_blocks(text)
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Grid"]
    grid = blocks[1]
    assert isinstance(grid, Grid)
    assert [c.text for c in grid.rows[2]] == ["三、本年度", "（一）予以公开", "26", "", ""]
    assert [c.text for c in grid.rows[3]] == ["", "（二）部分公开", "3", "", "3"]
    figure = grid.rows[2][2]
    assert (figure.loc.line, figure.loc.column) == (6, 25)  # where "26" stands in the text


def test_tab_separated_text_is_not_read_by_position() -> None:
    source = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    grid = next(b for b in text_blocks(source) if isinstance(b, Grid))
    assert grid.rows[0][0].loc.bbox is None and len(grid.rows[0]) >= 2


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice/poppler absent")
def test_pdftotext_layout_of_a_libreoffice_pdf_reads_the_same_cells(tmp_path: Path) -> None:
    source = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    docx = tmp_path / "report.docx"
    docx.write_bytes(to_docx(source))
    office_convert(docx, "pdf", tmp_path)
    subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(tmp_path / "report.pdf")], check=True, timeout=120)
    spaced = (tmp_path / "report.txt").read_text(encoding="utf-8")
    expected = _values(load_text(tmp_path, source, "source.txt"))
    read = _values(load_text(tmp_path, spaced, "layout.txt"))
    wrong = {k: (v, read.get(k)) for k, v in expected.items() if k[0] in ("T2", "T3", "T4") and read.get(k) != v}
    assert not wrong


def _squeezed(source: str, labels: tuple[str, ...]) -> str:
    """The sample as layout text, with the figures of the rows named run together (a narrow column)."""
    lines = []
    for line in layout_text(source).splitlines():
        for label in labels:
            if line.strip().startswith(label):
                figures = line[len(line) - len(line.lstrip()) + len(label) :].split()
                line = line[: line.index(label) + len(label)] + "      " + "".join(figures)
        lines.append(line)
    return "\n".join(lines)


def test_layout_digits_run_together_are_split_by_the_identities_never_misplaced(tmp_path: Path) -> None:
    source = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
    rows = ("1.属于国家秘密", "4.保护第三方合法权益", "7.属于行政执法案卷")
    squeezed = _squeezed(source, rows)
    assert "1000001" in squeezed or "0100001" in squeezed
    expected = _values(load_text(tmp_path, source, "source.txt"))
    report = load_text(tmp_path, squeezed, "layout.txt")
    read = _values(report)
    for key, value in expected.items():
        if key[0] == "T3":
            assert read.get(key) == value, key
    # The split cells say they were inferred, not read.
    assert {c.status.value for c in report.tables["T3"]["deny.third_party"].values()} == {"inferred"}


def test_layout_figures_after_a_closing_quote_are_cells() -> None:
    """``pdftotext -raw`` parts cells by one space: a label ending in a quote mark still ends there."""
    from compliance.readers.layout_text import _runs

    runs = [text for _, text in _runs("3.危及“三安全一稳定” 2 0 0 0 0 0 2", in_table=True)]
    assert runs == ["3.危及“三安全一稳定”", "2", "0", "0", "0", "0", "0", "2"]


def test_layout_lone_label_and_figures_between_captions_is_a_row() -> None:
    """Text extraction leaves one-row table fragments between their captions: each line is still a row."""
    header = ["类别", "数据", "1", "数据", "2", "数据", "3", "总计"]
    body = [
        "### 一、本年新收政府信息公开申请数量",
        *header,
        "本年新收政府信息公开申请数量 705 3 0 0 5 0 713",
        "### 二、上年结转政府信息公开申请数量",
        *header,
        "上年结转政府信息公开申请数量 36 0 0 0 0 0 36",
    ]
    aligned = [
        _placed((0, "行政许可"), (20, "12"), (30, "3"), (40, "15")),
        _placed((0, "行政处罚"), (20, "4"), (30, "0"), (40, "4")),
        _placed((0, "行政强制"), (20, "5"), (30, "1"), (40, "6")),
    ]
    prose = "全年共收到政府信息公开申请七百四十九件，均在法定期限内答复，没有逾期答复的情况，也没有因答复引起的争议。"
    text = "\n".join([prose, *aligned, "", *body])
    assert looks_like_layout(text)
    rows = {r[0][-14:]: r[1:] for b in text_blocks(text) if isinstance(b, Grid) for r in _texts(b)}
    assert rows["本年新收政府信息公开申请数量"] == ["705", "3", "0", "0", "5", "0", "713"]
    assert rows["上年结转政府信息公开申请数量"] == ["36", "0", "0", "0", "0", "0", "36"]


def test_layout_short_rows_one_space_apart_are_rows_along_the_whole_table() -> None:
    """``pdftotext -raw`` prints one space between cells: a one-figure row under another is a row too."""
    text = "\n".join(
        [
            "全年共收到政府信息公开申请七百四十九件，均在法定期限内答复，没有逾期答复的情况，也没有争议。",
            _placed((0, "行政许可"), (20, "12"), (30, "3"), (40, "15")),
            _placed((0, "行政处罚"), (20, "4"), (30, "0"), (40, "4")),
            _placed((0, "行政强制"), (20, "5"), (30, "1"), (40, "6")),
            "",
            "信息内容 本年处理决定数量",
            "行政处罚 94",
            "行政强制 6",
            "行政检查 71",
        ]
    )
    rows = [r for b in text_blocks(text) if isinstance(b, Grid) for r in _texts(b)]
    for label, figure in (("行政处罚", "94"), ("行政强制", "6"), ("行政检查", "71")):
        assert [label, figure] in [[c for c in row if c] for row in rows]


def test_builder_leaves_values_standing_between_columns_unplaced() -> None:
    """A value half-way between two columns could be either: the row's values come without blanks."""
    words = [
        *_line(0, (0, "label"), (20, "A"), (30, "B"), (40, "C")),
        *_line(1, (0, "first"), (20, "1"), (30, "2"), (40, "3")),
        *_line(2, (0, "second"), (20, "4"), (30, "5"), (40, "9")),
        *_line(3, (0, "third"), (25, "7"), (40, "7")),
    ]
    grids = _grids(words)
    rows = {row[0]: row[1:] for g in grids for row in _texts(g)}
    assert rows["first"] == ["1", "2", "3"]
    assert rows["third"] == ["7", "7"]  # not ["7", "", "7"] nor ["", "7", "7"]: the mapping decides


def test_layout_unit_one_space_after_its_figure_belongs_to_it() -> None:
    from compliance.readers.layout_text import _runs

    runs = [text for _, text in _runs("政府集中采购 37 356.2100 万元", in_table=True)]
    assert runs == ["政府集中采购", "37", "356.2100 万元"]
