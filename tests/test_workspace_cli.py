"""`compliance audit` stores a folder of reports; `compliance check` never loads the workspace's packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from workspace_samples import SAMPLES, sample_folder

from compliance.cli import cli
from compliance.workspace.db import FindingRow, ReportRow, open_engine, session_factory


def test_audit_stores_every_report_of_a_folder_and_reruns_add_no_version(tmp_path: Path, db_url: str) -> None:
    folder = sample_folder(tmp_path / "batch")
    db = db_url
    runner = CliRunner()
    first = runner.invoke(cli, ["audit", str(folder), "--db", str(db)])
    assert first.exit_code == 0, first.output
    reports = sorted(SAMPLES.glob("*.txt"))
    assert len([line for line in first.stdout.splitlines() if " v1 [checked] " in line]) == len(reports)
    again = runner.invoke(cli, ["audit", str(folder), "--db", str(db)])
    assert again.exit_code == 0, again.output
    engine = open_engine(str(db))
    with session_factory(engine)() as session:
        assert session.query(ReportRow).count() == len(reports)
    engine.dispose()


def test_audit_with_an_unusable_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(SAMPLES), "--db", str(tmp_path / "missing" / "audit.db")])
    assert result.exit_code == 2
    assert "cannot be used" in result.output


def test_check_does_not_import_the_workspace_packages() -> None:
    probe = (
        "import sys; from compliance.cli import main; sys.argv = ['compliance', 'check', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'fastapi', 'starlette',"
        " 'uvicorn', 'jinja2'})\nprint('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_audit_takes_each_reports_region_from_the_manifest(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path / "batch")
    names = sorted(p.name for p in folder.iterdir())
    manifest = tmp_path / "regions.csv"
    rows = [f"batch/{name},第{number}片区,全市" for number, name in enumerate(names)]
    manifest.write_text("path,region,parent\n" + "\n".join(rows) + "\n", encoding="utf-8")
    db = tmp_path / "audit.db"
    result = CliRunner().invoke(cli, ["audit", str(folder), "--db", str(db), "--regions", str(manifest)])
    assert result.exit_code == 0, result.output
    engine = open_engine(str(db))
    with session_factory(engine)() as session:
        stored = {row.source: row.region for row in session.query(ReportRow)}
    engine.dispose()
    assert stored == {name: f"第{number}片区" for number, name in enumerate(names)}


def test_audit_follows_the_config_file_like_check(tmp_path: Path) -> None:
    folder = sample_folder(tmp_path / "batch")
    (tmp_path / "compliance.toml").write_text('ignore = ["arithmetic"]\n', encoding="utf-8")
    db = tmp_path / "audit.db"
    runner = CliRunner()
    configured = runner.invoke(
        cli, ["audit", str(folder), "--db", str(db), "--config", str(tmp_path / "compliance.toml")]
    )
    assert configured.exit_code == 0, configured.output
    engine = open_engine(str(db))
    with session_factory(engine)() as session:
        categories = {f.category for f in session.query(FindingRow)}
    engine.dispose()
    assert categories and "arithmetic" not in categories
    refused = runner.invoke(cli, ["audit", str(folder), "--db", str(db), "--config", "x.toml", "--isolated"])
    assert refused.exit_code == 2
