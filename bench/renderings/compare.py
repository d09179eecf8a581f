"""Judge a rendering: does the engine read it as it reads the source?

Three things are compared, on the engine's full check of each file (``compliance check``'s path):
the template; every table cell the source reads with certainty (``read`` or ``blank``), keyed
(table, row, column); and the error-level findings, keyed by rule and location (section, table,
row, column; never line or page, which a rendering moves).

A rendering can lose content itself (a table clipped at a page edge, a number broken by a
converter). That is judged *cannot verify*, not a misread, only when the evidence says so: the
numbers the source prints are counted in the rendering's own text, extracted without the engine
(pdftotext, the DOCX XML, the HTML or text with its known encoding), and every cell the engine
did not read must hold a number the rendering's text lacks, or (in a rendering that cannot print
blank cells, ``pdftotext -raw``) stand in a row with a blank cell and be marked ambiguous. A cell
read as a *different* number is always a misread, whatever the rendering lost: the engine must say
"cannot verify", never guess.
"""

from __future__ import annotations

import html
import re
import time
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench.renderings import textforms, tools
from bench.renderings.render import Rendering, Source, read_source
from compliance.document import Document, Grid, Paragraph
from compliance.engine import Options, check_file, get_registry
from compliance.model import Cell, CellStatus

CellKey = tuple[str, str, str]
FindingKey = tuple[str, str, str, str, str]  # rule, section, table, row, column

CERTAIN = (CellStatus.read, CellStatus.blank)
DEFINITE = (CellStatus.read, CellStatus.inferred)
# Findings that say content is missing: true of a rendering that lost it, so not a false error.
MISSING_CONTENT_RULES = ("STRUCT-", "INPUT")

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_HTML_BREAK = re.compile(r"<(?:/?(?:td|th|tr|p|div|li|h[1-6]|table|body)\b[^>]*|br\s*/?)>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>")
_HTML_SKIP = re.compile(r"<(script|style|head)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
_DOCX_BREAK = re.compile(r"</w:p>|</w:tc>|<w:tab/>|<w:br/>")


@dataclass
class Reading:
    """The engine's check of one file, reduced to what is compared."""

    template: str | None
    cells: dict[CellKey, Cell]
    errors: Counter[FindingKey]
    input_error: str | None
    seconds: float


@dataclass
class CellDiff:
    key: CellKey
    expected: str
    got: str
    kind: str  # wrong (a different number), missed (not read, yet printed), lost (not in the rendering)

    def __str__(self) -> str:
        table, row, column = self.key
        return f"{table}/{row}/{column}: source {self.expected}, rendering {self.got} ({self.kind})"


@dataclass
class Verdict:
    rendering: Rendering
    status: str  # pass, cannot-verify, fail, not-applicable, not-made
    cells_total: int = 0
    cells_right: int = 0
    template_source: str | None = None
    template_rendering: str | None = None
    missing_errors: list[FindingKey] = field(default_factory=list)
    extra_errors: list[FindingKey] = field(default_factory=list)
    cell_diffs: list[CellDiff] = field(default_factory=list)
    lost_numbers: Counter[str] = field(default_factory=Counter)
    input_error: str | None = None
    seconds: float = 0.0

    @property
    def template_same(self) -> bool:
        return self.template_source == self.template_rendering

    @property
    def errors_same(self) -> bool:
        return not self.missing_errors and not self.extra_errors

    def explain(self, limit: int = 12) -> str:
        lines = [f"{self.rendering.source.name} / {self.rendering.name}: {self.status}"]
        if self.status in ("not-made", "not-applicable"):
            return f"{lines[0]}: {self.rendering.error}"
        if self.input_error:
            lines.append(f"  input error: {self.input_error}")
        if not self.template_same:
            lines.append(f"  template: source {self.template_source}, rendering {self.template_rendering}")
        lines.append(f"  cells right {self.cells_right}/{self.cells_total}")
        lines += [f"  cell {d}" for d in self.cell_diffs[:limit]]
        if len(self.cell_diffs) > limit:
            lines.append(f"  … {len(self.cell_diffs) - limit} more cells")
        lines += [f"  error only in source: {_finding(k)}" for k in self.missing_errors[:limit]]
        lines += [f"  error only in rendering: {_finding(k)}" for k in self.extra_errors[:limit]]
        if self.lost_numbers:
            lost = ", ".join(f"{n}×{c}" for n, c in sorted(self.lost_numbers.items())[:limit])
            lines.append(f"  numbers missing from the rendering's own text: {lost}")
        return "\n".join(lines)


def _finding(key: FindingKey) -> str:
    rule, *where = key
    return f"{rule} at {'/'.join(w for w in where if w) or 'report'}"


def read(path: Path) -> Reading:
    started = time.perf_counter()
    checked = check_file(path, get_registry(), Options())
    seconds = time.perf_counter() - started
    result = checked.result
    errors: Counter[FindingKey] = Counter()
    input_error = None
    for f in result.findings:
        if f.severity != "error":
            continue
        loc = f.location
        errors[(f.rule, loc.section or "", loc.table or "", loc.row or "", loc.column or "")] += 1
        if f.rule == "INPUT":
            input_error = f.message_en or f.message
    cells: dict[CellKey, Cell] = {}
    if checked.report is not None:
        for table, rows in checked.report.tables.items():
            for row, columns in rows.items():
                for column, cell in columns.items():
                    cells[(table, row, column)] = cell
    template = checked.report.template if checked.report is not None else None
    return Reading(template, cells, errors, input_error, seconds)


def number_key(text: str) -> str:
    """One spelling per number: ``3.50`` and ``3.5`` match, integers stay integers."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.lstrip("0") or "0"


def numbers_in(text: str) -> Counter[str]:
    text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", text))
    return Counter(number_key(n) for n in _NUMBER.findall(text))


def document_numbers(document: Document) -> Counter[str]:
    """The numbers the source prints, as the engine read it (a merged cell counted once)."""
    counted: Counter[str] = Counter()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            counted += numbers_in(block.text)
        elif isinstance(block, Grid):
            for row in block.rows:
                for cell in row:
                    if not cell.span_copy:
                        counted += numbers_in(cell.text)
    return counted


def rendering_text(path: Path, name: str) -> str:
    """The rendering's text, extracted without the engine's readers."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        done = tools.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], timeout=120)
        return done.stdout
    if suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        return html.unescape(_HTML_TAG.sub("", _DOCX_BREAK.sub("\n", xml)))
    codec, bom = textforms.ENCODINGS.get(name, ("utf-8", b""))
    data = path.read_bytes()
    text = data[len(bom) :].decode(codec, errors="replace") if data.startswith(bom) else data.decode(codec, "replace")
    if suffix in (".html", ".htm"):
        text = html.unescape(_HTML_TAG.sub("", _HTML_BREAK.sub("\n", _HTML_SKIP.sub("", text))))
    return text


def _shown(cell: Cell | None) -> str:
    if cell is None:
        return "missing"
    shown = "blank" if cell.value is None else str(cell.value)
    return shown if cell.status in (CellStatus.read, CellStatus.blank) else f"{shown} [{cell.status.value}]"


class Judge:
    """Compares renderings with their sources, reading each source once."""

    def __init__(self) -> None:
        self._sources: dict[Path, tuple[Reading, Counter[str]]] = {}

    def source(self, source: Source) -> tuple[Reading, Counter[str]]:
        if source.path not in self._sources:
            document = read_source(source.path)
            numbers = document_numbers(document) if document is not None else Counter()
            self._sources[source.path] = (read(source.path), numbers)
        return self._sources[source.path]

    def judge(self, rendering: Rendering) -> Verdict:
        if rendering.path is None:
            error = rendering.error or ""
            return Verdict(rendering, "not-applicable" if error.startswith("not applicable") else "not-made")
        expected, source_numbers = self.source(rendering.source)
        got = read(rendering.path)
        lost = source_numbers - numbers_in(rendering_text(rendering.path, rendering.name))
        verdict = Verdict(
            rendering,
            "pass",
            template_source=expected.template,
            template_rendering=got.template,
            missing_errors=sorted((expected.errors - got.errors).elements()),
            extra_errors=sorted((got.errors - expected.errors).elements()),
            lost_numbers=lost,
            input_error=got.input_error,
            seconds=got.seconds,
        )
        # Rows with a blank cell: where a rendering cannot print blanks, their columns are unknowable.
        gapped = {key[:2] for key, cell in expected.cells.items() if cell.status is CellStatus.blank}
        for key, cell in sorted(expected.cells.items()):
            if cell.status not in CERTAIN:
                continue  # the source itself is uncertain here: nothing to hold the rendering to
            verdict.cells_total += 1
            unplaceable = not rendering.prints_blank_cells and key[:2] in gapped
            diff = _compare_cell(key, cell, got.cells.get(key), lost, unplaceable)
            if diff is None:
                verdict.cells_right += 1
            else:
                verdict.cell_diffs.append(diff)
        # A source whose reading holds no cell (the engine failed on it) proves nothing about its
        # renderings: a failure, never a pass.
        verdict.status = _status(verdict) if expected.cells else "fail"
        if not expected.cells:
            verdict.input_error = verdict.input_error or "the source itself reads no table cell"
        return verdict


def _compare_cell(
    key: CellKey, expected: Cell, got: Cell | None, lost: Counter[str], unplaceable: bool = False
) -> CellDiff | None:
    """None when the rendering's cell reads as the source's; else how it differs.

    ``unplaceable``: the cell's row has a blank cell and the rendering cannot print blanks, so the
    row's numbers cannot be put in their columns; the engine saying "ambiguous" is then honest.
    """
    if got is not None and got.status is not CellStatus.ambiguous and got.value == expected.value:
        return None
    shown, wanted = _shown(got), _shown(expected)
    if got is not None and got.status in DEFINITE and got.value is not None:
        return CellDiff(key, wanted, shown, "wrong")
    if unplaceable and got is not None and got.status is CellStatus.ambiguous:
        return CellDiff(key, wanted, shown, "lost")
    if expected.value is None:
        # A blank the rendering lost: explained only when the rendering lost content at all.
        return CellDiff(key, wanted, shown, "lost" if lost else "missed")
    printed = number_key(str(Decimal(expected.value)))
    return CellDiff(key, wanted, shown, "lost" if lost[printed] else "missed")


def _status(verdict: Verdict) -> str:
    if verdict.template_same and verdict.cells_right == verdict.cells_total and verdict.errors_same:
        return "pass"
    kinds = {d.kind for d in verdict.cell_diffs}
    honest = (
        (verdict.cell_diffs or verdict.lost_numbers)
        and kinds <= {"lost"}
        and (verdict.template_same or verdict.template_rendering is None)
        and all(k[0].startswith(MISSING_CONTENT_RULES) for k in verdict.extra_errors)
    )
    return "cannot-verify" if honest else "fail"
