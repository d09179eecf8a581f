"""VER-MATCH: the tables follow the template of the report's year (templates.md §5.1).

The mapping records the version the year selects (``template_evidence.by_year``), the version
the table labels point to (``detected``) and the layout each table follows
(``table_info[T].layout``); this rule compares them. A hybrid report (V2021 table 二 with a
V2019 single-row （六）其他处理 in table 三) is named as such.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import Finding
from compliance.rules.base import CheckContext, RuleKind, finding

_TABLE_NAMES = {"T2": "表二", "T3": "表三", "T4": "表四"}


class VersionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: list[str] = Field(default_factory=lambda: ["T2", "T3"])
    version_names: dict[str, str] = Field(default_factory=dict)


class VersionMatchKind(RuleKind):
    name = "version_match"
    Params = VersionParams

    def check(self, rule: RuleSpec, params: VersionParams, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        evidence = report.template_evidence
        by_year = evidence.by_year
        layouts = {
            t: info.layout
            for t in params.tables
            if (info := report.table_info.get(t)) is not None and info.present and info.layout
        }
        # The version the T2 labels point to counts only when markers were actually seen.
        if "T2" in layouts and not evidence.detected:
            layouts.pop("T2")

        def name(version: str | None) -> str:
            return params.version_names.get(version or "", version or "?")

        markers = "、".join(evidence.markers.get(evidence.detected or "", [])[:4])
        mixed = len(set(layouts.values())) > 1
        if by_year is None:
            if mixed:
                parts = "，".join(f"{t}按{name(v)}" for t, v in layouts.items())
                yield finding(
                    rule,
                    f"统计表混用两版格式：{parts}",
                    severity="warning",
                    message_en=f"tables mix template versions: {layouts}",
                )
            return
        wrong = {t: v for t, v in layouts.items() if v != by_year}
        if not wrong:
            return
        tables = "、".join(f"{_TABLE_NAMES.get(t, t)}（{name(v)}）" for t, v in wrong.items())
        hybrid = "；各表格式不一致，属混合格式" if mixed else ""
        if by_year == "V2021":
            what = f"{report.year}年度报告应使用{name(by_year)}，但{tables}仍按旧版格式填报{hybrid}"
        else:
            what = f"{report.year}年度报告应使用{name(by_year)}，但{tables}按当时尚未施行的新版格式填报{hybrid}"
        first = next(iter(wrong))
        info = report.table_info.get(first)
        yield finding(
            rule,
            what,
            table=first,
            loc=info.loc if info else None,
            evidence=f"版本标志：{markers}" if markers else None,
            message_en=f"a {report.year} report must use {by_year}; tables {sorted(wrong)} do not"
            + (" (hybrid tables)" if mixed else ""),
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [VersionMatchKind()]
