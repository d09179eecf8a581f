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


class ExecutorUnavailable(Exception):
    """The executor cannot start (its optional package is missing, its scheduler is unreachable)."""


class Executor(Protocol):
    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def run(
        self, tasks: Iterable[Any], window: int | None = None, after: Callable[[int], int | None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, result | Failed)`` for every task, as each completes; ``after(index)``, where
        given, names the task whose worker should run this one after it (a hint: the pool's, see pool.py)."""
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
    if kind == "dask":
        from compliance.batch.dask import DaskExecutor  # the optional extra is imported only here

        return DaskExecutor(handler, scheduler, jobs=jobs, timeout=timeout)
    if kind != "local":
        raise ExecutorUnavailable(f"unknown executor '{kind}'; choose one of {', '.join(EXECUTORS)}")
    from compliance.batch.pool import WorkerPool

    return WorkerPool(handler, jobs, timeout, memory)
