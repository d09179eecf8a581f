"""Pairing as it goes: every report's key first, then results stream out as each is checked."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from compliance.batch import paired as paired_module
from compliance.batch.pool import _context
from compliance.batch.run import Batch, BatchOptions, run_batch
from compliance.engine import Options, check_file, get_registry, load_report, report_key
from conftest import SAMPLES
from helpers import write_variants

fork_only = pytest.mark.skipif(_context().get_start_method() != "fork", reason="patching workers needs fork")


def _recording_check_file(path, registry, options, previous=None, loaded=None):  # type: ignore[no-untyped-def]
    (path.parent / "started" / path.name).touch()
    return check_file(path, registry, options, previous, loaded)


@fork_only
def test_paired_batch_yields_the_first_result_before_the_last_report_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path, 16, SAMPLES)
    (tmp_path / "started").mkdir()
    monkeypatch.setattr(paired_module, "check_file", _recording_check_file)
    run = Batch(files, Options(), BatchOptions(jobs=2, window=4))
    assert run.deferred
    stream = iter(run)
    first = next(stream)
    assert first.path == files[0] and first.result.template is not None
    assert len(run.pairs) > 0  # decided before the first result, from the keys alone
    assert len(list((tmp_path / "started").iterdir())) < len(files)
    assert [c.path for c in stream] == files[1:]


def _results(files: list[Path]) -> dict[str, str]:
    outcome = run_batch(files, Options(), BatchOptions(jobs=2))
    pairs = {(p.source, p.previous) for p in outcome.pairs}
    assert pairs
    return {c.result.source: c.result.model_dump_json() for c in outcome.checked} | {"pairs": repr(sorted(pairs))}


@fork_only
def test_results_are_the_same_whatever_order_and_wherever_the_prior_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path, 14, SAMPLES)
    forward = _results(files)
    # Last year's report after this year's: its packed Report is not there yet, the worker maps it again.
    assert _results(list(reversed(files))) == forward
    # Every document kept by the first pass (as a slow reader's would be) and unpacked by the second.
    monkeypatch.setattr(paired_module, "KEEP_READ_SECONDS", 0.0)
    assert _results(files) == forward


def _recording_load_report(path, registry=None, options=None, loaded=None):  # type: ignore[no-untyped-def]
    (path.parent / "mapped-again" / path.name).touch()
    return load_report(path, registry, options, loaded)


@fork_only
def test_an_agencys_years_side_by_side_are_checked_where_the_prior_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path / "variants", 20, SAMPLES)
    forward = _results(files)
    # Files named by agency, then year (as folders of reports usually sort): each report's prior
    # is the file before it, still being checked when the report's turn comes.
    side_by_side = tmp_path / "side-by-side"
    side_by_side.mkdir()
    (side_by_side / "mapped-again").mkdir()
    renamed = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        agency = re.sub(r"\d{4}年.*", "", text.splitlines()[0])
        number, year = path.stem.split("-")
        target = side_by_side / f"{agency}-{year}-{number}.txt"
        target.write_text(text, encoding="utf-8")
        renamed[target] = path
    monkeypatch.setattr(paired_module, "load_report", _recording_load_report)
    outcome = _results(sorted(renamed))
    assert outcome.pop("pairs") and forward.pop("pairs")
    assert len(outcome) == len(forward) == len(files)
    for target, path in renamed.items():
        assert outcome[str(target)].replace(str(target), "@") == forward[str(path)].replace(str(path), "@")
    assert list((side_by_side / "mapped-again").iterdir()) == []  # no prior was mapped a second time


def test_report_key_agrees_with_the_full_check(tmp_path: Path) -> None:
    files = write_variants(tmp_path, 6, SAMPLES)
    unreadable = tmp_path / "notes.txt"
    unreadable.write_text("会议纪要\n\n今天讨论了三件事。\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    registry = get_registry()
    for path in [*files, unreadable, empty]:
        key, _ = report_key(path, registry, Options())
        checked = check_file(path, registry, Options())
        assert key.readable == (checked.report is not None)
        if checked.report is not None:
            assert (key.agency, key.year) == (checked.report.agency, checked.report.year)


def _hanging_report_key(path, registry, options):  # type: ignore[no-untyped-def]
    if "hang" in path.name:
        time.sleep(60)
    return report_key(path, registry, options)


@fork_only
def test_a_report_that_hangs_in_the_first_pass_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path, 6, SAMPLES)
    hang = tmp_path / "hang.txt"
    hang.write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "started").mkdir()
    monkeypatch.setattr(paired_module, "report_key", _hanging_report_key)
    monkeypatch.setattr(paired_module, "check_file", _recording_check_file)
    order = [*files[:3], hang, *files[3:]]
    outcome = run_batch(order, Options(), BatchOptions(jobs=2, timeout=1.5))
    results = [c.result for c in outcome.checked]
    assert [r.source for r in results] == [str(p) for p in order]
    assert [f.rule for f in results[3].findings] == ["INPUT"] and "超时" in results[3].findings[0].message
    started = {p.name for p in (tmp_path / "started").iterdir()}
    assert "hang.txt" not in started and len(started) == len(files)
    assert outcome.pairs
