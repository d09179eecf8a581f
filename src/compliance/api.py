"""The public Python API (docs/api.md): check reports and read them from a program.

Everything here is stable across versions: names, parameters and the result types (the pydantic models
of the contract, ``compliance.model``). ``tests/test_api.py`` pins the signatures. Anything not exported
from ``compliance`` is internal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from compliance.model import FindingsDocument, Report

if TYPE_CHECKING:
    from compliance.engine import Registry

PathLike = str | Path
Severity = Literal["error", "warning", "info"]


class UsageError(ValueError):
    """The call cannot be carried out as asked (a missing path, an unknown rule, a bad config file)."""


def load(path: PathLike, *, template: Literal["V2019", "V2021"] | None = None) -> Report:
    """Read one report file into the structured report (contract §3).

    Raises ``UsageError`` when the file cannot be read as a report (the CLI's ``input`` finding).
    """
    from compliance.document import LoadError
    from compliance.engine import Options, load_report

    file = Path(path)
    if not file.is_file():
        raise UsageError(f"'{path}' is not a file")
    try:
        return load_report(file, options=Options(template=template))
    except LoadError as exc:
        raise UsageError(f"cannot read '{path}': {exc.message_en or exc.message}") from exc


def check(
    paths: PathLike | Iterable[PathLike],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    severity: Mapping[str, Severity] | None = None,
    template: Literal["V2019", "V2021"] | None = None,
    config: PathLike | None = None,
    exclude: Iterable[str] | None = None,
    extend_exclude: Iterable[str] = (),
    previous: PathLike | None = None,
    jobs: int = 1,
    timeout: float | None = 60.0,
) -> FindingsDocument:
    """Check report files and folders; the findings document the CLI prints with ``--format json``.

    Folders are walked as ``compliance check`` walks them (only files that are reports). No config file
    is read unless ``config`` names one; the keyword arguments override it. ``severity`` maps rule ids or
    categories to the severity their findings get.
    """
    from compliance.batch import BatchOptions, run_batch
    from compliance.document import LoadError
    from compliance.engine import Options, get_registry, summarise
    from compliance.project import config as configuration
    from compliance.project import suppressions
    from compliance.project.discovery import DEFAULT_EXCLUDE, discover, selection_for

    registry = get_registry()
    try:
        loaded = configuration.load(str(config)) if config is not None else configuration.LoadedConfig()
        if loaded.path is not None:
            configuration.validate_against(loaded, registry.rules)
    except configuration.ConfigError as exc:
        raise UsageError(str(exc)) from exc
    cfg = loaded.config
    given = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        raise UsageError(f"path '{missing[0]}' does not exist")
    selected = list(select) if select is not None else cfg.select
    _check_rule_names(registry, [*(selected or []), *ignore, *(severity or {})])
    patterns = list(exclude) if exclude is not None else (cfg.exclude or list(DEFAULT_EXCLUDE))
    selection = selection_for(
        registry,
        exclude=patterns,
        extend_exclude=[*cfg.extend_exclude, *extend_exclude],
        own_files=[loaded.path] if loaded.path else [],
    )
    files = discover(given, selection, root=loaded.root or Path.cwd()).files
    options = Options(
        select=selected or [],
        ignore=list(ignore) or cfg.ignore,
        template=template,
        severity={**cfg.severity, **(severity or {})},
        rule_options=configuration.rule_options(loaded, registry.rules),
        limits=cfg.reader_limits(),
    )
    batch = BatchOptions(
        jobs=jobs,
        timeout=timeout,
        previous=Path(previous) if previous is not None else None,
        keep_reports=True,
    )
    try:
        outcome = run_batch(files, options, batch)
    except LoadError as exc:
        raise UsageError(f"cannot read previous '{previous}': {exc.message_en or exc.message}") from exc
    results = suppressions.apply(
        [(c.result, c.report) for c in outcome.checked], cfg.suppressions, f"配置文件 {loaded.path}", loaded.root
    )
    return summarise(results)


def _check_rule_names(registry: Registry, names: list[str]) -> None:
    from compliance.engine import names_rules

    for name in names:
        if not names_rules(registry, name):
            raise UsageError(f"'{name}' names no rule id, id prefix or category")
