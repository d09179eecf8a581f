"""Every real text report of ../shared/corpus/real (and the seed) read as MANIFEST.md states.

The expected cells below are the published values that MANIFEST.md lists for each file; the
engine must find them without knowing any file (src never names a corpus document).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.engine import Options, check_file, get_registry, load_report
from compliance.model import CellStatus, Report
from conftest import CORPUS, SEED, require_shared

T3_COLUMNS = ["natural", "biz", "research", "ngo", "legal", "other_org", "total"]
T4_ROWS = ["RV", "LD", "LR"]
T4_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]
ZEROS = [0, 0, 0, 0, 0]

# file → template, year, T3 rows (applicant columns + 总计), T4 (复议 | 直接起诉 | 复议后起诉).
EXPECTED: dict[str, dict] = {
    "2019_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2019",
        "year": 2019,
        "t3": {
            "new": [23, 0, 0, 0, 0, 0, 23],
            "granted": [7, 0, 0, 0, 0, 0, 7],
            "partial": [1, 0, 0, 0, 0, 0, 1],
            "unable.not_held": [7, 0, 0, 0, 0, 0, 7],
            "unable.unclear": [5, 0, 0, 0, 0, 0, 5],
            "noproc.repeat": [3, 0, 0, 0, 0, 0, 3],
            "result_total": [23, 0, 0, 0, 0, 0, 23],
        },
        "t4": [ZEROS, ZEROS, ZEROS],
    },
    "2020_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2019",
        "year": 2020,
        "t3": {
            "new": [20, 0, 0, 0, 0, 1, 21],
            "carried_in": [0, 0, 0, 0, 0, 0, 0],
            "granted": [6, 0, 0, 0, 0, 1, 7],
            "partial": [6, 0, 0, 0, 0, 0, 6],
            "unable.not_held": [4, 0, 0, 0, 0, 0, 4],
            "unable.unclear": [3, 0, 0, 0, 0, 0, 3],
            "noproc.repeat": [3, 0, 0, 0, 0, 0, 3],
            "other": [4, 0, 0, 0, 0, 0, 4],
            "result_total": [20, 0, 0, 0, 0, 1, 21],
            "carried_out": [0, 0, 0, 0, 0, 0, 0],
        },
        "t4": [ZEROS, ZEROS, ZEROS],
    },
    "2021_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2021",
        "year": 2021,
        "t3": {
            "new": [64, 0, 0, 2, 0, 4, 70],
            "result_total": [63, 0, 0, 2, 0, 4, 69],
            "carried_out": [1, 0, 0, 0, 0, 0, 1],
        },
        "t4": [[1, 0, 2, 0, 3], [12, 0, 0, 0, 12], ZEROS],
    },
    "2022_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2021",
        "year": 2022,
        "t3": {
            "new": [71, 3, 0, 0, 0, 0, 74],
            "carried_in": [1, 0, 0, 0, 0, 0, 1],
            "result_total": [72, 3, 0, 0, 0, 0, 75],
        },
        "t4": [[0, 1, 1, 0, 2], [1, 0, 0, 0, 1], ZEROS],
    },
    "2023_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2021",
        "year": 2023,
        "t3": {"new": [80, 1, 0, 0, 0, 0, 81], "result_total": [80, 1, 0, 0, 0, 0, 81]},
        "t4": [[1, 1, 0, 0, 2], [4, 0, 0, 1, 5], [1, 0, 1, 0, 2]],
    },
    "2024_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2021",
        "year": 2024,
        "t3": {"new": [217, 1, 0, 0, 0, 0, 218], "result_total": [217, 1, 0, 0, 0, 0, 218]},
        "t4": [[2, 1, 3, 1, 7], ZEROS, [13, 2, 4, 0, 19]],
    },
    "2025_fujian-pingtan-zongheshiyanqu.txt": {
        "template": "V2021",
        "year": 2025,
        "t3": {
            "new": [151, 3, 0, 0, 0, 0, 154],
            "result_total": [147, 1, 0, 0, 0, 0, 148],
            "carried_out": [4, 2, 0, 0, 0, 0, 6],
        },
        "t4": [[25, 3, 8, 0, 36], [3, 3, 0, 0, 6], [3, 0, 0, 0, 3]],
    },
    "2025_jiangsu-suqian-shuyangxian-zhengfu.txt": {
        "template": "V2021",
        "year": 2025,
        "t3": {
            "new": [705, 3, 0, 0, 5, 0, 713],
            "carried_in": [36, 0, 0, 0, 0, 0, 36],
            "result_total": [710, 3, 0, 0, 5, 0, 718],
            "carried_out": [31, 0, 0, 0, 0, 0, 31],
        },
        "t4": [[27, 10, 9, 15, 61], [3, 0, 0, 0, 3], [8, 0, 1, 1, 10]],
    },
}
# The real arithmetic errors MANIFEST.md records for text reports: (rule, column) → (expected, actual).
REAL_ERRORS = {
    "2020_fujian-pingtan-zongheshiyanqu.txt": {
        ("T3-RESULT-SUM", "natural"): (26, 20),
        ("T3-RESULT-SUM", "total"): (27, 21),
    }
}


def _text_files() -> list[str]:
    if not CORPUS.is_dir():
        return sorted(EXPECTED)
    return sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    require_shared()
    return {name: load_report(CORPUS / name) for name in _text_files()}


def test_corpus_text_every_file_has_expectations() -> None:
    require_shared()
    assert set(_text_files()) == set(EXPECTED), "a .txt file was added to the corpus: add its MANIFEST facts here"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_text_template_year_and_sections(name: str, reports: dict[str, Report]) -> None:
    report = reports[name]
    assert (report.template, report.year) == (EXPECTED[name]["template"], EXPECTED[name]["year"])
    assert [s.key for s in report.sections] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert report.agency in ("平潭综合实验区", "沐阳县人民政府")  # 沐阳: the OCR's own misreading


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_text_t3_cells_match_manifest(name: str, reports: dict[str, Report]) -> None:
    t3 = reports[name].tables["T3"]
    for row, values in EXPECTED[name]["t3"].items():
        assert [t3[row][c].value for c in T3_COLUMNS] == values, row
    expected_rows = 23 if EXPECTED[name]["template"] == "V2019" else 25
    assert len(t3) == expected_rows
    assert all(c.status is not CellStatus.ambiguous for cells in t3.values() for c in cells.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_text_t4_cells_match_manifest(name: str, reports: dict[str, Report]) -> None:
    t4 = reports[name].tables["T4"]
    for row, values in zip(T4_ROWS, EXPECTED[name]["t4"], strict=True):
        assert [t4[row][c].value for c in T4_COLUMNS] == values, row


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_text_arithmetic_errors_are_the_real_ones(name: str) -> None:
    require_shared()
    result = check_file(CORPUS / name, get_registry(), Options()).result
    arithmetic = {
        (f.rule, f.location.column): (f.expected, f.actual)
        for f in result.findings
        if f.category == "arithmetic" and f.severity == "error"
    }
    assert arithmetic == REAL_ERRORS.get(name, {})
    assert not [f for f in result.findings if f.category in ("input", "version")]
    assert not [f for f in result.findings if f.rule == "STRUCT-TABLE-PRESENT"]


def test_corpus_text_inferred_split_is_marked_and_not_claimed(reports: dict[str, Report]) -> None:
    """Pingtan 2021 new row 640020470 is split by its row identity: cells inferred, identity unverifiable."""
    report = reports["2021_fujian-pingtan-zongheshiyanqu.txt"]
    assert {c.status for c in report.tables["T3"]["new"].values()} == {CellStatus.inferred}
    notes = [n for n in report.notes if n.code == "inferred-split" and n.row == "new"]
    assert [n.identity for n in notes] == ["T3-ROW-TOTAL"]
    findings = check_file(CORPUS / "2021_fujian-pingtan-zongheshiyanqu.txt", get_registry(), Options()).result.findings
    # Said once for every row the identity split: an info naming the row, never an error.
    row_total = [f for f in findings if f.rule == "T3-ROW-TOTAL"]
    assert [f.severity for f in row_total] == ["info"]
    assert "new" in (row_total[0].message_en or "").split(": ")[0]
    assert "本年新收" in row_total[0].message


def test_corpus_text_crawler_header_does_not_confuse_title(reports: dict[str, Report]) -> None:
    for name, report in reports.items():
        if "pingtan" in name:
            assert report.agency == "平潭综合实验区"
            assert report.title is not None and str(report.year) in report.title


def test_corpus_text_seed_still_reads_clean() -> None:
    require_shared()
    result = check_file(SEED, get_registry(), Options()).result
    assert [f for f in result.findings if f.severity != "info"] == []


def test_corpus_text_samples_unchanged() -> None:
    """Our samples: the faults sample keeps its five errors, the clean ones none."""
    samples = Path(__file__).resolve().parents[1] / "reports"
    for path in sorted(samples.glob("*.txt")):
        errors = [f for f in check_file(path, get_registry(), Options()).result.findings if f.severity == "error"]
        assert len(errors) == (5 if "faults" in path.name else 0), path.name
