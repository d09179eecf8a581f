"""`compliance extract`: one report as the structured report (contract §3), or its tables for a person.

The report is read in a worker process, like every report of `check`: under the same time limit and
memory cap, so a hostile file ends in seconds here too.
"""

from __future__ import annotations

import click

from compliance.batch.run import BatchOptions, run_batch
from compliance.cli.app import (
    MAX_BYTES_OPTION,
    MAX_MEMORY_OPTION,
    NO_CACHE_OPTION,
    TIMEOUT_OPTION,
    UsageProblem,
    cli,
    existing,
    ocr_cache,
    registry_or_fail,
)
from compliance.engine import Options
from compliance.readers.limits import Limits


@cli.command()
@click.argument("path")
@click.option("--template", type=click.Choice(["auto", "V2019", "V2021"]), default="auto", show_default=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text", "markdown"]),
    default="json",
    show_default=True,
    help="json: the structured report (contract §3); text/markdown: its tables laid out for a person.",
)
@MAX_BYTES_OPTION
@NO_CACHE_OPTION
@TIMEOUT_OPTION
@MAX_MEMORY_OPTION
def extract(
    path: str, template: str, output_format: str, max_bytes: int, no_cache: bool, timeout: float, max_memory: int | None
) -> None:
    """Print one report as read: the structured report (contract §3), or its tables for a person."""
    ocr_cache(no_cache)
    registry = registry_or_fail()
    (file,) = existing((path,))
    if file.is_dir():
        raise UsageProblem(f"'{path}' is a folder; extract reads one report file.")
    limits = Limits() if max_memory is None else Limits(max_memory=max_memory * 1024 * 1024)
    options = Options(template=None if template == "auto" else template, max_bytes=max_bytes, limits=limits)
    batch = BatchOptions(jobs=1, timeout=timeout or None, keep_reports=True, pair=False)
    (checked,) = run_batch([file], options, batch).checked
    report = checked.report
    if report is None:
        problem = next((f for f in checked.result.findings if f.category == "input"), None)
        reason = (problem.message_en or problem.message) if problem else "no report could be read"
        raise UsageProblem(f"cannot read '{path}': {reason}")
    if output_format == "json":
        click.echo(report.model_dump_json(indent=2, exclude_defaults=False))
        return
    from compliance.formatters.report_view import report_markdown, report_text

    render = report_text if output_format == "text" else report_markdown
    click.echo(render(report, registry.layouts), nl=False)
