"""ROLLUP-CELLS: every cell of a parent region's tables against the sum of its children's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from compliance.batch import BatchOptions, run_batch
from compliance.batch.regions import read_manifest
from compliance.engine import Options
from compliance.model import Finding
from conftest import SAMPLES
from helpers import replace_field, sample_variant

CLEAN21 = SAMPLES / "v2021-clean-2023.txt"
CLEAN19 = SAMPLES / "v2019-clean-2020.txt"


def _cells(tmp_path: Path, texts: dict[str, str], manifest: str) -> list[Finding]:
    files = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    (tmp_path / "regions.csv").write_text(manifest, encoding="utf-8")
    outcome = run_batch(files, Options(), BatchOptions(regions=read_manifest(tmp_path / "regions.csv")))
    return [f for c in outcome.checked for f in c.result.findings if f.rule == "ROLLUP-CELLS"]


ONE_CHILD = "path,region,parent\ncity.txt,云溪市,\neast.txt,东区,云溪市\n"
TWO_CHILDREN = ONE_CHILD + "west.txt,西区,云溪市\n"


def _variant(agency: str, sample: Path = CLEAN21, year: int = 2023) -> str:
    return sample_variant(sample, agency, year)


def test_parent_equal_to_its_child_in_every_cell_passes(tmp_path: Path) -> None:
    texts = {"city.txt": _variant("云溪市人民政府"), "east.txt": _variant("云溪市东区")}
    assert _cells(tmp_path, texts, ONE_CHILD) == []


def test_one_component_cell_differing_is_found_although_totals_agree(tmp_path: Path) -> None:
    # 予以公开 自然人 14 → 13 and 部分公开 自然人 3 → 4: every total still agrees.
    city = replace_field(_variant("云溪市人民政府"), "（一）予以公开", 0, "13")
    city = replace_field(city, "（二）部分公开", 0, "4")
    texts = {"city.txt": city, "east.txt": _variant("云溪市东区")}
    (found,) = _cells(tmp_path, texts, ONE_CHILD)
    assert found.severity == "warning" and found.location.table == "T3"
    assert found.location.column == "natural" and found.location.row in ("granted", "partial")
    assert "2 个单元格" in found.message and "东区" in found.message


def test_child_left_out_is_named(tmp_path: Path) -> None:
    # The parent printed only one of its two children's figures in every cell.
    texts = {
        "city.txt": _variant("云溪市人民政府"),
        "east.txt": _variant("云溪市东区"),
        "west.txt": _variant("云溪市西区"),
    }
    found = {f.location.table: f for f in _cells(tmp_path, texts, TWO_CHILDREN)}
    assert set(found) == {"T2", "T3", "T4"}
    t3 = found["T3"]
    assert (t3.location.row, t3.location.column) == ("new", "total")
    assert (t3.expected, t3.actual) == (82, 41)
    assert "可能漏计或重复计入" in t3.message and ("东区" in t3.message or "西区" in t3.message)


def test_money_cells_compare_within_tolerance(tmp_path: Path) -> None:
    fee = "行政事业性收费\t12.5"
    east = _variant("云溪市东区")
    assert fee in east
    close = _variant("云溪市人民政府").replace(fee, "行政事业性收费\t12.50005")
    assert _cells(tmp_path, {"city.txt": close, "east.txt": east}, ONE_CHILD) == []
    far = _variant("云溪市人民政府").replace(fee, "行政事业性收费\t12.5002")
    (found,) = _cells(tmp_path, {"city.txt": far, "east.txt": east}, ONE_CHILD)
    assert (found.location.row, found.expected, found.actual) == ("fee", Decimal("12.5"), Decimal("12.5002"))


def test_signed_change_column_adds_as_signed_numbers(tmp_path: Path) -> None:
    east = replace_field(_variant("云溪区东区", CLEAN19, 2020), "行政许可", 1, "-3")
    city = replace_field(_variant("云溪市人民政府", CLEAN19, 2020), "行政许可", 1, "-3")
    assert _cells(tmp_path, {"city.txt": city, "east.txt": east}, ONE_CHILD) == []
    city = replace_field(city, "行政许可", 1, "+3")
    (found,) = _cells(tmp_path, {"city.txt": city, "east.txt": east}, ONE_CHILD)
    assert (found.location.row, found.location.column, found.expected, found.actual) == ("license", "delta", -3, 3)


def test_child_without_the_table_is_named_and_not_summed(tmp_path: Path) -> None:
    east = _variant("云溪市东区")
    start = east.index("四、政府信息公开行政复议、行政诉讼情况")
    end = east.index("五、", start)
    east = east[:start] + "四、政府信息公开行政复议、行政诉讼情况\n\n本年度无相关情况。\n\n" + east[end:]
    texts = {"city.txt": _variant("云溪市人民政府"), "east.txt": east}
    (found,) = _cells(tmp_path, texts, ONE_CHILD)
    assert found.location.table == "T4" and found.severity == "info" and "东区" in found.message


def _single_other_row(text: str, figures: str) -> str:
    """The report with its V2021 （六） group of three rows printed as V2019's single row."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("（六）其他处理"))
    lines[start : start + 4] = [f"（六）其他处理\t{figures}"]
    return "\n".join(lines)


def test_child_on_the_single_other_row_is_compared_with_the_parents_group_sum(tmp_path: Path) -> None:
    # The parent's three （六） rows hold 1/0/0/0/0/0/1, 0…0 and 0/0/0/0/0/1/1: summed, 1 0 0 0 0 1 2.
    city = _variant("云溪市人民政府")
    agreeing = _single_other_row(_variant("云溪市东区"), "1\t0\t0\t0\t0\t1\t2")
    assert _cells(tmp_path, {"city.txt": city, "east.txt": agreeing}, ONE_CHILD) == []
    differing = _single_other_row(_variant("云溪市东区"), "2\t0\t0\t0\t0\t1\t3")
    found = _cells(tmp_path, {"city.txt": city, "east.txt": differing}, ONE_CHILD)
    (t3,) = [f for f in found if f.location.table == "T3"]
    assert (t3.location.row, t3.location.column) in {("other", "natural"), ("other", "total")}
    assert "（六）其他处理" in t3.message and "2 个单元格" in t3.message


def test_parent_on_the_single_other_row_is_compared_with_each_childs_group_sum(tmp_path: Path) -> None:
    city = _single_other_row(_variant("云溪市人民政府"), "1\t0\t0\t0\t0\t1\t2")
    assert _cells(tmp_path, {"city.txt": city, "east.txt": _variant("云溪市东区")}, ONE_CHILD) == []
    city = _single_other_row(_variant("云溪市人民政府"), "1\t0\t0\t0\t0\t2\t3")
    (t3,) = [f for f in _cells(tmp_path, {"city.txt": city, "east.txt": _variant("云溪市东区")}, ONE_CHILD)]
    assert t3.location.row == "other" and (t3.expected, t3.actual) in {(1, 2), (2, 3)}
