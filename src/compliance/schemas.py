"""JSON Schemas of the public formats, generated from the models (checked in under ``schemas/``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from compliance.layout import RulePack, TemplateLayout
from compliance.model import FindingsDocument, Report, ReportResult
from compliance.project.config import Config

SCHEMA_FILES = {
    "report": "report.schema.json",
    "findings": "findings.schema.json",
    "findings-line": "findings-line.schema.json",
    "rulepack": "rulepack.schema.json",
    "template": "template.schema.json",
    "config": "config.schema.json",
}

_MODELS: dict[str, type[BaseModel]] = {
    "report": Report,
    "findings": FindingsDocument,
    "findings-line": ReportResult,
    "rulepack": RulePack,
    "template": TemplateLayout,
    "config": Config,
}
_TITLES = {
    "report": "compliance structured report",
    "findings": "compliance findings",
    "findings-line": "compliance findings of one report (one line of --format jsonl)",
    "rulepack": "compliance rule pack",
    "template": "compliance template layout",
    "config": "compliance configuration ([tool.compliance] or compliance.toml)",
}


def build_schema(which: str) -> dict[str, Any]:
    schema = _MODELS[which].model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://compliance.invalid/schemas/{SCHEMA_FILES[which]}"
    schema["title"] = _TITLES[which]
    return schema


def write_all(folder: str) -> None:
    """Regenerate the checked-in schemas: ``python -m compliance.schemas schemas``."""
    import json
    from pathlib import Path

    for which, name in SCHEMA_FILES.items():
        text = json.dumps(build_schema(which), ensure_ascii=False, indent=2) + "\n"
        (Path(folder) / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import sys

    write_all(sys.argv[1] if len(sys.argv) > 1 else "schemas")
