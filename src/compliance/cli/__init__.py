"""Command-line interface (contract §1). Commands parse options and call the engine; no logic here.

Each command lives in its own module and registers itself on the group in `app`; importing this package
registers them all.
"""

from __future__ import annotations

import sys

import click

from compliance.cli import audit, check, extract, info, serve  # noqa: F401  (registers the commands)
from compliance.cli.app import UsageProblem, cli
from compliance.cli.info import explain_text

__all__ = ["UsageProblem", "cli", "explain_text", "main"]


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
