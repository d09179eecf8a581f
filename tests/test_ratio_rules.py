"""Key ratios: exact values on the result, the summary CSV, and info notes only past a configured threshold."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compliance.batch import summary_rows
from compliance.engine import Options, check_file, get_registry, load_report, summarise
from compliance.model import Finding, KeyRatios, ReportResult
from conftest import SAMPLES
from helpers import replace_field, sample_variant

CLEAN21 = SAMPLES / "v2021-clean-2023.txt"


def _check(tmp_path: Path, text: str, previous: Path | None = None, **options: object) -> ReportResult:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    before = load_report(previous) if previous else None
    return check_file(path, get_registry(), Options(**options), before).result  # type: ignore[arg-type]


def ratio_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule in ("KEY-RATIOS", "APPLICATIONS-YOY")]


def test_clean_sample_ratios_are_exact(tmp_path: Path) -> None:
    ratios = _check(tmp_path, CLEAN21.read_text(encoding="utf-8")).ratios
    assert ratios is not None
    # T4: 结果纠正 1 of 4 + 2 + 0 cases; T3: (20 + 4) / 40 disclosed, 1+1+2+1+1 of 40 denied.
    assert ratios.correction_rate == Decimal("0.1667")
    assert ratios.disclosure_rate == Decimal("0.6") and ratios.denial_share == Decimal("0.15")
    assert ratios.applications == 41 and ratios.applications_change is None and ratios.uncertain == []


def test_zero_base_gives_no_ratio() -> None:
    assert KeyRatios(applications=5).with_previous(KeyRatios(applications=0)).applications_change is None
    change = KeyRatios(applications=30).with_previous(KeyRatios(applications=20, uncertain=["applications"]))
    assert change.applications_change == Decimal("0.5") and change.uncertain == ["applications_change"]


def test_no_threshold_no_finding(tmp_path: Path) -> None:
    assert ratio_findings(_check(tmp_path, CLEAN21.read_text(encoding="utf-8")).findings) == []


def test_threshold_crossed_gives_info(tmp_path: Path) -> None:
    options = {"KEY-RATIOS": {"disclosure_rate_below": "0.7", "denial_share_above": "0.2"}}
    result = _check(tmp_path, CLEAN21.read_text(encoding="utf-8"), rule_options=options)
    (found,) = ratio_findings(result.findings)
    assert found.severity == "info" and "实质公开率为 60.00%" in found.message
    assert (found.actual, found.expected) == (Decimal("0.6"), Decimal("0.7"))


def test_year_over_year_change_with_previous(tmp_path: Path) -> None:
    last = tmp_path / "last.txt"
    text = sample_variant(CLEAN21, "青岚市自然资源和规划局", 2022)
    text = replace_field(text, "一、本年新收", 0, "9")  # 30 → 9 new applications from natural persons
    last.write_text(replace_field(text, "一、本年新收", 6, "20"), encoding="utf-8")
    options = {"APPLICATIONS-YOY": {"applications_change_beyond": "0.5"}}
    result = _check(tmp_path, CLEAN21.read_text(encoding="utf-8"), previous=last, rule_options=options)
    assert result.ratios is not None and result.ratios.applications_change == Decimal("1.05")  # (41 − 20) / 20
    (found,) = ratio_findings(result.findings)
    assert found.rule == "APPLICATIONS-YOY" and "105.00%" in found.message


def test_summary_rows_carry_the_ratios(tmp_path: Path) -> None:
    result = _check(tmp_path, CLEAN21.read_text(encoding="utf-8"))
    (row,) = summary_rows(summarise([result]))
    assert (row["disclosure_rate"], row["denial_share"], row["applications_change"]) == ("0.6000", "0.1500", "")
    assert row["correction_rate"] == "0.1667"


def test_batch_pairs_give_the_year_over_year_change(tmp_path: Path) -> None:
    from compliance.batch import run_batch

    now, then = tmp_path / "now.txt", tmp_path / "then.txt"
    now.write_text(sample_variant(CLEAN21, "云溪市测试局", 2024), encoding="utf-8")
    last = replace_field(sample_variant(CLEAN21, "云溪市测试局", 2023), "一、本年新收", 0, "9")
    then.write_text(replace_field(last, "一、本年新收", 6, "20"), encoding="utf-8")
    outcome = run_batch([now, then], Options())
    by_name = {Path(c.result.source).name: c.result.ratios for c in outcome.checked}
    assert by_name["now.txt"] is not None and by_name["now.txt"].applications_change == Decimal("1.05")
    assert by_name["then.txt"] is not None and by_name["then.txt"].applications_change is None


def test_ratios_are_shown_in_the_workbook_and_the_html_report(tmp_path: Path) -> None:
    import json
    from decimal import Decimal

    import openpyxl
    from click.testing import CliRunner

    from compliance.cli import cli
    from compliance.model import RATIO_COLUMNS, RATIO_NAMES

    runner = CliRunner()
    args = ["check", str(SAMPLES), "--isolated", "--fail-on", "never"]
    document = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    expected = [[r["ratios"][name] if r.get("ratios") else None for name in RATIO_COLUMNS] for r in document["reports"]]
    assert any(value is not None for row in expected for value in row)
    book = tmp_path / "list.xlsx"
    runner.invoke(cli, [*args, "--format", "xlsx", "-o", str(book)])
    sheet = openpyxl.load_workbook(book)["报告汇总"]
    header = [cell.value for cell in sheet[1]]
    at = [header.index(RATIO_NAMES[name]) for name in RATIO_COLUMNS]
    rows = [[row[i] for i in at] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [[None if v is None else float(Decimal(str(v))) for v in row] for row in expected]
    page = tmp_path / "report.html"
    runner.invoke(cli, [*args, "--format", "html", "-o", str(page)])
    html = page.read_text(encoding="utf-8")
    import re

    shown = [(name, Decimal(value)) for name, value in re.findall(r'data-ratio="(\w+)" data-value="([^"]+)"', html)]
    wanted = [
        (n, Decimal(str(v))) for row in expected for n, v in zip(RATIO_COLUMNS, row, strict=True) if v is not None
    ]
    assert shown == wanted
