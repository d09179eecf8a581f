"""The `compliance` command group and what its commands share: usage errors, common options, the registry."""

from __future__ import annotations

import os
from pathlib import Path

import click

from compliance import __version__
from compliance.engine import DEFAULT_MAX_BYTES, get_registry, names_rules
from compliance.layout import LayoutError
from compliance.plugins import NO_PLUGINS_ENV

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
