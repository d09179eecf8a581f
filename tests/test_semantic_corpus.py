"""Semantic rules on the real corpus (../shared/corpus/real), per its MANIFEST.md.

Only the plain-text reader exists on every branch; files of a format without a registered reader
are skipped with the reason, and run as soon as the reader is merged. A file a reader cannot make
sense of yet (crawler dumps with run-together tables) is skipped the same way, not passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.document import LoadError
from compliance.engine import Options, check_report, get_registry, load_report
from compliance.model import Finding, Report
from conftest import CORPUS, require_shared

NARRATIVE = "narrative-consistency"
SHANGHAI_2019 = "2019_shanghai-shi-zhengfu-bangongting.html"
HONGZE_2024 = "2024_jiangsu-huaian-hongzequ-zhengfu.pdf"
PINGTAN_2022 = "2022_fujian-pingtan-zongheshiyanqu.txt"
# Every corpus report except 上海 2019 states figures that agree with its tables (MANIFEST.md), or
# differ only in scope or by counting carried-over cases: none may give a narrative error.
AGREEING = [
    "2019_fujian-pingtan-zongheshiyanqu.txt",
    "2020_fujian-pingtan-zongheshiyanqu.txt",
    "2021_fujian-pingtan-zongheshiyanqu.txt",
    "2022_fujian-pingtan-zongheshiyanqu.txt",
    "2023_fujian-pingtan-zongheshiyanqu.txt",
    "2024_fujian-pingtan-zongheshiyanqu.txt",
    "2025_fujian-pingtan-zongheshiyanqu.txt",
    "2025_jiangsu-suqian-shuyangxian-zhengfu.txt",
    "2019_fujian-pingtan-zongheshiyanqu.html",
    "2020_fujian-pingtan-zongheshiyanqu.html",
    "2021_fujian-pingtan-zongheshiyanqu.html",
    "2025_fujian-pingtan-zongheshiyanqu.html",
    "2023_jiangsu-suqian-shuyangxian-fagaiju.html",
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf",
    "2024_jiangsu-huaian-hongzequ-zhengfu.pdf",
    "2024_jiangsu-huaian-shi-zhengfu.pdf",
    "2024_shanghai-shi-kewei.md",
    "2025_shanghai-shi-zhengfu-bangongting.md",
]


def _load_or_skip(name: str) -> Report:
    require_shared()
    path = CORPUS / name
    suffix = Path(name).suffix.lower()
    if not any(suffix in getattr(reader, "extensions", ()) for reader in get_registry().readers):
        pytest.skip(f"no reader for {suffix} files is registered on this branch")
    try:
        return load_report(path)
    except LoadError as exc:
        pytest.skip(f"{name} cannot be read by the current readers yet: {exc.message_en or exc.message}")


def _narrative(report: Report) -> list[Finding]:
    return [f for f in check_report(report, get_registry(), Options()) if f.category == NARRATIVE]


@pytest.mark.parametrize("name", AGREEING)
def test_corpus_agreeing_prose_gives_no_narrative_error(name: str) -> None:
    report = _load_or_skip(name)
    errors = [f for f in _narrative(report) if f.severity == "error"]
    assert errors == [], [f"{f.rule} {f.message}" for f in errors]


def test_corpus_shanghai_2019_prose_contradicts_table() -> None:
    report = _load_or_skip(SHANGHAI_2019)
    found = _narrative(report)
    # 予以公开及部分公开258件 vs 272 + 3; 无法提供265件 vs 265 + 47 + 25 (MANIFEST.md).
    by_row = {(f.location.row, f.actual): f for f in found}
    assert ("granted+partial", 258) in by_row or ("@unable", 265) in by_row, [f.message for f in found]
    for key, expected in ((("granted+partial", 258), 275), (("@unable", 265), 337)):
        if key in by_row:
            assert by_row[key].expected == expected


def test_corpus_hongze_2024_sub_unit_figure_is_at_most_warning() -> None:
    report = _load_or_skip(HONGZE_2024)
    seventeen = [c for c in report.claims if c.value == 17 and c.target == "T3.new.total"]
    assert seventeen and seventeen[0].scope is not None
    assert all(f.severity != "error" for f in _narrative(report))


def test_corpus_pingtan_2022_received_including_carried_in_is_warning() -> None:
    report = _load_or_skip(PINGTAN_2022)
    found = [f for f in _narrative(report) if f.actual == 75]
    assert [f.severity for f in found] in ([], ["warning"])
