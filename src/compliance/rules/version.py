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
from compliance.model import Finding, Report
from compliance.rules.base import CheckContext, RuleKind, finding

_TABLE_NAMES = {"T2": "表二", "T3": "表三", "T4": "表四"}


class VersionParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    tables: list[str] = Field(default_factory=lambda: ["T2", "T3"])
    version_names: dict[str, str] = Field(default_factory=dict)


class VersionMatchKind(RuleKind):
    name = "version_match"
    Params = VersionParams

    def check(self, rule: RuleSpec, params: VersionParams, ctx: CheckContext) -> Iterator[Finding]:
        report = ctx.report
        evidence = report.template_evidence
        by_year = evidence.by_year
        versions: dict[str, set[str]] = {}
        for table in params.tables:
            info = report.table_info.get(table)
            if info is None or not info.present or not info.layout:
                continue
            # Table 二's own layout counts only when version markers were seen; a sub-table
            # printed under another version's header is evidence in itself.
            own = {info.layout} if table != "T2" or evidence.detected else set()
            versions[table] = own | set(info.row_layouts.values())
        versions = {t: v for t, v in versions.items() if v}

        def name(version: str | None) -> str:
            return params.version_names.get(version or "", version or "?")

        markers = "、".join(evidence.markers.get(evidence.detected or "", [])[:4])
        mixed = len(set().union(*versions.values())) > 1 if versions else False
        if by_year is None:
            if mixed:
                parts = "，".join(f"{t}按{'、'.join(name(v) for v in sorted(vs))}" for t, vs in versions.items())
                yield finding(
                    rule,
                    f"统计表混用两版格式：{parts}",
                    severity="warning",
                    message_en=f"tables mix template versions: { {t: sorted(v) for t, v in versions.items()} }",
                )
            return
        wrong = {t: vs - {by_year} for t, vs in versions.items() if vs - {by_year}}
        # Tables wholly on the other version are said together, as one report-level fault.
        whole = {t: next(iter(vs)) for t, vs in wrong.items() if len(versions[t]) == 1}
        if whole:
            yield self._whole_tables(rule, params, report, whole, markers, mixed)
        # A table that mixes versions inside itself (a sub-table under the old header) is said per table.
        for table in (t for t in wrong if len(versions[t]) > 1):
            yield self._hybrid_table(rule, params, ctx, table, wrong[table])

    @staticmethod
    def _how(by_year: str) -> str:
        return "仍按旧版格式填报" if by_year == "V2021" else "按当时尚未施行的新版格式填报"

    def _whole_tables(
        self, rule: RuleSpec, params: VersionParams, report: Report, wrong: dict[str, str], markers: str, mixed: bool
    ) -> Finding:
        by_year = report.template_evidence.by_year or ""
        names = params.version_names
        tables = "、".join(f"{_TABLE_NAMES.get(t, t)}（{names.get(v, v)}）" for t, v in wrong.items())
        hybrid = "；各表格式不一致，属混合格式" if mixed else ""
        first = next(iter(wrong))
        info = report.table_info.get(first)
        return finding(
            rule,
            f"{report.year}年度报告应使用{names.get(by_year, by_year)}，但{tables}{self._how(by_year)}{hybrid}",
            table=first,
            loc=info.loc if info else None,
            evidence=f"版本标志：{markers}" if markers else None,
            message_en=f"a {report.year} report must use {by_year}; tables {sorted(wrong)} do not"
            + (" (hybrid tables)" if mixed else ""),
        )

    def _hybrid_table(
        self, rule: RuleSpec, params: VersionParams, ctx: CheckContext, table: str, other: set[str]
    ) -> Finding:
        report = ctx.report
        by_year = report.template_evidence.by_year or ""
        names = params.version_names
        info = report.table_info[table]
        spec = ctx.table_spec(table)
        rows = [r for r, v in info.row_layouts.items() if v in other]
        labels = "、".join(spec.row_label(r) if spec else r for r in rows)
        version = next(iter(other))
        cells = report.tables.get(table, {}).get(rows[0], {}) if rows else {}
        loc = next((c.loc for c in cells.values() if c.loc is not None), None) or info.loc
        return finding(
            rule,
            f"{report.year}年度报告应使用{names.get(by_year, by_year)}，但{_TABLE_NAMES.get(table, table)}中"
            f"“{labels}”所在分表的列标题{self._how(by_year)}（{names.get(version, version)}），同一表内两版格式混用",
            table=table,
            row=rows[0] if rows else None,
            loc=loc,
            evidence=f"按{names.get(version, version)}列标题读取的行：{labels}",
            message_en=f"a {report.year} report must use {by_year}; {table} rows {', '.join(rows)} are printed "
            f"under {version} column headers (a hybrid table)",
        )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [VersionMatchKind()]
