"""What `check` reads: paths and folders through discovery (excludes, the engine's own files), and ``-`` for
standard input."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from compliance.cli.app import UsageProblem, split_values
from compliance.engine import Registry
from compliance.project import config
from compliance.project.discovery import DEFAULT_EXCLUDE, discover, selection_for

STDIN = "-"

EXCLUDE_OPTIONS = (
    click.option(
        "--exclude",
        multiple=True,
        help="Globs of paths not to check in folders (replace the defaults; comma-separated).",
    ),
    click.option("--extend-exclude", multiple=True, help="Globs of paths not to check, added to `exclude`."),
    click.option(
        "--force-exclude", is_flag=True, default=None, help="Apply the excludes to files named on the command line too."
    ),
    click.option(
        "--stdin-filename",
        help="The name of the report read from '-' (standard input): its extension chooses the reader.",
    ),
)


def exclude_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(EXCLUDE_OPTIONS):
        command = option(command)
    return command


@dataclass
class Inputs:
    """The report files of a run; ``display`` maps a temporary file holding standard input to its name."""

    files: Sequence[Path]
    display: dict[str, str] = field(default_factory=dict)
    _folder: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()


def gather(
    paths: tuple[str, ...],
    registry: Registry,
    loaded: config.LoadedConfig,
    *,
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    force_exclude: bool | None,
    stdin_filename: str | None,
    own_files: list[Path],
    max_bytes: int,
    verbose: bool,
) -> Inputs:
    """Resolve PATHs to report files; skipped files are listed on stderr with ``verbose``."""
    cfg = loaded.config
    patterns = split_values(exclude) or (cfg.exclude if cfg.exclude is not None else list(DEFAULT_EXCLUDE))
    selection = selection_for(
        registry,
        exclude=patterns,
        extend_exclude=[*cfg.extend_exclude, *split_values(extend_exclude)],
        force_exclude=cfg.force_exclude if force_exclude is None else force_exclude,
        own_files=own_files,
    )
    inputs = Inputs(files=[])
    given: list[Path] = []
    for raw in paths:
        if raw == STDIN:
            if any(p == STDIN for p in paths[paths.index(raw) + 1 :]):
                raise UsageProblem("standard input ('-') can be read only once; give '-' a single time.")
            given.append(_stdin_file(inputs, stdin_filename, max_bytes))
            continue
        path = Path(raw)
        if not path.exists():
            raise UsageProblem(f"path '{raw}' does not exist.")
        given.append(path)
    found = discover(given, selection, root=loaded.root or Path.cwd())
    if verbose:
        for skipped in found.skipped:
            click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)
    inputs.files = found.files
    return inputs


def _stdin_file(inputs: Inputs, stdin_filename: str | None, max_bytes: int) -> Path:
    """Standard input saved to a private temporary file, so every reader (and worker) reads it like any file."""
    name = Path(stdin_filename).name if stdin_filename else "stdin"
    inputs._folder = tempfile.TemporaryDirectory(prefix="compliance-stdin-")
    target = Path(inputs._folder.name) / name
    # One byte over the limit is enough for the engine to refuse the file as too large.
    target.write_bytes(sys.stdin.buffer.read(max_bytes + 1))
    inputs.display[str(target)] = stdin_filename or STDIN
    return target
