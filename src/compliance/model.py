"""The data model: the structured report (contract §3) and findings (contract §2).

This module imports nothing of ours. Every other layer speaks in these types, and the
JSON Schemas in ``schemas/`` are generated from them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, field_validator

SCHEMA_VERSION = 1


def _number_for_json(value: int | Decimal | None) -> int | float | None:
    # JSON has one number type. Counts stay integers; a Decimal becomes the float with the
    # same shortest decimal representation (exact for the ≤15 significant digits reports use),
    # and readers parse JSON numbers back into Decimal, so arithmetic never sees a float.
    if value is None or isinstance(value, int):
        return value
    if value == value.to_integral_value() and "." not in str(value):
        return int(value)
    return float(value)


Number = Annotated[
    int | Decimal,
    PlainSerializer(_number_for_json, when_used="json"),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def __reduce__(self) -> tuple[Any, ...]:
        # Batches pickle every report from a worker process to the parent and back. Pydantic's
        # default goes through a state dict and ``__setstate__`` per object; passing the field
        # values and the set fields directly pickles faster and restores exactly the same model.
        return _restore, (type(self), self.__dict__, self.__pydantic_fields_set__)


def _restore(cls: type[Strict], values: dict[str, Any], fields_set: set[str]) -> Strict:
    model = cls.__new__(cls)
    _setattr = object.__setattr__
    _setattr(model, "__dict__", values)
    _setattr(model, "__pydantic_fields_set__", fields_set)
    _setattr(model, "__pydantic_extra__", None)  # extra="forbid": there are never extra fields
    _setattr(model, "__pydantic_private__", None)
    return model


class Loc(Strict):
    """Where something stands in the source: 1-based lines, PDF page, optional bounding box.

    ``column`` is the 1-based character column within ``line`` where the text starts (text
    formats, where a whole report may stand on one line). ``offset`` is the 0-based character
    offset in the document's text as read (blocks in order; for HTML, the visible text, not
    the markup), so that a figure can be found in any format.
    """

    line: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    column: int | None = None
    offset: int | None = None

    def moved(self, **changes: int | None) -> Loc:
        """A copy with some positions changed, without validation: readers place every cell and
        paragraph this way, and ``model_copy`` costs twice as much (profile of text batches)."""
        copy = _new(Loc)
        _set_dict(copy, {**self.__dict__, **changes})
        _set_fields(copy, self.__pydantic_fields_set__.union(changes))
        _set_extra(copy, None)
        _set_private(copy, None)
        return copy


# The slots a pydantic model keeps its state in, set through their descriptors (Loc.moved runs for
# every cell read and again when offsets are numbered: hundreds of times per report).
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


# Below this recognition confidence an OCR'd figure is not trusted: an identity or a prose figure it
# contradicts says "cannot verify", and views mark it.
LOW_CONFIDENCE = 0.8


class CellStatus(str, Enum):
    """How a cell's value came to be."""

    read = "read"  # printed in the document and parsed
    blank = "blank"  # empty or a placeholder: unknown, never 0
    invalid = "invalid"  # something printed that is not a number
    inferred = "inferred"  # split out of run-together digits (see mapping)
    ambiguous = "ambiguous"  # columns cannot be assigned safely (text lost empty cells)


class Cell(Strict):
    value: Number | None = None
    raw: str | None = None
    loc: Loc | None = None
    status: CellStatus = CellStatus.read
    unit: str | None = None
    # Set only when the cell was read by OCR (a scan): the recogniser's confidence, 0–1. Rules
    # treat a failing identity over such cells as a possible misreading before blaming the report.
    confidence: float | None = None

    @property
    def doubtful(self) -> bool:
        """Read by OCR with less confidence than the engine trusts."""
        return self.confidence is not None and self.confidence < LOW_CONFIDENCE

    @field_validator("value", mode="before")
    @classmethod
    def _no_floats(cls, value: Any) -> Any:
        if isinstance(value, float):
            return Decimal(repr(value))
        return value

    @classmethod
    def typed(
        cls,
        value: int | Decimal | None,
        raw: str | None,
        loc: Loc | None,
        status: CellStatus,
        unit: str | None,
        confidence: float | None = None,
    ) -> Cell:
        """A cell from parts the mapping has already typed, without validation.

        Reports hold hundreds of cells and batches thousands of reports; validating each cell was
        the largest single cost of mapping. This sets exactly what ``model_construct`` would
        (tests/test_model_cells.py checks the result equals a validated cell).
        """
        cell = object.__new__(cls)
        _set = object.__setattr__
        _set(
            cell,
            "__dict__",
            {"value": value, "raw": raw, "loc": loc, "status": status, "unit": unit, "confidence": confidence},
        )
        _set(cell, "__pydantic_fields_set__", set(_CELL_FIELDS))
        _set(cell, "__pydantic_extra__", None)
        _set(cell, "__pydantic_private__", None)
        return cell


_CELL_FIELDS = frozenset(Cell.model_fields)

TableData = dict[str, dict[str, Cell]]


class Section(Strict):
    key: str
    title: str
    text: str = ""
    loc: Loc | None = None
    # Set only when some of the section's prose was read by OCR (a scan): the confidence of its least
    # sure word, 0–1. Prose rules then say a slip may be the recogniser's, never only the agency's.
    confidence: float | None = None


class OutlineEntry(Strict):
    """A top-level heading as printed, whether or not it maps to a template section."""

    numeral: str | None = None
    title: str
    key: str | None = None
    line: int | None = None


class TableInfo(Strict):
    """What the mapping saw of one template table, beyond its cells."""

    present: bool = False
    loc: Loc | None = None
    extra_rows: list[str] = Field(default_factory=list)
    # Template rows not read whose label is printed in the table's section (text extraction lost the
    # row's structure): present on the page, figures unknown — never "missing".
    unread_rows: list[str] = Field(default_factory=list)
    # The template version whose layout this table follows; differs from the report's
    # template in hybrid reports (V2021 table 二 with a V2019 single-row （六）其他处理).
    layout: str | None = None
    # Rows printed under a column header of another version than ``layout`` (a hybrid
    # sub-table of 二): row id → that version; their cells use that version's column ids.
    row_layouts: dict[str, str] = Field(default_factory=dict)
    # Rows whose figures text printed without their blank cells and could not be placed in columns
    # (their cells are ``ambiguous``), but whose totals are the same under every placement that keeps
    # the row's own sums: row id → total column id → value. The rules derive a blank total this way.
    unplaced_totals: dict[str, dict[str, int]] = Field(default_factory=dict)
    # The document marks a table in this table's section that its converter left out (pandoc's
    # plain text prints "[TABLE]"): the table existed, this rendering lost it.
    omitted: bool = False


class TemplateEvidence(Strict):
    by_year: str | None = None
    detected: str | None = None
    markers: dict[str, list[str]] = Field(default_factory=dict)


class Note(Strict):
    """Something the mapping noticed while reading (an ambiguous row, an inferred split, …)."""

    code: str
    message: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    loc: Loc | None = None
    # For code ``inferred-split``: the template identity (e.g. T3-ROW-TOTAL) that chose the split
    # of run-together digits; that identity cannot then be verified on this row (or column).
    identity: str | None = None


class Claim(Strict):
    """A numeric statement in the prose about what the tables hold.

    ``text`` is the phrase read, ``sentence`` the sentence it stands in (quoted as evidence) and
    ``span`` the phrase's offsets within ``sentence``; ``kind`` names the claim pattern and
    ``target`` the cell or derived subtotal (``T3.@deny.total``) the figure is compared with.
    """

    text: str
    sentence: str | None = None
    value: Number
    approximate: bool = False
    section: str | None = None
    loc: Loc | None = None
    target: str | None = None
    kind: str | None = None
    span: tuple[int, int] | None = None
    scope: str | None = None


class Source(Strict):
    path: str
    format: str
    sha256: str | None = None


class Suppression(Strict):
    rule: str
    reason: str
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None


class Report(Strict):
    schema_version: int = SCHEMA_VERSION
    source: Source
    template: Literal["V2019", "V2021"] | None = None
    year: int | None = None
    agency: str | None = None
    title: str | None = None
    sections: list[Section] = Field(default_factory=list)
    # The text between the title and the first section (who compiled the report, the statistics
    # period, where it is published); key "S0".
    preamble: Section | None = None
    tables: dict[str, TableData] = Field(default_factory=dict)
    claims: list[Claim] = Field(default_factory=list)
    outline: list[OutlineEntry] = Field(default_factory=list)
    table_info: dict[str, TableInfo] = Field(default_factory=dict)
    template_evidence: TemplateEvidence = Field(default_factory=TemplateEvidence)
    notes: list[Note] = Field(default_factory=list)
    suppressions: list[Suppression] = Field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def cell(self, table: str, row: str, column: str) -> Cell | None:
        return self.tables.get(table, {}).get(row, {}).get(column)


Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

Category = Literal[
    "input",
    "structure",
    "version",
    "arithmetic",
    "improvement-plan",
    "narrative-consistency",
    "plausibility",
    "cross-year",
    "roll-up",
    "text-quality",
    "timeliness",
    "internal",
]
CATEGORIES: tuple[str, ...] = get_args(Category)


class FindingLocation(Strict):
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    line: int | None = None
    page: int | None = None
    # Where on ``line`` the figure starts (1-based character column), and its 0-based offset in
    # the document's text as read (for HTML the visible text); extensions of contract §2.
    char: int | None = None
    offset: int | None = None


class Finding(Strict):
    rule: str
    category: Category
    severity: Severity
    message: str
    location: FindingLocation = Field(default_factory=FindingLocation)
    expected: Number | None = None
    actual: Number | None = None
    evidence: str | None = None
    message_en: str | None = None
    fingerprint: str | None = None
    baseline: Literal["new", "unchanged"] | None = None


class KeyRatios(Strict):
    """Ratios supervisors compare across reports, computed exactly from the tables (extension of §2).

    Each ratio is a Decimal fraction (0.25 = 25 %) rounded to four places, or None when a cell it
    needs is missing, unreadable or its denominator is 0. ``applications`` (本年新收 总计) is kept
    so that last year's result gives ``applications_change`` without last year's report.
    """

    correction_rate: Number | None = None  # 纠错率: 复议、诉讼“结果纠正”之和 ÷ 三个“总计”之和
    disclosure_rate: Number | None = None  # 实质公开率: (予以公开 + 部分公开) ÷ （七）总计
    denial_share: Number | None = None  # 不予公开占比: （三）各项之和 ÷ （七）总计
    applications: Number | None = None  # 本年新收申请 总计
    applications_change: Number | None = None  # 依申请公开同比: (本年 − 上年) ÷ 上年
    # Ratios resting on a reading the engine is unsure of (inferred digits, OCR, derived totals).
    uncertain: list[str] = Field(default_factory=list)

    def with_previous(self, previous: KeyRatios | None) -> KeyRatios:
        """These ratios with the year-over-year change of applications against ``previous``."""
        if previous is None or previous.applications in (None, 0) or self.applications is None:
            return self
        change = (Decimal(self.applications) - Decimal(previous.applications)) / Decimal(previous.applications)
        doubtful = "applications" in self.uncertain or "applications" in previous.uncertain
        uncertain = sorted(set(self.uncertain) | ({"applications_change"} if doubtful else set()))
        return self.model_copy(update={"applications_change": round_ratio(change), "uncertain": uncertain})


# The ratios a summary shows, in order, with their names for people.
RATIO_COLUMNS = ("correction_rate", "disclosure_rate", "denial_share", "applications_change")

RATIO_NAMES = {
    "correction_rate": "纠错率",
    "disclosure_rate": "实质公开率",
    "denial_share": "不予公开占比",
    "applications_change": "依申请公开申请数同比变化",
}


def round_ratio(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)


class ReportResult(Strict):
    source: str
    template: str | None = None
    year: int | None = None
    agency: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    ratios: KeyRatios | None = None


class ToolInfo(Strict):
    name: str = "compliance"
    version: str


class Summary(Strict):
    reports: int = 0
    error: int = 0
    warning: int = 0
    info: int = 0


class BaselineEntry(Strict):
    """A known finding: its line-free fingerprint, with enough context for a person reading a diff."""

    fingerprint: str
    rule: str
    report: str
    where: str | None = None
    message: str


class BaselineStatus(Strict):
    """How the findings compared with ``--baseline``: counts, and entries no longer seen (to prune)."""

    path: str
    new: int = 0
    unchanged: int = 0
    absent: list[BaselineEntry] = Field(default_factory=list)


class FindingsDocument(Strict):
    tool: ToolInfo
    reports: list[ReportResult] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    # Present only when checking against a baseline (an extension of contract §2).
    baseline: BaselineStatus | None = None
