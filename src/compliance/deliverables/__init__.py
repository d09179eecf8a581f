"""Deliverables for supervisors: the Excel 问题清单 of a batch and Word letters to agencies.

Pure functions from findings (and, optionally, the structured reports and review states) to file bytes,
used by ``compliance check --format xlsx`` and by the workspace's downloads:

- ``findings_workbook(document, reports, reviews)`` → .xlsx (问题清单, 报告汇总, 规则统计)
- ``notice_docx(result_or_document, reviews, reports=..., letterhead=...)`` → .docx: a 检查意见 for one
  report's result, a 通报 for a whole findings document
- ``Review`` / ``reviews`` mapping: fingerprint → state (``confirmed``, ``dismissed``, ``rectify``, …),
  reason, reviewer and time; dismissed and rectified findings are marked in the list and left out of
  letters and counts.

openpyxl and python-docx are imported only when a file is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compliance.deliverables.notice import Letterhead, bulletin_docx, inspection_docx, notice_docx
    from compliance.deliverables.reviews import STATE_LABELS, Review, Reviews
    from compliance.deliverables.workbook import findings_workbook

# Where each public name lives: the modules load on first use, so the HTML formatter (which needs only
# describe) does not load the letter and workbook code on every `compliance check`.
_HOMES = {
    "Letterhead": "notice",
    "bulletin_docx": "notice",
    "inspection_docx": "notice",
    "notice_docx": "notice",
    "STATE_LABELS": "reviews",
    "Review": "reviews",
    "Reviews": "reviews",
    "findings_workbook": "workbook",
}

__all__ = [
    "STATE_LABELS",
    "Letterhead",
    "Review",
    "Reviews",
    "bulletin_docx",
    "findings_workbook",
    "inspection_docx",
    "notice_docx",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
