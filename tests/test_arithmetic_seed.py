"""Single-cell changes to the seed's tables are caught and located; harmless edits are not flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import load_report
from conftest import SEED, require_shared
from helpers import check_text, errors, load_text

T3_COLUMNS = ["natural", "biz", "research", "ngo", "legal", "other_org", "total"]
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]


def _seed() -> str:
    require_shared()
    return SEED.read_text(encoding="utf-8")


def _bump_field(text: str, line_number: int, field_index: int) -> str:
    """Add 1 to the field_index-th numeric field of a line (1-based line number)."""
    lines = text.split("\n")
    fields = lines[line_number - 1].split("\t")
    numeric = [i for i, f in enumerate(fields) if f.strip().lstrip("+-").isdigit()]
    target = numeric[field_index]
    fields[target] = str(int(fields[target]) + 1)
    lines[line_number - 1] = "\t".join(fields)
    return "\n".join(lines)


def _t3_cells() -> list[tuple[str, int, str]]:
    require_shared()
    report = load_report(SEED)
    return [(row, index, column) for row in report.tables["T3"] for index, column in enumerate(T3_COLUMNS)]


@pytest.mark.parametrize(("row", "index", "column"), _t3_cells() if SEED.exists() else [])
def test_seed_t3_single_cell_change_is_located(tmp_path: Path, row: str, index: int, column: str) -> None:
    text = _seed()
    line = load_report(SEED).tables["T3"][row][column].loc.line
    found = errors(check_text(tmp_path, _bump_field(text, line, index)))
    assert found, f"changing T3 {row}/{column} went unnoticed"
    assert all(f.category == "arithmetic" and f.location.table == "T3" for f in found)
    assert all(abs(f.expected - f.actual) == 1 for f in found)
    assert any(f.location.row == row for f in found)
    assert any(f.location.column == column for f in found)
    if column != "total" and row != "result_total":
        # templates.md §8.1: one row identity and one column identity, nothing duplicated.
        assert sorted(f.rule for f in found) in (
            ["T3-RESULT-SUM", "T3-ROW-TOTAL"],
            ["T3-COL-BALANCE", "T3-ROW-TOTAL"],
        )
        column_finding = next(f for f in found if f.rule != "T3-ROW-TOTAL")
        assert "可能是" in column_finding.message, "the cell both identities point at is named"


@pytest.mark.parametrize(("row", "index"), [(r, i) for r_i, r in enumerate(["RV", "LD", "LR"]) for i in range(5)])
def test_seed_t4_single_cell_change_is_located(tmp_path: Path, row: str, index: int) -> None:
    text = _seed()
    line = load_report(SEED).tables["T4"][row]["total"].loc.line
    offset = ["RV", "LD", "LR"].index(row) * 5 + index
    found = errors(check_text(tmp_path, _bump_field(text, line, offset)))
    assert [f.rule for f in found] == [f"T4-{row}-TOTAL"]
    (finding,) = found
    assert finding.location.table == "T4" and finding.location.row == row
    assert finding.location.column == "total"
    assert abs(finding.expected - finding.actual) == 1


def test_seed_deleting_a_section_is_a_structure_error(tmp_path: Path) -> None:
    text = _seed()
    start = text.index("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    found = errors(check_text(tmp_path, text[:start] + text[end:]))
    assert [(f.rule, f.category, f.location.section) for f in found] == [("STRUCT-SECTIONS", "structure", "S5")]


def test_seed_full_width_brackets_change_nothing(tmp_path: Path) -> None:
    text = _seed().replace("(", "（").replace(")", "）").replace(",", "，")
    report = load_text(tmp_path, text)
    assert _same_values(report.tables, load_report(SEED).tables)
    assert errors(check_text(tmp_path, text)) == []


def _same_values(left: dict, right: dict) -> bool:
    def values(tables: dict) -> dict:
        return {
            (t, r, c): cell.value
            for t, rows in tables.items()
            for r, cells in rows.items()
            for c, cell in cells.items()
        }

    return values(left) == values(right)


def test_seed_crlf_and_encodings_change_nothing(tmp_path: Path) -> None:
    text = _seed()
    reference = load_report(SEED)
    variants = {
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gbk.txt": text.encode("gb18030"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        report = load_report(path)
        assert _same_values(report.tables, reference.tables), name
        assert [s.key for s in report.sections] == [s.key for s in reference.sections], name
        assert report.year == 2020 and report.template == "V2019", name


def test_seed_zero_cells_left_blank_give_no_error(tmp_path: Path) -> None:
    text = _seed()
    report = load_report(SEED)
    lines = text.split("\n")
    # Blank every zero in the applicant columns between 自然人 and 总计 of table 三.
    for cells in report.tables["T3"].values():
        line_number = cells["natural"].loc.line
        fields = lines[line_number - 1].split("\t")
        numeric = [i for i, f in enumerate(fields) if f.strip().isdigit()]
        for i in numeric[1:6]:
            if fields[i].strip() == "0":
                fields[i] = ""
        lines[line_number - 1] = "\t".join(fields)
    edited = "\n".join(lines)
    blanked = load_text(tmp_path, edited)
    assert blanked.tables["T3"]["new"]["biz"].value is None  # blank stays unknown in the report
    found = check_text(tmp_path, edited)
    assert errors(found) == []
    assert any(f.rule == "BLANK-POLICY" and f.severity == "info" for f in found)
