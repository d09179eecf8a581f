"""PUB-DEADLINE: the stated publication or signing date against 条例第四十九条's deadlines."""

from __future__ import annotations

from pathlib import Path

from compliance.model import Finding
from conftest import SAMPLES
from helpers import check_text

CLEAN = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8")  # a 局 (department), 2023


def deadline(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "PUB-DEADLINE"]


def with_header(line: str, text: str = CLEAN) -> str:
    title, _, rest = text.partition("\n")
    assert title.endswith("2023年政府信息公开工作年度报告")
    return f"{title}\n\n{line}\n{rest}"


def signed(date: str, text: str = CLEAN) -> str:
    return text.rstrip("\n") + f"\n\n青岚市自然资源和规划局\n\n{date}\n"


def test_undated_report_is_not_checked(tmp_path: Path) -> None:
    assert deadline(check_text(tmp_path, CLEAN)) == []


def test_department_published_after_31_january_is_late(tmp_path: Path) -> None:
    (found,) = deadline(check_text(tmp_path, with_header("发布日期：2024-02-20")))
    assert (found.severity, found.category, found.actual) == ("warning", "timeliness", 20)
    assert "2024-01-31" in found.message and "部门" in found.message


def test_department_published_by_31_january_passes(tmp_path: Path) -> None:
    assert deadline(check_text(tmp_path, with_header("发布时间: 2024-01-31 09:00"))) == []


def test_government_has_until_31_march(tmp_path: Path) -> None:
    text = with_header("公开日期：2024-03-08", CLEAN.replace("青岚市自然资源和规划局", "青岚县人民政府"))
    assert deadline(check_text(tmp_path, text)) == []
    text = with_header("公开日期：2024-04-02", CLEAN.replace("青岚市自然资源和规划局", "青岚县人民政府"))
    (found,) = deadline(check_text(tmp_path, text))
    assert "2024-03-31" in found.message and found.actual == 2


def test_late_signing_date_is_late_and_early_one_proves_nothing(tmp_path: Path) -> None:
    (found,) = deadline(check_text(tmp_path, signed("2024年2月5日")))
    assert "落款日期" in found.message and found.actual == 5
    assert deadline(check_text(tmp_path, signed("二〇二四年一月十七日"))) == []
    (found,) = deadline(check_text(tmp_path, signed("二〇二四年二月十日")))
    assert found.actual == 10


def test_publication_date_wins_over_signing_date(tmp_path: Path) -> None:
    text = signed("2024年1月20日", with_header("发布日期：2024-02-03"))
    (found,) = deadline(check_text(tmp_path, text))
    assert "发布日期" in found.message and found.actual == 3


def test_date_inside_the_report_year_is_ignored(tmp_path: Path) -> None:
    assert deadline(check_text(tmp_path, with_header("发布日期：2023-02-20"))) == []


def test_manifest_date_wins_and_is_matched_by_path_or_agency(tmp_path: Path) -> None:
    manifest = tmp_path / "published.csv"
    manifest.write_text("path,agency,year,published\nreport.txt,,,2024-02-02\n", encoding="utf-8")
    options = {"PUB-DEADLINE": {"manifest": str(manifest)}}
    (found,) = deadline(check_text(tmp_path, signed("2024年1月20日"), rule_options=options))
    assert "登记的发布日期" in found.message and found.actual == 2
    manifest.write_text("agency,year,published\n青岚市自然资源和规划局,2023,2024-01-30\n", encoding="utf-8")
    assert deadline(check_text(tmp_path, with_header("发布日期：2024-02-20"), rule_options=options)) == []


def test_unusable_manifest_is_a_configuration_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compliance.cli import cli

    config = tmp_path / "compliance.toml"
    config.write_text('[options.PUB-DEADLINE]\nmanifest = "missing.csv"\n', encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(CLEAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(report), "--config", str(config)])
    assert result.exit_code == 2 and "publication-date manifest" in result.output
