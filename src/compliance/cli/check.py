"""`compliance check`: check reports (files or folders) and print findings."""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from compliance.batch.executors import EXECUTORS, ExecutorUnavailable
from compliance.batch.output import OutputSettings, write_results
from compliance.batch.pairing import duplicate_lines, iter_pairing_lines, pairing_lines
from compliance.batch.run import Batch, BatchOptions, Progress
from compliance.cli.app import (
    CONFIG_OPTION,
    FAIL_ON,
    ISOLATED_OPTION,
    MAX_BYTES_OPTION,
    MAX_MEMORY_OPTION,
    NO_CACHE_OPTION,
    TIMEOUT_OPTION,
    UsageProblem,
    check_selectors,
    cli,
    existing,
    load_config,
    ocr_cache,
    registry_or_fail,
    split_values,
)
from compliance.cli.inputs import exclude_options, gather
from compliance.cli.output import Collected, check_output, emit, output_to, shown
from compliance.document import LoadError
from compliance.engine import Options, enabled_rules
from compliance.formatters import configure
from compliance.formatters.statistics import render_statistics, rule_counts
from compliance.formatters.streaming import streaming
from compliance.model import SEVERITY_ORDER, ToolInfo
from compliance.plugins import installed_version
from compliance.project import baseline, config
from compliance.project.suppressions import Suppressor
from compliance.readers.limits import Limits


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    help="Output format: text, json, jsonl, sarif, junit, github, csv, markdown, html, xlsx, docx (need -o), "
    "or a plugin's.",
)
@click.option(
    "--output", "-o", type=click.Path(), help="Write the output to this file (html: or to this folder, as pages)."
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="error",
    show_default=True,
    help="Exit 1 when a finding at or above this severity remains.",
)
@click.option("--select", multiple=True, help="Only these rule ids, id prefixes or categories (comma-separated).")
@click.option("--ignore", multiple=True, help="Skip these rule ids, id prefixes or categories (comma-separated).")
@click.option(
    "--template",
    type=click.Choice(["auto", "V2019", "V2021"]),
    default="auto",
    show_default=True,
    help="Force a template version instead of detecting it.",
)
@MAX_BYTES_OPTION
@CONFIG_OPTION
@ISOLATED_OPTION
@click.option(
    "--baseline", "baseline_file", type=click.Path(dir_okay=False), help="Findings recorded here do not fail the gate."
)
@click.option(
    "--write-baseline", type=click.Path(dir_okay=False), help="Record the current findings as the baseline (exit 0)."
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@TIMEOUT_OPTION
@NO_CACHE_OPTION
@MAX_MEMORY_OPTION
@click.option("--summary", "summary_csv", type=click.Path(dir_okay=False), help="Write one CSV row per report here.")
@click.option("--previous", type=click.Path(dir_okay=False), help="Last year's report of the same agency.")
@click.option("--regions", type=click.Path(dir_okay=False), help="Region manifest (CSV or YAML) for roll-up rules.")
@exclude_options
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also list on stderr the files skipped as not reports, and why, and each page read by OCR.",
)
@click.option("--quiet", "-q", is_flag=True, help="Only the findings, one per line; no notes on stderr.")
@click.option("--statistics", is_flag=True, help="Print how often each rule fired instead of the findings.")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="Language of text, Markdown and HTML output [zh]."
)
@click.option(
    "--pair/--no-pair",
    default=True,
    show_default=True,
    help="Pair reports of the same agency across years within the batch (results then come out once all are "
    "read); --no-pair writes each result as soon as it is checked.",
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="Where reports are checked: local worker processes (--jobs), or a Dask distributed cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="The Dask scheduler (tcp://host:8786) for --executor dask; without it, a local cluster of --jobs workers.",
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    template: str,
    max_bytes: int,
    config_file: str | None,
    isolated: bool,
    baseline_file: str | None,
    write_baseline: str | None,
    jobs: int,
    timeout: float,
    no_cache: bool,
    max_memory: int | None,
    summary_csv: str | None,
    previous: str | None,
    regions: str | None,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool | None,
    stdin_filename: str | None,
    verbose: bool,
    quiet: bool,
    statistics: bool,
    lang: str | None,
    pair: bool,
    executor: str,
    scheduler: str | None,
) -> None:
    """Check reports (files or folders) and print findings."""
    ocr_cache(no_cache)
    registry = registry_or_fail()
    # Config first: it may choose the format, the gate and the rules; flags given here override it.
    loaded = load_config(config_file, isolated)
    cfg = loaded.config
    output_format = _given("output_format", output_format, cfg.format)
    fail_on = _given("fail_on", fail_on, cfg.fail_on)
    template = _given("template", template, cfg.template)
    if not select and cfg.select is not None:
        select = tuple(cfg.select)
    if not ignore and cfg.ignore:
        ignore = tuple(cfg.ignore)
    if baseline_file is None and cfg.baseline is not None:
        baseline_file = str(loaded.relative(cfg.baseline))
    formatter = registry.formatters.get(output_format)
    if formatter is None:
        known = ", ".join(sorted(registry.formatters))
        raise UsageProblem(f"unknown format '{output_format}'; choose one of: {known}.")
    check_output(formatter, output_format, output)
    own = [Path(p) for p in (output, summary_csv, baseline_file, write_baseline) if p]
    inputs = gather(
        paths,
        registry,
        loaded,
        exclude=exclude,
        extend_exclude=extend_exclude,
        force_exclude=force_exclude,
        stdin_filename=stdin_filename,
        own_files=own + ([loaded.path] if loaded.path else []),
        max_bytes=max_bytes,
        verbose=verbose and not quiet,
    )
    click.get_current_context().call_on_close(inputs.close)
    files = inputs.files
    selected, ignored = split_values(select), split_values(ignore)
    check_selectors(selected, "--select")
    check_selectors(ignored, "--ignore")
    options = Options(
        select=selected,
        ignore=ignored,
        template=None if template == "auto" else template,
        severity=dict(cfg.severity),
        rule_options=config.rule_options(loaded, registry.rules),
        max_bytes=max_bytes,
        limits=_limits(cfg, max_memory),
    )
    # Structured reports may carry their own suppressions, so their Report objects come back too.
    structured = any(f.suffix.lower() in (".json", ".yaml", ".yml") for f in files)
    batch = _batch_options(
        files,
        formatter,
        jobs,
        timeout,
        previous,
        regions,
        keep_reports=structured,
        to_file=output is not None,
        quiet=quiet,
    )
    if scheduler is not None and executor != "dask":
        raise UsageProblem("--scheduler names a Dask scheduler; use it with --executor dask.")
    batch.pair, batch.executor, batch.scheduler = pair, executor, scheduler
    if hasattr(formatter, "colour"):
        formatter.colour = output is None and sys.stdout.isatty()
    specs = [r.spec for r in enabled_rules(registry, options)]
    configure(formatter, rules=specs, fail_on=fail_on, lang=lang or cfg.lang or "zh", quiet=quiet)
    settings = OutputSettings(
        tool=ToolInfo(version=installed_version()),
        suppressor=Suppressor(cfg.suppressions, f"配置文件 {loaded.path}", loaded.root),
        marker=_baseline_marker(baseline_file, write_baseline),
        write_baseline=Path(write_baseline) if write_baseline else None,
        summary_csv=Path(summary_csv) if summary_csv else None,
    )
    if not quiet and (verbose or not sys.stderr.isatty()):
        # Scans take seconds a page: a line per OCR'd page with -v, and in logs beside the batch lines.
        from compliance.readers.ocr.progress import show_pages

        show_pages()
    run = Batch(files, options, batch)
    checked = iter(run)
    try:
        first = next(checked, None)  # an unreadable --previous shows here, before any output
    except LoadError as exc:
        raise UsageProblem(f"cannot read --previous '{previous}': {exc.message_en or exc.message}") from exc
    except ExecutorUnavailable as exc:
        raise UsageProblem(str(exc)) from exc
    stream = shown(itertools.chain([first] if first is not None else [], checked), inputs.display)
    # Whole-batch outputs (a workbook, a Word notice, a folder of pages, the statistics) are made at the
    # end from every result; every other format is written report by report as results come.
    collect = statistics or getattr(formatter, "binary", False) or (output and hasattr(formatter, "render_pages"))
    if collect:
        collected = Collected()
        written = write_results(stream, collected, collected, settings)
        _warn_duplicates(run, quiet)
        document = collected.document()
        pairing = [] if quiet else pairing_lines(run.pairs)
        text = render_statistics(rule_counts(document, specs), output_format) if statistics else None
        emit(formatter, output_format, output, document, collected.reports, pairing, text=text, quiet=quiet)
    else:
        with output_to(output, getattr(formatter, "file_encoding", "utf-8")) as out:
            _warn_duplicates(run, quiet)
            # Line by line: the same bytes as the joined list, without holding every pair's line.
            lines = iter_pairing_lines([] if quiet else run.pairs)
            if output_format == "text" and len(run.pairs) and not quiet:
                for line in lines:
                    out.write(line + "\n")
                out.write("\n")
            else:
                while chunk := list(itertools.islice(lines, 1000)):  # one write per thousand lines
                    click.echo("\n".join(chunk), err=True)
            written = write_results(stream, streaming(formatter), out, settings)
        if output and not quiet:
            click.echo(f"wrote {output}", err=True)
    if written.baseline is not None and baseline_file is not None and not quiet:
        for note in baseline.absent_notes(written.baseline, baseline_file):
            click.echo(note, err=True)
    if write_baseline and written.baseline_written is not None and not quiet:
        click.echo(baseline.written_note(written.baseline_written, write_baseline), err=True)
    threshold = None if fail_on == "never" else SEVERITY_ORDER[fail_on]
    if threshold is not None and written.worst >= threshold and not write_baseline:
        sys.exit(1)


def _baseline_marker(baseline_file: str | None, write_baseline: str | None) -> baseline.Marker | None:
    """The baseline to mark findings against, read before any output is written."""
    if baseline_file is None or not baseline.reads_baseline(baseline_file, write_baseline):
        return None
    try:
        return baseline.Marker(baseline.load(Path(baseline_file)), baseline_file)
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from exc


def _given(name: str, value: str, configured: str | None) -> str:
    """The flag when given on the command line, else the config's value, else the flag's default."""
    source = click.get_current_context().get_parameter_source(name)
    if source == click.core.ParameterSource.DEFAULT and configured is not None:
        return configured
    return value


def _limits(cfg: config.Config, max_memory: int | None) -> Limits:
    limits = cfg.reader_limits()
    return limits if max_memory is None else dataclasses.replace(limits, max_memory=max_memory * 1024 * 1024)


def _warn_duplicates(run: Batch, quiet: bool) -> None:
    for line in [] if quiet else duplicate_lines(run.duplicates):
        click.echo(line, err=True)


def _progress(to_file: bool, quiet: bool, bar: Progress, lines: Progress) -> Progress | None:
    """A bar on a terminal (not while results stream onto the same terminal: it would be redrawn
    through them); plain lines now and then in a log; nothing with --quiet."""
    if quiet:
        return None
    if sys.stderr.isatty():
        return bar if to_file or not sys.stdout.isatty() else None
    return lines


def _batch_options(
    files: Sequence[Path],
    formatter: object,
    jobs: int,
    timeout: float,
    previous: str | None,
    regions: str | None,
    *,
    keep_reports: bool = False,
    to_file: bool = False,
    quiet: bool = False,
) -> BatchOptions:
    from compliance.batch.progress import progress_bar, progress_lines
    from compliance.batch.regions import ManifestError, read_manifest

    if previous is not None and len(files) != 1:
        raise UsageProblem("--previous pairs one report with last year's; give exactly one report PATH.")
    previous_path = existing((previous,))[0] if previous else None
    try:
        entries = read_manifest(existing((regions,))[0]) if regions else None
    except ManifestError as exc:
        raise UsageProblem(str(exc)) from exc
    return BatchOptions(
        jobs=jobs,
        timeout=timeout or None,
        previous=previous_path,
        regions=entries,
        keep_reports=keep_reports or bool(getattr(formatter, "needs_reports", False)),
        progress=_progress(to_file, quiet, progress_bar, progress_lines),
    )
