"""Rule documentation is generated from rule-pack metadata; the checked-in docs/rules.md is not stale."""

from __future__ import annotations

from compliance.engine import get_registry
from compliance.ruledoc import ENGINE_RULES, rules_markdown
from conftest import REPO
from helpers import run_cli


def test_docs_rules_md_is_up_to_date() -> None:
    generated = rules_markdown([r.spec for r in get_registry().rules])
    checked_in = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert checked_in == generated, "docs/rules.md is stale: run `compliance rules --format markdown > docs/rules.md`"


def test_rules_markdown_command_prints_every_rule() -> None:
    run = run_cli("rules", "--format", "markdown")
    assert run.exit_code == 0
    for rule in get_registry().rules:
        assert f"### {rule.spec.id}\n" in run.stdout
        assert rule.spec.examples.fail.strip().splitlines()[0] in run.stdout
    for rule_id in ENGINE_RULES:
        assert f"| {rule_id} |" in run.stdout


def test_explain_and_rules_show_agree() -> None:
    assert run_cli("explain", "BLANK-POLICY").stdout == run_cli("rules", "show", "BLANK-POLICY").stdout


def test_rules_markdown_fences_survive_backticks() -> None:
    from compliance.ruledoc import _fence

    assert _fence("a ``` b").startswith("````text\n")
