"""Command-line interface (contract §1). Commands parse options and call the engine; no logic here."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import click

from compliance import __version__, baseline, config, suppressions
from compliance.batch import DEFAULT_TIMEOUT, BatchOptions, pairing_lines, run_batch, write_summary
from compliance.document import LoadError
from compliance.engine import (
    DEFAULT_MAX_BYTES,
    Options,
    enabled_rules,
    expand_paths,
    get_registry,
    load_report,
    summarise,
    worst_severity,
)
from compliance.formatters import configure
from compliance.layout import LayoutError
from compliance.model import SEVERITY_ORDER, FindingsDocument
from compliance.readers.limits import Limits
from compliance.ruledoc import ENGINE_RULES

FAIL_ON = ("error", "warning", "info", "never")
MAX_BYTES_OPTION = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse input files larger than this many bytes (an input finding).",
)


class UsageProblem(click.ClickException):
    """A usage error: one sentence on stderr, exit status 2."""

    exit_code = 2


NO_CACHE_OPTION = click.option(
    "--no-cache", is_flag=True, help="Do not read or write the OCR cache (scanned reports are read afresh)."
)


def _ocr_cache(no_cache: bool) -> None:
    if no_cache:
        # An environment setting, so that batch worker processes inherit it (readers.ocr.cache).
        os.environ["COMPLIANCE_OCR_CACHE"] = "off"


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _registry():  # type: ignore[no-untyped-def]
    try:
        return get_registry()
    except LayoutError as exc:
        raise UsageProblem(f"a rule pack or template is invalid: {exc}") from exc


def _existing(paths: tuple[str, ...]) -> list[Path]:
    result = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageProblem(f"path '{raw}' does not exist.")
        result.append(path)
    return result


def _check_selectors(selectors: list[str], option: str) -> None:
    registry = _registry()
    known_ids = {r.spec.id for r in registry.rules}
    categories = {r.spec.category for r in registry.rules} | {"input", "internal"}
    for selector in selectors:
        prefix = selector.rstrip("-") + "-"
        if selector in known_ids or selector in categories or selector.upper() == "ALL":
            continue
        if any(i.startswith(prefix) for i in known_ids):
            continue
        raise UsageProblem(f"{option} '{selector}' names no rule id, id prefix or category (see 'compliance rules').")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def cli() -> None:
    """Audit 政府信息公开工作年度报告 against the State Council's template."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    help="Output format: text, json, sarif, junit, github, csv, markdown, html, or one a plugin adds.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the output to this file.")
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
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file instead of searching upward."
)
@click.option("--isolated", is_flag=True, help="Ignore every config file (pyproject.toml, compliance.toml).")
@click.option(
    "--baseline", "baseline_file", type=click.Path(dir_okay=False), help="Findings recorded here do not fail the gate."
)
@click.option(
    "--write-baseline", type=click.Path(dir_okay=False), help="Record the current findings as the baseline (exit 0)."
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds allowed per report (0: no limit); a report over it becomes one input finding.",
)
@NO_CACHE_OPTION
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=None,
    help="MB of memory each worker may allocate (0: no limit; default 1024, or [limits] max-memory).",
)
@click.option("--summary", "summary_csv", type=click.Path(dir_okay=False), help="Write one CSV row per report here.")
@click.option("--previous", type=click.Path(dir_okay=False), help="Last year's report of the same agency.")
@click.option("--regions", type=click.Path(dir_okay=False), help="Region manifest (CSV or YAML) for roll-up rules.")
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
) -> None:
    """Check reports (files or folders) and print findings."""
    _ocr_cache(no_cache)
    registry = _registry()
    # Config first: it may choose the format, the gate and the rules; flags given here override it.
    loaded = _load_config(config_file, isolated, registry)
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
    files = expand_paths(_existing(paths))
    selected, ignored = _split(select), _split(ignore)
    _check_selectors(selected, "--select")
    _check_selectors(ignored, "--ignore")
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
    batch = _batch_options(files, formatter, jobs, timeout, previous, regions, keep_reports=structured)
    try:
        outcome = run_batch(files, options, batch)
    except LoadError as exc:
        raise UsageProblem(f"cannot read --previous '{previous}': {exc.message_en or exc.message}") from exc
    checked = outcome.checked
    results = suppressions.apply(
        [(c.result, c.report) for c in checked], cfg.suppressions, f"配置文件 {loaded.path}", loaded.root
    )
    document = summarise(results)
    _apply_baseline(document, baseline_file, write_baseline)
    if summary_csv:
        write_summary(Path(summary_csv), document)
    if hasattr(formatter, "colour"):
        formatter.colour = output is None and sys.stdout.isatty()
    configure(formatter, rules=[r.spec for r in enabled_rules(registry, options)], fail_on=fail_on)
    rendered = formatter.render(document, [c.report for c in checked])
    pairing = pairing_lines(outcome.pairs)
    if pairing and output_format == "text":
        rendered = "\n".join(pairing) + "\n\n" + rendered
    elif pairing:
        click.echo("\n".join(pairing), err=True)
    if output:
        Path(output).write_text(rendered, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(rendered, nl=False)
    threshold = None if fail_on == "never" else SEVERITY_ORDER[fail_on]
    if threshold is not None and worst_severity(document) >= threshold and not write_baseline:
        sys.exit(1)


def _given(name: str, value: str, configured: str | None) -> str:
    """The flag when given on the command line, else the config's value, else the flag's default."""
    source = click.get_current_context().get_parameter_source(name)
    if source == click.core.ParameterSource.DEFAULT and configured is not None:
        return configured
    return value


def _load_config(config_file: str | None, isolated: bool, registry) -> config.LoadedConfig:  # type: ignore[no-untyped-def]
    if config_file is not None and isolated:
        raise UsageProblem("--config and --isolated contradict each other; use one of them.")
    try:
        loaded = config.load(config_file, isolated)
        if loaded.path is not None:
            config.validate_against(loaded, registry.rules, list(ENGINE_RULES))
    except config.ConfigError as exc:
        raise UsageProblem(str(exc)) from exc
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)
    selectors = (loaded.config.select or []) + loaded.config.ignore
    if selectors:
        _check_selectors(selectors, f"'{loaded.path}': select/ignore entry")
    return loaded


def _apply_baseline(document: FindingsDocument, baseline_file: str | None, write_baseline: str | None) -> None:
    """Mark findings known to the baseline; write a new one. Notes go to stderr, never stdout."""
    try:
        notes = baseline.gate(document, baseline_file, write_baseline)
    except baseline.BaselineError as exc:
        raise UsageProblem(str(exc)) from exc
    for note in notes:
        click.echo(note, err=True)


def _limits(cfg: config.Config, max_memory: int | None) -> Limits:
    limits = cfg.reader_limits()
    return limits if max_memory is None else dataclasses.replace(limits, max_memory=max_memory * 1024 * 1024)


def _batch_options(
    files: list[Path],
    formatter: object,
    jobs: int,
    timeout: float,
    previous: str | None,
    regions: str | None,
    *,
    keep_reports: bool = False,
) -> BatchOptions:
    from compliance.progress import progress_bar
    from compliance.rollup import ManifestError, read_manifest

    if previous is not None and len(files) != 1:
        raise UsageProblem("--previous pairs one report with last year's; give exactly one report PATH.")
    previous_path = _existing((previous,))[0] if previous else None
    try:
        entries = read_manifest(_existing((regions,))[0]) if regions else None
    except ManifestError as exc:
        raise UsageProblem(str(exc)) from exc
    return BatchOptions(
        jobs=jobs,
        timeout=timeout or None,
        previous=previous_path,
        regions=entries,
        keep_reports=keep_reports or bool(getattr(formatter, "needs_reports", False)),
        progress=progress_bar if sys.stderr.isatty() else None,
    )


@cli.command()
@click.argument("path")
@click.option("--template", type=click.Choice(["auto", "V2019", "V2021"]), default="auto", show_default=True)
@MAX_BYTES_OPTION
@NO_CACHE_OPTION
def extract(path: str, template: str, max_bytes: int, no_cache: bool) -> None:
    """Print one report as the structured report (contract §3)."""
    _ocr_cache(no_cache)
    registry = _registry()
    (file,) = _existing((path,))
    if file.is_dir():
        raise UsageProblem(f"'{path}' is a folder; extract reads one report file.")
    try:
        options = Options(template=None if template == "auto" else template, max_bytes=max_bytes)
        report = load_report(file, registry, options)
    except LoadError as exc:
        raise UsageProblem(f"cannot read '{path}': {exc.message_en or exc.message}") from exc
    click.echo(report.model_dump_json(indent=2, exclude_defaults=False))


def _rule_or_fail(rule_id: str):  # type: ignore[no-untyped-def]
    registry = _registry()
    rule = registry.rule(rule_id) or registry.rule(rule_id.upper())
    if rule is None:
        raise UsageProblem(f"unknown rule '{rule_id}' (see 'compliance rules').")
    return rule


def explain_text(rule_id: str) -> str:
    from compliance.ruledoc import explain_text as render_explain

    engine_rule = ENGINE_RULES.get(rule_id.upper())
    if engine_rule is not None:
        category, severity, summary = engine_rule
        return (
            f"{rule_id.upper()} (engine)\ncategory: {category}    severity: {severity}\n\n{summary}\n\n"
            "Reported by the engine itself rather than by a rule pack; it cannot be selected or ignored.\n"
        )
    return render_explain(_rule_or_fail(rule_id).spec)


@cli.group(invoke_without_command=True)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.pass_context
def rules(ctx: click.Context, output_format: str) -> None:
    """List every rule (id, category, severity, templates, summary); markdown is docs/rules.md."""
    if ctx.invoked_subcommand is not None:
        return
    registry = _registry()
    if output_format == "markdown":
        from compliance.ruledoc import rules_markdown

        click.echo(rules_markdown([r.spec for r in registry.rules]), nl=False)
        return
    if output_format == "json":
        payload = [r.spec.model_dump(by_alias=True, exclude={"params"}) for r in registry.rules]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for rule in registry.rules:
        spec = rule.spec
        click.echo(
            f"{spec.id:<22} {spec.category:<22} {spec.severity:<8} {','.join(spec.templates):<12} {spec.summary}"
        )


@rules.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Show one rule's documentation."""
    click.echo(explain_text(rule_id), nl=False)


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain a rule: what it checks, why, a failing and a passing example."""
    click.echo(explain_text(rule_id), nl=False)


@cli.command()
@click.argument("which", type=click.Choice(["report", "findings", "rulepack", "template", "config"]))
def schema(which: str) -> None:
    """Print a JSON Schema."""
    from compliance.schemas import build_schema

    click.echo(json.dumps(build_schema(which), ensure_ascii=False, indent=2))


@cli.command()
def plugins() -> None:
    """List loaded plugins, their versions and the hooks they implement."""
    from compliance.plugins import list_plugins

    _registry()
    for info in list_plugins():
        version = f" {info.version}" if info.version else ""
        click.echo(f"{info.name:<24} {info.distribution}{version}  hooks: {', '.join(info.hooks)}")


def main() -> None:
    """Entry point: usage errors are one sentence and exit 2; nothing ever shows a traceback."""
    try:
        cli.main(standalone_mode=False, prog_name="compliance")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        message = exc.format_message().rstrip(".")
        click.echo(f"Error: {message}.", err=True)
        sys.exit(2)
    except SystemExit:
        raise
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # last line of defence: one sentence, never a traceback
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report it.", err=True)
        sys.exit(2)
    sys.exit(0)
