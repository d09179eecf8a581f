"""Word: the letter a supervisor sends — a 检查意见 for one report, a 通报 for a batch (.docx).

A binary format like xlsx (``--output`` required). The letters are written by
``compliance.deliverables.notice``, which imports python-docx only then; issuer, date and deadline are
left as blanks to fill in, and no review states exist outside the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence

from compliance.hookspecs import hookimpl
from compliance.model import FindingsDocument, Report


class DocxFormatter:
    name = "docx"
    machine_readable = True
    binary = True

    def render(self, document: FindingsDocument, reports: Sequence[Report | None]) -> bytes:
        from compliance.deliverables.notice import notice_docx

        if len(document.reports) == 1:
            return notice_docx(document.reports[0], reports=reports)
        return notice_docx(document, reports=reports)


@hookimpl
def compliance_formatters() -> list[object]:
    return [DocxFormatter()]
