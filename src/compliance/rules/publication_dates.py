"""Publication dates a supervisor records outside the reports: a CSV or YAML manifest.

Each entry names a report by ``path`` (relative to the manifest's folder) or by ``agency`` (and
optionally ``year``), with the ``published`` date (YYYY-MM-DD). PUB-DEADLINE prefers such a date
to any the document states: it is the supervisor's own record of when the report went online.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DatedReport:
    published: datetime.date
    path: Path | None = None
    agency: str | None = None
    year: int | None = None


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def read_dates(manifest: str) -> list[DatedReport]:
    """The manifest's entries; a ValueError with one sentence when it cannot be used."""
    path = Path(manifest)
    try:
        status = path.stat()
    except OSError as exc:
        raise ValueError(f"cannot read the publication-date manifest {manifest}: {exc.strerror}") from exc
    return _read(path.resolve(), (status.st_mtime_ns, status.st_size))


@functools.lru_cache(maxsize=8)  # every report of a batch asks; re-read only when the file changes
def _read(path: Path, stamp: tuple[int, int]) -> list[DatedReport]:
    import yaml  # a manifest is rare; every check imports this module

    try:
        text = path.read_text(encoding="utf-8-sig")
        rows: Any = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the publication-date manifest {path}: {exc}") from exc
    if rows is None:
        rows = list(csv.DictReader(io.StringIO(text)))
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValueError(f"the publication-date manifest {path} must be a list of entries")
    return [_entry(row, path.parent, number) for number, row in enumerate(rows, start=1)]


def _entry(row: dict[str, Any], folder: Path, number: int) -> DatedReport:
    def text(name: str) -> str | None:
        value = row.get(name)
        return str(value).strip() if value is not None and str(value).strip() else None

    published, report, agency, year = text("published"), text("path"), text("agency"), text("year")
    if published is None or (report is None and agency is None):
        raise ValueError(f"publication-date manifest entry {number} needs 'published' and 'path' or 'agency'")
    try:
        when = datetime.date.fromisoformat(published)
        number_year = int(year) if year else None
    except ValueError as exc:
        raise ValueError(f"publication-date manifest entry {number}: {exc}") from exc
    where = (folder / report).resolve() if report else None
    return DatedReport(published=when, path=where, agency=_key(agency) if agency else None, year=number_year)


def date_for(entries: list[DatedReport], source: str, agency: str | None, year: int | None) -> datetime.date | None:
    """The recorded date of the report at ``source`` (or of its agency and year), if any."""
    resolved = Path(source).resolve()
    for entry in entries:
        if entry.path is not None and entry.path == resolved:
            return entry.published
    for entry in entries:
        if entry.agency is not None and agency and entry.agency == _key(agency) and entry.year in (None, year):
            return entry.published
    return None
