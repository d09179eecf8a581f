"""Region roll-up in a batch: which report belongs to which region, and the comparisons to run.

A manifest (CSV or YAML) names each report — by path, or by agency and year — with its region
and the region above it. While a batch is checked, each report is placed in its regions by a
hash lookup (``RegionMembers.add``); afterwards every parent report is compared with the reports
of its child regions for the same year by the roll-up rule kinds (``rules/rollup.py``). The
findings are attached to the parent's report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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


def read_manifest(path: Path) -> list[RegionEntry]:
    """Read ``region, parent`` plus ``path`` (or ``agency`` and ``year``) per report, from CSV or YAML."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the region manifest {path}: {exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data: Any = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ManifestError(f"the region manifest {path} is not valid YAML: {exc}") from exc
        rows = data.get("regions") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ManifestError(f"the region manifest {path} must be a list of entries (or 'regions: [...]')")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    return [_entry(row, path, number) for number, row in enumerate(rows, start=1)]


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


class RegionMembers:
    """The reports of each region, gathered one report at a time by hash lookups (no scan of the manifest)."""

    def __init__(self, entries: list[RegionEntry]) -> None:
        self.entries = entries
        self._by_path: dict[Path, list[int]] = {}
        self._by_agency: dict[str, list[int]] = {}
        for position, entry in enumerate(entries):
            if entry.path is not None:
                self._by_path.setdefault(entry.path, []).append(position)
            else:
                self._by_agency.setdefault(key(entry.agency or ""), []).append(position)
        self._hits: dict[str, list[tuple[int, int]]] = {}  # region → (manifest position, report index)
        self._years: dict[int, int | None] = {}
        self._readable: set[int] = set()

    def add(self, index: int, path: Path, agency: str | None, year: int | None, readable: bool) -> None:
        """Place report ``index`` in every region whose manifest entry names it."""
        positions = list(self._by_path.get(path.resolve(), [])) if self._by_path else []
        for position in self._by_agency.get(key(agency or ""), []):
            entry_year = self.entries[position].year
            if entry_year is None or entry_year == year:
                positions.append(position)
        for position in positions:
            self._hits.setdefault(self.entries[position].region, []).append((position, index))
        if positions:
            self._years[index] = year
            if readable:
                self._readable.add(index)

    def _members(self) -> dict[str, list[int]]:
        # Manifest order first, then input order: the order the reports of a region are considered in.
        members: dict[str, list[int]] = {}
        for region, hits in self._hits.items():
            ordered: list[int] = []
            for _, index in sorted(hits):
                if index not in ordered:
                    ordered.append(index)
            members[region] = ordered
        return members

    def findings(self, load: Callable[[int], Report], registry: Registry, options: Options) -> dict[int, list[Finding]]:
        """The roll-up findings of every parent report (by input index)."""
        rules = [r for r in enabled_rules(registry, options) if isinstance(r.kind, RollupKind)]
        if not rules:
            return {}
        members = self._members()
        children: dict[str, list[str]] = {}
        for entry in self.entries:
            if entry.parent and entry.region not in children.setdefault(entry.parent, []):
                children[entry.parent].append(entry.region)
        found: dict[int, list[Finding]] = {}
        for parent, kids in children.items():
            for index in members.get(parent, []):
                if index not in self._readable:
                    continue  # the parent itself is unreadable: its input finding says so
                year = self._years[index]
                readable = {
                    kid: [i for i in members.get(kid, []) if i in self._readable and self._years[i] == year]
                    for kid in kids
                }
                ctx = RollupContext(
                    region=parent,
                    year=year,
                    report=load(index),
                    children={kid: load(at[0]) for kid, at in readable.items() if at},
                    missing=[kid for kid, at in readable.items() if not at],
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
