"""Hybrid tables: a sub-table of 二 printed under the other version's column headers is read as printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import to_docx, to_html

from compliance.engine import Options, check_file, get_registry, load_report
from compliance.model import Finding, Report
from conftest import SAMPLES

V2021 = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")
V2019 = (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8")
NEW_HEADER = "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"
OLD_HEADER = "信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量"


def _write(tmp_path: Path, text: str, form: str) -> Path:
    path = tmp_path / f"report.{form}"
    if form == "txt":
        path.write_text(text, encoding="utf-8")
    elif form == "html":
        path.write_text(to_html(text), encoding="utf-8")
    else:
        path.write_bytes(to_docx(text))
    return path


def _check(path: Path) -> tuple[Report, list[Finding]]:
    return load_report(path, get_registry()), check_file(path, get_registry(), Options()).result.findings


@pytest.mark.parametrize("form", ["txt", "html", "docx"])
def test_hybrid_new_report_with_old_headers_in_subtable_one(tmp_path: Path, form: str) -> None:
    assert NEW_HEADER in V2021
    report, findings = _check(_write(tmp_path, V2021.replace(NEW_HEADER, OLD_HEADER), form))
    info = report.table_info["T2"]
    assert report.template == "V2021" and info.layout == "V2021"
    assert info.row_layouts == {"reg": "V2019", "norm": "V2019"}
    # The values sit in the columns actually printed, never in columns that mean something else.
    assert set(report.tables["T2"]["norm"]) == {"made", "pub", "total"}
    assert set(report.tables["T2"]["license"]) == {"decisions"}
    (version,) = [f for f in findings if f.rule == "VER-MATCH"]
    assert version.severity == "error" and version.location.table == "T2" and "混用" in version.message
    assert "规章" in version.message and "行政规范性文件" in version.message
    # A V2021 rule on those rows cannot compare different quantities: it says so, once, as info.
    (valid,) = [f for f in findings if f.rule == "T2V21-VALID-GE-MADE"]
    assert valid.severity == "info" and "无法核验" in valid.message


def test_hybrid_old_report_with_new_headers_in_subtable_one(tmp_path: Path) -> None:
    assert OLD_HEADER in V2019
    report, findings = _check(_write(tmp_path, V2019.replace(OLD_HEADER, NEW_HEADER), "txt"))
    info = report.table_info["T2"]
    assert report.template == "V2019"
    assert info.row_layouts == {"reg": "V2021", "norm": "V2021"}
    assert set(report.tables["T2"]["reg"]) == {"made", "repealed", "valid"}
    (version,) = [f for f in findings if f.rule == "VER-MATCH"]
    assert version.severity == "error" and "尚未施行" in version.message


def test_hybrid_headers_of_the_report_version_change_nothing(tmp_path: Path) -> None:
    report, findings = _check(_write(tmp_path, V2021, "txt"))
    assert report.table_info["T2"].row_layouts == {}
    assert not [f for f in findings if f.rule == "VER-MATCH"]


def test_hybrid_header_without_distinctive_label_decides_nothing(tmp_path: Path) -> None:
    # 处理决定数量 is part of the 2021 label 本年处理决定数量: it names no version on its own.
    text = V2021.replace("信息内容\t本年处理决定数量", "信息内容\t处理决定数量")
    report, findings = _check(_write(tmp_path, text, "txt"))
    assert report.table_info["T2"].row_layouts == {}
    assert set(report.tables["T2"]["license"]) == {"decisions"}
    assert not [f for f in findings if f.rule == "VER-MATCH"]
