"""Region roll-up: a parent's T3/T4 totals against the sum of its children's reports."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compliance.batch import BatchOptions, run_batch
from compliance.batch.regions import read_manifest
from compliance.cli import cli
from compliance.engine import Options
from conftest import SAMPLES
from helpers import sample_variant

CLEAN21 = SAMPLES / "v2021-clean-2023.txt"


def _reports(folder: Path, names: dict[str, str]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for file_name, agency in names.items():
        paths[file_name] = folder / file_name
        paths[file_name].write_text(sample_variant(CLEAN21, agency, 2023), encoding="utf-8")
    return paths


def _rollup_findings(tmp_path: Path, manifest_name: str, manifest: str, files: list[Path]) -> list:  # type: ignore[type-arg]
    manifest_path = tmp_path / manifest_name
    manifest_path.write_text(manifest, encoding="utf-8")
    outcome = run_batch(files, Options(), BatchOptions(regions=read_manifest(manifest_path)))
    return [f for c in outcome.checked for f in c.result.findings if f.category == "roll-up"]


def test_rollup_flags_a_parent_whose_totals_differ_from_its_childrens_sum(tmp_path: Path) -> None:
    paths = _reports(tmp_path, {"city.txt": "云溪市人民政府", "east.txt": "云溪市东区", "west.txt": "云溪市西区"})
    manifest = "path,region,parent\ncity.txt,云溪市,\neast.txt,东区,云溪市\nwest.txt,西区,云溪市\n"
    found = _rollup_findings(tmp_path, "regions.csv", manifest, list(paths.values()))
    by_cell = {(f.rule, f.location.row): (f.expected, f.actual) for f in found}
    assert by_cell[("ROLLUP-T3", "new")] == (82, 41)  # each report received 41 applications
    assert by_cell[("ROLLUP-T4", "RV")] == (8, 4)
    assert all(f.severity == "warning" for f in found)


def test_rollup_passes_when_the_parent_equals_its_childrens_sum(tmp_path: Path) -> None:
    paths = _reports(tmp_path, {"city.txt": "云溪市人民政府", "east.txt": "云溪市东区"})
    manifest = (
        "regions:\n  - {agency: 云溪市人民政府, year: 2023, region: 云溪市}\n"
        "  - {agency: 云溪市东区, region: 东区, parent: 云溪市}\n"
    )
    assert _rollup_findings(tmp_path, "regions.yaml", manifest, list(paths.values())) == []


def test_rollup_reports_missing_children_instead_of_comparing(tmp_path: Path) -> None:
    paths = _reports(tmp_path, {"city.txt": "云溪市人民政府", "east.txt": "云溪市东区"})
    manifest = "- {path: city.txt, region: 云溪市}\n- {path: east.txt, region: 东区, parent: 云溪市}\n"
    manifest += "- {path: north.txt, region: 北区, parent: 云溪市}\n"
    (found,) = _rollup_findings(tmp_path, "regions.yml", manifest, list(paths.values()))
    assert found.rule == "ROLLUP-MISSING" and "北区" in found.message


def test_regions_option_rejects_a_bad_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "regions.csv"
    manifest.write_text("path,parent\nx.txt,y\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(CLEAN21), "--regions", str(manifest)])
    assert result.exit_code == 2 and "needs 'region'" in result.output


def test_rollup_rules_are_listed_and_explained() -> None:
    listing = CliRunner().invoke(cli, ["rules"]).output
    assert "ROLLUP-T3" in listing and "ROLLUP-MISSING" in listing
    assert "Failing example" in CliRunner().invoke(cli, ["explain", "ROLLUP-T4"]).output


def test_manifest_on_disk_reads_back_as_the_entries_given_and_a_plain_list_rolls_up_alike(tmp_path: Path) -> None:
    from compliance.batch.regions import Manifest, RegionEntry

    entries = [
        RegionEntry(region="云溪市", path=(tmp_path / "city.txt").resolve()),
        RegionEntry(region="东区", parent="云溪市", agency="云溪市东区", year=2023),
    ]
    manifest = Manifest(entries)
    assert len(manifest) == 2 and list(manifest) == entries
    assert manifest[-1] == entries[1] and manifest[0:1] == entries[:1]
    paths = _reports(tmp_path, {"city.txt": "云溪市人民政府", "east.txt": "云溪市东区", "west.txt": "云溪市西区"})
    text = "path,region,parent\ncity.txt,云溪市,\neast.txt,东区,云溪市\nwest.txt,西区,云溪市\n"
    (tmp_path / "regions.csv").write_text(text, encoding="utf-8")
    read = read_manifest(tmp_path / "regions.csv")
    as_list = run_batch(list(paths.values()), Options(), BatchOptions(regions=list(read)))
    on_disk = run_batch(list(paths.values()), Options(), BatchOptions(regions=read))
    found = [[f.fingerprint for f in c.result.findings if f.category == "roll-up"] for c in on_disk.checked]
    assert found == [[f.fingerprint for f in c.result.findings if f.category == "roll-up"] for c in as_list.checked]
    assert any(found)  # the city's totals differ from its two districts' sum
