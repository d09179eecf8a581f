"""Rule documentation rendered from rule-pack metadata: ``explain``, ``docs/rules.md`` and SARIF help.

Every text about a rule is built here from its YAML entry, so the terminal, the generated docs and
code-scanning tools never disagree (the metadata is written once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from compliance.layout import RuleSpec

# Findings the engine itself produces, outside any rule pack; documented here so every output can
# describe every rule id it may emit.
ENGINE_RULES: dict[str, tuple[str, str, str]] = {
    "INPUT": ("input", "error", "文件无法读取或不是年度报告 / the file cannot be read or is not an annual report"),
    "INVALID-SUPPRESSION": (
        "input",
        "error",
        "报告内的抑制条目没有理由，未生效 / a suppression inside the report has no reason and was not applied",
    ),
    "UNUSED-SUPPRESSION": (
        "internal",
        "info",
        "抑制条目没有匹配任何发现 / a suppression matched no finding and can be removed",
    ),
}


def explain_text(spec: RuleSpec) -> str:
    """The plain-text documentation of one rule (``compliance explain ID`` and SARIF ``help.text``)."""
    lines = [
        f"{spec.id} ({spec.name})",
        f"category: {spec.category}    default severity: {spec.severity}    templates: {', '.join(spec.templates)}",
        "",
        spec.summary,
        "",
        spec.description.strip(),
    ]
    if spec.rationale:
        lines += ["", f"Why: {spec.rationale.strip()}"]
    lines += ["", "Failing example:", _indent(spec.examples.fail), "", "Passing example:", _indent(spec.examples.pass_)]
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines())


def _fence(text: str) -> str:
    # A fence longer than any backtick run inside, so examples never close it early.
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text.strip()}\n{ticks}"


def rule_markdown(spec: RuleSpec, heading: str = "###") -> str:
    """One rule as Markdown (a section of ``docs/rules.md`` and SARIF ``help.markdown``)."""
    parts = [
        f"{heading} {spec.id}",
        "",
        f"**{spec.summary}**",
        "",
        f"- name: `{spec.name}`",
        f"- category: `{spec.category}`",
        f"- default severity: `{spec.severity}`",
        f"- templates: {', '.join(f'`{t}`' for t in spec.templates)}",
        "",
        spec.description.strip(),
    ]
    if spec.rationale:
        parts += ["", f"*Why:* {spec.rationale.strip()}"]
    parts += [
        "",
        "Failing example:",
        "",
        _fence(spec.examples.fail),
        "",
        "Passing example:",
        "",
        _fence(spec.examples.pass_),
    ]
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(specs: Sequence[RuleSpec]) -> str:
    """The whole ``docs/rules.md``: an index table, then each rule grouped by category."""
    lines = [
        "# Rules",
        "",
        "<!-- Generated from the rule packs: `compliance rules --format markdown > docs/rules.md`. Do not edit. -->",
        "",
        f"{len(specs)} rules. Select or ignore them by id, id prefix (`T3`) or category "
        "(`--select`, `--ignore`, or `select`/`ignore` in `[tool.compliance]`).",
        "",
        "| id | category | severity | templates | summary |",
        "|---|---|---|---|---|",
    ]
    for spec in specs:
        anchor = spec.id.lower()
        lines.append(
            f"| [{spec.id}](#{anchor}) | {spec.category} | {spec.severity} | {', '.join(spec.templates)} "
            f"| {_cell(spec.summary)} |"
        )
    lines += [
        "",
        "Findings the engine reports outside any rule pack:",
        "",
        "| id | category | severity | summary |",
        "|---|---|---|---|",
    ]
    for rule_id, (category, severity, summary) in ENGINE_RULES.items():
        lines.append(f"| {rule_id} | {category} | {severity} | {_cell(summary)} |")
    categories: list[str] = []
    for spec in specs:
        if spec.category not in categories:
            categories.append(spec.category)
    for category in categories:
        lines += ["", f"## {category}", ""]
        for spec in specs:
            if spec.category == category:
                lines.append(rule_markdown(spec))
    return "\n".join(lines).rstrip("\n") + "\n"
