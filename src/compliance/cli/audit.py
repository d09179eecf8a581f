"""`compliance audit`: check reports and store reports, runs and findings in the audit database."""

from __future__ import annotations

from pathlib import Path

import click

from compliance.cli.app import (
    CONFIG_OPTION,
    ISOLATED_OPTION,
    MAX_BYTES_OPTION,
    TIMEOUT_OPTION,
    UsageProblem,
    cli,
    existing,
    load_config,
    registry_or_fail,
)
from compliance.engine import Options, expand_paths
from compliance.project import config

DB_OPTION = click.option(
    "--db",
    "db",
    envvar="COMPLIANCE_DB",
    default="compliance.db",
    show_default=True,
    help="Audit database: a SQLite file path, or a URL such as postgresql://user@host/name.",
)


def engine_options(template: str, max_bytes: int, config_file: str | None, isolated: bool) -> Options:
    """The engine options ``compliance check`` would use: the config file's rules, severities and limits."""
    registry = registry_or_fail()
    loaded = load_config(config_file, isolated)
    cfg = loaded.config
    chosen = template if template != "auto" else (cfg.template or "auto")
    return Options(
        select=list(cfg.select or []),
        ignore=list(cfg.ignore),
        template=None if chosen == "auto" else chosen,
        severity=dict(cfg.severity),
        rule_options=config.rule_options(loaded, registry.rules),
        max_bytes=max_bytes,
        limits=cfg.reader_limits(),
    )


def workspace_missing(exc: ImportError) -> UsageProblem:
    return UsageProblem(
        f"the workspace needs its extra packages ({exc.name} is missing); install them with "
        "pip install 'zfxxgk-compliance[workspace]'"
    )


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@click.option("--regions", type=click.Path(dir_okay=False), help="Region manifest (CSV or YAML): each report's region.")
@click.option(
    "--template",
    type=click.Choice(["auto", "V2019", "V2021"]),
    default="auto",
    show_default=True,
    help="Force a template version instead of detecting it.",
)
@MAX_BYTES_OPTION
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@TIMEOUT_OPTION
@CONFIG_OPTION
@ISOLATED_OPTION
def audit(
    paths: tuple[str, ...],
    db: str,
    regions: str | None,
    template: str,
    max_bytes: int,
    jobs: int,
    timeout: float,
    config_file: str | None,
    isolated: bool,
) -> None:
    """Check reports (files or folders) and store them with their findings in the audit database."""
    options = engine_options(template, max_bytes, config_file, isolated)
    files = expand_paths(existing(paths))
    try:
        from sqlalchemy.exc import SQLAlchemyError

        from compliance.workspace.db import open_engine, session_factory
        from compliance.workspace.store import Submitted
        from compliance.workspace.store import audit as audit_files
    except ImportError as exc:
        raise workspace_missing(exc) from exc
    submitted = [Submitted(path, region=region) for path, region in zip(files, _regions(files, regions), strict=True)]
    try:
        engine = open_engine(db)
        with session_factory(engine)() as session:
            rows = audit_files(session, submitted, options, jobs=jobs, timeout=timeout or None)
            for row in rows:
                counts = _counts(session, row)
                click.echo(f"{row.identity} v{row.version} [{row.status}] {counts} ← {row.source}")
        engine.dispose()
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        raise UsageProblem(f"the audit database '{db}' cannot be used: {reason}") from exc
    click.echo(f"stored {len(rows)} report(s) in {db}", err=True)


def _regions(files: list[Path], manifest: str | None) -> list[str | None]:
    """Each file's region from the manifest (by path), None where it names none."""
    if manifest is None:
        return [None] * len(files)
    from compliance.batch.regions import ManifestError, read_manifest

    try:
        entries = read_manifest(existing((manifest,))[0])
    except ManifestError as exc:
        raise UsageProblem(str(exc)) from exc
    by_path = {entry.path.resolve(): entry.region for entry in entries if entry.path is not None}
    return [by_path.get(path.resolve()) for path in files]


def _counts(session, row) -> str:  # type: ignore[no-untyped-def]
    from compliance.workspace.review import current_findings

    found = current_findings(session, row)
    by = {s: sum(1 for f in found if f.severity == s) for s in ("error", "warning", "info")}
    return f"{by['error']} error(s), {by['warning']} warning(s), {by['info']} info"
