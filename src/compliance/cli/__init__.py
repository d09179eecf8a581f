"""Command-line interface (contract §1). Commands parse options and call the engine; no logic here.

Each command lives in its own module and registers itself on the group in `app` when that module is
imported; the group imports a command's module only when the command is used (``app.COMMAND_MODULES``).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from compliance.cli.app import UsageProblem, cli

__all__ = ["UsageProblem", "cli", "explain_text", "main"]


def __getattr__(name: str) -> Any:
    if name == "explain_text":  # kept importable from here; its module loads the rule documentation
        from compliance.cli.info import explain_text

        return explain_text
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
