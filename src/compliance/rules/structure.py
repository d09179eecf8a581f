"""Structure rules: the six sections, the three tables and their template rows and columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compliance.hookspecs import hookimpl
from compliance.layout import RuleSpec
from compliance.model import CellStatus, Finding, TableData
from compliance.rules.base import CheckContext, RuleKind, finding


class SectionsKind(RuleKind):
    """STRUCT-SECTIONS: all six sections present, in template order."""

    name = "sections"

    def check(self, rule: RuleSpec, params: BaseModel, ctx: CheckContext) -> Iterator[Finding]:
        layout = ctx.layout or next(iter(ctx.layouts.values()))
        order = [s.key for s in layout.sections]
        present = [s.key for s in ctx.report.sections]
        for spec in layout.sections:
            if spec.key not in present:
                yield finding(
                    rule,
                    f"缺少第{spec.numeral}部分“{spec.title}”",
                    section=spec.key,
                    message_en=f"section {spec.key} ({spec.title}) is missing",
                )
        ranked = [(k, order.index(k)) for k in present if k in order]
        highest = -1
        for key, rank in ranked:
            if rank < highest:
                section = ctx.report.section(key)
                spec = layout.sections[rank]
                yield finding(
                    rule,
                    f"第{spec.numeral}部分“{spec.title}”顺序错误：出现在第{layout.sections[highest].numeral}部分之后",
                    section=key,
                    loc=section.loc if section else None,
                    message_en=f"section {key} is out of order",
                )
            highest = max(highest, rank)


# How many of a table's row labels must be printed for an unread table to count as printed.
PRINTED_ROWS = 3


class TablePresentParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    tables: list[str]


class TablePresentKind(RuleKind):
    """STRUCT-TABLE-PRESENT: a table section without a readable table cannot be verified."""

    name = "table_present"
    Params = TablePresentParams

    def check(self, rule: RuleSpec, params: TablePresentParams, ctx: CheckContext) -> Iterator[Finding]:
        for table in params.tables:
            info = ctx.report.table_info.get(table)
            # The mapping says whether any cell could be read; a table of only ambiguous rows
            # is as unverifiable as a missing one. Structured input without table_info: its cells.
            readable = info.present if info is not None else table in ctx.report.tables
            if readable:
                continue
            spec = ctx.table_spec(table)
            section_key = spec.section if spec else None
            section = ctx.report.section(section_key) if section_key else None
            where = f"第{section.title[:1]}部分" if section else "报告中"
            if info is not None and info.omitted:
                # The converter that made this text left the table out and said so: the loss is
                # the rendering's, not the agency's; nothing can be verified from it.
                yield finding(
                    rule,
                    f"{where}的{spec.title if spec else table}表格在文档转换中被省略（文本中只有占位符），"
                    "无法核验；请提供原始文档",
                    severity="warning",
                    section=section_key,
                    table=table,
                    loc=section.loc if section else None,
                    message_en=f"the {table} table was left out when this document was converted (only a "
                    "placeholder remains): cannot verify; ask for the original document",
                )
                continue
            if info is not None and len(info.unread_rows) >= PRINTED_ROWS:
                # The rows' labels are on the page: the table is printed, this reading lost its
                # structure (a text extraction). Not the agency's fault; still nothing verified.
                yield finding(
                    rule,
                    f"{where}印有{spec.title if spec else table}表格（可见 {len(info.unread_rows)} 个行标签），"
                    "但未能读出其数字，无法核验",
                    severity="warning",
                    section=section_key,
                    table=table,
                    loc=section.loc if section else None,
                    message_en=f"the {table} table is printed ({len(info.unread_rows)} row labels seen) "
                    "but its figures could not be read: cannot verify",
                )
                continue
            yield finding(
                rule,
                f"{where}未找到可读取的{spec.title if spec else table}表格（可能是图片、附件或缺失），无法核验",
                section=section_key,
                table=table,
                loc=section.loc if section else None,
                message_en=f"no readable {table} table found: cannot verify (image, attachment or missing)",
            )


class TableShapeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    table: str
    axis: Literal["rows", "columns"]


class TableShapeKind(RuleKind):
    """STRUCT-T2-ROWS / STRUCT-T3-ROWS / STRUCT-T4-COLS: every template row/column is there."""

    name = "table_shape"
    Params = TableShapeParams

    def check(self, rule: RuleSpec, params: TableShapeParams, ctx: CheckContext) -> Iterator[Finding]:
        spec = ctx.table_spec(params.table)
        data = ctx.report.tables.get(params.table)
        if spec is None or not data:
            return  # no table at all: STRUCT-TABLE-PRESENT says so once
        info = ctx.report.table_info.get(params.table)
        if params.axis == "rows":
            unread = set(info.unread_rows) if info else set()
            lost = _structure_lost(data, [row.id for row in spec.rows])
            for row in spec.rows:
                if row.id in unread:
                    # Printed but not read (text extraction lost its structure): the row is there;
                    # the checks that need its figures say "cannot verify".
                    yield finding(
                        rule,
                        f"{spec.title}表“{row.label}”行已印出，但未能读出其数字，无法核验该行",
                        severity="info",
                        section=spec.section,
                        table=params.table,
                        row=row.id,
                        loc=info.loc if info else None,
                        message_en=f"{params.table} row {row.id} is printed but its figures could not be read",
                    )
                elif row.id not in data and lost:
                    # Most rows could not be read as printed: the text lost the table's structure
                    # (a reading-order extraction), so a row not found may well be there.
                    yield finding(
                        rule,
                        f"{spec.title}表未找到模板行“{row.label}”；该表多数行未能读出，"
                        "无法确认是否缺行，请对照原件核验",
                        severity="warning",
                        section=spec.section,
                        table=params.table,
                        row=row.id,
                        loc=info.loc if info else None,
                        message_en=f"{params.table} row {row.id} not found, but most of the table's rows could "
                        "not be read: cannot verify whether it is missing",
                    )
                elif row.id not in data:
                    yield finding(
                        rule,
                        f"{spec.title}表缺少模板行“{row.label}”",
                        section=spec.section,
                        table=params.table,
                        row=row.id,
                        loc=info.loc if info else None,
                        message_en=f"{params.table} lacks template row {row.id}",
                    )
            for extra in info.extra_rows if info else []:
                yield finding(
                    rule,
                    f"{spec.title}表有模板以外的行“{extra}”",
                    severity="info",
                    section=spec.section,
                    table=params.table,
                    loc=info.loc if info else None,
                    message_en=f"{params.table} has a row the template does not define: {extra}",
                )
            return
        for row in spec.rows:
            cells = data.get(row.id, {})
            missing = [c for c in spec.columns_of(row.id) if c not in cells]
            for column_id in missing:
                column = spec.column(column_id)
                yield finding(
                    rule,
                    f"{spec.title}表“{row.label}”缺少“{column.label if column else column_id}”列",
                    section=spec.section,
                    table=params.table,
                    row=row.id,
                    column=column_id,
                    loc=info.loc if info else None,
                    message_en=f"{params.table} lacks column {row.id}/{column_id}",
                )


def _structure_lost(data: TableData, rows: list[str]) -> bool:
    """Fewer than half the template's rows were read with every cell placed (none ambiguous)."""
    read = sum(
        1 for row in rows if row in data and all(c.status is not CellStatus.ambiguous for c in data[row].values())
    )
    return 2 * read < len(rows)


class MappingNotesParams(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    codes: list[str]
    # Notes of these codes keep the rule's severity; the others are ``info``. A reading note
    # that changes no verdict must not bury the findings that do: where a reading problem
    # leaves a check undone, the check itself says so (e.g. "cannot verify T3-ROW-TOTAL").
    warn: list[str] = []


class MappingNotesKind(RuleKind):
    """Report what the template mapping could not read safely (ambiguous rows, duplicates)."""

    name = "mapping_notes"
    Params = MappingNotesParams

    def check(self, rule: RuleSpec, params: MappingNotesParams, ctx: CheckContext) -> Iterator[Finding]:
        for note in ctx.report.notes:
            if note.code not in params.codes:
                continue
            spec = ctx.table_spec(note.table) if note.table else None
            yield finding(
                rule,
                note.message,
                severity=None if note.code in params.warn else "info",
                section=spec.section if spec else None,
                table=note.table,
                row=note.row,
                column=note.column,
                loc=note.loc,
                message_en=f"{note.code} in {note.table or 'document'}",
            )


@hookimpl
def compliance_rule_kinds() -> list[RuleKind]:
    return [SectionsKind(), TablePresentKind(), TableShapeKind(), MappingNotesKind()]
