"""The contract format (contract §2), validated by ``schemas/findings.schema.json``."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.hookspecs import hookimpl
from compliance.model import FindingsDocument, Report


class JsonFormatter:
    name = "json"
    machine_readable = True

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        # The baseline block is an extension: absent (not null) when no baseline was used.
        exclude = {"baseline"} if document.baseline is None else None
        return document.model_dump_json(indent=2, exclude=exclude) + "\n"


@hookimpl
def compliance_formatters() -> list[object]:
    return [JsonFormatter()]
