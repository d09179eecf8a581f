"""Turn a neutral Document into a Report: the one template mapping every format goes through."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.document import Document, Grid, Paragraph
from compliance.document import least_sure as document_least_sure
from compliance.layout import TableSpec, TemplateLayout
from compliance.mapping.claims import ProseLine, extract_claims
from compliance.mapping.grid_titles import titles_out_of_grids
from compliance.mapping.headers import HeaderVocabulary
from compliance.mapping.normalize import key
from compliance.mapping.ocr_readings import review_table
from compliance.mapping.runon import split_run_on
from compliance.mapping.sections import SectionSpan, TitleInfo, find_section_spans, find_title
from compliance.mapping.single_row import map_single_row_table
from compliance.mapping.tables import LabelIndex, MappedTable, PrintedHeaders, map_row_table, matched_row_ids
from compliance.mapping.text_rows import paragraph_row, printed_unread, with_label_tail, with_wrapped_label
from compliance.model import CellStatus, Loc, OutlineEntry, Report, Section, Source, TableInfo, TemplateEvidence

TABLE_IDS = ("T2", "T3", "T4")


def select_by_year(year: int | None, layouts: dict[str, TemplateLayout]) -> str | None:
    """VER-SELECT: the template a report of this year must use."""
    if year is None:
        return None
    for layout in layouts.values():
        if layout.years.contains(year):
            return layout.id
    return None


def detect_markers(
    grids: list[Grid], layouts: dict[str, TemplateLayout], captions: Sequence[str] = ()
) -> dict[str, list[str]]:
    """VER-DETECT: which version's marker labels the tables print — in their grids, or as short lines
    of their own in a table's section (a column caption a text rendering printed outside the grid)."""
    cells = "".join(cell.text for grid in grids for row in grid.rows for cell in row)
    table_text = key(cells + "".join(captions))
    found: dict[str, list[str]] = {}
    for layout in layouts.values():
        hits = [m for m in layout.markers if key(m) in table_text]
        # "规范性文件" is inside "行政规范性文件": only count the V2019 label when it stands alone.
        found[layout.id] = hits
    return found


def _detected_version(markers: dict[str, list[str]], t3_versions: set[str]) -> str | None:
    scores = {version: len(hits) for version, hits in markers.items()}
    for version in t3_versions:
        scores[version] = scores.get(version, 0) + 1
    if not any(scores.values()):
        return None
    best = max(scores.values())
    winners = [v for v, s in scores.items() if s == best]
    return winners[0] if len(winners) == 1 else None


def read_heads(document: Document, layouts: dict[str, TemplateLayout]) -> tuple[Document, TitleInfo, list[SectionSpan]]:
    """The first steps of the mapping: the document with run-on lines and grid titles split out,
    its title (agency, year) and its top-level headings. A batch that pairs reports across years
    needs only these of every report before it can check any (``engine.report_key``)."""
    section_specs = next(iter(layouts.values())).sections
    document = titles_out_of_grids(split_run_on(document, layouts), section_specs)
    # Neither the title nor the headings look at text offsets: build_report numbers them after.
    return document, find_title(document), find_section_spans(document, section_specs)


def build_report(
    document: Document, layouts: dict[str, TemplateLayout], template_override: str | None = None
) -> Report:
    any_layout = next(iter(layouts.values()))
    document, title, spans = read_heads(document, layouts)
    document.number_offsets()

    outline = [OutlineEntry(numeral=s.numeral, title=s.title, key=s.key, line=s.paragraph.loc.line) for s in spans]
    sections: list[Section] = []
    prose: dict[str, list[ProseLine]] = {}
    block_section: dict[int, str | None] = {}
    seen_keys: set[str] = set()
    for number, span in enumerate(spans):
        end = spans[number + 1].start if number + 1 < len(spans) else len(document.blocks)
        for block_index in range(span.start, end):
            block_section[block_index] = span.key
        if span.key is None or span.key in seen_keys:
            continue
        seen_keys.add(span.key)
        # A section runs until the next *template* section heading; sub-topic headings promoted
        # to top level stay inside it.
        # A second heading naming the same section ("## 表三：收到和处理…" inside 三) does not end it.
        next_template = next(
            (s.start for s in spans[number + 1 :] if s.key is not None and s.key != span.key), len(document.blocks)
        )
        body = [b for b in document.blocks[span.start + 1 : next_template] if isinstance(b, Paragraph)]
        text = "\n".join(p.text for p in body)
        prose[span.key] = [ProseLine(p.text, p.loc.line, p.loc.page, p.loc.column, p.loc.offset) for p in body]
        last_line = _last_line(document, span.start, next_template)
        sections.append(
            Section(
                key=span.key,
                title=span.paragraph.text.strip().lstrip("#").strip(),
                text=text,
                loc=Loc(line_start=span.paragraph.loc.line, line_end=last_line, page=span.paragraph.loc.page),
                confidence=least_sure(body),
            )
        )
    # Keep the key of the enclosing template section for blocks under promoted headings.
    current: str | None = None
    for block_index in range(len(document.blocks)):
        if block_section.get(block_index) is not None:
            current = block_section[block_index]
        block_section[block_index] = current

    grids_by_table = _grids_by_table(document, block_section, layouts)
    markers = detect_markers(document.grids(), layouts, _caption_lines(document, block_section, any_layout))

    t3_index = LabelIndex.build(list(layouts.values()), "T3")
    t2_index = LabelIndex.build(list(layouts.values()), "T2")
    by_year = select_by_year(title.year, layouts)

    # T3's own rows tell its layout: a single （六）其他处理 row is V2019, three sub-rows V2021.
    probe = matched_row_ids("T3", grids_by_table["T3"], t3_index, set(_any_spec_for_rows(layouts, "T3")))
    t3_versions = _row_layout_versions(probe, layouts, "T3")
    detected = _detected_version(markers, t3_versions)
    template = template_override or detected or by_year or any_layout.id
    layout = layouts.get(template, any_layout)

    tables: dict[str, dict] = {}
    table_info: dict[str, TableInfo] = {}
    notes = []
    for table_id in TABLE_IDS:
        spec = layout.tables[table_id]
        grids = grids_by_table[table_id]
        mapped: MappedTable
        table_layout = template
        if spec.layout == "single_row":
            mapped = map_single_row_table(table_id, grids, spec, _captions(document, {s.start for s in spans}))
        else:
            index = t3_index if table_id == "T3" else t2_index
            if table_id == "T3":
                rows_layout = _pick_layout(t3_versions, template)
                table_layout = rows_layout
                spec = layouts[rows_layout].tables["T3"]
            printed = None
            if table_id == "T2":
                printed = PrintedHeaders(
                    HeaderVocabulary.build(layouts, table_id),
                    {version: each.tables[table_id] for version, each in layouts.items()},
                    table_layout,
                )
            mapped = map_row_table(table_id, grids, index, {r.id: spec for r in spec.rows}, printed)
        if mapped.data:
            tables[table_id] = _ordered(mapped, spec.row_ids())
            mapped.notes.extend(review_table(table_id, spec, mapped.data))
        notes.extend(mapped.notes)
        in_section = [i for i, key_of in block_section.items() if key_of == spec.section]
        readable = _readable(mapped)
        # A table none of whose cells could be read has no read rows, whatever was matched.
        read_rows = set(mapped.data) if readable else set()
        table_info[table_id] = TableInfo(
            present=readable,
            loc=mapped.loc,
            extra_rows=mapped.extra_rows,
            unread_rows=_unread_rows(
                printed_unread(document.blocks, in_section, spec, read_rows), mapped, spec, readable
            ),
            layout=table_layout,
            row_layouts=mapped.row_layouts,
            unplaced_totals=mapped.unplaced_totals,
            omitted=any(_omitted(document.blocks[i]) for i in in_section),
        )

    # The prose's figures (claims) are read once the template, which decides their targets, is known.
    claims = extract_claims(prose, template, title.agency)

    return Report(
        source=Source(path=document.path, format=document.format, sha256=document.sha256),
        template=template,  # type: ignore[arg-type]
        year=title.year,
        agency=title.agency,
        title=title.title,
        sections=sections,
        preamble=_preamble(document, spans, title.title),
        tables=tables,
        claims=claims,
        outline=outline,
        table_info=table_info,
        template_evidence=TemplateEvidence(by_year=by_year, detected=detected, markers=markers),
        notes=notes,
    )


def _preamble(document: Document, spans: list[SectionSpan], title: str | None) -> Section | None:
    """Paragraphs before the first heading, less the title (and crawler header lines)."""
    end = spans[0].start if spans else 0
    title_key = key(title or "")
    lines = [
        b
        for b in document.blocks[:end]
        if isinstance(b, Paragraph) and b.text.strip() and (not title_key or key(b.text) not in title_key)
    ]
    if not lines:
        return None
    return Section(
        key="S0",
        title="（前言）",
        text="\n".join(p.text for p in lines),
        loc=Loc(line_start=lines[0].loc.line, line_end=lines[-1].loc.line, page=lines[0].loc.page),
        confidence=least_sure(lines),
    )


def least_sure(paragraphs: list[Paragraph]) -> float | None:
    """The lowest OCR confidence among ``paragraphs``; None when none was read by OCR."""
    return document_least_sure(p.confidence for p in paragraphs)


def _unread_rows(printed: list[str], mapped: MappedTable, spec: TableSpec, readable: bool) -> list[str]:
    """Rows printed but not read: labels seen in the section and, in a table none of whose cells
    could be read, the rows the mapping found (by label or caption) without placing a figure.
    Either way the row is on the page: the table is printed, never missing."""
    if readable:
        return printed
    found = {row for row, cells in mapped.data.items() if all(c.status is CellStatus.ambiguous for c in cells.values())}
    return [row for row in spec.row_ids() if row in found or row in printed]


def _readable(mapped: MappedTable) -> bool:
    """A table counts as present only if at least one cell could be read (not all ambiguous)."""
    return any(cell.status is not CellStatus.ambiguous for cells in mapped.data.values() for cell in cells.values())


# How many paragraphs above a grid may hold its caption: the caption, then a header line that
# text extraction printed as prose ("### 行政复议" / "结果维持 结果纠正 …" / the values).
_CAPTION_REACH = 3
# A column caption printed as a line of its own is short (本年收费金额（单位：万元）, 信息内容本年处理决定数量).
_CAPTION_MAX = 20


def _captions(document: Document, headings: set[int]) -> dict[int, list[str]]:
    """For each grid, the paragraphs right above it, nearest first (a fragment's caption such as "### 行政复议").

    The walk stops at another grid and at the section's own heading, which names the whole table.
    """
    captions: dict[int, list[str]] = {}
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Grid):
            continue
        above: list[str] = []
        for at in range(index - 1, max(-1, index - 1 - _CAPTION_REACH), -1):
            previous = document.blocks[at]
            if not isinstance(previous, Paragraph) or at in headings:
                break
            above.append(previous.text)
        if above:
            captions[id(block)] = above
    return captions


def _omitted(block: Paragraph | Grid) -> bool:
    return isinstance(block, Grid) and block.omitted


def _caption_lines(document: Document, block_section: dict[int, str | None], layout: TemplateLayout) -> list[str]:
    """Paragraphs of a table's section short enough to be a column caption, never prose."""
    table_sections = {spec.section for spec in layout.tables.values()}
    return [
        block.text
        for index, block in enumerate(document.blocks)
        if isinstance(block, Paragraph)
        and block_section.get(index) in table_sections
        and len(key(block.text)) <= _CAPTION_MAX
    ]


def _last_line(document: Document, start: int, end: int) -> int | None:
    for block in reversed(document.blocks[start:end]):
        loc = block.loc
        if loc.line_end is not None:
            return loc.line_end
        if loc.line is not None:
            return loc.line
    return None


def _grids_by_table(
    document: Document, block_section: dict[int, str | None], layouts: dict[str, TemplateLayout]
) -> dict[str, list[Grid]]:
    any_layout = next(iter(layouts.values()))
    table_of_section = {spec.section: table_id for table_id, spec in any_layout.tables.items()}
    indexes = {t: LabelIndex.build(list(layouts.values()), t) for t in ("T2", "T3")}
    result: dict[str, list[Grid]] = {t: [] for t in TABLE_IDS}
    for block_index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            in_table = table_of_section.get(block_section.get(block_index) or "")
            loose = paragraph_row(document.blocks, block_index, indexes[in_table]) if in_table in indexes else None
            if loose is not None:
                result[in_table].append(loose)  # type: ignore[index]
            continue
        if not isinstance(block, Grid) or block.omitted:
            continue
        table_id = table_of_section.get(block_section.get(block_index) or "")
        if table_id is None:
            # Tables printed outside their section (an appendix, a missing heading): go by content.
            table_id = _table_by_content(block, indexes)
        if table_id in indexes:
            block = with_wrapped_label(document.blocks, block_index, indexes[table_id])
            block = with_label_tail(document.blocks, block_index, block, indexes[table_id])
        if table_id is not None:
            result[table_id].append(block)
    return result


def _table_by_content(grid: Grid, indexes: dict[str, LabelIndex]) -> str | None:
    from compliance.mapping.tables import split_row

    counts = {t: 0 for t in indexes}
    for row in grid.rows:
        label = key(split_row(row).label)
        for table_id, index in indexes.items():
            if index.match(label):
                counts[table_id] += 1
    text = key("".join(c.text for row in grid.rows for c in row))
    if "行政复议" in text and "行政诉讼" in text and counts["T3"] < 3:
        return "T4"
    best = max(counts, key=lambda t: counts[t])
    return best if counts[best] >= 2 else None


def _any_spec_for_rows(layouts: dict[str, TemplateLayout], table: str) -> dict[str, TableSpec]:
    specs: dict[str, TableSpec] = {}
    for layout in layouts.values():
        for row in layout.tables[table].rows:
            specs.setdefault(row.id, layout.tables[table])
    return specs


def _row_layout_versions(probe: set[str], layouts: dict[str, TemplateLayout], table: str) -> set[str]:
    """Versions whose row set includes a row found only in that version (e.g. V2019 ``other``)."""
    found: set[str] = set()
    for row_id in probe:
        having = {lid for lid, layout in layouts.items() if layout.tables[table].row(row_id) is not None}
        if len(having) == 1:
            found |= having
    return found


def _pick_layout(versions: set[str], template: str) -> str:
    if len(versions) == 1:
        return next(iter(versions))
    return template


def _ordered(mapped: MappedTable, row_ids: list[str]) -> dict:
    ordered = {row_id: mapped.data[row_id] for row_id in row_ids if row_id in mapped.data}
    for row_id, cells in mapped.data.items():
        ordered.setdefault(row_id, cells)
    return ordered
