"""Every real .html, .pdf and .md report of ../shared/corpus/real read through the engine.

Expected values are the facts MANIFEST.md states about each report (published totals, the real
arithmetic errors); nothing in src knows these files.
"""

from __future__ import annotations

import pytest

from compliance.engine import Options, check_file, get_registry
from compliance.model import Finding, Report
from conftest import CORPUS, require_shared

FORMATS = (".html", ".pdf", ".md")
# file → (template, year)
EXPECTED = {
    "2019_fujian-pingtan-zongheshiyanqu.html": ("V2019", 2019),
    "2019_shanghai-shi-zhengfu-bangongting.html": ("V2019", 2019),
    "2020_fujian-pingtan-zongheshiyanqu.html": ("V2019", 2020),
    "2021_fujian-pingtan-zongheshiyanqu.html": ("V2021", 2021),
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf": ("V2021", 2023),
    "2023_jiangsu-suqian-shuyangxian-fagaiju.html": ("V2021", 2023),
    "2024_jiangsu-huaian-hongzequ-zhengfu.pdf": ("V2021", 2024),
    "2024_jiangsu-huaian-shi-zhengfu.pdf": ("V2021", 2024),
    "2024_shanghai-shi-kewei.md": ("V2021", 2024),
    "2025_fujian-pingtan-zongheshiyanqu.html": ("V2021", 2025),
    "2025_shanghai-shi-zhengfu-bangongting.md": ("V2021", 2025),
}
COLUMNS = ("natural", "biz", "research", "ngo", "legal", "other_org", "total")
T4_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
# Published cells (MANIFEST.md): file → {(table, row): values in column order}
PUBLISHED = {
    "2024_jiangsu-huaian-shi-zhengfu.pdf": {
        ("T3", "new"): (3001, 53, 0, 0, 61, 4, 3119),
        ("T3", "carried_in"): (34, 0, 0, 0, 0, 0, 34),
        ("T3", "result_total"): (2932, 53, 0, 0, 61, 4, 3050),
        ("T3", "carried_out"): (103, 0, 0, 0, 0, 0, 103),
        ("T4", "RV"): (72, 64, 178, 37, 351),
        ("T4", "LD"): (13, 4, 8, 1, 26),
        ("T4", "LR"): (12, 1, 1, 6, 20),
    },
    "2024_jiangsu-huaian-hongzequ-zhengfu.pdf": {
        ("T4", "RV"): (1, 1, 0, 0, 2),
        ("T4", "LD"): (1, 0, 0, 0, 1),
        ("T4", "LR"): (2, 0, 1, 0, 3),
    },
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf": {
        ("T3", "new"): (21, 0, 0, 0, 0, 0, 21),
        ("T3", "result_total"): (21, 0, 0, 0, 0, 0, 21),
        ("T4", "RV"): (10, 1, 0, 0, 0),
        ("T4", "LR"): (5, 0, 0, 0, 0),
    },
    "2025_shanghai-shi-zhengfu-bangongting.md": {
        ("T3", "new"): (1259, 36, 0, 0, 0, 0, 1295),
        ("T3", "carried_in"): (170, 15, 0, 0, 4, 0, 189),
        ("T3", "result_total"): (1139, 48, 0, 0, 4, 0, 1191),
        ("T3", "carried_out"): (290, 3, 0, 0, 0, 0, 293),
        ("T4", "RV"): (40, 0, 10, 5, 55),
        ("T4", "LD"): (2, 0, 4, 6, 12),
        ("T4", "LR"): (6, 0, 9, 7, 22),
    },
    "2024_shanghai-shi-kewei.md": {
        ("T3", "new"): (32, 2, 0, 0, 0, 0, 34),
        ("T3", "result_total"): (33, 2, 0, 0, 0, 0, 35),
    },
    "2019_shanghai-shi-zhengfu-bangongting.html": {
        ("T3", "new"): (821, 35, None, None, 2, 1, 859),
        ("T3", "result_total"): (767, 35, None, None, 2, 1, 805),
        ("T3", "carried_out"): (72, None, None, None, None, None, 72),
        ("T4", "RV"): (5, None, None, 2, 7),
        ("T4", "LD"): (8, None, None, 1, 9),
    },
    "2019_fujian-pingtan-zongheshiyanqu.html": {
        ("T3", "new"): (23, 0, 0, 0, 0, 0, 23),
        ("T3", "result_total"): (23, 0, 0, 0, 0, 0, 23),
    },
    "2020_fujian-pingtan-zongheshiyanqu.html": {
        ("T3", "new"): (20, 0, 0, 0, 0, 1, 21),
        ("T3", "granted"): (6, 0, 0, 0, 0, 1, 7),
        ("T3", "unable.not_held"): (4, 0, 0, 0, 0, 0, 4),
        ("T3", "noproc.repeat"): (3, 0, 0, 0, 0, 0, 3),
        ("T3", "other"): (4, 0, 0, 0, 0, 0, 4),
        ("T3", "result_total"): (20, 0, 0, 0, 0, 1, 21),
    },
    "2021_fujian-pingtan-zongheshiyanqu.html": {
        ("T3", "new"): (64, 0, 0, 2, 0, 4, 70),
        ("T3", "result_total"): (63, 0, 0, 2, 0, 4, 69),
        ("T3", "carried_out"): (1, 0, 0, 0, 0, 0, 1),
        ("T4", "RV"): (1, 0, 2, 0, 3),
        ("T4", "LD"): (12, 0, 0, 0, 12),
    },
    "2025_fujian-pingtan-zongheshiyanqu.html": {
        ("T3", "new"): (151, 3, 0, 0, 0, 0, 154),
        ("T3", "result_total"): (147, 1, 0, 0, 0, 0, 148),
        ("T3", "carried_out"): (4, 2, 0, 0, 0, 0, 6),
        ("T4", "RV"): (25, 3, 8, 0, 36),
        ("T4", "LD"): (3, 3, 0, 0, 6),
        ("T4", "LR"): (3, 0, 0, 0, 3),
    },
    "2023_jiangsu-suqian-shuyangxian-fagaiju.html": {
        ("T3", "new"): (26, None, None, None, None, None, 26),
        ("T4", "RV"): (0, 0, 0, 1, 1),
    },
}
# The real arithmetic errors: file → {(rule, row, column, expected, actual)}
REAL_ERRORS = {
    "2023_jiangsu-huaian-hongzequ-zhengfu.pdf": {
        ("T4-RV-TOTAL", 11, 0),
        ("T4-LR-TOTAL", 5, 0),
    },
    "2020_fujian-pingtan-zongheshiyanqu.html": {
        ("T3-RESULT-SUM", 26, 20),
        ("T3-RESULT-SUM", 27, 21),
    },
}


def corpus_files() -> list[str]:
    return sorted(EXPECTED)


@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[Report | None, list[Finding]]]:
    require_shared()
    registry = get_registry()
    results = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in FORMATS and path.name != "MANIFEST.md":
            outcome = check_file(path, registry, Options())
            results[path.name] = (outcome.report, outcome.result.findings)
    return results


def test_corpus_has_every_expected_document(checked: dict) -> None:
    assert sorted(checked) == corpus_files(), "a corpus .html/.pdf/.md file was added or removed: update EXPECTED"


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_document_loads_with_template_and_year(checked: dict, name: str) -> None:
    report, findings = checked[name]
    assert report is not None, [f.message for f in findings]
    assert (report.template, report.year) == EXPECTED[name]
    assert {"T3", "T4"} <= set(report.tables)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_corpus_document_cells_match_published_values(checked: dict, name: str) -> None:
    report, _ = checked[name]
    assert report is not None
    for (table, row), published in PUBLISHED[name].items():
        columns = COLUMNS if table == "T3" else T4_COLUMNS
        cells = report.tables[table][row]
        assert tuple(cells[c].value for c in columns) == published, (table, row)


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_arithmetic_errors_are_exactly_the_real_ones(checked: dict, name: str) -> None:
    _, findings = checked[name]
    found = {(f.rule, f.expected, f.actual) for f in findings if f.category == "arithmetic" and f.severity == "error"}
    assert found == REAL_ERRORS.get(name, set())


def test_corpus_blank_total_column_derived_not_an_error(checked: dict) -> None:
    _, findings = checked["2019_shanghai-shi-zhengfu-bangongting.html"]
    assert any(f.rule == "BLANK-POLICY" and f.severity == "warning" for f in findings)


def test_corpus_pdf_locations_carry_pages(checked: dict) -> None:
    report, _ = checked["2023_jiangsu-huaian-hongzequ-zhengfu.pdf"]
    assert report is not None
    rv_total = report.tables["T4"]["RV"]["total"]
    assert rv_total.loc is not None and rv_total.loc.page == 4 and rv_total.loc.line is not None
