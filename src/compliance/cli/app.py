"""The `compliance` command group and what its commands share: usage errors, common options, the registry."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click

from compliance import __version__
from compliance.batch.run import DEFAULT_TIMEOUT
from compliance.engine import DEFAULT_MAX_BYTES, get_registry, names_rules
from compliance.layout import LayoutError
from compliance.plugins import NO_PLUGINS_ENV
from compliance.project import config
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


TIMEOUT_OPTION = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds allowed per report (0: no limit); a report over it is not read (in a batch: one input finding).",
)
MAX_MEMORY_OPTION = click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=None,
    help="MB of memory reading one report may allocate (0: no limit; default 1024, or [limits] max-memory).",
)
CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Use this config file instead of searching upward."
)
ISOLATED_OPTION = click.option(
    "--isolated", is_flag=True, help="Ignore every config file (pyproject.toml, compliance.toml)."
)


def load_config(config_file: str | None, isolated: bool) -> config.LoadedConfig:
    """The configuration in force, validated against the loaded rules; warnings on stderr, errors exit 2."""
    registry = registry_or_fail()
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
        check_selectors(selectors, f"'{loaded.path}': select/ignore entry")
    return loaded


def ocr_cache(no_cache: bool) -> None:
    if no_cache:
        # An environment setting, so that batch worker processes inherit it (readers.ocr.cache).
        os.environ["COMPLIANCE_OCR_CACHE"] = "off"


def split_values(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def nearest_hint(name: str, known: list[str]) -> str:
    """`` (did you mean 'X'?)`` for the closest known id, compared case-insensitively; else nothing."""
    import difflib

    by_upper = {k.upper(): k for k in known}
    close = difflib.get_close_matches(name.upper(), list(by_upper), n=1, cutoff=0.6)
    return f" (did you mean '{by_upper[close[0]]}'?)" if close else ""


def registry_or_fail():  # type: ignore[no-untyped-def]
    try:
        return get_registry()
    except LayoutError as exc:
        raise UsageProblem(f"a rule pack or template is invalid: {exc}") from exc


def existing(paths: tuple[str, ...]) -> list[Path]:
    result = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageProblem(f"path '{raw}' does not exist.")
        result.append(path)
    return result


def check_selectors(selectors: list[str], option: str) -> None:
    registry = registry_or_fail()
    for selector in selectors:
        if names_rules(registry, selector):
            continue
        known = {r.spec.id for r in registry.rules} | {r.spec.category for r in registry.rules}
        hint = nearest_hint(selector, sorted(known)) or " (see 'compliance rules')"
        raise UsageProblem(f"{option} '{selector}' names no rule id, id prefix or category{hint}.")


# Each command's module, imported only when that command runs (or help lists them all): `compliance
# check one.txt` then never pays for the audit database, the web workspace or the rule documentation.
COMMAND_MODULES = {
    "check": "compliance.cli.check",
    "audit": "compliance.cli.audit",
    "extract": "compliance.cli.extract",
    "serve": "compliance.cli.serve",
    "rules": "compliance.cli.info",
    "explain": "compliance.cli.info",
    "schema": "compliance.cli.info",
    "plugins": "compliance.cli.info",
}


class LazyGroup(click.Group):
    """A command group whose commands register themselves when their module is first imported."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
@click.option(
    "--no-plugins",
    is_flag=True,
    help=f"Load only the built-in rules, readers and formats (also: {NO_PLUGINS_ENV}=1).",
)
def cli(no_plugins: bool) -> None:
    """Audit 政府信息公开工作年度报告 against the State Council's template."""
    if no_plugins:
        # An environment setting, so that batch worker processes load the same plugins.
        os.environ[NO_PLUGINS_ENV] = "1"
