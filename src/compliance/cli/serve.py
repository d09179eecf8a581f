"""`compliance serve`: the workspace web app and HTTP API on the audit database."""

from __future__ import annotations

import click

from compliance.cli.app import CONFIG_OPTION, ISOLATED_OPTION, MAX_BYTES_OPTION, TIMEOUT_OPTION, UsageProblem, cli
from compliance.cli.audit import DB_OPTION, engine_options, workspace_missing


@cli.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True, help="Port.")
@click.option(
    "--token",
    envvar="COMPLIANCE_TOKEN",
    help="Password for the web pages and Bearer token for the API; required with a --host other than loopback "
    "(prefer COMPLIANCE_TOKEN: a command line is visible to other users).",
)
@MAX_BYTES_OPTION
@TIMEOUT_OPTION
@CONFIG_OPTION
@ISOLATED_OPTION
def serve(
    db: str,
    host: str,
    port: int,
    token: str | None,
    max_bytes: int,
    timeout: float,
    config_file: str | None,
    isolated: bool,
) -> None:
    """Serve the workspace: dashboard, report review, uploads and the HTTP API (/api/v1)."""
    options = engine_options("auto", max_bytes, config_file, isolated)
    try:
        import uvicorn

        from compliance.workspace.app import Settings, create_app
        from compliance.workspace.security import is_loopback
    except ImportError as exc:
        raise workspace_missing(exc) from exc
    if not is_loopback(host) and not token:
        raise UsageProblem(
            f"--host {host} opens the workspace to the network; give a --token (or COMPLIANCE_TOKEN) to require it."
        )
    if token is not None and len(token) < 8:
        raise UsageProblem("the --token must be at least 8 characters long.")
    from sqlalchemy.exc import SQLAlchemyError

    settings = Settings(db=db, token=token, options=options, timeout=timeout or None)
    try:
        app = create_app(settings)
    except SQLAlchemyError as exc:
        reason = str(exc).splitlines()[0]
        raise UsageProblem(f"the audit database '{db}' cannot be used: {reason}") from exc
    click.echo(f"compliance workspace on http://{host}:{port}/ (database {db}); Ctrl+C stops it", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
