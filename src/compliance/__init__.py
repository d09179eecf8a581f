"""compliance: audit 政府信息公开工作年度报告 against the State Council's template.

The public Python API is ``check``, ``load`` and the contract's models (docs/api.md). They are imported
on first use, so that ``import compliance`` (and the command line's start) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Finding", "FindingsDocument", "Report", "ReportResult", "UsageError", "__version__", "check", "load"]

if TYPE_CHECKING:
    from compliance.api import UsageError, check, load
    from compliance.model import Finding, FindingsDocument, Report, ReportResult

_API = {"check", "load", "UsageError"}
_MODELS = {"Finding", "FindingsDocument", "Report", "ReportResult"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from compliance import api

        return getattr(api, name)
    if name in _MODELS:
        from compliance import model

        return getattr(model, name)
    raise AttributeError(f"module 'compliance' has no attribute '{name}'")
