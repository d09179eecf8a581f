"""Cross-year pairing in a batch: by normalised agency and year, or with --previous."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compliance.batch import BatchOptions, run_batch
from compliance.batch.pairing import PairIndex
from compliance.cli import cli
from compliance.engine import Options
from conftest import CORPUS, SAMPLES, require_shared
from helpers import sample_variant

CLEAN21 = SAMPLES / "v2021-clean-2023.txt"


def _write(folder: Path, name: str, agency: str, year: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(sample_variant(CLEAN21, agency, year), encoding="utf-8")
    return path


def test_batch_pairs_reports_by_agency_and_consecutive_year(tmp_path: Path) -> None:
    files = [
        _write(tmp_path, "a-2023.txt", "云溪市测试局", 2023),
        _write(tmp_path, "b-2022.txt", "石泉市测试局", 2022),
        _write(tmp_path, "a-2022.txt", "云溪市测试局", 2022),
        _write(tmp_path, "a-2021.txt", "云 溪 市 测 试 局", 2021),  # spacing differs: same agency
        _write(tmp_path, "b-2024.txt", "石泉市测试局", 2024),  # 2023 missing: no pair
    ]
    outcome = run_batch(files, Options(), BatchOptions(jobs=2))
    pairs = {(Path(p.source).name, Path(p.previous).name) for p in outcome.pairs}
    assert pairs == {("a-2023.txt", "a-2022.txt"), ("a-2022.txt", "a-2021.txt")}
    assert all("T3-CARRY-YOY" in p.rules for p in outcome.pairs)
    by_name = {Path(c.result.source).name: c.result for c in outcome.checked}
    assert any(f.rule == "FIGURES-YOY" for f in by_name["a-2023.txt"].findings)
    assert not any(f.category == "cross-year" for f in by_name["b-2024.txt"].findings)


def test_batch_pairs_an_agency_named_with_and_without_its_city(tmp_path: Path) -> None:
    files = [
        _write(tmp_path, "a-2023.txt", "云溪市石泉区人民政府", 2023),
        _write(tmp_path, "a-2022.txt", "石泉区人民政府", 2022),
        _write(tmp_path, "b-2023.txt", "梅岭县人民政府", 2023),
        _write(tmp_path, "c-2022.txt", "县人民政府", 2022),  # too generic to be anyone's earlier name
    ]
    outcome = run_batch(files, Options(), BatchOptions(jobs=1))
    pairs = {(Path(p.source).name, Path(p.previous).name) for p in outcome.pairs}
    assert pairs == {("a-2023.txt", "a-2022.txt")}


def test_pairing_is_printed_in_text_and_on_stderr_for_json(tmp_path: Path) -> None:
    _write(tmp_path, "a-2023.txt", "云溪市测试局", 2023)
    _write(tmp_path, "a-2022.txt", "云溪市测试局", 2022)
    text = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert "cross-year pairs (1)" in text.stdout and "a-2023.txt ← " in text.stdout
    machine = CliRunner().invoke(cli, ["check", str(tmp_path), "--format", "json"])
    assert "cross-year pairs (1)" in machine.stderr
    assert json.loads(machine.stdout)["summary"]["reports"] == 2


def test_previous_option_pairs_a_single_report(tmp_path: Path) -> None:
    current = _write(tmp_path / "now", "a.txt", "云溪市测试局", 2024)
    previous = _write(tmp_path / "then", "b.txt", "别的名字", 2023)
    result = CliRunner().invoke(cli, ["check", str(current), "--previous", str(previous), "--format", "json"])
    rules = {f["rule"] for f in json.loads(result.stdout)["reports"][0]["findings"]}
    assert {"FIGURES-YOY", "S5-COPY"} <= rules


def test_previous_option_needs_exactly_one_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(SAMPLES), "--previous", str(CLEAN21)])
    assert result.exit_code == 2 and "exactly one report" in result.output


def test_pingtan_reports_pair_year_by_year_and_carry_over_is_evaluated() -> None:
    require_shared()
    files = sorted(CORPUS.glob("20*_fujian-pingtan-zongheshiyanqu.txt"))
    assert [int(p.name[:4]) for p in files] == list(range(2019, 2026))
    outcome = run_batch(files, Options(), BatchOptions(jobs=2))
    years = {c.result.source: c.result.year for c in outcome.checked if c.result.year is not None}
    loaded = sorted(years.values())
    expected = [(year, year - 1) for year in loaded if year - 1 in loaded]
    assert sorted((p.year, years[p.previous]) for p in outcome.pairs) == expected
    assert all("T3-CARRY-YOY" in p.rules for p in outcome.pairs)
    assert len(loaded) == len(files), "every 平潭 report is read"
    assert len(outcome.pairs) == 6


def test_pair_index_prefers_same_format_and_refuses_an_ambiguous_ending() -> None:
    index = PairIndex()
    # Added out of input order, as results arrive from workers: pairs still come out in input order.
    index.add(4, "云溪市石泉区人民政府", 2023, ".txt")
    index.add(0, "石泉区人民政府", 2022, ".html")
    index.add(1, "石泉区人民政府", 2022, ".txt")
    index.add(2, "梅岭县东山镇人民政府", 2023, ".txt")
    index.add(3, "甲市梅岭县东山镇人民政府", 2022, ".txt")
    index.add(5, "乙市梅岭县东山镇人民政府", 2022, ".txt")  # two agencies end with the name: neither is taken
    index.add(6, "无年份局", None, ".txt")
    assert index.pairs() == [(4, 1)]


def test_unreadable_previous_is_a_usage_error_before_any_output(tmp_path: Path) -> None:
    current = _write(tmp_path / "now", "a.txt", "云溪市测试局", 2024)
    previous = tmp_path / "empty.txt"
    previous.write_bytes(b"")
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["check", str(current), "--previous", str(previous), "-o", str(out)])
    assert result.exit_code == 2 and "cannot read --previous" in result.output
    assert not out.exists() or out.read_text(encoding="utf-8") == ""
