"""Streaming batches: results leave in input order as they are final, and the parent keeps little."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from compliance.batch import run as batch_module
from compliance.batch.pool import WorkerPool, _context
from compliance.batch.run import Batch, BatchOptions, in_order
from compliance.batch.spool import Spool
from compliance.cli import cli
from compliance.engine import Options, check_file
from conftest import REPO, SAMPLES
from helpers import write_variants

fork_only = pytest.mark.skipif(_context().get_start_method() != "fork", reason="patching workers needs fork")


def _recording_check_file(path, registry, options, previous=None):  # type: ignore[no-untyped-def]
    (path.parent / "started" / path.name).touch()
    return check_file(path, registry, options, previous)


@fork_only
def test_streamed_batch_yields_the_first_result_before_the_last_report_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_variants(tmp_path, 12, SAMPLES)
    (tmp_path / "started").mkdir()
    monkeypatch.setattr(batch_module, "check_file", _recording_check_file)
    run = Batch(files, Options(), BatchOptions(jobs=2, window=4, pair=False))
    assert not run.deferred
    stream = iter(run)
    first = next(stream)
    assert first.path == files[0] and first.result.template is not None
    assert len(list((tmp_path / "started").iterdir())) < len(files)
    assert [c.path for c in stream] == files[1:]


def test_pairing_defers_results_until_every_report_is_read(tmp_path: Path) -> None:
    files = write_variants(tmp_path, 12, SAMPLES)
    assert not Batch(files, Options(ignore=["cross-year", "S5-COPY"]), BatchOptions()).deferred
    run = Batch(files, Options(), BatchOptions(jobs=2))
    assert run.deferred
    checked = list(run)
    assert [c.path for c in checked] == files and run.pairs
    assert all(c.report is None for c in checked)  # reports stay in the spool unless asked for


def _sleepy(task: tuple[int, float]) -> int:
    time.sleep(task[1])
    return task[0]


@fork_only
def test_pool_window_starts_no_task_far_ahead_of_the_oldest_running() -> None:
    started: list[int] = []

    def tasks():  # type: ignore[no-untyped-def]
        for index in range(10):
            started.append(index)
            yield (index, 1.0 if index == 0 else 0.01)

    seen_before_first: list[int] = []
    with WorkerPool(_sleepy, jobs=2, timeout=None) as pool:
        for index, _ in pool.run(tasks(), window=3):
            if index == 0:
                seen_before_first = list(started)
    # While task 0 ran, tasks 1 and 2 could start (and 3 be taken from the generator, waiting), no more.
    assert max(seen_before_first) <= 3 + 1


def _where(task: tuple[int, float]) -> tuple[int, int]:
    time.sleep(task[1])
    return task[0], os.getpid()


@fork_only
def test_pool_runs_a_task_after_the_one_it_follows_on_the_same_worker() -> None:
    # Chains of three (0 ← 1 ← 2, 3 ← 4 ← 5, …): each task follows the one before it in its chain.
    def follows(index: int) -> int | None:
        return index - 1 if index % 3 else None

    ran: dict[int, int] = {}
    order: list[int] = []
    with WorkerPool(_where, jobs=2, timeout=None) as pool:
        for index, (task, pid) in pool.run(((i, 0.05) for i in range(12)), window=8, after=follows):
            assert index == task
            ran[index] = pid
            order.append(index)
    assert sorted(ran) == list(range(12))
    assert all(ran[i] == ran[i - 1] for i in range(12) if i % 3)
    assert all(order.index(i) > order.index(i - 1) for i in range(12) if i % 3)
    assert len(set(ran.values())) == 2  # the other worker took other chains meanwhile


def test_in_order_releases_each_result_once_every_earlier_one_is_in() -> None:
    assert list(in_order([(2, "c"), (0, "a"), (1, "b"), (3, "d")])) == [(0, "a"), (1, "b"), (2, "c"), (3, "d")]


def test_spool_reads_back_values_in_any_order_and_grows() -> None:
    with Spool(2) as spool:
        spool.put_object(3, {"x": 1})
        spool.put(0, b"raw")
        assert spool.get(0) == b"raw" and spool.get_object(3) == {"x": 1}
        assert not spool.has(1) and spool.get(2) is None and not spool.has(10)


def test_jsonl_has_one_valid_line_per_report_matching_the_json_document(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write_variants(folder, 6, SAMPLES)
    (folder / "empty.txt").write_bytes(b"")
    runner = CliRunner()
    lines = runner.invoke(cli, ["check", str(folder), "--format", "jsonl", "--isolated"]).stdout.splitlines()
    document = json.loads(runner.invoke(cli, ["check", str(folder), "--format", "json", "--isolated"]).stdout)
    schema = json.loads((REPO / "schemas" / "findings-line.schema.json").read_text(encoding="utf-8"))
    parsed = [json.loads(line) for line in lines]
    for item in parsed:
        jsonschema.validate(item, schema)
    assert parsed == document["reports"]
    assert any(f["category"] == "input" for f in parsed[-1]["findings"])


def test_output_file_is_written_as_results_come_and_names_no_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write_variants(folder, 8, SAMPLES)
    before = set(os.listdir(tmp_path))
    for output_format in ("sarif", "junit", "text"):
        out = tmp_path / f"out.{output_format}"
        result = CliRunner().invoke(cli, ["check", str(folder), "--format", output_format, "-o", str(out)])
        assert result.exit_code == 1 and out.stat().st_size > 0
    assert set(os.listdir(tmp_path)) - before == {"out.sarif", "out.junit", "out.text"}
