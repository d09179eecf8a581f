"""The plugin interface. Built-in features implement these hooks exactly like third parties do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("compliance")
hookimpl = pluggy.HookimplMarker("compliance")


@hookspec
def compliance_readers() -> list[Any]:
    """Return Reader objects (name, formats, sniff(), read()) that turn files into documents or reports."""
    raise NotImplementedError


@hookspec
def compliance_rule_kinds() -> list[Any]:
    """Return RuleKind objects: the Python code that evaluates rule-pack entries of one ``kind``."""
    raise NotImplementedError


@hookspec
def compliance_rule_packs() -> list[Path]:
    """Return paths of YAML rule packs (rule metadata and parameters) to load."""
    raise NotImplementedError


@hookspec
def compliance_templates() -> list[Path]:
    """Return paths of YAML template layouts (sections, tables, rows, columns, labels)."""
    raise NotImplementedError


@hookspec
def compliance_formatters() -> list[Any]:
    """Return Formatter objects (name, render()) that turn findings into an output format."""
    raise NotImplementedError
