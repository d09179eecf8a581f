"""A small process pool that can stop a task that hangs.

``concurrent.futures`` cannot cancel a task that is already running, so a report that makes a
reader loop forever would stall the whole batch. Here every worker is a process with its own
pipe; the parent knows which task each worker holds and when it started, and kills and replaces
a worker whose task overruns its time limit. A worker that dies (a crash in C code, the OOM
killer) is replaced the same way. Tasks are plain picklable tuples; the function that runs them
is given once, when the workers start.

A worker may also be given a memory budget: its data memory is capped (``RLIMIT_DATA``) at what
it had when it started plus the budget, so an allocation over it fails with MemoryError in that
worker (which the handler reports for its task) instead of swapping the machine or waking the
OOM killer. Where the platform has no such limit the budget is ignored.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

Handler = Callable[[Any], Any]


@dataclass(frozen=True)
class Failed:
    """A task that produced no result: ``reason`` is ``timeout``, ``memory`` or ``crash``."""

    reason: str
    detail: str = ""


def _context() -> Any:
    # fork shares the parent's warm caches (plugins, templates, rule packs) at no cost;
    # other platforms fall back to their default start method.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _data_size() -> int | None:
    """This process's private writable memory in bytes (VmData, Linux), or None where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit_memory(budget: int | None) -> bool:
    """Cap this process's data memory at its current size plus ``budget`` bytes; False if unsupported.

    ``RLIMIT_DATA`` counts the heap and private writable mappings, not shared libraries or address
    space merely reserved (thread arenas, memory maps of files), so it tracks what a reader really
    allocates better than ``RLIMIT_AS`` would, and leaves native libraries room to start threads.
    """
    if not budget:
        return False
    try:
        import resource
    except ImportError:  # not on this platform
        return False
    current = _data_size()
    if current is None:
        return False
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = current + budget
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    except (ValueError, OSError):
        return False
    return True


def _serve(conn: Connection, handler: Handler, memory: int | None = None) -> None:
    """Worker loop: receive ``(index, task)``, send ``(index, result)``; ``None`` stops."""
    limit_memory(memory)
    parent = os.getppid()
    while True:
        try:
            # A killed parent may not close this pipe (sibling workers hold copies of its end):
            # waiting a second at a time lets an orphaned worker notice and go.
            if not conn.poll(1.0):
                if os.getppid() != parent:
                    return
                continue
            message = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if message is None:
            return
        index, task = message
        try:
            result = handler(task)
        except MemoryError:
            result = Failed("memory", f"{memory or 0}")
        except Exception as exc:  # the handler isolates its own failures; this is the last guard
            result = Failed("crash", f"{type(exc).__name__}: {exc}")
        conn.send((index, result))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    index: int | None = None
    started: float = 0.0


class WorkerPool:
    """``jobs`` worker processes running ``handler``; ``run`` yields ``(index, result | Failed)``.

    ``memory`` is each worker's budget in bytes beyond its size at start (None: unlimited).
    """

    def __init__(self, handler: Handler, jobs: int, timeout: float | None, memory: int | None = None) -> None:
        self.handler = handler
        self.memory = memory if memory and memory > 0 else None
        self.jobs = max(1, jobs)
        self.timeout = timeout if timeout and timeout > 0 else None
        self._ctx = _context()
        self._workers: list[_Worker] = []

    def __enter__(self) -> WorkerPool:
        self._workers = [self._start() for _ in range(self.jobs)]
        return self

    def __exit__(self, *exc_info: object) -> None:
        for worker in self._workers:
            self._stop(worker, kill=worker.index is not None)
        self._workers = []

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, self.handler, self.memory), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _stop(self, worker: _Worker, kill: bool) -> None:
        try:
            if kill:
                worker.process.kill()
            else:
                worker.conn.send(None)
        except (OSError, ValueError):
            pass
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker, kill=True)
        self._workers[self._workers.index(worker)] = self._start()

    def run(
        self, tasks: Iterable[Any], window: int | None = None, after: Callable[[int], int | None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Run every task; yield each index with its result as soon as it is known.

        Tasks are taken from ``tasks`` only when a worker is free, so a generator may produce them
        lazily (reading each report from a spool as it is needed). With a ``window``, no task is
        started more than ``window`` places after the oldest one not yet done, which bounds how
        many results a caller putting them back in input order ever holds.

        ``after(index)`` names the task a task follows (a report's prior, which its task reads):
        while that one is running or waiting, the task waits too, and then goes to the worker that
        ran it, which still holds what it made; a free worker meanwhile takes the next task that
        follows none still to do. Without it, tasks start in order.
        """
        pending = enumerate(tasks)
        upcoming: tuple[int, Any] | None = next(pending, None)
        waiting: dict[int, Any] = {}  # taken from ``tasks`` but held back behind the task they follow
        last: dict[int, int] = {}  # worker (by id) → the index it finished last
        while upcoming is not None or waiting or any(w.index is not None for w in self._workers):
            for worker in self._workers:
                if worker.index is not None:
                    continue
                theirs = self._theirs(worker, last)
                if (
                    after is not None
                    and upcoming is not None
                    and after(upcoming[0]) == last.get(id(worker))
                    and self._within(upcoming[0], window, waiting)
                ):
                    waiting[upcoming[0]] = upcoming[1]  # the next task follows this worker's: it is this one's
                    upcoming = next(pending, None)
                chosen = self._follower(worker, waiting, last, after, theirs)
                while chosen is None and upcoming is not None and self._within(upcoming[0], window, waiting):
                    followed = after(upcoming[0]) if after is not None else None
                    if self._held_back(followed, waiting) or (followed is not None and followed in theirs):
                        waiting[upcoming[0]] = upcoming[1]
                    else:
                        chosen = upcoming
                    upcoming = next(pending, None)
                if chosen is not None:
                    index, task = chosen
                    worker.index, worker.started = index, time.monotonic()
                    worker.conn.send((index, task))
            busy = [w for w in self._workers if w.index is not None]
            if not busy and waiting:  # never idle with work held back: the oldest starts anywhere
                index = min(waiting)
                worker = self._workers[0]
                worker.index, worker.started = index, time.monotonic()
                worker.conn.send((index, waiting.pop(index)))
                busy = [worker]
            ready = wait([w.conn for w in busy], timeout=self._wait_time(busy))
            for worker in busy:
                held = worker.index
                assert held is not None
                if worker.conn in ready:
                    try:
                        _, result = worker.conn.recv()
                    except (EOFError, OSError):
                        code = worker.process.exitcode
                        result = Failed("crash", f"worker process exited ({code})")
                        self._replace(worker)
                    else:
                        worker.index = None
                        last[id(worker)] = held
                    yield held, result
                elif self.timeout is not None and time.monotonic() - worker.started >= self.timeout:
                    self._replace(worker)
                    yield held, Failed("timeout", f"{self.timeout:g} s")

    def _held_back(self, followed: int | None, waiting: dict[int, Any]) -> bool:
        """Whether a task following ``followed`` must wait: that task is still running or waiting."""
        if followed is None or followed < 0:
            return False
        return followed in waiting or any(w.index == followed for w in self._workers)

    def _theirs(self, worker: _Worker, last: dict[int, int]) -> set[int]:
        """What the other free workers finished last: a task following one of those is theirs to take."""
        return {last[id(w)] for w in self._workers if w is not worker and w.index is None and id(w) in last}

    def _follower(
        self,
        worker: _Worker,
        waiting: dict[int, Any],
        last: dict[int, int],
        after: Callable[[int], int | None] | None,
        theirs: set[int],
    ) -> tuple[int, Any] | None:
        """The waiting task this free worker should run next: the first whose task is done,
        preferring one that follows the task this worker finished last."""
        if after is None or not waiting:
            return None
        mine = last.get(id(worker))
        free = [index for index in waiting if not self._held_back(after(index), waiting)]
        index = next((i for i in free if after(i) == mine), None)
        if index is None:
            index = next((i for i in free if after(i) not in theirs), None)
        return None if index is None else (index, waiting.pop(index))

    def _within(self, index: int, window: int | None, waiting: dict[int, Any] | None = None) -> bool:
        running = [w.index for w in self._workers if w.index is not None] + list(waiting or ())
        return window is None or not running or index < min(running) + window

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if self.timeout is None:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.timeout - now for w in busy))
