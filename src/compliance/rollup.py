"""Region roll-up: a parent region's totals against the sum of its children's reports.

A manifest (CSV or YAML) names each report — by path, or by agency and year — with its region
and the region above it. After a batch is checked, every parent report is compared with the
reports of its child regions for the same year, using the cells listed by the ``rollup_sum``
rules of the rule pack. The findings are attached to the parent's report.
"""

from __future__ import annotations

import csv
import io
import pickle
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from compliance.engine import LoadedRule, Options, Registry, enabled_rules, sort_findings
from compliance.layout import TableSpec
from compliance.mapping.normalize import key
from compliance.model import Finding, Report, ReportResult
from compliance.rules.base import CheckContext, finding
from compliance.rules.blanks import resolve_table


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


def _matches(entry: RegionEntry, path: Path, result: ReportResult) -> bool:
    if entry.path is not None:
        return path.resolve() == entry.path
    if key(entry.agency or "") != key(result.agency or ""):
        return False
    return entry.year is None or entry.year == result.year


def apply_rollup(
    entries: list[RegionEntry],
    results: list[ReportResult],
    files: list[Path],
    blobs: list[bytes | None],
    registry: Registry,
    options: Options,
) -> None:
    """Add roll-up findings to the parent regions' results (in place)."""
    rules = [
        r
        for r in enabled_rules(registry, options)
        if r.spec.kind in ("rollup_sum", "rollup_missing") or getattr(r.kind, "compares_children", False)
    ]
    if not rules:
        return
    by_region: dict[str, list[int]] = {}
    for entry in entries:
        for index, (path, result) in enumerate(zip(files, results, strict=True)):
            if _matches(entry, path, result) and index not in by_region.get(entry.region, []):
                by_region.setdefault(entry.region, []).append(index)
    children: dict[str, list[str]] = {}
    for entry in entries:
        if entry.parent and entry.region not in children.setdefault(entry.parent, []):
            children[entry.parent].append(entry.region)
    for parent, kids in children.items():
        for index in by_region.get(parent, []):
            blob = blobs[index]
            if blob is None:
                continue  # the parent itself is unreadable: its input finding says so
            found = list(_compare(parent, index, kids, by_region, results, blobs, registry, rules, options))
            results[index].findings = sort_findings([*results[index].findings, *found])


def _unpack(blob: bytes) -> Report:
    report: Report = pickle.loads(zlib.decompress(blob))
    return report


def _compare(
    parent: str,
    index: int,
    kids: list[str],
    by_region: dict[str, list[int]],
    results: list[ReportResult],
    blobs: list[bytes | None],
    registry: Registry,
    rules: list[LoadedRule],
    options: Options,
) -> Iterator[Finding]:
    year = results[index].year
    child_reports: dict[str, Report] = {}
    missing: list[str] = []
    for kid in kids:
        readable = [i for i in by_region.get(kid, []) if blobs[i] is not None and results[i].year == year]
        if readable:
            child_reports[kid] = _unpack(blobs[readable[0]])  # type: ignore[arg-type]
        else:
            missing.append(kid)
    if missing:
        for rule in rules:
            if rule.spec.kind == "rollup_missing":
                yield _severity(
                    finding(
                        rule.spec,
                        f"区域“{parent}”的下级区域 {'、'.join(missing)} 缺少{year or ''}年度的可读报告，未做汇总比对",
                        message_en=f"{len(missing)} child region(s) of {parent} have no readable {year} report",
                    ),
                    rule,
                    options,
                )
        return
    report = _unpack(blobs[index])  # type: ignore[arg-type]
    for rule in rules:
        if rule.spec.kind == "rollup_sum":
            yield from (_severity(f, rule, options) for f in _sum_rule(rule, parent, report, child_reports, registry))
        elif getattr(rule.kind, "compares_children", False):
            # A rule kind that compares a parent with its children itself (rules/rollup_cells.py).
            contexts = {name: CheckContext(child, registry.layouts) for name, child in child_reports.items()}
            found = rule.kind.compare_children(  # type: ignore[attr-defined]
                rule.spec, rule.params, parent, CheckContext(report, registry.layouts), contexts
            )
            yield from (_severity(f, rule, options) for f in found)


def _spec(report: Report, table: str, registry: Registry) -> TableSpec | None:
    info = report.table_info.get(table)
    version = (info.layout if info and info.layout else None) or report.template
    layout = registry.layouts.get(version or "")
    return layout.tables.get(table) if layout else None


def _values(report: Report, table: str, registry: Registry) -> dict[tuple[str, str], Any]:
    spec = _spec(report, table, registry)
    if spec is None or table not in report.tables:
        return {}
    return dict(resolve_table(report, table, spec).values)


def _sum_rule(
    rule: LoadedRule, parent: str, report: Report, kids: dict[str, Report], registry: Registry
) -> Iterator[Finding]:
    params = rule.params
    mine = _values(report, params.table, registry)
    theirs = {name: _values(child, params.table, registry) for name, child in kids.items()}
    for ref in params.cells:
        cell_key = (ref.row, ref.column)
        actual = mine.get(cell_key)
        found = [values.get(cell_key) for values in theirs.values()]
        parts = [p for p in found if p is not None]
        if actual is None or len(parts) != len(found):
            continue  # an unknown cell on either side: nothing exact to compare
        expected = sum(parts, start=0)
        if expected == actual:
            continue
        cell = report.cell(params.table, ref.row, ref.column)
        spec = _spec(report, params.table, registry)
        yield finding(
            rule.spec,
            f"区域“{parent}”{params.table} {ref.row}/{ref.column} 为 {actual}，"
            f"下级区域（{'、'.join(kids)}）合计为 {expected}",
            section=spec.section if spec else None,
            table=params.table,
            row=ref.row,
            column=ref.column,
            loc=cell.loc if cell else None,
            expected=expected,
            actual=actual,
            message_en=f"{parent} {params.table} {ref.row}/{ref.column} is {actual}; its children sum to {expected}",
        )


def _severity(found: Finding, rule: LoadedRule, options: Options) -> Finding:
    override = options.severity.get(rule.spec.id) or options.severity.get(rule.spec.category)
    return found.model_copy(update={"severity": override}) if override else found
