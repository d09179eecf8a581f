"""`compliance extract`: one report as the structured report (contract §3)."""

from __future__ import annotations

import click

from compliance.cli.app import (
    MAX_BYTES_OPTION,
    NO_CACHE_OPTION,
    UsageProblem,
    cli,
    existing,
    ocr_cache,
    registry_or_fail,
)
from compliance.document import LoadError
from compliance.engine import Options, load_report


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
def extract(path: str, template: str, output_format: str, max_bytes: int, no_cache: bool) -> None:
    """Print one report as read: the structured report (contract §3), or its tables for a person."""
    ocr_cache(no_cache)
    registry = registry_or_fail()
    (file,) = existing((path,))
    if file.is_dir():
        raise UsageProblem(f"'{path}' is a folder; extract reads one report file.")
    try:
        options = Options(template=None if template == "auto" else template, max_bytes=max_bytes)
        report = load_report(file, registry, options)
    except LoadError as exc:
        raise UsageProblem(f"cannot read '{path}': {exc.message_en or exc.message}") from exc
    if output_format == "json":
        click.echo(report.model_dump_json(indent=2, exclude_defaults=False))
        return
    from compliance.formatters.report_view import report_markdown, report_text

    render = report_text if output_format == "text" else report_markdown
    click.echo(render(report, registry.layouts), nl=False)
