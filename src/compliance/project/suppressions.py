"""Suppressions with a reason: from the project config and from inside a structured report.

A suppression names a rule and narrows where it applies (report path glob, agency, year, section,
table, row, column). A matching finding is removed. A suppression that applied to a report but hid
nothing is reported as an ``info`` finding (``UNUSED-SUPPRESSION``) so stale entries get cleaned up;
a config suppression is judged once per run, on the first report it applied to.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance.model import Finding, FindingLocation, Report, ReportResult, Suppression
from compliance.project.baseline import with_fingerprints

_PLACE = ("section", "table", "row", "column")


class ConfigSuppression(BaseModel):
    """A suppression in ``[tool.compliance]``: which rule, where, and why (the reason is mandatory)."""

    model_config = ConfigDict(extra="forbid")
    rule: str
    reason: str = Field(min_length=1, description="Why the finding is accepted; mandatory.")
    path: str | None = Field(None, description="Glob of report paths (relative to the config file's folder).")
    agency: str | None = None
    year: int | None = None
    section: str | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason")
        return value.strip()


@dataclass
class _Entry:
    rule: str
    reason: str
    place: dict[str, str | None]
    origin: str  # where it was written, for the unused-suppression message
    path: str | None = None
    agency: str | None = None
    year: int | None = None
    used: bool = False
    first_report: int | None = None

    def applies_to(self, result: ReportResult, root: Path | None) -> bool:
        if self.agency is not None and self.agency != result.agency:
            return False
        if self.year is not None and self.year != result.year:
            return False
        return self.path is None or any(fnmatch.fnmatchcase(c, self.path) for c in _path_forms(result.source, root))

    def hides(self, found: Finding) -> bool:
        if found.rule != self.rule:
            return False
        return all(v is None or getattr(found.location, k) == v for k, v in self.place.items())

    def where(self) -> str:
        return ".".join(v for v in self.place.values() if v) or "整份报告"


def _path_forms(source: str, root: Path | None) -> list[str]:
    """The report path as written, as a POSIX path, and relative to the config file's folder."""
    path = Path(source)
    forms = [source, path.as_posix()]
    if root is not None:
        with contextlib.suppress(ValueError, OSError):  # not under the config's folder
            forms.append(path.resolve().relative_to(root.resolve()).as_posix())
    return forms


def _from_config(entry: ConfigSuppression, origin: str) -> _Entry:
    place = {k: getattr(entry, k) for k in _PLACE}
    return _Entry(entry.rule, entry.reason, place, origin, entry.path, entry.agency, entry.year)


def _from_report(entry: Suppression) -> _Entry:
    place = {k: getattr(entry, k) for k in _PLACE}
    return _Entry(entry.rule, entry.reason, place, "报告内 suppressions")


def _unused(entry: _Entry) -> Finding:
    place = entry.place
    return Finding(
        rule="UNUSED-SUPPRESSION",
        category="internal",
        severity="info",
        message=(
            f"{entry.origin}中对 {entry.rule}（{entry.where()}）的抑制没有匹配任何发现，可以删除"
            f"（理由：{entry.reason}）"
        ),
        message_en=f"the suppression of {entry.rule} at {entry.where()} matched no finding; remove it",
        location=FindingLocation(
            section=place["section"], table=place["table"], row=place["row"], column=place["column"]
        ),
    )


def _no_reason(entry: Suppression) -> Finding:
    return Finding(
        rule="INVALID-SUPPRESSION",
        category="input",
        severity="error",
        message=f"报告内对 {entry.rule} 的抑制没有填写理由，未生效",
        message_en=f"the report's suppression of {entry.rule} has no reason and was not applied",
    )


class Suppressor:
    """Suppressions applied one report at a time, in input order (a batch's results as they come).

    ``unused`` gives, once every report was seen, the notes about config suppressions that hid
    nothing, each for the first report it applied to.
    """

    def __init__(
        self, configured: Sequence[ConfigSuppression] = (), origin: str = "配置文件", root: Path | None = None
    ) -> None:
        self._shared = [_from_config(s, origin) for s in configured]
        self._root = root
        self._seen = 0

    @property
    def configured(self) -> bool:
        return bool(self._shared)

    def apply(self, result: ReportResult, report: Report | None) -> ReportResult:
        """The result without its suppressed findings, plus notes on the report's own unused or invalid ones."""
        index, self._seen = self._seen, self._seen + 1
        own = [_from_report(s) for s in (report.suppressions if report else []) if s.reason.strip()]
        extra = [_no_reason(s) for s in (report.suppressions if report else []) if not s.reason.strip()]
        active = own + [s for s in self._shared if s.applies_to(result, self._root)]
        if not active and not extra:
            return result
        for entry in active:
            if entry.first_report is None:
                entry.first_report = index
        kept = []
        for found in result.findings:
            hiding = [s for s in active if s.hides(found)]
            for entry in hiding:
                entry.used = True
            if not hiding:
                kept.append(found)
        kept += extra + [_unused(s) for s in own if not s.used]
        return result.model_copy(update={"findings": kept})

    def unused(self) -> dict[int, list[Finding]]:
        """Notes for config suppressions that hid nothing, by the position of the first report they applied to."""
        notes: dict[int, list[Finding]] = {}
        for entry in self._shared:
            if not entry.used and entry.first_report is not None:
                notes.setdefault(entry.first_report, []).append(_unused(entry))
        return notes


def apply(
    pairs: Sequence[tuple[ReportResult, Report | None]],
    configured: Sequence[ConfigSuppression] = (),
    origin: str = "配置文件",
    root: Path | None = None,
) -> list[ReportResult]:
    """Remove suppressed findings from each result and add the notes about unused or invalid ones."""
    suppressor = Suppressor(configured, origin, root)
    results = [suppressor.apply(result, report) for result, report in pairs]
    for index, notes in suppressor.unused().items():
        results[index] = results[index].model_copy(update={"findings": [*results[index].findings, *notes]})
    return [with_fingerprints(r) for r in results]
