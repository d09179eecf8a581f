"""Batches on Dask distributed: a LocalCluster of two workers gives the same output as --jobs 2."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import cli
from conftest import SAMPLES
from helpers import write_variants

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    write_variants(folder, 24, SAMPLES)  # consecutive years: cross-year pairs run on the cluster too
    (folder / "zz-empty.txt").write_bytes(b"")
    (folder / "zz-garbage.txt").write_bytes(bytes(range(256)) * 40)
    return folder


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_dask_output_is_identical_to_local_jobs(tmp_path: Path, scheduler: str, output_format: str) -> None:
    folder = _folder(tmp_path)
    runner = CliRunner()
    common = ["check", str(folder), "--format", output_format, "--isolated"]
    local = runner.invoke(cli, [*common, "--jobs", "2"])
    remote = runner.invoke(cli, [*common, "--executor", "dask", "--scheduler", scheduler])
    assert local.exit_code == remote.exit_code == 1, remote.output
    assert remote.stdout == local.stdout
    assert "cross-year pairs" in local.stderr + local.stdout


def test_dask_without_pairing_streams_the_same_results(tmp_path: Path, scheduler: str) -> None:
    folder = _folder(tmp_path)
    runner = CliRunner()
    common = ["check", str(folder), "--format", "jsonl", "--isolated", "--no-pair"]
    local = runner.invoke(cli, [*common, "--jobs", "2"])
    remote = runner.invoke(cli, [*common, "--executor", "dask", "--scheduler", scheduler])
    assert remote.stdout == local.stdout and len(remote.stdout.splitlines()) == 26


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    report = SAMPLES / "v2021-clean-2023.txt"
    result = CliRunner().invoke(cli, ["check", str(report), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "Dask scheduler" in result.output


def test_scheduler_needs_the_dask_executor() -> None:
    result = CliRunner().invoke(cli, ["check", str(SAMPLES), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "--executor dask" in result.output


def test_dask_without_a_scheduler_starts_a_local_cluster_of_jobs_workers(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    write_variants(folder, 6, SAMPLES)
    runner = CliRunner()
    common = ["check", str(folder), "--format", "jsonl", "--isolated", "--jobs", "2"]
    remote = runner.invoke(cli, [*common, "--executor", "dask"])
    assert remote.stdout == runner.invoke(cli, common).stdout and len(remote.stdout.splitlines()) == 6
