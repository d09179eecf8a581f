"""Batches: check many reports in worker processes, pair each with last year's, roll up regions.

Each report is loaded and checked in a worker process (``pool.WorkerPool``), so a report that
crashes a reader or hangs becomes one ``input`` finding and the batch goes on. Results are
kept by input position, so the output is the same whatever ``jobs`` is. Reports travel back
from the workers as compressed pickles: the parent only unpickles the ones a later step needs
(a cross-year pair, a region roll-up, a formatter that re-renders tables).
"""

from __future__ import annotations

import csv
import functools
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from compliance.mapping.normalize import key
from compliance.mapping.normalize import preload as preload_normalisation
from compliance.model import Finding, FindingsDocument, Report, ReportResult
from compliance.pool import Failed, WorkerPool
from compliance.rollup import RegionEntry, apply_rollup
from compliance.rules.ratios import RATIO_COLUMNS, ratio_cells

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


@dataclass(frozen=True)
class Pair:
    """A report paired with the same agency's report of the year before."""

    source: str
    previous: str
    agency: str | None
    year: int | None
    rules: tuple[str, ...]  # the cross-year rules evaluated on this pair


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


def _run(pool: WorkerPool, tasks: list[Any], progress: Progress | None, label: str) -> Iterator[tuple[int, Any]]:
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
    with WorkerPool(handler, batch.jobs, batch.timeout, options.limits.max_memory) as pool:
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
            pairs_at = pair_by_agency(done, files, blobs)
        sources = [str(task[1]) for task in tasks]
        pairs = _cross_year(pool, pairs_at, done, sources, blobs, cross, batch.progress)
    for current, earlier in pairs_at:  # the year-over-year change needs only last year's ratios
        now, then = results[current], results[earlier]
        if now is not None and now.ratios is not None and then is not None:
            now.ratios = now.ratios.with_previous(then.ratios)
    if batch.regions:
        apply_rollup(batch.regions, done, files, blobs, registry, options)
    reports = [_unpack(b) if batch.keep_reports and b is not None else None for b in blobs[: len(files)]]
    checked = [CheckedReport(path, report, result) for path, report, result in zip(files, reports, done, strict=True)]
    return BatchResult(checked=checked, pairs=pairs)


def _cross_year(
    pool: WorkerPool,
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


def agency_key(agency: str | None) -> str:
    """Agencies match when their normalised names do (width, traditional forms, spacing)."""
    return key(agency or "")


def pair_by_agency(results: list[ReportResult], files: list[Path], blobs: list[bytes | None]) -> list[tuple[int, int]]:
    """Pair each readable report with the same agency's report of the year before, if in the batch.

    Several files for one agency and year (a .txt and an .html copy) are all paired; each takes
    last year's report in the same format when there is one, else the first in input order.
    """
    by_key: dict[tuple[str, int], list[int]] = {}
    for index, result in enumerate(results):
        if blobs[index] is None or result.year is None or not agency_key(result.agency):
            continue
        by_key.setdefault((agency_key(result.agency), result.year), []).append(index)
    pairs: list[tuple[int, int]] = []
    for index, result in enumerate(results):
        if blobs[index] is None or result.year is None:
            continue
        candidates = by_key.get((agency_key(result.agency), result.year - 1), [])
        if not candidates:
            candidates = _same_agency_differently_named(by_key, agency_key(result.agency), result.year - 1)
        if not candidates:
            continue
        same_format = [c for c in candidates if files[c].suffix == files[index].suffix]
        pairs.append((index, (same_format or candidates)[0]))
    return pairs


_MIN_AGENCY_NAME = 6


def _same_agency_differently_named(by_key: dict[tuple[str, int], list[int]], name: str, year: int) -> list[int]:
    """Last year's report of the same agency printed with or without its parent region.

    Titles drop or add the city ("洪泽区人民政府" / "淮安市洪泽区人民政府"): one name ending with the
    other, when exactly one agency of that year does, is the same agency.
    """
    matches = [
        indexes
        for (other, other_year), indexes in by_key.items()
        if other_year == year
        and other != name
        and min(len(other), len(name)) >= _MIN_AGENCY_NAME  # "区人民政府" alone names no agency
        and (other.endswith(name) or name.endswith(other))
    ]
    return matches[0] if len(matches) == 1 else []


def pairing_lines(pairs: list[Pair]) -> list[str]:
    """The pairing, for people: printed in text output, on stderr for machine formats."""
    if not pairs:
        return []
    lines = [f"上年报告配对 / cross-year pairs ({len(pairs)}):"]
    for pair in pairs:
        who = " ".join(str(x) for x in (pair.agency, pair.year) if x is not None)
        lines.append(f"  {pair.source} ← {pair.previous}" + (f"  ({who})" if who else ""))
    return lines


# ---- summary CSV --------------------------------------------------------------------------------

SUMMARY_COLUMNS = (
    "source",
    "agency",
    "year",
    "template",
    "errors",
    "warnings",
    "info",
    "top_rules",
    *RATIO_COLUMNS,
)


def top_rules(result: ReportResult, limit: int = 3) -> str:
    counts = Counter(f.rule for f in result.findings)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return "; ".join(f"{rule}×{count}" if count > 1 else rule for rule, count in ranked)


def summary_rows(document: FindingsDocument) -> list[dict[str, str]]:
    rows = []
    for result in document.reports:
        counts = Counter(f.severity for f in result.findings)
        rows.append(
            {
                "source": result.source,
                "agency": result.agency or "",
                "year": "" if result.year is None else str(result.year),
                "template": result.template or "",
                "errors": str(counts["error"]),
                "warnings": str(counts["warning"]),
                "info": str(counts["info"]),
                "top_rules": top_rules(result),
                **ratio_cells(result.ratios),
            }
        )
    return rows


def write_summary(path: Path, document: FindingsDocument) -> None:
    """One row per report (``--summary FILE.csv``), whatever the output format."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel opens it as UTF-8
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        writer.writerows(summary_rows(document))
