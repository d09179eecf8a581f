"""Run a batch: every report checked by an executor, results handed on in input order as they are final.

Each report is loaded and checked by a worker (``executors``: the local ``pool.WorkerPool`` by
default), so a report that crashes a reader or hangs becomes one ``input`` finding and the batch
goes on. ``Batch`` yields one ``CheckedReport`` per file, in input order, whatever the number of
workers, so the output is the same for any ``jobs``:

- with nothing batch-wide to do, each result is yielded as soon as it and every earlier one are
  done (a reorder window of ``BatchOptions.window`` results at most);
- when reports must be paired across years (a cross-year rule is enabled) or rolled up by region,
  no result is final until every report is read: results wait in a temporary file (``spool``)
  and packed reports in files the workers write themselves (``stored``) while small keyed
  summaries (agency key, year, region) decide the pairs and roll-ups, then the results are yielded
  in input order with the cross-year checks running in the workers just ahead of them.

Memory in the parent stays flat with the size of the batch either way.
"""

from __future__ import annotations

import functools
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from compliance.batch.executors import Executor, make_executor
from compliance.batch.paired import check_task, key_task, keyed_then_checked
from compliance.batch.pairing import Duplicate, Pair, PairIndex
from compliance.batch.pool import Failed
from compliance.batch.regions import RegionEntry, RegionMembers
from compliance.batch.spool import Spool
from compliance.batch.stored import ReportStore, Stored, pack, put_in, read_stored, unpack
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
from compliance.model import Finding, FindingsDocument, ReportResult

DEFAULT_TIMEOUT = 60.0
# Results held back at most while an earlier report is still being checked: enough to keep every
# worker busy behind a slow report, small enough that a hung one costs little memory.
DEFAULT_WINDOW = 512

Progress = Callable[[Iterable[Any], int, str], Iterator[Any]]


@dataclass
class BatchOptions:
    jobs: int = 1
    timeout: float | None = DEFAULT_TIMEOUT  # seconds per report; None or 0: no limit
    previous: Path | None = None  # last year's report for every report of the batch
    regions: Sequence[RegionEntry] | None = None  # roll-up manifest entries (regions.read_manifest)
    keep_reports: bool = False  # hand the Report objects to the formatter (HTML re-renders tables)
    progress: Progress | None = None  # wraps the result stream, e.g. a progress bar
    executor: str = "local"  # executors.EXECUTORS
    scheduler: str | None = None  # the Dask scheduler's address, for executor "dask"
    window: int = DEFAULT_WINDOW
    pair: bool = True  # pair reports across years within the batch (results then wait for every report)


@dataclass
class BatchResult:
    checked: list[CheckedReport]
    pairs: Sequence[Pair] = field(default_factory=list)

    @property
    def document(self) -> FindingsDocument:
        return summarise([c.result for c in self.checked])


# ---- worker side -------------------------------------------------------------------------------


def handle(options: Options, keep: bool, folder: str | None, task: tuple[Any, ...]) -> Any:
    """Run one task in a worker: ``("load", path)``, ``("hold", path)``, ``("pair", report, previous)``,
    or the two passes of a batch that pairs as it goes (``paired``): ``("key", path)``, ``("check", …)``.

    A load returns the result, whether the report was readable, and (``keep``) the report packed:
    its bytes, or where this worker stored them in the batch's ``folder`` (``stored``). A hold, for
    a batch that keeps results until it has paired them, returns the result already packed for the
    parent's spool, plus the labels pairing needs (agency, year, template), so the parent neither
    unpickles nor packs it again. A pair (each report named as a load gives it) returns the
    cross-year findings.
    """
    if task[0] == "failed":
        return task[1]
    if task[0] == "key":
        return key_task(options, folder, task[1])
    if task[0] == "check":
        return check_task(options, folder, *task[1:])
    registry = get_registry()
    if task[0] in ("load", "hold"):
        checked = check_file(Path(task[1]), registry, options)
        readable = checked.report is not None
        kept: bytes | Stored | None = None
        if keep and checked.report is not None:
            kept = pack(checked.report)
            if folder is not None:
                kept = put_in(folder, kept)
        result = checked.result
        if task[0] == "hold":
            return Held(Spool.pack(result), readable, kept, result.agency, result.year, result.template)
        return result, readable, kept
    _, current, previous = task
    cross = cross_year_rules(registry, options)
    return check_report(unpack(read_stored(current)), registry, options, unpack(read_stored(previous)), rules=cross)


@dataclass(frozen=True)
class Held:
    """A checked report's result packed for the spool, with what pairing and roll-up read of it."""

    result: bytes
    readable: bool
    report: bytes | Stored | None
    agency: str | None
    year: int | None
    template: str | None


# ---- parent side -------------------------------------------------------------------------------


def cross_year_rules(registry: Registry, options: Options) -> list[LoadedRule]:
    return [r for r in enabled_rules(registry, options) if r.kind.needs_previous]


def failure_finding(failed: Failed, what: str) -> Finding:
    if failed.reason == "memory":
        limit = int(failed.detail or 0) // (1024 * 1024)
        message = f"{what}时内存超过限制 max-memory = {limit} MB，已停止该报告的检查，其他报告照常检查"
        message_en = f"{what} went over the limit max-memory = {limit} MB; the report was skipped, the batch went on"
    elif failed.reason == "timeout":
        # A long scan is the usual cause: say how to give it the time it needs.
        message = (
            f"{what}超时：超过 {failed.detail} 仍未完成，已停止该报告的检查，其他报告照常检查"
            "（扫描件逐页 OCR，每页约 2 秒；可用 --timeout 放宽时限）"
        )
        message_en = (
            f"{what} timed out after {failed.detail}; the report was skipped, the batch went on"
            " (a scan is OCR'd at about 2 s a page; --timeout raises the limit)"
        )
    else:
        message = f"{what}时进程异常终止（{failed.detail}），已跳过该报告，其他报告照常检查"
        message_en = f"{what} crashed ({failed.detail}); the report was skipped, the batch went on"
    return Finding(rule="INPUT", category="input", severity="error", message=message, message_en=message_en)


def in_order(stream: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """``(index, value)`` pairs arriving in any order, yielded by index 0, 1, 2, … as each is available."""
    waiting: dict[int, Any] = {}
    expected = 0
    for index, value in stream:
        waiting[index] = value
        while expected in waiting:
            yield expected, waiting.pop(expected)
            expected += 1


class Batch:
    """Check ``files`` and iterate their CheckedReports in input order; ``pairs`` once the first is out."""

    def __init__(self, files: Sequence[Path], options: Options, batch: BatchOptions | None = None) -> None:
        self.files = files
        self.options = options
        self.batch = batch or BatchOptions()
        self.registry = get_registry()  # loaded once here; forked workers inherit it
        self.cross = cross_year_rules(self.registry, options)
        self.pairs: Sequence[Pair] = []
        # The same agency and year given more than once; known when the batch pairs (every report read).
        self.duplicates: list[Duplicate] = []
        pairing = bool(self.cross) and (self.batch.previous is not None or (self.batch.pair and len(files) > 1))
        # Pairing and roll-up need every report read before any result is final.
        self.deferred = pairing or bool(self.batch.regions)

    def __iter__(self) -> Iterator[CheckedReport]:
        preload_normalisation()  # likewise the OpenCC dictionary (~16 MB), shared by the workers
        keep = self.batch.keep_reports or self.deferred
        if not self.deferred:
            yield from self._run(keep, None)
            return
        # Workers of the local pool store the packed reports themselves, where the parent and the
        # cross-year tasks read them; a cluster's workers send them.
        total = len(self.files) + (self.batch.previous is not None)
        shared = self.batch.executor == "local"
        if self.batch.previous is None and not self.batch.regions:
            # Pairing within the batch: every report's key first, then results as they are checked.
            with ReportStore(total, shared=shared) as documents, ReportStore(total, shared=shared) as reports:
                executor = self._executor(True, documents.folder if shared else None)
                with executor:
                    yield from keyed_then_checked(self, executor, documents, reports)
            return
        with ReportStore(total, shared=shared) as store:
            yield from self._run(keep, store)

    def _executor(self, keep: bool, folder: str | None) -> Executor:
        return make_executor(
            self.batch.executor,
            functools.partial(handle, self.options, keep, folder),
            jobs=self.batch.jobs,
            timeout=self.batch.timeout,
            memory=self.options.limits.max_memory,
            scheduler=self.batch.scheduler,
        )

    def _run(self, keep: bool, store: ReportStore | None) -> Iterator[CheckedReport]:
        folder = store.folder if store is not None and store.shared else None
        with self._executor(keep, folder) as executor:
            yield from (self._streamed(executor) if store is None else self._deferred(executor, store))

    def _load_tasks(self, kind: str) -> Iterator[tuple[str, str]]:
        yield from ((kind, str(path)) for path in self.files)
        if kind == "hold" and self.batch.previous is not None:
            yield (kind, str(self.batch.previous))

    def _progress(self, stream: Iterator[tuple[int, Any]], total: int, label: str) -> Iterator[tuple[int, Any]]:
        return self.batch.progress(stream, total, label) if self.batch.progress else stream

    def _outcome(self, index: int, out: Any) -> tuple[ReportResult, bool, bytes | Stored | None]:
        if isinstance(out, Failed):
            return ReportResult(source=str(self._source(index)), findings=[failure_finding(out, "检查")]), False, None
        result, readable, blob = out
        return result, readable, blob

    def _source(self, index: int) -> Path:
        return self.files[index] if index < len(self.files) else self.batch.previous  # type: ignore[return-value]

    def _streamed(self, executor: Executor) -> Iterator[CheckedReport]:
        stream = executor.run(self._load_tasks("load"), self.batch.window)
        for index, out in in_order(self._progress(stream, len(self.files), "checking")):
            result, _, blob = self._outcome(index, out)
            report = unpack(read_stored(blob)) if self.batch.keep_reports and blob is not None else None
            yield CheckedReport(self.files[index], report, result)

    def _deferred(self, executor: Executor, blobs: ReportStore) -> Iterator[CheckedReport]:
        count = len(self.files)
        total = count + (self.batch.previous is not None)
        with Spool(total) as results:
            pair_index = PairIndex()
            members = RegionMembers(self.batch.regions) if self.batch.regions else None
            labels = _Labels(count)
            for index, out in self._progress(executor.run(self._load_tasks("hold")), total, "checking"):
                if not isinstance(out, Held):  # the worker failed: an input finding in its place
                    result, _, _ = self._outcome(index, out)
                    out = Held(Spool.pack(result), False, None, None, None, None)
                results.put(index, out.result)
                if out.report is not None:
                    blobs.put(index, out.report)
                if index >= count:
                    continue
                if out.readable:
                    pair_index.add(index, out.agency, out.year, sys.intern(self.files[index].suffix))
                    labels.set(index, out.agency, out.year, out.template)
                if members is not None:
                    members.add(index, self.files[index], out.agency, out.year, out.readable)
            pairs_at = self._pairs_at(pair_index, results, blobs)
            self.pairs = Pairs(pairs_at, functools.partial(self._pair, labels=labels))
            self.duplicates = [
                Duplicate(labels.get(group[0])[0], year, tuple(str(self.files[i]) for i in group))
                for year, group in pair_index.duplicates()
            ]
            del pair_index
            rollup = (
                members.findings(lambda i: unpack(blobs.get(i) or b""), self.registry, self.options) if members else {}
            )
            cross_found = self._cross_year(executor, pairs_at, blobs)
            upcoming = next(cross_found, None)
            prior_of = array("q", [-1]) * count
            for current, prior in zip(*pairs_at, strict=True):
                prior_of[current] = prior
            for index in range(count):
                result = results.get_object(index)
                if prior_of[index] >= 0 and result.ratios is not None:
                    # The year-over-year change needs only last year's ratios, not its report.
                    then: ReportResult = results.get_object(prior_of[index])
                    result.ratios = result.ratios.with_previous(then.ratios)
                extra = list(rollup.pop(index, []))
                if upcoming is not None and upcoming[0] == index:
                    extra.extend(upcoming[1])
                    upcoming = next(cross_found, None)
                if extra:
                    result.findings = sort_findings([*result.findings, *extra])
                blob = blobs.get(index) if self.batch.keep_reports else None
                yield CheckedReport(self.files[index], unpack(blob) if blob is not None else None, result)

    def _pairs_at(self, pair_index: PairIndex, results: Spool, blobs: ReportStore) -> tuple[array[int], array[int]]:
        """(reports, last year's report of each) as two arrays, in input order."""
        count = len(self.files)
        current, prior = array("q"), array("q")
        if self.batch.previous is None:
            for this, then in pair_index.iter_pairs() if self.cross and self.batch.pair else ():
                current.append(this)
                prior.append(then)
            return current, prior
        if not blobs.has(count):
            previous: ReportResult = results.get_object(count)
            message = previous.findings[0].message_en if previous.findings else None
            raise LoadError(f"无法读取上年报告：{self.batch.previous}", message or "cannot read the previous report")
        current.extend(index for index in range(count) if blobs.has(index))
        prior.extend(count for _ in current)
        return current, prior

    def _pair(self, current: int, prior: int, labels: _Labels) -> Pair:
        agency, year, template = labels.get(current)
        evaluated = tuple(r.spec.id for r in self.cross if template is None or template in r.spec.templates)
        return Pair(str(self.files[current]), str(self._source(prior)), agency, year, evaluated)

    def _cross_year(
        self, executor: Executor, pairs_at: tuple[array[int], array[int]], blobs: ReportStore
    ) -> Iterator[tuple[int, list[Finding]]]:
        """Cross-year findings per paired report, in input order, computed by the workers just in time."""
        currents, priors = pairs_at
        if not self.cross or not currents:
            return
        tasks = (
            ("pair", blobs.ref(current), blobs.ref(prior)) for current, prior in zip(currents, priors, strict=True)
        )
        stream = self._progress(executor.run(tasks, self.batch.window), len(currents), "cross-year")
        for position, out in in_order(stream):
            found = [failure_finding(out, "跨年度比对")] if isinstance(out, Failed) else out
            yield currents[position], found


_NO_YEAR = -(2**63)


class _Labels:
    """Agency, year and template of each readable report, kept compact for batches of any size:
    two small integers and the year per report, each distinct agency or template text stored once."""

    def __init__(self, size: int) -> None:
        self._texts: list[str | None] = [None]
        self._numbers: dict[str | None, int] = {None: 0}
        self._agency = array("i", [0]) * size
        self._template = array("i", [0]) * size
        self._year = array("q", [_NO_YEAR]) * size

    def _number(self, text: str | None) -> int:
        number = self._numbers.get(text)
        if number is None:
            number = self._numbers[text] = len(self._texts)
            self._texts.append(text)
        return number

    def set(self, index: int, agency: str | None, year: int | None, template: str | None) -> None:
        self._agency[index], self._template[index] = self._number(agency), self._number(template)
        self._year[index] = _NO_YEAR if year is None else year

    def get(self, index: int) -> tuple[str | None, int | None, str | None]:
        year = self._year[index]
        return self._texts[self._agency[index]], None if year == _NO_YEAR else year, self._texts[self._template[index]]


class Pairs(Sequence[Pair]):
    """The batch's year pairs, made one at a time from two arrays of indexes when they are read."""

    def __init__(self, pairs_at: tuple[array[int], array[int]], make: Callable[[int, int], Pair]) -> None:
        self._current, self._prior = pairs_at
        self._make = make

    def __len__(self) -> int:
        return len(self._current)

    @overload
    def __getitem__(self, position: int) -> Pair: ...

    @overload
    def __getitem__(self, position: slice) -> list[Pair]: ...

    def __getitem__(self, position: int | slice) -> Pair | list[Pair]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        return self._make(self._current[position], self._prior[position])


def run_batch(files: Sequence[Path], options: Options, batch: BatchOptions | None = None) -> BatchResult:
    """Check ``files`` (in this order) and return one CheckedReport each, plus the year pairs."""
    run = Batch(files, options, batch)
    checked = list(run)
    return BatchResult(checked=checked, pairs=run.pairs)
