"""Rule parameters from the data cache (rule_params.py): the same values, and no model built to get them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from compliance.engine import get_registry
from compliance.hookspecs import hookimpl
from compliance.layout import LayoutError, data_dir, load_rule_pack
from compliance.plugins import get_plugin_manager
from compliance.rule_params import cached_packs
from compliance.rules.base import _defaults


def test_cached_params_equal_params_validated_afresh() -> None:
    registry = get_registry()
    assert len(registry.rules) > 40
    for rule in registry.rules:
        assert rule.params == rule.kind.parse_params(rule.spec), rule.spec.id


def test_default_options_equal_options_validated_from_nothing() -> None:
    kinds = {type(rule.kind): rule.kind for rule in get_registry().rules}
    with_options = [kind.Options for kind in kinds.values() if kind.Options is not None]
    assert len(with_options) >= 4
    for options in with_options:
        built, validated = _defaults(options), options.model_validate({})
        assert built == validated and built.model_fields_set == validated.model_fields_set, options


def test_a_warm_start_builds_no_parameter_model(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from compliance.engine import get_registry\n"
        "models = set()\n"
        "for rule in get_registry().rules:\n"
        "    models.add(type(rule.params))\n"
        "print(json.dumps(sorted(m.__qualname__ for m in models if m.__pydantic_complete__)))\n"
    )
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("COMPLIANCE_DATA_CACHE", None)
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert json.loads(cold.stdout)  # validating the packs built the models they use
    assert json.loads(warm.stdout) == []


def test_bad_params_still_name_the_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))
    source = (data_dir("rules") / "packs" / "rollup.yaml").read_text(encoding="utf-8")
    kinds = {rule.kind.name: rule.kind for rule in get_registry().rules}
    good = tmp_path / "good.yaml"
    good.write_text(source, encoding="utf-8")
    (pack, params) = cached_packs([str(good)], kinds)[str(good)]
    assert set(params) == {spec.id for spec in pack.rules} and pack == load_rule_pack(good)
    # A parameter no kind knows: nothing is cached for the packs, and the registry names the rule.
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        source.replace("      table: T3\n", "      table: T3\n      no_such_parameter: 1\n", 1), encoding="utf-8"
    )
    assert cached_packs([str(good), str(bad)], kinds) == {}
    manager = get_plugin_manager()
    plugin = _Pack(bad)
    manager.register(plugin, name="bad-params-test")
    get_registry.cache_clear()
    try:
        with pytest.raises(LayoutError, match="rule ROLLUP-T3: bad params"):
            get_registry()
    finally:
        manager.unregister(plugin)
        get_registry.cache_clear()


class _Pack:
    def __init__(self, pack: Path) -> None:
        self.pack = pack

    @hookimpl
    def compliance_rule_packs(self) -> list[Path]:
        return [self.pack]


def test_params_models_are_deferred() -> None:
    models: set[type[BaseModel]] = {type(rule.params) for rule in get_registry().rules}
    assert all(m.model_config.get("defer_build") for m in models)
