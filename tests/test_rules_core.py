"""Each core rule fails on a crafted fault and passes on our clean samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance.engine import check_file, check_report, get_registry, load_report
from conftest import SAMPLES
from helpers import check_text, errors

CLEAN = ["v2019-clean-2020.txt", "v2021-clean-2023.txt"]


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _rules(findings: list, severity: str | None = None) -> list[str]:
    return sorted(f.rule for f in findings if severity is None or f.severity == severity)


def _edit_line(text: str, starts: str, new_line: str | None) -> str:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.lstrip("\t").startswith(starts))
    if new_line is None:
        del lines[index]
    else:
        lines[index] = new_line
    return "\n".join(lines)


@pytest.mark.parametrize("name", CLEAN)
def test_clean_samples_have_no_errors_or_warnings(name: str) -> None:
    findings = check_file(SAMPLES / name, get_registry(), _options()).result.findings
    assert [f for f in findings if f.severity != "info"] == []


def test_fault_sample_exact_findings() -> None:
    report = load_report(SAMPLES / "v2021-faults-2022.txt")
    found = [
        (f.rule, f.location.table, f.location.row, f.location.column, f.expected, f.actual)
        for f in errors(check_report(report))
    ]
    assert sorted(found) == sorted(
        [
            ("T3-ROW-TOTAL", "T3", "granted", "total", 21, 20),
            ("T3-ROW-TOTAL", "T3", "unable.not_held", "total", 7, 8),
            ("T3-RESULT-SUM", "T3", "result_total", "natural", 28, 27),
            ("T3-RESULT-SUM", "T3", "result_total", "total", 38, 37),
            ("T4-RV-TOTAL", "T4", "RV", "total", 4, 5),
        ]
    )


def test_struct_sections_out_of_order(tmp_path: Path) -> None:
    text = _sample("v2021-clean-2023.txt")
    five = text.index("五、存在的主要问题及改进情况")
    six = text.index("六、其他需要报告的事项")
    swapped = text[:five] + text[six:] + "\n" + text[five:six]
    found = [f for f in errors(check_text(tmp_path, swapped)) if f.rule == "STRUCT-SECTIONS"]
    assert [f.location.section for f in found] == ["S5"]
    assert "顺序" in found[0].message


def test_struct_table_present_cannot_verify_without_table(tmp_path: Path) -> None:
    text = _sample("v2021-clean-2023.txt")
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = text.index("四、政府信息公开行政复议、行政诉讼情况")
    section = "\n".join(line for line in text[start:end].split("\n") if "\t" not in line)
    edited = text[:start] + section + "\n（本部分统计表见附图）\n" + text[end:]
    found = [f for f in errors(check_text(tmp_path, edited)) if f.rule == "STRUCT-TABLE-PRESENT"]
    assert [(f.location.table, f.location.section) for f in found] == [("T3", "S3")]
    assert "无法核验" in found[0].message


def test_struct_t2_rows_missing_and_extra(tmp_path: Path) -> None:
    text = _edit_line(_sample("v2021-clean-2023.txt"), "行政处罚\t", None)
    text = _edit_line(text, "行政规范性文件\t", "行政规范性文件\t3\t1\t17\n其他主动公开文件\t2\t0\t9")
    found = check_text(tmp_path, text)
    missing = [f for f in found if f.rule == "STRUCT-T2-ROWS" and f.severity == "error"]
    extra = [f for f in found if f.rule == "STRUCT-T2-ROWS" and f.severity == "info"]
    assert [f.location.row for f in missing] == ["penalty"]
    assert len(extra) == 1 and "其他主动公开文件" in extra[0].message


def test_struct_t3_rows_missing(tmp_path: Path) -> None:
    text = _edit_line(_sample("v2021-clean-2023.txt"), "3.要求提供公开出版物", None)
    found = [f for f in errors(check_text(tmp_path, text)) if f.rule == "STRUCT-T3-ROWS"]
    assert [f.location.row for f in found] == ["noproc.publication"]


def test_struct_t3_rows_not_found_where_most_rows_lost_their_structure_is_a_warning(tmp_path: Path) -> None:
    # Reading-order text that printed table 三's rows without their blanks: most rows cannot be
    # placed, so a row not found says "cannot verify", not that the agency left it out.
    lines = []
    for line in _edit_line(_sample("v2021-clean-2023.txt"), "3.要求提供公开出版物", None).splitlines():
        label, *values = line.split("\t") if "\t" in line else (line,)
        figures = [v for v in values if v not in ("", "0")]
        in_table_3 = label.startswith(("一、本年", "二、上年", "（", "四、结转")) or label[:2] in ("1.", "2.", "3.")
        lines.append(" ".join([label, *figures]) if values and in_table_3 else line)
    found = [f for f in check_text(tmp_path, "\n".join(lines)) if f.rule == "STRUCT-T3-ROWS"]
    missing = [f for f in found if f.location.row == "noproc.publication"]
    assert [f.severity for f in missing] == ["warning"]
    assert "无法确认" in missing[0].message


def test_struct_t4_cols_missing_in_structured_report(tmp_path: Path) -> None:
    report = load_report(SAMPLES / "v2021-clean-2023.txt")
    data = json.loads(report.model_dump_json())
    del data["tables"]["T4"]["RV"]["pending"]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = [
        f for f in errors(check_file(path, get_registry(), _options()).result.findings) if f.rule == "STRUCT-T4-COLS"
    ]
    assert [(f.location.row, f.location.column) for f in found] == [("RV", "pending")]


def _options():  # type: ignore[no-untyped-def]
    from compliance.engine import Options

    return Options()


def test_table_read_ambiguous_row_is_not_guessed(tmp_path: Path) -> None:
    text = _edit_line(_sample("v2021-clean-2023.txt"), "（一）予以公开", "（一）予以公开\t16\t4")
    found = check_text(tmp_path, text)
    assert [f.location.row for f in found if f.rule == "TABLE-READ"] == ["granted"]
    # No arithmetic error is invented from a row that could not be placed; the identities say so.
    assert not [f for f in errors(found) if f.category == "arithmetic"]
    # The undone check is said once, on the check, as a warning; the reading note itself is info.
    unverified = [f for f in found if f.rule == "T3-ROW-TOTAL" and "无法核验" in f.message]
    assert [f.severity for f in unverified] == ["warning"]
    assert [f.severity for f in found if f.rule == "TABLE-READ"] == ["info"]


def test_blank_policy_derives_blank_totals(tmp_path: Path) -> None:
    text = _sample("v2021-clean-2023.txt")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("（一）予以公开"))
    fields = lines[index].split("\t")
    fields[-1] = ""
    lines[index] = "\t".join(fields) + "\t"
    found = check_text(tmp_path, "\n".join(lines))
    assert errors(found) == []
    warning = [f for f in found if f.rule == "BLANK-POLICY" and f.severity == "warning"]
    assert len(warning) == 1 and warning[0].location.row == "granted"


def test_blank_policy_filled_total_contradicting_parts_is_an_error(tmp_path: Path) -> None:
    text = _sample("v2021-clean-2023.txt")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("（一）予以公开"))
    fields = lines[index].split("\t")
    fields[2] = ""  # a component blank (read as 0) while the printed total counts it
    lines[index] = "\t".join(fields)
    found = check_text(tmp_path, "\n".join(lines))
    assert "T3-ROW-TOTAL" in _rules(found, "error")


def test_t3_col_balance_fails_when_carry_over_is_off(tmp_path: Path) -> None:
    text = _sample("v2021-clean-2023.txt")
    line = next(line for line in text.split("\n") if line.startswith("四、结转下年度继续办理"))
    fields = line.split("\t")
    fields[1] = str(int(fields[1]) + 2)
    fields[-1] = str(int(fields[-1]) + 2)  # keep the row total right: only the balance breaks
    found = [
        f for f in errors(check_text(tmp_path, text.replace(line, "\t".join(fields)))) if f.category == "arithmetic"
    ]
    assert [(f.rule, f.location.column) for f in found] == [("T3-COL-BALANCE", "natural")]
    assert found[0].actual + 2 == found[0].expected


@pytest.mark.parametrize(("rule", "row", "offset"), [("T4-LD-TOTAL", "LD", 5), ("T4-LR-TOTAL", "LR", 10)])
def test_t4_litigation_totals(tmp_path: Path, rule: str, row: str, offset: int) -> None:
    text = _sample("v2021-clean-2023.txt")
    report = load_report(SAMPLES / "v2021-clean-2023.txt")
    line_number = report.tables["T4"]["RV"]["upheld"].loc.line
    lines = text.split("\n")
    fields = lines[line_number - 1].split("\t")
    fields[offset] = str(int(fields[offset]) + 3)
    lines[line_number - 1] = "\t".join(fields)
    found = errors(check_text(tmp_path, "\n".join(lines)))
    assert [(f.rule, f.location.row, f.expected - f.actual) for f in found] == [(rule, row, 3)]


@pytest.mark.parametrize(
    ("rule", "table_line", "replacement"),
    [
        ("T3-NONNEG", "2.重复申请", "2.重复申请\t-1\t0\t0\t0\t0\t1\t0"),
        ("T2-NONNEG", "行政处罚\t", "行政处罚\t-94"),
    ],
)
def test_nonneg_rules(tmp_path: Path, rule: str, table_line: str, replacement: str) -> None:
    text = _edit_line(_sample("v2021-clean-2023.txt"), table_line, replacement)
    assert rule in _rules(check_text(tmp_path, text), "error")


def test_t4_nonneg(tmp_path: Path) -> None:
    report = load_report(SAMPLES / "v2021-clean-2023.txt")
    data = json.loads(report.model_dump_json())
    data["tables"]["T4"]["LR"]["upheld"]["value"] = -1
    data["tables"]["T4"]["LR"]["pending"]["value"] = 1
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _rules(errors(check_file(path, get_registry(), _options()).result.findings)) == ["T4-NONNEG"]


def test_v2019_delta_column_may_be_negative() -> None:
    report = load_report(SAMPLES / "v2019-clean-2020.txt")
    assert any(c["delta"].value < 0 for c in report.tables["T2"].values() if "delta" in c and c["delta"].value)
    assert "T2-NONNEG" not in _rules(check_report(report))
