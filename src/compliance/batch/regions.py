"""Region roll-up in a batch: which report belongs to which region, and the comparisons to run.

A manifest (CSV or YAML) names each report — by path, or by agency and year — with its region
and the region above it. While a batch is checked, each report is placed in its regions by an
indexed lookup (``RegionMembers.add``); afterwards every parent report is compared with the reports
of its child regions for the same year by the roll-up rule kinds (``rules/rollup.py``). The
findings are attached to the parent's report.

A national manifest names every report, about 1 KiB each as Python objects: the entries and the
members found (``Manifest``) live in a private temporary SQLite file instead, so the parent's
memory stays flat with the size of the manifest and of the batch.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

from compliance.engine import LoadedRule, Options, Registry, enabled_rules
from compliance.mapping.normalize import key
from compliance.model import Finding, Report
from compliance.rules.rollup import RollupContext, RollupKind


class ManifestError(ValueError):
    """The region manifest cannot be read; a usage error."""


@dataclass(frozen=True)
class RegionEntry:
    region: str
    parent: str | None = None
    path: Path | None = None  # resolved against the manifest's folder
    agency: str | None = None
    year: int | None = None


def read_manifest(path: Path) -> Manifest:
    """Read ``region, parent`` plus ``path`` (or ``agency`` and ``year``) per report, from CSV or YAML."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the region manifest {path}: {exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ManifestError(f"the region manifest {path} is not valid YAML: {exc}") from exc
        rows = data.get("regions") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ManifestError(f"the region manifest {path} must be a list of entries (or 'regions: [...]')")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    return Manifest(_entry(row, path, number) for number, row in enumerate(rows, start=1))


def _entry(row: dict[str, Any], manifest: Path, number: int) -> RegionEntry:
    def text(name: str) -> str | None:
        value = row.get(name)
        return str(value).strip() if value not in (None, "") and str(value).strip() else None

    region = text("region")
    report = text("path") or text("report")
    agency = text("agency")
    if region is None or (report is None and agency is None):
        raise ManifestError(f"{manifest}: entry {number} needs 'region' and either 'path' or 'agency'")
    year_text = text("year")
    try:
        year = int(year_text) if year_text else None
    except ValueError as exc:
        raise ManifestError(f"{manifest}: entry {number}: year '{year_text}' is not a number") from exc
    where = (manifest.parent / report).resolve() if report else None
    return RegionEntry(region=region, parent=text("parent"), path=where, agency=agency, year=year)


_SCHEMA = """
CREATE TABLE entry (position INTEGER PRIMARY KEY, region TEXT NOT NULL, parent TEXT, path TEXT,
                    agency TEXT, agency_key TEXT, year INTEGER);
CREATE INDEX entry_path ON entry (path) WHERE path IS NOT NULL;
CREATE INDEX entry_agency ON entry (agency_key) WHERE path IS NULL;
CREATE TABLE hit (region TEXT NOT NULL, position INTEGER NOT NULL, report INTEGER NOT NULL);
CREATE INDEX hit_region ON hit (region, position, report);
CREATE TABLE member (report INTEGER PRIMARY KEY, year INTEGER, readable INTEGER NOT NULL);
"""


class Manifest(Sequence[RegionEntry]):
    """A manifest's entries, in order, kept in a private temporary SQLite file (removed when the
    connection closes) with indexes for the lookups of a batch; ``RegionMembers`` keeps the
    reports it places there too. A list of entries converts with ``Manifest(entries)``."""

    def __init__(self, entries: Iterable[RegionEntry] = ()) -> None:
        import sqlite3  # only a batch with a manifest needs it: not imported at start-up

        # "": a private on-disk database, deleted on close; used by one thread at a time, not always
        # the one that read the manifest (a caller may read it in one thread and run the batch in another)
        self.db = sqlite3.connect("", check_same_thread=False)
        self.db.execute("PRAGMA cache_size = -1024")  # at most 1 MiB of pages held in memory
        self.db.executescript(_SCHEMA)
        rows = (
            (e.region, e.parent, os.fspath(e.path) if e.path is not None else None, e.agency, _agency_key(e), e.year)
            for e in entries
        )
        self.db.executemany(
            "INSERT INTO entry (region, parent, path, agency, agency_key, year) VALUES (?,?,?,?,?,?)", rows
        )
        self._count: int = self.db.execute("SELECT COUNT(*) FROM entry").fetchone()[0]
        self.has_paths = self.db.execute("SELECT 1 FROM entry WHERE path IS NOT NULL LIMIT 1").fetchone() is not None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> RegionEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[RegionEntry]: ...

    def __getitem__(self, index: int | slice) -> RegionEntry | list[RegionEntry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        query = "SELECT region, parent, path, agency, year FROM entry WHERE position = ?"
        return _entry_of(self.db.execute(query, (index + 1,)).fetchone())

    def __iter__(self) -> Iterator[RegionEntry]:
        query = "SELECT region, parent, path, agency, year FROM entry ORDER BY position"
        return (_entry_of(row) for row in self.db.execute(query))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def close(self) -> None:
        self.db.close()


def _agency_key(entry: RegionEntry) -> str | None:
    return key(entry.agency or "") if entry.path is None else None


def _entry_of(row: tuple[Any, ...]) -> RegionEntry:
    region, parent, path, agency, year = row
    return RegionEntry(
        region=region, parent=parent, path=Path(path) if path is not None else None, agency=agency, year=year
    )


class RegionMembers:
    """The reports of each region, gathered one report at a time by indexed lookups (no scan of the
    manifest), and kept with the manifest on disk."""

    def __init__(self, entries: Sequence[RegionEntry]) -> None:
        self.entries = entries if isinstance(entries, Manifest) else Manifest(entries)
        self._db = self.entries.db
        # Members of an earlier batch over the same manifest are not this batch's.
        self._db.execute("DELETE FROM hit")
        self._db.execute("DELETE FROM member")

    def add(self, index: int, path: Path, agency: str | None, year: int | None, readable: bool) -> None:
        """Place report ``index`` in every region whose manifest entry names it."""
        db = self._db
        found: list[tuple[int, str]] = []
        if self.entries.has_paths:
            query = "SELECT position, region FROM entry WHERE path = ? ORDER BY position"
            found.extend(db.execute(query, (os.fspath(path.resolve()),)))
        query = "SELECT position, region, year FROM entry WHERE agency_key = ? AND path IS NULL ORDER BY position"
        for position, region, entry_year in db.execute(query, (key(agency or ""),)):
            if entry_year is None or entry_year == year:
                found.append((position, region))
        if not found:
            return
        db.executemany("INSERT INTO hit VALUES (?,?,?)", ((region, position, index) for position, region in found))
        db.execute("INSERT OR REPLACE INTO member VALUES (?,?,?)", (index, year, int(readable)))

    def _members(self, region: str, year: int | None = None, readable_only: bool = False) -> list[int]:
        # Manifest order first, then input order: the order the reports of a region are considered in.
        query = "SELECT h.report FROM hit h JOIN member m ON m.report = h.report WHERE h.region = ?"
        values: tuple[Any, ...] = (region,)
        if readable_only:
            query += " AND m.readable = 1 AND m.year IS ?"
            values += (year,)
        ordered: dict[int, None] = {}
        for (index,) in self._db.execute(query + " ORDER BY h.position, h.report", values):
            ordered.setdefault(index)
        return list(ordered)

    def _member(self, index: int) -> tuple[int | None, bool]:
        row = self._db.execute("SELECT year, readable FROM member WHERE report = ?", (index,)).fetchone()
        return (row[0], bool(row[1])) if row is not None else (None, False)

    def findings(self, load: Callable[[int], Report], registry: Registry, options: Options) -> dict[int, list[Finding]]:
        """The roll-up findings of every parent report (by input index)."""
        rules = [r for r in enabled_rules(registry, options) if isinstance(r.kind, RollupKind)]
        if not rules:
            return {}
        children: dict[str, list[str]] = {}  # one entry per region, however many reports each has
        query = "SELECT parent, region FROM entry WHERE parent IS NOT NULL AND parent != '' ORDER BY position"
        for parent, region in self._db.execute(query).fetchall():
            if region not in children.setdefault(parent, []):
                children[parent].append(region)
        found: dict[int, list[Finding]] = {}
        for parent, kids in children.items():
            for index in self._members(parent):
                year, readable = self._member(index)
                if not readable:
                    continue  # the parent itself is unreadable: its input finding says so
                members = {kid: self._members(kid, year, readable_only=True) for kid in kids}
                ctx = RollupContext(
                    region=parent,
                    year=year,
                    report=load(index),
                    children={kid: load(at[0]) for kid, at in members.items() if at},
                    missing=[kid for kid, at in members.items() if not at],
                    layouts=registry.layouts,
                )
                for rule in rules:
                    assert isinstance(rule.kind, RollupKind)
                    produced = rule.kind.check_rollup(rule.spec, rule.params, ctx)
                    found.setdefault(index, []).extend(_severity(f, rule, options) for f in produced)
        return found


def _severity(found: Finding, rule: LoadedRule, options: Options) -> Finding:
    override = options.severity.get(rule.spec.id) or options.severity.get(rule.spec.category)
    return found.model_copy(update={"severity": override}) if override else found
