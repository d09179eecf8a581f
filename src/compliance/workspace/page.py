"""The report view's content: sections in the document's order, prose with claims marked, table grids.

Each finding is tied to the cell it names (its location's table, row and column); for a finding of an
identity rule (a total against its parts) the cells that add up to it are named too, from the rule's
own parameters, so the page can highlight the failing cell and its parts and link both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.engine import Registry
from compliance.layout import TableSpec
from compliance.workspace.review import FindingView


def cell_id(table: str, row: str, column: str) -> str:
    return f"cell-{table}-{row}-{column}"


@dataclass
class CellView:
    id: str
    text: str
    status: str = "read"
    failing: list[str] = field(default_factory=list)  # fingerprints of findings about this cell
    part_of: list[str] = field(default_factory=list)  # fingerprints of findings this cell adds up to


@dataclass
class RowView:
    label: str
    cells: list[tuple[str, CellView]]  # column label, cell


@dataclass
class TableView:
    id: str
    title: str
    columns: list[str] | None  # shared column labels; None when every row has its own (table 二)
    rows: list[RowView]


@dataclass
class Segment:
    text: str
    claim: str | None = None  # the cell or subtotal the marked phrase is compared with
    offset: int | None = None  # the claim's offset in the text as read: findings about it name the same
    failing: list[str] = field(default_factory=list)  # fingerprints of findings about this claim


@dataclass
class SectionView:
    key: str
    title: str
    segments: list[Segment]
    tables: list[TableView]
    findings: list[str] = field(default_factory=list)  # fingerprints of findings about the section


def _derived(name: str) -> bool:
    """A location naming a subtotal the template does not print (``@unable``, ``granted+partial``)."""
    return "@" in name or "+" in name


def related_cells(finding: dict[str, Any], registry: Registry) -> list[tuple[str, str, str]]:
    """The cells that add up to what the finding is about: an identity's parts, or a derived subtotal's."""
    loc = finding.get("location") or {}
    table, row, column = loc.get("table"), loc.get("row"), loc.get("column")
    if table and row and column and (_derived(row) or _derived(column)):
        return _subtotal_cells(registry, table, row, column)
    rule = registry.rule(finding.get("rule", ""))
    params = rule.params if rule is not None else None
    names = (getattr(params, "lhs", None) or []) + (getattr(params, "rhs", None) or [])
    table, along = getattr(params, "table", None), getattr(params, "along", None)
    if not names or table is None or table != loc.get("table"):
        return []
    spec = _table_spec(registry, table)
    if spec is None:
        return []
    try:
        expanded = spec.expand(names)
    except KeyError:
        return []
    if along == "column" and loc.get("column"):
        return [(table, row, loc["column"]) for row in expanded]
    if along == "row" and loc.get("row"):
        return [(table, loc["row"], column) for column in expanded]
    return []


def _subtotal_cells(registry: Registry, table: str, row: str, column: str) -> list[tuple[str, str, str]]:
    spec = _table_spec(registry, table)
    if spec is None:
        return []
    try:
        rows = spec.expand(row.split("+")) if _derived(row) else [row]
        columns = spec.expand(column.split("+")) if _derived(column) else [column]
    except KeyError:
        return []
    return [(table, r, c) for r in rows for c in columns]


def _table_spec(registry: Registry, table: str, template: str | None = None) -> TableSpec | None:
    layouts = [registry.layouts[template]] if template in registry.layouts else list(registry.layouts.values())
    return next((layout.tables[table] for layout in layouts if table in layout.tables), None)


def sections(structured: dict[str, Any], views: list[FindingView], registry: Registry) -> list[SectionView]:
    """The report's sections in printed order, each with its prose and its tables, findings attached."""
    template = structured.get("template")
    failing: dict[tuple[str, str, str], list[str]] = {}
    parts: dict[tuple[str, str, str], list[str]] = {}
    by_section: dict[str, list[str]] = {}
    at_offset: dict[int, list[str]] = {}
    for view in views:
        if view.state == "rectified":
            continue
        loc = view.finding.get("location") or {}
        if loc.get("offset") is not None:
            at_offset.setdefault(loc["offset"], []).append(view.fingerprint)
        cell = _printed_cell(view.finding)
        if cell is not None:
            failing.setdefault(cell, []).append(view.fingerprint)
        elif loc.get("section"):
            by_section.setdefault(loc["section"], []).append(view.fingerprint)
        for key in related_cells(view.finding, registry):
            parts.setdefault(key, []).append(view.fingerprint)
    found = list(structured.get("sections") or [])
    preamble = structured.get("preamble")
    if preamble:
        found.insert(0, {**preamble, "title": preamble.get("title") or "（前言）"})
    found.sort(key=lambda s: (s.get("loc") or {}).get("line_start") or (s.get("loc") or {}).get("line") or 0)
    claims = structured.get("claims") or []
    result = []
    printed = structured.get("tables") or {}
    placed: set[str] = set()
    for section in found:
        key = section.get("key", "")
        tables = []
        for table_id, spec in _tables_of(registry, template, key):
            if printed.get(table_id):
                placed.add(table_id)
                tables.append(_table(table_id, spec, printed[table_id], failing, parts))
        segments = _segments(section.get("text") or "", [c for c in claims if c.get("section") == key], at_offset)
        result.append(SectionView(key, section.get("title", key), segments, tables, by_section.get(key, [])))
    # A table read without its section's heading (or under a heading the mapping did not place) still shows.
    unplaced = []
    for table_id, data in printed.items():
        layout_table = _table_spec(registry, table_id, template)
        if table_id not in placed and data and layout_table is not None:
            unplaced.append(_table(table_id, layout_table, data, failing, parts))
    if unplaced:
        result.append(SectionView("tables", "（未归入章节的统计表）", [], unplaced))
    return result


def _tables_of(registry: Registry, template: str | None, section: str) -> list[tuple[str, TableSpec]]:
    layout = registry.layouts.get(template or "") or next(iter(registry.layouts.values()), None)
    if layout is None:
        return []
    return [(table_id, spec) for table_id, spec in layout.tables.items() if spec.section == section]


def _table(
    table_id: str,
    spec: TableSpec,
    data: dict[str, dict[str, Any]],
    failing: dict[tuple[str, str, str], list[str]],
    parts: dict[tuple[str, str, str], list[str]],
) -> TableView:
    own_columns = any(row.columns is not None for row in spec.rows)
    rows = []
    row_ids = spec.row_ids() + [r for r in data if spec.row(r) is None]  # rows the layout lacks, last
    for row_id in row_ids:
        printed = data.get(row_id)
        if printed is None:
            continue
        columns = spec.columns_of(row_id) if spec.row(row_id) else list(printed)
        cells = []
        for column in columns:
            cell = printed.get(column) or {}
            key = (table_id, row_id, column)
            text = cell.get("raw") if cell.get("raw") is not None else _number(cell.get("value"))
            view = CellView(
                cell_id(*key), text or "", cell.get("status", "read"), failing.get(key, []), parts.get(key, [])
            )
            cells.append((spec.column_label(column), view))
        rows.append(RowView(spec.row_label(row_id), cells))
    shared = None if own_columns else [c.label for c in spec.columns]
    return TableView(table_id, spec.title, shared, rows)


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def _segments(text: str, claims: list[dict[str, Any]], at_offset: dict[int, list[str]]) -> list[Segment]:
    """The prose cut at each understood claim, in order (a claim found nowhere in it is left unmarked)."""
    segments: list[Segment] = []
    start = 0
    for claim in claims:
        phrase = claim.get("text") or ""
        at = text.find(phrase, start) if phrase else -1
        if at < 0:
            continue
        if at > start:
            segments.append(Segment(text[start:at]))
        offset = (claim.get("loc") or {}).get("offset")
        failing = at_offset.get(offset, []) if offset is not None else []
        segments.append(Segment(phrase, claim.get("target") or claim.get("kind") or "", offset, failing))
        start = at + len(phrase)
    if start < len(text):
        segments.append(Segment(text[start:]))
    return segments


def claim_offsets(structured: dict[str, Any] | None) -> set[int]:
    """Where the report's claims start: a finding at one of these offsets is about that claim."""
    claims = (structured or {}).get("claims") or []
    return {c["loc"]["offset"] for c in claims if (c.get("loc") or {}).get("offset") is not None}


def _printed_cell(finding: dict[str, Any]) -> tuple[str, str, str] | None:
    """The one printed cell a finding names (None for a section, a claim alone or a derived subtotal)."""
    loc = finding.get("location") or {}
    table, row, column = loc.get("table"), loc.get("row"), loc.get("column")
    if table and row and column and not _derived(row) and not _derived(column):
        return (table, row, column)
    return None


def finding_cell(finding: dict[str, Any]) -> str | None:
    cell = _printed_cell(finding)
    return cell_id(*cell) if cell else None


def finding_parts(finding: dict[str, Any], registry: Registry) -> list[str]:
    return [cell_id(*key) for key in related_cells(finding, registry)]
