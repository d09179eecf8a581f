"""The Dask distributed executor: the same per-report tasks on a cluster (``--executor dask``).

Dask is an optional extra (``pip install 'compliance[dask]'``), imported only here. Workers read
each report from the path in its task, so the files must be reachable at the same path on every
worker (shared storage); what comes back is the same as from the local pool, so the batch puts
results in input order and the output is identical to ``--jobs``.

Tasks are submitted a few at a time (twice the cluster's threads) as results come back, so the
scheduler never holds the whole batch. A task running longer than the timeout is reported as
``Failed("timeout")``; a thread cannot be stopped, so the worker holding it is restarted. Memory
is the cluster's to limit (each worker's ``memory_limit``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from compliance.batch.executors import ExecutorUnavailable
from compliance.batch.pool import Failed

_POLL = 0.5  # seconds between timeout checks while no result arrives


def run_task(handler: Callable[[Any], Any], task: Any) -> Any:
    """On a worker: the handler's result, or Failed (as the local pool's worker loop would give)."""
    try:
        return handler(task)
    except MemoryError:
        return Failed("memory", "0")
    except Exception as exc:  # the handler isolates its own failures; this is the last guard
        return Failed("crash", f"{type(exc).__name__}: {exc}")


class DaskExecutor:
    """Runs tasks on the Dask cluster at ``scheduler`` (None: a local cluster of ``jobs`` processes)."""

    def __init__(
        self, handler: Callable[[Any], Any], scheduler: str | None, *, jobs: int = 1, timeout: float | None = None
    ) -> None:
        self.handler = handler
        self.scheduler = scheduler
        self.jobs = max(1, jobs)
        self.timeout = timeout if timeout and timeout > 0 else None
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskExecutor:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ExecutorUnavailable("--executor dask needs Dask distributed: pip install 'compliance[dask]'") from exc
        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            self.__exit__()
            raise ExecutorUnavailable(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") from exc
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def _slots(self) -> int:
        """Tasks in flight: two per worker thread (asked once per run: it is a round trip)."""
        threads = sum(self._client.nthreads().values()) or 1
        return 2 * threads

    def run(
        self, tasks: Iterable[Any], window: int | None = None, after: Callable[[int], int | None] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, result | Failed)`` for every task, as each completes (``after`` is not used:
        the cluster's scheduler places tasks, and a worker reads a prior it lacks from the store)."""
        from distributed import wait

        pending = enumerate(tasks)
        upcoming: tuple[int, Any] | None = next(pending, None)
        running: dict[Any, tuple[int, float]] = {}  # future → (index, when submitted)
        slots = self._slots()
        while upcoming is not None or running:
            while upcoming is not None and len(running) < slots and self._within(upcoming[0], running, window):
                index, task = upcoming
                future = self._client.submit(run_task, self.handler, task, pure=False)
                running[future] = (index, time.monotonic())
                upcoming = next(pending, None)
            try:
                done, _ = wait(list(running), timeout=_POLL, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for future in done:
                index, _ = running.pop(future)
                yield index, self._result(future)
            yield from self._overdue(running)

    @staticmethod
    def _within(index: int, running: dict[Any, tuple[int, float]], window: int | None) -> bool:
        return window is None or not running or index < min(i for i, _ in running.values()) + window

    @staticmethod
    def _result(future: Any) -> Any:
        try:
            return future.result()
        except Exception as exc:  # a worker that died with the task (KilledWorker) or a lost connection
            return Failed("crash", f"{type(exc).__name__}: {exc}")

    def _overdue(self, running: dict[Any, tuple[int, float]]) -> Iterator[tuple[int, Any]]:
        if self.timeout is None:
            return
        now = time.monotonic()
        for future, (index, submitted) in list(running.items()):
            # Measured from submission: with at most two tasks per thread in flight, a task waits
            # for one other at most before it starts.
            if now - submitted < self.timeout:
                continue
            del running[future]
            holders = self._holders(future)
            future.cancel()
            if holders:  # a worker that cannot be restarted just stays busy
                with contextlib.suppress(Exception):
                    self._client.restart_workers(workers=holders)
            yield index, Failed("timeout", f"{self.timeout:g} s")

    def _holders(self, future: Any) -> list[str]:
        try:
            processing = self._client.processing()
        except Exception:
            return []
        return [worker for worker, keys in processing.items() if future.key in keys]
