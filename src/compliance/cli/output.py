"""Where `check` puts its output: stdout, one file (text or bytes), or a folder of pages.

Formatters declare what they can do (see ``compliance.formatters.Formatter``): ``binary`` formats need
``--output``; formatters with ``render_pages`` (html) write an index page and one page per report when
``--output`` is a folder or the batch has more than their ``split_over`` reports.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from compliance.cli.app import UsageProblem
from compliance.engine import CheckedReport
from compliance.formatters.streaming import Writer
from compliance.model import BaselineStatus, FindingsDocument, Report, ReportResult, Summary, ToolInfo


def is_folder(output: str) -> bool:
    """``--output`` names a folder: an existing one, or a path ending in a separator."""
    return Path(output).is_dir() or output.endswith(("/", os.sep))


def check_output(formatter: Any, output_format: str, output: str | None) -> None:
    """Refuse, before any report is read, an output the format cannot be written to."""
    if getattr(formatter, "binary", False) and not output:
        raise UsageProblem(f"--format {output_format} writes a binary file; give --output FILE.")
    if output and is_folder(output) and not hasattr(formatter, "render_pages"):
        raise UsageProblem(f"--output '{output}' is a folder; only --format html writes a folder of pages.")


def emit(
    formatter: Any,
    output_format: str,
    output: str | None,
    document: FindingsDocument,
    reports: Sequence[Report | None],
    pairing: list[str],
    *,
    text: str | None = None,
    quiet: bool = False,
) -> None:
    """Render and write; the cross-year pairing goes into text output, on stderr otherwise.

    ``text`` is output already rendered instead of the formatter's (``--statistics``).
    """
    if (
        text is None
        and output
        and hasattr(formatter, "render_pages")
        and (is_folder(output) or _many(formatter, document))
    ):
        if pairing:
            click.echo("\n".join(pairing), err=True)
        _write_pages(formatter, document, reports, output, quiet)
        return
    rendered = formatter.render(document, reports) if text is None else text
    if pairing and output_format == "text" and text is None:
        rendered = "\n".join(pairing) + "\n\n" + rendered
    elif pairing:
        click.echo("\n".join(pairing), err=True)
    if output is None:
        click.echo(rendered, nl=False)
        return
    try:
        if isinstance(rendered, bytes):  # a binary format (check_output made sure of --output)
            Path(output).write_bytes(rendered)
        else:
            # A formatter may ask for another file encoding (csv: with a BOM, so Excel reads it as UTF-8).
            encoding = getattr(formatter, "file_encoding", "utf-8") if text is None else "utf-8"
            Path(output).write_text(rendered, encoding=encoding)
    except OSError as exc:
        raise UsageProblem(f"cannot write '{output}': {exc.strerror or exc}.") from exc
    if not quiet:
        click.echo(f"wrote {output}", err=True)


def _many(formatter: Any, document: FindingsDocument) -> bool:
    """More reports than the formatter puts on one page."""
    limit = getattr(formatter, "split_over", None)
    return limit is not None and len(document.reports) > limit


def _write_pages(
    formatter: Any, document: FindingsDocument, reports: Sequence[Report | None], output: str, quiet: bool
) -> None:
    """A folder gets index.html and report-N.html; a file gets the index, its pages in FILE-reports/."""
    target = Path(output)
    if is_folder(output):
        base, index_name, folder = target, "index.html", ""
    else:
        base, index_name, folder = target.parent, target.name, f"{target.stem}-reports"
    pages = formatter.render_pages(document, reports, index_name=index_name, folder=folder)
    try:
        for relative, text in pages.items():
            path = base / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"cannot write the pages to '{output}': {exc.strerror or exc}.") from exc
    if not quiet:
        click.echo(f"wrote {base / index_name} and {len(pages) - 1} report page(s)", err=True)


def shown(checked: Iterator[CheckedReport], display: dict[str, str]) -> Iterator[CheckedReport]:
    """Standard input is shown by its given name, not by the temporary file holding it."""
    for item in checked:
        shown = display.get(item.result.source)
        if shown is not None:
            item.result.source = shown
        yield item


class Collected:
    """Keeps every result for the outputs made from the whole batch (and is its own silent writer)."""

    def __init__(self) -> None:
        self.results: list[ReportResult] = []
        self.reports: list[Report | None] = []
        self._tool: ToolInfo | None = None
        self._summary = Summary()
        self._baseline: BaselineStatus | None = None

    def write(self, text: str) -> None:
        return None

    def begin(self, out: Writer, tool: ToolInfo) -> None:
        self._tool = tool

    def add(self, result: ReportResult, report: Report | None) -> None:
        self.results.append(result)
        self.reports.append(report)

    def end(self, summary: Summary, baseline: BaselineStatus | None) -> None:
        self._summary, self._baseline = summary, baseline

    def document(self) -> FindingsDocument:
        assert self._tool is not None
        return FindingsDocument(tool=self._tool, reports=self.results, summary=self._summary, baseline=self._baseline)


class _Echo:
    """Standard output as a stream for formatters (click.echo copes with the terminal's encoding)."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)


@contextlib.contextmanager
def output_to(output: str | None, encoding: str = "utf-8") -> Iterator[Writer]:
    if output is None:
        yield _Echo()
        return
    try:
        # A formatter may ask for another file encoding (csv: with a BOM, so Excel reads it as UTF-8).
        handle = Path(output).open("w", encoding=encoding)  # noqa: SIM115 (closed below; opening errors only)
    except OSError as exc:
        raise UsageProblem(f"cannot write '{output}': {exc.strerror}") from exc
    with handle:
        yield handle
