"""The built-in template layouts and rule packs, contributed through the same hooks a plugin uses."""

from __future__ import annotations

from pathlib import Path

from compliance.hookspecs import hookimpl
from compliance.layout import data_dir


@hookimpl
def compliance_templates() -> list[Path]:
    return sorted((data_dir("rules") / "templates").glob("*.yaml"))


@hookimpl
def compliance_rule_packs() -> list[Path]:
    return sorted((data_dir("rules") / "packs").glob("*.yaml"))
