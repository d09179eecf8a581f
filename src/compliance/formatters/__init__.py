"""Formatters turn findings (and, where useful, the reports) into one output format each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from compliance.model import FindingsDocument, Report


class Formatter(Protocol):
    name: str
    # True for formats other programs parse: nothing else may be printed on stdout with them.
    machine_readable: bool

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> str:
        """Return the whole output as text."""
