"""Third-party rule kinds and packs plug in through the hooks; a crashing rule is isolated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compliance.engine import Options, check_file, get_registry
from compliance.hookspecs import hookimpl
from compliance.plugins import get_plugin_manager
from compliance.rules.base import RuleKind, finding
from conftest import SAMPLES

PACK = """
pack: test-plugin
rules:
  - id: X-BOOM
    kind: boom
    name: always-crashes
    category: plausibility
    severity: warning
    summary: crashes on purpose
    description: a rule whose code raises, to prove isolation
    examples: {fail: any, pass: none}
  - id: X-TITLE
    kind: has_title
    name: title-present
    category: structure
    severity: warning
    summary: the report has a title
    description: says when no title was found
    examples: {fail: "(no title)", pass: "某某2020年政府信息公开工作年度报告"}
"""


class BoomKind(RuleKind):
    name = "boom"

    def check(self, rule, params, ctx) -> Iterator:  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("on purpose")


class HasTitleKind(RuleKind):
    name = "has_title"

    def check(self, rule, params, ctx) -> Iterator:  # type: ignore[no-untyped-def]
        if not ctx.report.title:
            yield finding(rule, "未找到报告标题")


class ThirdParty:
    def __init__(self, pack: Path) -> None:
        self.pack = pack

    @hookimpl
    def compliance_rule_kinds(self) -> list[RuleKind]:
        return [BoomKind(), HasTitleKind()]

    @hookimpl
    def compliance_rule_packs(self) -> list[Path]:
        return [self.pack]


@pytest.fixture
def third_party(tmp_path: Path) -> Iterator[None]:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    manager = get_plugin_manager()
    plugin = ThirdParty(pack)
    manager.register(plugin, name="third-party-test")
    get_registry.cache_clear()
    try:
        yield
    finally:
        manager.unregister(plugin)
        get_registry.cache_clear()


def test_plugin_rules_are_listed_and_run(third_party: None, tmp_path: Path) -> None:
    registry = get_registry()
    assert {"X-BOOM", "X-TITLE"} <= {r.spec.id for r in registry.rules}
    untitled = tmp_path / "untitled.txt"
    text = (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    untitled.write_text(text, encoding="utf-8")
    findings = check_file(untitled, registry, Options()).result.findings
    assert [f.rule for f in findings if f.rule == "X-TITLE"] == ["X-TITLE"]


def test_crashing_rule_is_reported_and_others_still_run(third_party: None) -> None:
    findings = check_file(SAMPLES / "v2021-faults-2022.txt", get_registry(), Options()).result.findings
    crash = [f for f in findings if f.rule == "X-BOOM"]
    assert len(crash) == 1 and crash[0].category == "internal" and crash[0].severity == "error"
    assert "ZeroDivisionError" in crash[0].message
    assert {"T3-ROW-TOTAL", "T3-RESULT-SUM", "T4-RV-TOTAL"} <= {f.rule for f in findings}


def test_builtin_plugins_come_from_entry_points() -> None:
    from compliance.plugins import DISTRIBUTION, list_plugins

    names = {p.name for p in list_plugins()}
    assert {"readers_text", "rules_arithmetic", "rules_structure", "formatters_json", "core_data"} <= names
    assert all(p.distribution == DISTRIBUTION for p in list_plugins() if p.name in names and "_" in p.name)


def test_every_hook_is_documented_in_code_and_readme() -> None:
    import inspect

    from compliance import hookspecs
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hooks = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("compliance_")]
    assert len(hooks) >= 5
    for name in hooks:
        assert (getattr(hookspecs, name).__doc__ or "").strip(), f"{name} has no docstring"
        assert f"`{name}()`" in readme, f"{name} is not documented in the README"


def test_start_up_does_not_import_heavy_format_libraries(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, pathlib\n"
        "from compliance.engine import check_file, get_registry, Options\n"
        f"check_file(pathlib.Path({str(SAMPLES / 'v2019-clean-2020.txt')!r}), get_registry(), Options())\n"
        "print(sorted(m for m in ('pdfplumber', 'pypdfium2', 'docx', 'pdfminer') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_rule_is_named_by_some_test() -> None:
    """A rule no test mentions is a rule nobody has seen fail or pass."""
    from conftest import REPO

    text = "".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("*.py"))
    untested = [r.spec.id for r in get_registry().rules if r.spec.id not in text]
    assert untested == []


def test_every_rule_documents_a_failing_and_a_passing_example() -> None:
    for rule in get_registry().rules:
        spec = rule.spec
        assert spec.examples.fail.strip() and spec.examples.pass_.strip(), spec.id
        assert spec.summary.strip() and spec.description.strip(), spec.id
