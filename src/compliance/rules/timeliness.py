"""Publication timeliness (条例第四十九条): the date a report was published against its deadline.

The date is the one a supervisor recorded in a manifest (option ``manifest``), else the one the
document states: a publication date in the page's header (发布日期, 公开日期, 发布时间 — web pages
and the crawler dumps of them), else the signing date on the last lines of the report. A
publication date after the deadline is late; a signing date after it is late too (nothing is
published before it is signed), but a signing date before it proves nothing.
Deadlines are data: the first entry whose agency pattern matches the report's agency applies,
so a region adds its own by listing it first.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.mapping.normalize import to_simplified
from compliance.model import Finding, Loc, Report
from compliance.rules.base import CheckContext, RuleKind, finding
from compliance.rules.publication_dates import date_for, read_dates

_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_YEAR = r"(?P<y>\d{4}|[〇○零Ｏ一二三四五六七八九]{4})"
_MONTH_DAY = r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[月.\-/]\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE = rf"{_YEAR}\s*[年.\-/]\s*{_MONTH_DAY}\s*日?"


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    # A regular expression over the agency's name; "" matches every agency.
    agency: str
    month: int
    day: int
    label: str


class TimelinessParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    deadlines: list[Deadline]
    # Words that introduce the publication date in a page header.
    published_words: list[str] = Field(default_factory=lambda: ["发布日期", "公开日期", "发布时间"])
    # How many of the last lines of the report may hold the signing date.
    signing_lines: int = 4


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 4:  # a year, digit by digit: 二〇二四
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return _DIGITS[text]
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


def _date(match: re.Match[str]) -> datetime.date | None:
    try:
        return datetime.date(_number(match["y"]), _number(match["m"]), _number(match["d"]))
    except (ValueError, KeyError):
        return None


def published_date(report: Report, words: list[str]) -> tuple[datetime.date, Loc | None] | None:
    """The publication date a page header states (发布日期：2024-01-17)."""
    if report.preamble is None:
        return None
    alternation = "|".join(re.escape(w) for w in words)
    # The header words in simplified characters, as the rule writes them (发佈時間 → 发布时间).
    match = re.search(rf"(?:{alternation})\s*[:：]?\s*{_DATE}", to_simplified(report.preamble.text))
    found = _date(match) if match else None
    return (found, report.preamble.loc) if found else None


def signing_date(report: Report, lines: int) -> tuple[datetime.date, Loc | None] | None:
    """A line that is only a date among the report's last lines (the date under the signature)."""
    if not report.sections:
        return None
    last = report.sections[-1]
    tail = [line.strip() for line in last.text.split("\n") if line.strip()][-lines:]
    for line in reversed(tail):
        match = re.fullmatch(_DATE, line)
        if match:
            found = _date(match)
            return (found, last.loc) if found else None
    return None


class TimelinessOptions(BaseModel):
    """A supervisor's own record of publication dates (rules/publication_dates.py)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    # CSV or YAML with path (or agency and year) and published; relative to the working directory.
    manifest: str | None = None

    @field_validator("manifest")
    @classmethod
    def _readable(cls, value: str | None) -> str | None:
        if value is not None:
            read_dates(value)  # a manifest that cannot be used is a configuration error
        return value


class TimelinessKind(RuleKind):
    """PUB-DEADLINE: the stated publication (or signing) date is not after the statutory deadline."""

    name = "timeliness"
    Params = TimelinessParams
    Options = TimelinessOptions

    def check(self, rule: RuleSpec, params: TimelinessParams, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        if report.year is None:
            return
        deadline = next((d for d in params.deadlines if re.search(d.agency, report.agency or "")), None)
        if deadline is None:
            return
        due = datetime.date(report.year + 1, deadline.month, deadline.day)
        options: TimelinessOptions = self.options(rule, ctx)
        recorded = None
        if options.manifest:
            recorded = date_for(read_dates(options.manifest), report.source.path, report.agency, report.year)
        stated = (recorded, None) if recorded else published_date(report, params.published_words)
        kind = "登记的发布日期" if recorded else "发布日期"
        if stated is None:
            stated, kind = signing_date(report, params.signing_lines), "落款日期"
        if stated is None:
            return
        when, loc = stated
        # A date before the report year ended is not this report's publication (a misread or a typo).
        if when <= datetime.date(report.year, 12, 31) or when <= due:
            return
        late = (when - due).days
        yield finding(
            rule,
            f"报告{kind}为 {when.isoformat()}，晚于{deadline.label}的法定期限 {due.isoformat()}（迟 {late} 天）",
            loc=loc,
            expected=None,
            actual=late,
            evidence=f"{kind} {when.isoformat()}",
            message_en=f"{'signing' if kind == '落款日期' else 'publication'} date {when} is after {due}",
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [TimelinessKind()]
