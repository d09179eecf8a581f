"""Run-on text (a whole report on one line, cells run together) read like the original.

The run-on variants are built at test time from our own samples in reports/: the crawler
header is added, every line is joined and each table row's cells are printed with no
separator, as the crawled dumps print them.
"""

from __future__ import annotations

from pathlib import Path

from compliance.model import CellStatus, Report
from conftest import SAMPLES
from helpers import check_text, load_text, replace_field

CRAWLER_HEADER = "标题: {title}\n发布时间: 2024-01-20 10:00\n原文链接: https://example.invalid/a.htm\n==== 正文 ====\n"


def run_on(text: str, separator: str = "") -> str:
    """The sample as a crawler dump: one body line, each row's cells joined by ``separator``."""
    lines = [line for line in text.splitlines() if line.strip()]
    title, body = lines[0], []
    for line in lines[1:]:
        if "\t" in line:
            fields = [f.strip() for f in line.split("\t")]
            label = "".join(f for f in fields if f and not f.lstrip("+-").replace(".", "").isdigit())
            numbers = [f for f in fields if f and f.lstrip("+-").replace(".", "").isdigit()]
            # A space after the row, as the dumps have before the next heading: without it a year
            # opening the next paragraph ("2023年…") would join the digit run.
            body.append(label + separator.join(numbers) + " ")
        else:
            body.append(line.strip())
    return CRAWLER_HEADER.format(title=title) + "当前位置：首页 > 年报 " + "".join(body) + " 附件下载\n"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def values(report: Report, table: str, row: str) -> list[object]:
    return [c.value for c in report.tables[table][row].values()]


def test_runon_sections_title_and_template_found(tmp_path: Path) -> None:
    original = load_text(tmp_path, sample("v2021-clean-2023.txt"), "a.txt")
    report = load_text(tmp_path, run_on(sample("v2021-clean-2023.txt")), "b.txt")
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert (report.template, report.year, report.agency) == (original.template, original.year, original.agency)


def test_runon_inferred_cells_equal_the_printed_ones(tmp_path: Path) -> None:
    original = load_text(tmp_path, sample("v2021-clean-2023.txt"), "a.txt")
    report = load_text(tmp_path, run_on(sample("v2021-clean-2023.txt")), "b.txt")
    inferred = 0
    for table in ("T3", "T4"):
        for row, cells in report.tables[table].items():
            statuses = {c.status for c in cells.values()}
            assert statuses <= {CellStatus.inferred, CellStatus.ambiguous}, row
            if statuses == {CellStatus.inferred}:
                inferred += 1
                assert values(report, table, row) == values(original, table, row), row
    # Nearly every row is fixed by the digits, the row totals and the column totals.
    assert inferred >= 25


def test_runon_clean_sample_has_no_error(tmp_path: Path) -> None:
    findings = check_text(tmp_path, run_on(sample("v2021-clean-2023.txt")))
    assert [f for f in findings if f.severity == "error"] == []


def test_runon_v2019_result_sum_error_still_reported(tmp_path: Path) -> None:
    """Like 平潭 2020: rows add up across, but the outcome rows exceed （七）总计 — an error."""
    text = sample("v2019-clean-2020.txt")
    # One more 重复申请 by a natural person, in both the cell and its row total.
    line = next(line for line in text.splitlines() if line.strip().startswith("2.重复申请") or "重复申请\t" in line)
    fields = line.split("\t")
    numeric = [i for i, f in enumerate(fields) if f.strip().isdigit()]
    fields[numeric[0]] = str(int(fields[numeric[0]]) + 1)
    fields[numeric[-1]] = str(int(fields[numeric[-1]]) + 1)
    broken = text.replace(line, "\t".join(fields))
    findings = check_text(tmp_path, run_on(broken, separator=" "))
    result_sum = {f.location.column: (f.expected, f.actual) for f in findings if f.rule == "T3-RESULT-SUM"}
    assert set(result_sum) == {"natural", "total"}
    assert all(expected == actual + 1 for expected, actual in result_sum.values())


def test_runon_identity_used_for_split_is_info_not_pass(tmp_path: Path) -> None:
    report = load_text(tmp_path, run_on(sample("v2021-clean-2023.txt")))
    decided = {(n.row, n.identity) for n in report.notes if n.code == "inferred-split" and n.identity}
    assert ("new", "T3-ROW-TOTAL") in decided
    findings = check_text(tmp_path, run_on(sample("v2021-clean-2023.txt")), "c.txt")
    # One info for the rows this identity split, naming the row; no pass, no error.
    info = [f for f in findings if f.rule == "T3-ROW-TOTAL"]
    assert [f.severity for f in info] == ["info"]
    assert "无法核验" in info[0].message and "本年新收" in info[0].message


def test_runon_broken_row_total_is_ambiguous_not_guessed(tmp_path: Path) -> None:
    """A run whose row identity fails for every split is left ambiguous (TABLE-READ), never forced."""
    broken = replace_field(sample("v2021-clean-2023.txt"), "（一）予以公开", 0, "15")
    report = load_text(tmp_path, run_on(broken))
    assert {c.status for c in report.tables["T3"]["granted"].values()} == {CellStatus.ambiguous}
    findings = check_text(tmp_path, run_on(broken), "d.txt")
    assert any(f.rule == "TABLE-READ" and f.location.row == "granted" for f in findings)


def test_runon_short_paragraph_with_one_title_is_left_alone(tmp_path: Path) -> None:
    text = (
        sample("v2021-clean-2023.txt").replace("一、总体情况", "一、总体情况", 1)
        + "\n本段提到二、主动公开政府信息情况，但只是引用。\n"
    )
    report = load_text(tmp_path, text)
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
