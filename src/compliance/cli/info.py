"""Commands that describe the engine rather than check reports: rules, explain, schema, plugins."""

from __future__ import annotations

import json

import click

from compliance.cli.app import UsageProblem, cli, nearest_hint, registry_or_fail
from compliance.ruledoc import ENGINE_RULES


def _rule_or_fail(rule_id: str):  # type: ignore[no-untyped-def]
    registry = registry_or_fail()
    rule = registry.rule(rule_id) or registry.rule(rule_id.upper())
    if rule is None:
        known = [r.spec.id for r in registry.rules] + list(ENGINE_RULES)
        hint = nearest_hint(rule_id, known) or " (see 'compliance rules')"
        raise UsageProblem(f"unknown rule '{rule_id}'{hint}.")
    return rule


def explain_text(rule_id: str) -> str:
    from compliance.ruledoc import explain_text as render_explain

    engine_rule = ENGINE_RULES.get(rule_id.upper())
    if engine_rule is not None:
        category, severity, summary = engine_rule
        return (
            f"{rule_id.upper()} (engine)\ncategory: {category}    severity: {severity}\n\n{summary}\n\n"
            "Reported by the engine itself rather than by a rule pack; it cannot be selected or ignored.\n"
        )
    return render_explain(_rule_or_fail(rule_id).spec)


@cli.group(invoke_without_command=True)
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True
)
@click.pass_context
def rules(ctx: click.Context, output_format: str) -> None:
    """List every rule (id, category, severity, templates, summary); markdown is docs/rules.md."""
    if ctx.invoked_subcommand is not None:
        return
    registry = registry_or_fail()
    if output_format == "markdown":
        from compliance.ruledoc import rules_markdown

        click.echo(rules_markdown([r.spec for r in registry.rules]), nl=False)
        return
    if output_format == "json":
        payload = [r.spec.model_dump(by_alias=True, exclude={"params"}) for r in registry.rules]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for rule in registry.rules:
        spec = rule.spec
        click.echo(
            f"{spec.id:<22} {spec.category:<22} {spec.severity:<8} {','.join(spec.templates):<12} {spec.summary}"
        )


@rules.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Show one rule's documentation."""
    click.echo(explain_text(rule_id), nl=False)


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain a rule: what it checks, why, a failing and a passing example."""
    click.echo(explain_text(rule_id), nl=False)


@cli.command()
@click.argument("which", type=click.Choice(["report", "findings", "rulepack", "template", "config"]))
def schema(which: str) -> None:
    """Print a JSON Schema."""
    from compliance.schemas import build_schema

    click.echo(json.dumps(build_schema(which), ensure_ascii=False, indent=2))


@cli.command()
def plugins() -> None:
    """List loaded plugins, their versions and the hooks they implement."""
    from compliance.plugins import list_plugins

    registry_or_fail()
    for info in list_plugins():
        version = f" {info.version}" if info.version else ""
        click.echo(f"{info.name:<24} {info.distribution}{version}  hooks: {', '.join(info.hooks)}")
