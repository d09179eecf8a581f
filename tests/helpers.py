"""Small helpers for tests: check text through the real engine, edit one table cell of a text report."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from compliance.cli import cli
from compliance.document import Grid
from compliance.engine import Options, check_file, get_registry, load_report
from compliance.mapping.tables import MappedTable
from compliance.model import Finding, Report


def check_text(tmp_path: Path, text: str, name: str = "report.txt", **options: object) -> list[Finding]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_file(path, get_registry(), Options(**options)).result.findings  # type: ignore[arg-type]


def load_text(tmp_path: Path, text: str, name: str = "report.txt") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_report(path)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def replace_field(text: str, line_startswith: str, field_index: int, new_value: str) -> str:
    """Replace the Nth numeric field (0-based, among non-empty numeric fields) of the first line starting so."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.lstrip("\t").startswith(line_startswith) or line.startswith(line_startswith):
            fields = line.split("\t")
            numeric = [i for i, f in enumerate(fields) if f.strip().lstrip("+-").isdigit()]
            fields[numeric[field_index]] = new_value
            lines[number] = "\t".join(fields)
            return "\n".join(lines)
    raise AssertionError(f"no line starts with {line_startswith!r}")


@dataclass
class Run:
    """What one in-process CLI run produced; stdout and stderr stay apart."""

    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Run(result.exit_code, result.stdout, result.stderr)


# ---- batches: many reports made by varying our own samples ------------------------------------

SAMPLE_FACTS = {  # sample file → (agency printed in its title, report year)
    "v2019-clean-2020.txt": ("栖梧县人民政府", 2020),
    "v2021-clean-2023.txt": ("青岚市自然资源和规划局", 2023),
    "v2021-faults-2022.txt": ("鹭屿市交通运输局", 2022),
}
_PLACES = (
    "青岚", "鹭屿", "栖梧", "云溪", "石泉", "桐川", "梅岭", "松阳", "临波", "白沙",
    "金湾", "柳塘", "明溪", "南屏", "北岭", "清河", "玉山", "芦林", "雁荡", "海门",
)  # fmt: skip
_OFFICES = ["市交通运输局", "市自然资源和规划局", "县人民政府", "市教育局", "区卫生健康委员会", "县发展和改革局"]


def agency_name(number: int) -> str:
    """A distinct fictional agency for every number below 20 × 20 × 6."""
    first = _PLACES[number % len(_PLACES)]
    second = _PLACES[(number // len(_PLACES)) % len(_PLACES)]
    office = _OFFICES[(number // len(_PLACES) ** 2) % len(_OFFICES)]
    return f"{first}{second}{office}"


def sample_variant(sample: Path, agency: str, year: int) -> str:
    """Our sample with another agency and year (last year's mentions move along)."""
    import re

    old_agency, old_year = SAMPLE_FACTS[sample.name]
    text = sample.read_text(encoding="utf-8").replace(old_agency, agency)
    text = re.sub(rf"(?<!\d){old_year - 1}(?!\d)", "\x00PREV\x00", text)
    text = re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), text)
    return text.replace("\x00PREV\x00", str(year - 1))


def write_variants(folder: Path, count: int, samples: Path) -> list[Path]:
    """``count`` reports cycling through our samples: V2021 ones for 2021–2025, V2019 for 2019–2020."""
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(SAMPLE_FACTS)
    paths = []
    for number in range(count):
        name = names[number % len(names)]
        years = (2019, 2020) if name.startswith("v2019") else (2021, 2022, 2023, 2024, 2025)
        year = years[(number // len(names)) % len(years)]
        agency = agency_name(number // (len(names) * len(years)) * len(names) + number % len(names))
        path = folder / f"{number:05d}-{year}.txt"
        path.write_text(sample_variant(samples / name, agency, year), encoding="utf-8")
        paths.append(path)
    return paths


def map_v2019_t3(grid: Grid) -> MappedTable:
    """One grid mapped as table 三 of the 2019 layout (labels of both versions known), as the mapping does."""
    from compliance.mapping.tables import LabelIndex, map_row_table

    layouts = get_registry().layouts
    spec = layouts["V2019"].tables["T3"]
    index = LabelIndex.build(list(layouts.values()), "T3")
    return map_row_table("T3", [grid], index, {r.id: spec for r in spec.rows})


def cell_readings(report: Report) -> dict[tuple[str, str, str], tuple[object, str]]:
    """Every cell as (value, status) by (table, row, column): what two readings of one report share
    (locations and printed characters differ between renderings)."""
    return {
        (table, row, column): (cell.value, cell.status)
        for table, rows in report.tables.items()
        for row, cells in rows.items()
        for column, cell in cells.items()
    }
