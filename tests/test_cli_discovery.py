"""Which files in a folder are reports: config, baselines, our outputs and READMEs never gate a run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import cli
from compliance.project.discovery import Selection, discover, excluded
from conftest import SAMPLES

CLEAN = SAMPLES / "v2021-clean-2023.txt"
FAULTS = SAMPLES / "v2021-faults-2022.txt"


def _invoke(*args: str, cwd: Path) -> tuple[int, str, str]:
    old = Path.cwd()
    os.chdir(cwd)  # config files are found upward from the working directory
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A drafting office's folder: one clean report beside the project's own files."""
    folder = tmp_path / "project"
    (folder / "reports").mkdir(parents=True)
    shutil.copy(CLEAN, folder / "reports" / CLEAN.name)
    (folder / "pyproject.toml").write_text('[tool.compliance]\nfail-on = "warning"\n', encoding="utf-8")
    (folder / "compliance.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    (folder / "README.md").write_text("# Annual reports\n\nDrafts live in reports/.\n", encoding="utf-8")
    (folder / "notes.txt").write_text("Send to the office by Friday.\n", encoding="utf-8")
    (folder / "regions.csv").write_text("source,region\n", encoding="utf-8")
    return folder


def test_folder_with_config_readme_and_notes_gates_only_on_reports(project: Path) -> None:
    code, out, err = _invoke("check", ".", "-v", cwd=project)
    assert code == 0, out + err
    assert "1 report(s)" in out
    for name in ("README.md", "notes.txt", "regions.csv", "pyproject.toml", "compliance.toml"):
        assert f"skipped {name}" in err


def test_baseline_and_outputs_written_into_the_folder_are_not_reports(project: Path) -> None:
    shutil.copy(FAULTS, project / "reports" / FAULTS.name)
    code, _, _ = _invoke("check", ".", "--write-baseline", "baseline.json", cwd=project)
    assert code == 0 and (project / "baseline.json").is_file()
    outputs = (("json", "out.json"), ("sarif", "out.sarif.json"), ("text", "out.txt"), ("markdown", "out.md"))
    for fmt, name in (*outputs, ("html", "out.html")):
        code, _, err = _invoke("check", ".", "--baseline", "baseline.json", "--format", fmt, "-o", name, cwd=project)
        assert code == 0, err
    # A later run sees every output of the earlier ones and takes none of them for a report.
    code, out, err = _invoke("check", ".", "--baseline", "baseline.json", "--format", "json", "-v", cwd=project)
    assert code == 0, err
    document = json.loads(out)
    assert sorted(Path(r["source"]).name for r in document["reports"]) == sorted([CLEAN.name, FAULTS.name])
    for name in ("baseline.json", "out.json", "out.sarif.json", "out.txt", "out.md", "out.html"):
        assert f"skipped {name}" in err


def test_broken_files_with_report_extensions_still_become_input_findings(project: Path) -> None:
    (project / "reports" / "empty.txt").write_bytes(b"")
    (project / "reports" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    code, out, _ = _invoke("check", "reports", "--format", "json", cwd=project)
    assert code == 1
    inputs = {Path(r["source"]).name for r in json.loads(out)["reports"] if r["findings"]}
    assert inputs == {"empty.txt", "binary.txt"}


def test_explicit_paths_are_checked_unless_force_exclude(project: Path) -> None:
    readme = str(project / "README.md")
    code, out, _ = _invoke("check", readme, "--format", "json", cwd=project)
    assert code == 1 and json.loads(out)["reports"][0]["findings"][0]["category"] == "input"
    code, _, err = _invoke("check", readme, "--extend-exclude", "*.md", "--force-exclude", "-v", cwd=project)
    assert code == 0 and "excluded by '*.md'" in err


def test_exclude_and_extend_exclude_from_cli_and_config(project: Path) -> None:
    drafts = project / "reports" / "drafts"
    drafts.mkdir()
    shutil.copy(FAULTS, drafts / FAULTS.name)
    code, _, _ = _invoke("check", ".", cwd=project)
    assert code == 1  # the draft's errors count
    code, _, err = _invoke("check", ".", "--extend-exclude", "drafts/", "-v", cwd=project)
    assert code == 0 and "excluded by 'drafts/'" in err
    (project / "compliance.toml").write_text('extend-exclude = ["reports/drafts"]\n', encoding="utf-8")
    code, _, _ = _invoke("check", ".", cwd=project)
    assert code == 0


def test_exclude_patterns_match_names_folders_and_anchored_paths() -> None:
    root = Path("/r")
    assert excluded(Path("/r/a/drafts/x.txt"), root, ["drafts/"]) == "drafts/"
    assert excluded(Path("/r/a/drafts"), root, ["drafts/"]) is None  # a folder pattern needs a folder
    assert excluded(Path("/r/a/x.bak"), root, ["*.bak"]) == "*.bak"
    assert excluded(Path("/r/a/b/x.txt"), root, ["a/b"]) == "a/b"
    assert excluded(Path("/r/c/a/b/x.txt"), root, ["/a/b"]) is None


def test_structured_reports_are_told_from_other_json(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text(json.dumps({"schema_version": 1, "tables": {}}), encoding="utf-8")
    (tmp_path / "package.json").write_text(json.dumps({"name": "x"}), encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 50000, encoding="utf-8")
    (tmp_path / "report.yaml").write_text("year: 2023\nsections:\n  - key: S1\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("name: x\n", encoding="utf-8")
    found = discover([tmp_path], Selection(extensions=[".json", ".yaml"]))
    assert sorted(p.name for p in found.files) == ["deep.json", "report.json", "report.yaml"]
