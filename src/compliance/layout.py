"""Template layouts (``rules/templates/*.yaml``) and rule packs (``rules/packs/*.yaml``) as typed data.

Both are validated against JSON Schemas generated from these models (``schemas/``) when they
are loaded, so a malformed YAML file fails with a message naming the file and the field.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Strict(BaseModel):
    # Validators are built on first use: a run that reads these from the data cache never validates them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SectionSpec(_Strict):
    key: str
    numeral: str
    title: str
    kind: Literal["prose", "table"]
    keywords: list[str]
    aliases: list[str] = Field(default_factory=list)


class ColumnSpec(_Strict):
    id: str
    label: str
    aliases: list[str] = Field(default_factory=list)
    type: Literal["count", "money"] = "count"
    signed: bool = False
    default_unit: str | None = None


class RowSpec(_Strict):
    id: str
    label: str
    aliases: list[str] = Field(default_factory=list)
    # Only T2 rows carry their own columns; T3/T4 rows use the table's columns.
    columns: list[str] | None = None


class CellRef(_Strict):
    row: str | None = None
    column: str | None = None


class TotalSpec(_Strict):
    """``target`` is the sum of ``parts``, for every row (along: row) or column (along: column)."""

    target: CellRef
    parts: list[str]
    along: Literal["row", "column"]
    # The identity's name (e.g. T3-ROW-TOTAL): inferred cell splits record which identity chose
    # them, and the identity rules with that name then say they cannot verify that row.
    id: str | None = None


class BalanceSpec(_Strict):
    """``Σ lhs = Σ rhs`` for every column (T3-COL-BALANCE: 新收 + 结转 = （七）总计 + 结转下年)."""

    id: str
    lhs: list[str]
    rhs: list[str]


class TableSpec(_Strict):
    section: str
    title: str
    columns: list[ColumnSpec]
    rows: list[RowSpec]
    layout: Literal["rows", "single_row"] = "rows"
    groups: dict[str, list[str]] = Field(default_factory=dict)
    totals: list[TotalSpec] = Field(default_factory=list)
    # Column identities that are not a total of parts; used to choose splits of run-together cells.
    balances: list[BalanceSpec] = Field(default_factory=list)

    def expand(self, names: list[str]) -> list[str]:
        """Replace ``@group`` references by their members, recursively, keeping order."""
        # Rules expand the same few name lists for every item of every report: remember them.
        wanted = tuple(names)
        found = self._expansions.get(wanted)
        if found is None:
            found = self._expansions[wanted] = tuple(self._expand(names))
        return list(found)

    def _expand(self, names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            if name.startswith("@"):
                out.extend(self._expand(self.groups[name[1:]]))
            else:
                out.append(name)
        return out

    @functools.cached_property
    def _expansions(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        return {}

    def column_ids(self) -> list[str]:
        return [c.id for c in self.columns]

    def row_ids(self) -> list[str]:
        return [r.id for r in self.rows]

    @functools.cached_property
    def _by_id(self) -> tuple[dict[str, ColumnSpec], dict[str, RowSpec]]:
        # Rules look columns and rows up per cell; a dict beats a scan in those loops.
        return {c.id: c for c in self.columns}, {r.id: r for r in self.rows}

    def column(self, column_id: str) -> ColumnSpec | None:
        return self._by_id[0].get(column_id)

    def row(self, row_id: str) -> RowSpec | None:
        return self._by_id[1].get(row_id)

    def row_label(self, row_id: str) -> str:
        """The printed label of a row, for messages; the id when the layout has no such row."""
        row = self.row(row_id)
        return row.label if row else row_id

    def column_label(self, column_id: str) -> str:
        """The printed label of a column, for messages; the id when the layout has no such column."""
        column = self.column(column_id)
        return column.label if column else column_id

    def columns_of(self, row_id: str) -> list[str]:
        row = self.row(row_id)
        if row is not None and row.columns is not None:
            return list(row.columns)
        return self.column_ids()


class YearRange(_Strict):
    first: int
    last: int | None = None

    def contains(self, year: int) -> bool:
        return year >= self.first and (self.last is None or year <= self.last)


class TemplateLayout(_Strict):
    id: str
    name: str
    years: YearRange
    markers: list[str]
    sections: list[SectionSpec]
    tables: dict[str, TableSpec]


class RuleExamples(_Strict):
    fail: str
    pass_: str = Field(alias="pass")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class RuleSpec(_Strict):
    """One rule of a rule pack: its metadata (documentation, SARIF, explain) and its parameters."""

    id: str
    kind: str
    name: str
    category: str
    severity: Literal["error", "warning", "info"]
    templates: list[str] = Field(default_factory=lambda: ["V2019", "V2021"])
    summary: str
    description: str
    rationale: str = ""
    examples: RuleExamples
    params: dict[str, Any] = Field(default_factory=dict)
    source: str = ""


class RulePack(_Strict):
    pack: str
    description: str = ""
    rules: list[RuleSpec]


class LayoutError(Exception):
    """A template or rule-pack file does not match its schema."""


@functools.cache
def data_dir(name: str) -> Path:
    """Locate shipped data (``rules`` or ``schemas``): inside the wheel, or the source checkout."""
    packaged = resources.files("compliance") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / name


M = TypeVar("M", bound=BaseModel)


def _load_yaml(path: Path, content: bytes | None = None) -> Any:
    import yaml  # only when the data cache misses: a warm start parses no YAML

    # libyaml's loader, where PyYAML was built with it, parses our data files about three times faster.
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8") if content is None else content.decode("utf-8")
        return yaml.load(text, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LayoutError(f"{path}: cannot read YAML ({exc})") from exc


def load_validated(model: type[M], path: Path) -> M:
    """A data file read and validated as ``model``, through the on-disk cache (``datacache``)."""
    from compliance import datacache

    def build(content: bytes) -> M:
        validated: M = _validate(model, path, _load_yaml(path, content))
        return validated

    try:
        return datacache.cached(f"{model.__module__}.{model.__qualname__}", path, build)
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read YAML ({exc})") from exc


def _validate(model: type[BaseModel], path: Path, data: Any) -> Any:
    import jsonschema

    schema = model.model_json_schema(by_alias=True)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(top)"
        raise LayoutError(f"{path}: {where}: {first.message}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise LayoutError(f"{path}: {exc}") from exc


@functools.cache
def load_template(path: Path) -> TemplateLayout:
    return load_validated(TemplateLayout, path)


@functools.cache
def load_rule_pack(path: Path) -> RulePack:
    pack = load_validated(RulePack, path)
    return pack.model_copy(update={"rules": [r.model_copy(update={"source": str(path.name)}) for r in pack.rules]})
