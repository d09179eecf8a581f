"""Progress of a batch on stderr: a bar on a terminal (rich), plain lines now and then in a log.

A CI log or a redirected stderr shows nothing for minutes on a big batch without them; a line every
``LINE_INTERVAL`` seconds (never for a batch done sooner) says how far it is and how fast it goes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress_bar(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yield ``items`` unchanged while drawing a bar; refreshed by hand so no thread is running
    when a worker process is forked."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), auto_refresh=False, transient=True) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            progress.advance(task)
            progress.refresh()
            yield item


# Seconds between two progress lines in a log.
LINE_INTERVAL = 10.0


def progress_lines(
    items: Iterable[T],
    total: int,
    label: str,
    *,
    interval: float = LINE_INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """Yield ``items`` unchanged, writing ``label: done/total (percent), rate/s`` to stderr every
    ``interval`` seconds, and a last line when it ends if any line was written."""
    started = last = clock()
    done = 0
    wrote = False
    for item in items:
        done += 1
        now = clock()
        if now - last >= interval:
            _line(label, done, total, now - started)
            last, wrote = now, True
        yield item
    if wrote:
        _line(label, done, total, clock() - started)


def _line(label: str, done: int, total: int, elapsed: float) -> None:
    share = f" ({100 * done // total} %)" if total else ""
    rate = done / elapsed if elapsed > 0 else 0.0
    print(f"{label}: {done}/{total}{share}, {rate:.1f}/s, {elapsed:.0f} s", file=sys.stderr, flush=True)
