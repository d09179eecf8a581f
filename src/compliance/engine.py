"""The engine: load reports, run the enabled rules on each, isolate failures, collect findings."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.document import Document, LoadError
from compliance.layout import LayoutError, RuleSpec, TemplateLayout, load_rule_pack, load_template
from compliance.mapping.build import build_report, read_heads
from compliance.model import (
    SEVERITY_ORDER,
    Finding,
    FindingLocation,
    FindingsDocument,
    Report,
    ReportResult,
    Summary,
    ToolInfo,
)
from compliance.plugins import get_plugin_manager, installed_version
from compliance.project.baseline import with_fingerprints
from compliance.readers import looks_binary
from compliance.readers.limits import LimitExceeded, Limits, applied, check_cells
from compliance.rule_params import cached_packs
from compliance.rules.base import CheckContext, RuleKind
from compliance.rules.ratios import report_ratios

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class LoadedRule:
    spec: RuleSpec
    kind: RuleKind
    params: Any


@dataclass
class Registry:
    """Everything the plugins contribute: templates, rules (with their kinds), readers, formatters."""

    layouts: dict[str, TemplateLayout]
    rules: list[LoadedRule]
    readers: list[Any]
    formatters: dict[str, Any]

    def rule(self, rule_id: str) -> LoadedRule | None:
        return next((r for r in self.rules if r.spec.id == rule_id), None)


@functools.cache
def get_registry() -> Registry:
    hook = get_plugin_manager().hook
    layouts: dict[str, TemplateLayout] = {}
    for paths in hook.compliance_templates():
        for path in paths:
            layout = load_template(Path(path))
            layouts[layout.id] = layout
    kinds: dict[str, RuleKind] = {}
    for contributed in hook.compliance_rule_kinds():
        for kind in contributed:
            kinds[kind.name] = kind
    rules: list[LoadedRule] = []
    seen: set[str] = set()
    pack_paths = [str(path) for paths in hook.compliance_rule_packs() for path in paths]
    loaded = cached_packs(pack_paths, kinds)
    for path in pack_paths:
        pack, validated = loaded.get(path) or (load_rule_pack(Path(path)), {})
        for spec in pack.rules:
            if spec.id in seen:
                raise LayoutError(f"{path}: rule id {spec.id} is defined twice")
            kind = kinds.get(spec.kind)
            if kind is None:
                raise LayoutError(f"{path}: rule {spec.id} uses unknown kind '{spec.kind}'")
            params = validated.get(spec.id)
            if params is None:
                try:
                    params = kind.parse_params(spec)
                except Exception as exc:
                    raise LayoutError(f"{path}: rule {spec.id}: bad params: {exc}") from exc
            seen.add(spec.id)
            rules.append(LoadedRule(spec, kind, params))
    readers = [reader for contributed in hook.compliance_readers() for reader in contributed]
    formatters = {f.name: f for contributed in hook.compliance_formatters() for f in contributed}
    return Registry(layouts=layouts, rules=rules, readers=readers, formatters=formatters)


@dataclass
class Options:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    template: str | None = None
    severity: dict[str, str] = field(default_factory=dict)  # rule id or category → severity
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES
    limits: Limits = field(default_factory=Limits)  # what one file may cost a reader (readers/limits.py)


def matches(selector: str, spec: RuleSpec) -> bool:
    """A selector names a rule id, an id prefix ending at a dash (``T3``), or a category."""
    selector = selector.strip()
    return (
        selector == spec.id
        or selector == spec.category
        or spec.id.startswith(selector.rstrip("-") + "-")
        or selector.upper() == "ALL"
    )


def names_rules(registry: Registry, selector: str) -> bool:
    """Whether a --select/--ignore/severity entry names a rule id, an id prefix, a category or ALL."""
    ids = {r.spec.id for r in registry.rules}
    if selector in ids or selector.upper() == "ALL" or selector in {"input", "internal"}:
        return True
    if any(r.spec.category == selector for r in registry.rules):
        return True
    prefix = selector.rstrip("-") + "-"
    return any(i.startswith(prefix) for i in ids)


def enabled_rules(registry: Registry, options: Options) -> list[LoadedRule]:
    chosen = []
    for rule in registry.rules:
        if options.select and not any(matches(s, rule.spec) for s in options.select):
            continue
        if any(matches(s, rule.spec) for s in options.ignore):
            continue
        chosen.append(rule)
    return chosen


def read_document(path: Path, registry: Registry, options: Options) -> Document | Report:
    """Pick the reader that is surest about the file and read it; LoadError for bad input."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from exc
    if size > options.max_bytes:
        raise LoadError(
            f"文件过大（{size} 字节，上限 {options.max_bytes} 字节）",
            f"file too large ({size} bytes; limit {options.max_bytes})",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"无法读取文件：{exc.strerror}", f"cannot read the file: {exc.strerror}") from exc
    if not data.strip():
        raise LoadError("文件为空", "the file is empty")
    name = str(path)
    scored = sorted(
        ((reader.sniff(data, name), i, reader) for i, reader in enumerate(registry.readers)),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored or scored[0][0] <= 0:
        if looks_binary(data):
            raise LoadError(
                "文件是二进制内容，且不是可识别的文档格式（如 PDF、DOCX）",
                "binary content in no recognised document format (such as PDF or DOCX)",
            )
        raise LoadError("无法识别的文件格式", "unrecognised file format")
    with applied(options.limits):
        loaded: Document | Report = scored[0][2].read(data, name)
    if isinstance(loaded, Document):
        check_cells(loaded, options.limits)  # every format: the mapping's cost grows with the rows
    return loaded


def load_report(
    path: Path, registry: Registry | None = None, options: Options | None = None, loaded: Document | None = None
) -> Report:
    """Read ``path`` (or take the ``loaded`` document a first pass read) and map it to a Report."""
    registry = registry or get_registry()
    options = options or Options()
    document = read_document(path, registry, options) if loaded is None else loaded
    if isinstance(document, Report):
        if options.template:
            document = document.model_copy(update={"template": options.template})
        return document
    report = build_report(document, registry.layouts, options.template)
    if not report.sections and not report.tables:
        raise LoadError(
            "未识别出年度报告的章节或统计表：这不像一份政府信息公开工作年度报告",
            "no report sections or tables found: this does not look like an annual report",
        )
    return report


def check_report(
    report: Report,
    registry: Registry | None = None,
    options: Options | None = None,
    previous: Report | None = None,
    rules: list[LoadedRule] | None = None,
) -> list[Finding]:
    """Run the enabled rules on one report (or just ``rules``, e.g. the cross-year ones of a batch)."""
    registry = registry or get_registry()
    options = options or Options()
    ctx = CheckContext(report=report, layouts=registry.layouts, previous=previous, options=options.rule_options)
    findings: list[Finding] = []
    for rule in enabled_rules(registry, options) if rules is None else rules:
        if report.template is not None and report.template not in rule.spec.templates:
            continue
        try:
            produced = list(rule.kind.check(rule.spec, rule.params, ctx))
        except Exception as exc:  # a broken rule must not take the others down
            findings.append(_rule_crash(rule.spec, exc))
            continue
        findings.extend(_with_severity(f, rule.spec, options) for f in produced)
    return sort_findings(findings)


def _with_severity(found: Finding, spec: RuleSpec, options: Options) -> Finding:
    """Apply a configured severity to a finding of the rule.

    The configured severity is what the rule's findings are worth in this project: its findings at the
    rule's default severity take it, and no other finding of the rule stays above it (setting a rule to
    ``info`` quietens its warning side notes too). Side notes the kind grades lower — such as "cannot
    verify: the OCR reading is uncertain" — are never raised, so an uncertain reading never becomes the
    agency's error.
    """
    override = options.severity.get(spec.id) or options.severity.get(spec.category)
    if override is None:
        return found
    if found.severity == spec.severity:
        severity = override
    else:
        severity = min(found.severity, override, key=SEVERITY_ORDER.__getitem__)
    return found if severity == found.severity else found.model_copy(update={"severity": severity})


def _rule_crash(spec: RuleSpec, exc: Exception) -> Finding:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    return Finding(
        rule=spec.id,
        category="internal",
        severity="error",
        message=f"规则 {spec.id} 执行失败：{type(exc).__name__}: {exc}{place}；其他规则照常运行",
        message_en=f"rule {spec.id} crashed: {type(exc).__name__}: {exc}{place}",
    )


SECTION_ORDER = {f"S{i}": i for i in range(1, 7)}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    def sort_key(f: Finding) -> tuple:
        loc = f.location
        return (
            SECTION_ORDER.get(loc.section or "", 0),
            loc.table or "",
            loc.line or 0,
            f.rule,
            loc.row or "",
            loc.column or "",
            f.message,
        )

    return sorted(findings, key=sort_key)


def input_finding(exc: LoadError) -> Finding:
    return Finding(
        rule="INPUT",
        category="input",
        severity="error",
        message=exc.message,
        message_en=exc.message_en,
        location=FindingLocation(),
    )


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """The report files among ``paths`` with the default selection (see ``compliance.project.discovery``)."""
    from compliance.project.discovery import discover, selection_for

    return list(discover(paths, selection_for(get_registry())).files)


@dataclass
class CheckedReport:
    path: Path
    report: Report | None
    result: ReportResult


@dataclass(frozen=True)
class ReportKey:
    """What identifies a report among others: whether it is readable as a report, its agency and year."""

    readable: bool
    agency: str | None = None
    year: int | None = None


def report_key(path: Path, registry: Registry, options: Options) -> tuple[ReportKey, Document | None]:
    """The agency and year of a report, and whether ``check_file`` will find it readable, read only
    as far as its title and headings (a report with a template section heading is readable; one
    without is mapped in full, as only its tables can tell). The document read comes back too."""
    try:
        loaded = read_document(path, registry, options)
        if isinstance(loaded, Report):
            return ReportKey(True, loaded.agency, loaded.year), None
        _, title, spans = read_heads(loaded, registry.layouts)
        if any(span.key is not None for span in spans):
            return ReportKey(True, title.agency, title.year), loaded
        report = load_report(path, registry, options, loaded)
    except (Exception, MemoryError):  # check_file reports it; here it is only unreadable
        return ReportKey(False), None
    return ReportKey(True, report.agency, report.year), loaded


def check_file(
    path: Path,
    registry: Registry,
    options: Options,
    previous: Report | None = None,
    loaded: Document | None = None,
) -> CheckedReport:
    """Load (or map the ``loaded`` document of) and check one report; failures become one finding."""
    try:
        report = load_report(path, registry, options, loaded)
    except LoadError as exc:
        if isinstance(exc.__cause__, MemoryError):  # a reader wrapped the worker's memory limit
            exc = _out_of_memory(options)
        failed = ReportResult(source=str(path), findings=[input_finding(exc)])
        return CheckedReport(path, None, with_fingerprints(failed))
    except MemoryError:
        failed = ReportResult(source=str(path), findings=[input_finding(_out_of_memory(options))])
        return CheckedReport(path, None, with_fingerprints(failed))
    except Exception as exc:  # a reader bug is still one finding for this file, not a crash
        crash = LoadError(f"读取文件时出错：{type(exc).__name__}: {exc}", f"reader failed: {type(exc).__name__}: {exc}")
        failed = ReportResult(source=str(path), findings=[input_finding(crash)])
        return CheckedReport(path, None, with_fingerprints(failed))
    findings = check_report(report, registry, options, previous)
    ratios = report_ratios(CheckContext(report=report, layouts=registry.layouts, previous=previous))
    result = ReportResult(
        source=str(path),
        template=report.template,
        year=report.year,
        agency=report.agency,
        findings=findings,
        ratios=ratios,
    )
    return CheckedReport(path, report, with_fingerprints(result))


def _out_of_memory(options: Options) -> LimitExceeded:
    limit = options.limits.max_memory
    return LimitExceeded(
        "max_memory", limit, "读取文件所需内存超过限制", "reading the file needs more memory than allowed"
    )


def summarise(results: list[ReportResult]) -> FindingsDocument:
    summary = Summary(reports=len(results))
    for result in results:
        for f in result.findings:
            setattr(summary, f.severity, getattr(summary, f.severity) + 1)
    return FindingsDocument(tool=ToolInfo(version=installed_version()), reports=results, summary=summary)


def worst_severity(document: FindingsDocument) -> int:
    """The highest severity among findings that count for the gate (baseline-known ones do not)."""
    levels = [SEVERITY_ORDER[f.severity] for r in document.reports for f in r.findings if f.baseline != "unchanged"]
    return max(levels, default=-1)
