"""Batches: folders walked, reports checked in worker processes, broken or hung ones isolated."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.batch import BatchOptions, run_batch, summary_rows
from compliance.batch import paired as paired_module
from compliance.batch import run as batch_module
from compliance.batch.pool import _context
from compliance.cli import cli
from compliance.engine import Options, check_file, expand_paths
from conftest import SAMPLES
from helpers import write_variants


def _broken_folder(tmp_path: Path, good: int) -> Path:
    folder = tmp_path / "batch"
    write_variants(folder, good, SAMPLES)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"
    (folder / "truncated.pdf").write_bytes(pdf)
    return folder


def test_batch_broken_reports_become_input_findings_and_jobs_do_not_change_json(tmp_path: Path) -> None:
    folder = _broken_folder(tmp_path, 197)
    runner = CliRunner()
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.json"
        result = runner.invoke(cli, ["check", str(folder), "--format", "json", "--jobs", jobs, "-o", str(out)])
        assert result.exit_code == 1, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0])
    assert document["summary"]["reports"] == 200
    unreadable = [r for r in document["reports"] if any(f["category"] == "input" for f in r["findings"])]
    assert sorted(Path(r["source"]).name for r in unreadable) == ["empty.txt", "garbage.txt", "truncated.pdf"]
    assert all(len(r["findings"]) == 1 for r in unreadable)
    checked = [r for r in document["reports"] if r["template"] is not None]
    assert len(checked) == 197


fork_only = pytest.mark.skipif(_context().get_start_method() != "fork", reason="patching workers needs fork")


def _misbehaving_check_file(path, registry, options, previous=None, loaded=None):  # type: ignore[no-untyped-def]
    if "hang" in path.name:
        time.sleep(60)
    if "die" in path.name:
        os._exit(3)
    return check_file(path, registry, options, previous, loaded)


@fork_only
@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_hung_or_dying_report_is_stopped_and_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    files = write_variants(tmp_path / "ok", 4, SAMPLES)
    hang, die = tmp_path / "hang.txt", tmp_path / "die.txt"
    hang.write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    die.write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(batch_module, "check_file", _misbehaving_check_file)
    monkeypatch.setattr(paired_module, "check_file", _misbehaving_check_file)  # the batch pairs as it goes
    order = [files[0], hang, files[1], die, files[2], files[3]]
    started = time.monotonic()
    outcome = run_batch(order, Options(), BatchOptions(jobs=jobs, timeout=1.5))
    assert time.monotonic() - started < 30
    results = [c.result for c in outcome.checked]
    assert [r.source for r in results] == [str(p) for p in order]
    assert [f.rule for f in results[1].findings] == ["INPUT"] and "超时" in results[1].findings[0].message
    assert "--timeout" in results[1].findings[0].message  # says how to give a long scan more time
    assert [f.category for f in results[3].findings] == ["input"] and "异常" in results[3].findings[0].message
    assert all(r.template is not None for i, r in enumerate(results) if i not in (1, 3))


def test_batch_summary_csv_has_one_row_per_report_whatever_the_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.csv"
    result = CliRunner().invoke(
        cli, ["check", str(SAMPLES), "--format", "json", "--summary", str(summary), "-o", str(tmp_path / "o.json")]
    )
    assert result.exit_code == 1
    lines = summary.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "source,agency,year,template,errors,warnings,info,top_rules,"
        "correction_rate,disclosure_rate,denial_share,applications_change"
    )
    assert len(lines) == 1 + len(expand_paths([SAMPLES]))
    faults = next(line for line in lines if "faults" in line)
    assert ",鹭屿市交通运输局,2022,V2021,5,4," in faults and "T3-RESULT-SUM×2" in faults


def test_text_output_ends_with_a_summary_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(SAMPLES)])
    lines = result.output.rstrip("\n").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("report "))
    table = lines[header + 1 : header + 4]
    assert [line.split()[0] for line in table] == [str(p) for p in expand_paths([SAMPLES])]
    assert lines[-1].startswith("3 report(s)")


def test_summary_rows_rank_the_most_frequent_rules_first(tmp_path: Path) -> None:
    outcome = run_batch([SAMPLES / "v2021-faults-2022.txt"], Options(), BatchOptions())
    (row,) = summary_rows(outcome.document)
    assert row["errors"] == "5" and row["top_rules"].startswith("T3-RESULT-SUM×2; T3-ROW-TOTAL×2")
