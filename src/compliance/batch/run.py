"""Batches: check many reports in worker processes, pair each with last year's, roll up regions.

Each report is loaded and checked in a worker process (``pool.WorkerPool``), so a report that
crashes a reader or hangs becomes one ``input`` finding and the batch goes on. Results are
kept by input position, so the output is the same whatever ``jobs`` is. Reports travel back
from the workers as compressed pickles: the parent only unpickles the ones a later step needs
(a cross-year pair, a region roll-up, a formatter that re-renders tables).
"""

from __future__ import annotations

import functools
import pickle
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.batch.executors import Executor, make_executor
from compliance.batch.pairing import Pair, PairIndex
from compliance.batch.pool import Failed
from compliance.batch.regions import RegionEntry, RegionMembers
from compliance.document import LoadError
from compliance.engine import (
    CheckedReport,
    LoadedRule,
    Options,
    Registry,
    check_file,
    check_report,
    enabled_rules,
    get_registry,
    sort_findings,
    summarise,
)
from compliance.mapping.normalize import preload as preload_normalisation
from compliance.model import Finding, FindingsDocument, Report, ReportResult

DEFAULT_TIMEOUT = 60.0

Progress = Callable[[Iterable[Any], int, str], Iterator[Any]]


@dataclass
class BatchOptions:
    jobs: int = 1
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per report; None or 0: no limit
    previous: Path | None = None  # last year's report for every report of the batch
    regions: list[RegionEntry] | None = None  # roll-up manifest entries (rollup.read_manifest)
    keep_reports: bool = False  # hand the Report objects to the formatter (HTML re-renders tables)
    progress: Progress | None = None  # wraps the result stream, e.g. a progress bar
    executor: str = "local"  # executors.EXECUTORS
    scheduler: str | None = None  # the Dask scheduler's address, for executor "dask"


@dataclass
class BatchResult:
    checked: list[CheckedReport]
    pairs: list[Pair] = field(default_factory=list)

    @property
    def document(self) -> FindingsDocument:
        return summarise([c.result for c in self.checked])


# ---- worker side -------------------------------------------------------------------------------


def _pack(report: Report) -> bytes:
    return zlib.compress(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _unpack(blob: bytes) -> Report:
    report: Report = pickle.loads(zlib.decompress(blob))
    return report


def _handle(options: Options, task: tuple[Any, ...]) -> Any:
    """Run one task in a worker: ``("load", path)`` or ``("pair", report, previous)``."""
    registry = get_registry()
    if task[0] == "load":
        checked = check_file(Path(task[1]), registry, options)
        return checked.result, (_pack(checked.report) if checked.report is not None else None)
    _, blob, previous_blob = task
    cross = cross_year_rules(registry, options)
    return check_report(_unpack(blob), registry, options, _unpack(previous_blob), rules=cross)


# ---- parent side -------------------------------------------------------------------------------


def cross_year_rules(registry: Registry, options: Options) -> list[LoadedRule]:
    return [r for r in enabled_rules(registry, options) if r.kind.needs_previous]


def failure_finding(failed: Failed, what: str) -> Finding:
    if failed.reason == "memory":
        limit = int(failed.detail or 0) // (1024 * 1024)
        message = f"{what}时内存超过限制 max-memory = {limit} MB，已停止该报告的检查，其他报告照常检查"
        message_en = f"{what} went over the limit max-memory = {limit} MB; the report was skipped, the batch went on"
    elif failed.reason == "timeout":
        message = f"{what}超时：超过 {failed.detail} 仍未完成，已停止该报告的检查，其他报告照常检查"
        message_en = f"{what} timed out after {failed.detail}; the report was skipped, the batch went on"
    else:
        message = f"{what}时进程异常终止（{failed.detail}），已跳过该报告，其他报告照常检查"
        message_en = f"{what} crashed ({failed.detail}); the report was skipped, the batch went on"
    return Finding(rule="INPUT", category="input", severity="error", message=message, message_en=message_en)


def _run(pool: Executor, tasks: list[Any], progress: Progress | None, label: str) -> Iterator[tuple[int, Any]]:
    stream = pool.run(tasks)
    return progress(stream, len(tasks), label) if progress else stream


def run_batch(files: list[Path], options: Options, batch: BatchOptions | None = None) -> BatchResult:
    """Check ``files`` (in this order) and return one CheckedReport each, plus the year pairs."""
    batch = batch or BatchOptions()
    registry = get_registry()  # loaded once here; forked workers inherit it
    preload_normalisation()  # likewise the OpenCC dictionary (~16 MB), shared by the workers
    cross = cross_year_rules(registry, options)
    tasks: list[Any] = [("load", str(path)) for path in files]
    if batch.previous is not None:
        tasks.append(("load", str(batch.previous)))
    results: list[ReportResult | None] = [None] * len(tasks)
    blobs: list[bytes | None] = [None] * len(tasks)
    handler = functools.partial(_handle, options)
    executor = make_executor(
        batch.executor,
        handler,
        jobs=batch.jobs,
        timeout=batch.timeout,
        memory=options.limits.max_memory,
        scheduler=batch.scheduler,
    )
    with executor as pool:
        for index, out in _run(pool, tasks, batch.progress, "checking"):
            if isinstance(out, Failed):
                source = tasks[index][1]
                results[index] = ReportResult(source=source, findings=[failure_finding(out, "检查")])
            else:
                results[index], blobs[index] = out
        done: list[ReportResult] = [r for r in results if r is not None]
        if batch.previous is not None:
            prior = done.pop()
            if blobs[-1] is None:
                message = prior.findings[0].message_en if prior.findings else None
                raise LoadError(f"无法读取上年报告：{batch.previous}", message or "cannot read the previous report")
            pairs_at = [(i, len(tasks) - 1) for i in range(len(files)) if blobs[i] is not None]
        else:
            pair_index = PairIndex()
            for at, result in enumerate(done):
                if blobs[at] is not None:
                    pair_index.add(at, result.agency, result.year, files[at].suffix)
            pairs_at = pair_index.pairs()
        sources = [str(task[1]) for task in tasks]
        pairs = _cross_year(pool, pairs_at, done, sources, blobs, cross, batch.progress)
    if batch.regions:
        members = RegionMembers(batch.regions)
        for index, (path, result) in enumerate(zip(files, done, strict=True)):
            members.add(index, path, result.agency, result.year, blobs[index] is not None)
        for index, found in members.findings(lambda i: _unpack(blobs[i]), registry, options).items():  # type: ignore[arg-type]
            done[index].findings = sort_findings([*done[index].findings, *found])
    reports = [_unpack(b) if batch.keep_reports and b is not None else None for b in blobs[: len(files)]]
    checked = [CheckedReport(path, report, result) for path, report, result in zip(files, reports, done, strict=True)]
    return BatchResult(checked=checked, pairs=pairs)


def _cross_year(
    pool: Executor,
    pairs_at: list[tuple[int, int]],
    results: list[ReportResult],
    sources: list[str],
    blobs: list[bytes | None],
    cross: list[LoadedRule],
    progress: Progress | None,
) -> list[Pair]:
    pairs: list[Pair] = []
    for current, prior in pairs_at:
        result = results[current]
        evaluated = tuple(r.spec.id for r in cross if result.template is None or result.template in r.spec.templates)
        pairs.append(Pair(result.source, sources[prior], result.agency, result.year, evaluated))
    if not cross:
        return pairs
    tasks = [("pair", blobs[current], blobs[prior]) for current, prior in pairs_at]
    for index, out in _run(pool, tasks, progress, "cross-year"):
        result = results[pairs_at[index][0]]
        found = [failure_finding(out, "跨年度比对")] if isinstance(out, Failed) else out
        result.findings = sort_findings([*result.findings, *found])
    return pairs
