"""Produce the renderings of every corpus document with real tables, cached by source hash.

A source is any corpus document (``../shared/corpus/real``, ``../shared/seeds``, our ``reports/*.txt``)
that the engine reads into at least one table grid: the crawler dumps whose tables are run-together
digits have no grid and are left out. Renderings land in ``$COMPLIANCE_RENDER_CACHE`` (default
``.cache/renderings`` in the checkout, never committed) as ``<version>/<key>/<name>.<ext>``, the key
hashing the source and what LibreOffice is given (for a non-HTML source, HTML of the engine's reading),
so a second run finds them all and converts nothing. LibreOffice is started once per step for all
sources together, because its start-up is most of its cost.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.renderings import textforms, tools
from compliance.document import Document
from compliance.engine import Options, get_registry, read_document

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
# Bump when a recipe changes: older renderings are then made again instead of reused.
RECIPE_VERSION = "v1"

PAGES = {
    # rendering → (width mm, height mm, landscape)
    "lo-pdf-a4": (210, 297, False),
    "lo-pdf-a4-landscape": (297, 210, True),
    "lo-pdf-a3": (297, 420, False),
    "lo-pdf-a4-headers": (210, 297, False),
}
# Printed with each table's caption rows marked to repeat at the top of every page (Word's
# 重复标题行, common in reports whose table 三 runs over two pages).
HEADER_REPEATING = ("lo-pdf-a4-headers",)
TEXT_MODES = ("layout", "raw")
# The DOCX as converters turn it into text: pandoc's four writers, LibreOffice's "save as text".
PANDOC = {
    "pandoc-gfm": ("gfm", ".md"),
    "pandoc-commonmark": ("commonmark", ".md"),
    "pandoc-markdown": ("markdown", ".md"),
    "pandoc-plain": ("plain", ".txt"),
}
# PDFs converted to web pages by poppler's pdftohtml: rendering → (the PDF, pdftohtml's mode).
PDFTOHTML = {
    "lo-pdf-a4.pdftohtml": ("lo-pdf-a4", ""),
    "lo-pdf-a4.pdftohtml-c": ("lo-pdf-a4", "-c"),
    "lo-pdf-a4.pdftohtml-xml": ("lo-pdf-a4", "-xml"),
    "lo-pdf-a4-headers.pdftohtml": ("lo-pdf-a4-headers", ""),
    "chromium-pdf.pdftohtml": ("chromium-pdf", ""),
}
_FIGURE = re.compile(r"^\s*[+-]?\d[\d,.]*\s*(?:万元|元)?\s*$")


@dataclass(frozen=True)
class Source:
    path: Path
    sha256: str
    format: str  # the engine's reading of it: html, markdown, text, pdf

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Rendering:
    source: Source
    name: str
    path: Path | None = None
    error: str | None = None  # why it could not be made (None when ``path`` exists)
    seconds: float = 0.0  # time spent making it in this run (0 when cached)

    @property
    def prints_blank_cells(self) -> bool:
        """False for ``pdftotext -raw``: words joined by single spaces, so a blank cell leaves no trace."""
        return not self.name.endswith(".raw")

    @property
    def kind(self) -> str:
        """The rendering kind for tables: ``lo-pdf-a4.layout`` and ``source.layout`` stay apart."""
        return self.name


@dataclass
class Plan:
    """The renderings of one source, by name, with their file extension."""

    source: Source
    folder: Path
    names: dict[str, str] = field(default_factory=dict)
    # The renderings to make and judge (all of ``names`` unless the caller asked for fewer kinds).
    chosen: list[str] | None = None

    @property
    def wanted(self) -> list[str]:
        return list(self.names) if self.chosen is None else self.chosen

    def target(self, name: str) -> Path:
        return self.folder / f"{name}{self.names[name]}"

    def partial(self, name: str) -> Path:
        """Where a rendering is written first, so an interrupted run never leaves a truncated one cached."""
        return self.folder / f"{name}.part{self.names[name]}"

    def complete(self, name: str) -> None:
        self.partial(name).replace(self.target(name))


def cache_root() -> Path:
    configured = os.environ.get("COMPLIANCE_RENDER_CACHE")
    return Path(configured) if configured else REPO / ".cache" / "renderings"


def candidate_files() -> list[Path]:
    folders = [SHARED / "corpus" / "real", SHARED / "seeds"]
    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir()) if p.is_file()]
    files += sorted((REPO / "reports").glob("*.txt"))
    return [p for p in files if p.name.upper() != "MANIFEST.MD" and not p.name.endswith(".faults.md")]


def read_source(path: Path) -> Document | None:
    loaded = read_document(path, get_registry(), Options())
    return loaded if isinstance(loaded, Document) else None


def discover(files: Iterable[Path] | None = None) -> list[Source]:
    """The documents whose tables the engine reads as grids (the only ones a rendering can keep)."""
    sources = []
    for path in candidate_files() if files is None else files:
        document = read_source(path)
        if document is None or not document.grids():
            continue
        sources.append(Source(path, hashlib.sha256(path.read_bytes()).hexdigest(), document.format))
    return sources


def plan(source: Source, root: Path) -> Plan:
    # Renderings of a non-HTML source start from the engine's reading of it: a change in reading
    # must make them anew, so the folder is keyed by what LibreOffice is given, not the source alone.
    key = hashlib.sha256(source.sha256.encode() + _lo_input(source)).hexdigest()
    made = Plan(source, root / RECIPE_VERSION / key)
    names = made.names
    names["lo-docx"] = ".docx"
    pdfs = list(PAGES)
    names.update(dict.fromkeys(PAGES, ".pdf"))
    names["lo-html"] = ".html"
    names["lo-txt"] = ".txt"
    names.update({f"lo-html.{browser}": ".txt" for browser in tools.BROWSERS})
    names.update({f"lo-pdf-a4.{extractor}": ".txt" for extractor in tools.READING_ORDER})
    names.update({name: suffix for name, (_, suffix) in PANDOC.items()})
    if source.format == "html":
        names["chromium-pdf"] = ".pdf"
        pdfs.append("chromium-pdf")
    names.update({name: _pdftohtml_suffix(mode) for name, (pdf, mode) in PDFTOHTML.items() if pdf in names})
    if source.format == "pdf":
        pdfs.insert(0, "source")
    for pdf in pdfs:
        names.update({f"{pdf}.{mode}": ".txt" for mode in TEXT_MODES})
    if source.format in ("html", "markdown", "text"):
        names.update(dict.fromkeys(textforms.ENCODINGS, source.path.suffix or ".txt"))
    names["plain-tsv"] = ".txt"
    names["plain-aligned"] = ".txt"
    return made


def generate(
    sources: list[Source],
    root: Path | None = None,
    log: Callable[[str], None] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[Rendering]:
    """Every rendering of every source, made where the cache lacks it; failures are kept as errors.

    With ``kinds``, only renderings of those names are made and returned (what they are made from
    must then be in the cache already, or they are reported as not made).
    """
    root = root or cache_root()
    plans = [plan(s, root) for s in sources]
    if kinds is not None:
        wanted = set(kinds)
        for p in plans:
            p.chosen = [n for n in p.names if n in wanted]
    for p in plans:
        p.folder.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str], Rendering] = {}

    def done(p: Plan, name: str, started: float, error: str | None = None) -> None:
        target = p.target(name)
        ok = error is None and target.is_file()
        results[(p.source.sha256, name)] = Rendering(
            p.source,
            name,
            target if ok else None,
            None if ok else (error or "not written"),
            time.perf_counter() - started,
        )

    def todo(name: str) -> list[Plan]:
        waiting = []
        for p in plans:
            if name not in p.wanted:
                continue
            if p.target(name).is_file():
                results[(p.source.sha256, name)] = Rendering(p.source, name, p.target(name))
            else:
                waiting.append(p)
        return waiting

    say = log or (lambda _message: None)
    _python_made(todo, done)
    say("LibreOffice: DOCX")
    _libreoffice_docx(todo("lo-docx"), done)
    say("LibreOffice: PDF page sizes")
    _libreoffice_pdfs(todo, done)
    say("LibreOffice: filtered HTML")
    _libreoffice_html(todo("lo-html"), done)
    say("LibreOffice: save as text")
    _libreoffice_text(todo("lo-txt"), done)
    say("pandoc")
    for name, (writer, _) in PANDOC.items():
        for p in todo(name):
            started = time.perf_counter()
            if not p.target("lo-docx").is_file():
                done(p, name, started, "no lo-docx to convert")
                continue
            try:
                tools.pandoc_convert(p.target("lo-docx"), p.partial(name), writer)
                p.complete(name)
                done(p, name, started)
            except tools.ToolError as exc:
                done(p, name, started, str(exc))
    say("Chromium: print to PDF")
    for p in todo("chromium-pdf"):
        started = time.perf_counter()
        try:
            tools.chromium_print(p.source.path, p.partial("chromium-pdf"))
            p.complete("chromium-pdf")
            done(p, "chromium-pdf", started)
        except tools.ToolError as exc:
            done(p, "chromium-pdf", started, str(exc))
    say("pdftotext")
    for p in plans:
        for name in [n for n in p.wanted if n.endswith(tuple(f".{m}" for m in TEXT_MODES))]:
            if p.target(name).is_file():
                results[(p.source.sha256, name)] = Rendering(p.source, name, p.target(name))
                continue
            pdf_name, mode = name.rsplit(".", 1)
            pdf = p.source.path if pdf_name == "source" else p.target(pdf_name)
            started = time.perf_counter()
            if not pdf.is_file():
                done(p, name, started, f"no {pdf_name} PDF to extract text from")
                continue
            try:
                tools.pdftotext(pdf, p.partial(name), mode)
                p.complete(name)
                done(p, name, started)
            except tools.ToolError as exc:
                done(p, name, started, str(exc))
    say("pdftohtml")
    for name, (pdf_name, mode) in PDFTOHTML.items():
        _derive(todo(name), name, pdf_name, functools.partial(tools.pdftohtml, mode=mode), done)
    say("reading-order text")
    for extractor in tools.READING_ORDER:
        name = f"lo-pdf-a4.{extractor}"
        _derive(todo(name), name, "lo-pdf-a4", functools.partial(tools.reading_order_text, extractor=extractor), done)
    say("text browsers")
    for browser in tools.BROWSERS:
        name = f"lo-html.{browser}"
        _derive(todo(name), name, "lo-html", functools.partial(tools.browser_dump, browser=browser), done)
    return [results[(p.source.sha256, n)] for p in plans for n in p.wanted if (p.source.sha256, n) in results]


def _derive(
    plans: list[Plan], name: str, made_from: str, convert: Callable[[Path, Path], None], done: Callable[..., None]
) -> None:
    """Make rendering ``name`` of each plan from its rendering ``made_from`` with ``convert``."""
    for p in plans:
        started = time.perf_counter()
        if not p.target(made_from).is_file():
            done(p, name, started, f"no {made_from} to convert")
            continue
        try:
            convert(p.target(made_from), p.partial(name))
            p.complete(name)
            done(p, name, started)
        except tools.ToolError as exc:
            done(p, name, started, str(exc))


def _pdftohtml_suffix(mode: str) -> str:
    return ".xml" if mode == "-xml" else ".html"


def _python_made(todo: Callable[[str], list[Plan]], done: Callable[..., None]) -> None:
    for name in (*textforms.ENCODINGS, "plain-tsv", "plain-aligned"):
        for p in todo(name):
            started = time.perf_counter()
            try:
                p.partial(name).write_bytes(_python_rendering(p.source, name))
                p.complete(name)
                done(p, name, started)
            except textforms.NotApplicable as exc:
                done(p, name, started, f"not applicable: {exc}")


def _python_rendering(source: Source, name: str) -> bytes:
    if name in textforms.ENCODINGS:
        text = source.path.read_bytes().decode("utf-8-sig")
        return textforms.reencode(text, name, is_html=source.format == "html")
    document = read_source(source.path)
    assert document is not None
    if name == "plain-tsv":
        return textforms.document_tsv(document).encode("utf-8")
    return textforms.document_aligned(document).encode("utf-8")


def _lo_input(source: Source) -> bytes:
    """What LibreOffice opens: an HTML source as it is; any other source as HTML of its reading."""
    if source.format == "html":
        return source.path.read_bytes()
    document = read_source(source.path)
    assert document is not None
    return textforms.document_html(document, source.path.stem).encode("utf-8")


def _batch(
    plans: list[Plan],
    name: str,
    make_input: Callable[[Plan, Path], list[tuple[Path, str]]],
    target: str,
    done: Callable[..., None],
    infilter: str | None = None,
) -> None:
    """Run one soffice conversion over every plan's inputs and file each output under its rendering."""
    if not plans:
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="render-batch-") as work:
        folder = Path(work)
        inputs: dict[Path, tuple[Plan, str]] = {}
        for p in plans:
            for path, rendering in make_input(p, folder):
                inputs[path] = (p, rendering)
        try:
            written = tools.soffice_convert(list(inputs), target, folder / "out", infilter)
            error = None
        except tools.ToolError as exc:
            written, error = {}, str(exc)
        # Each rendering is charged an equal share of the batch's time.
        share = (time.perf_counter() - started) / max(len(inputs), 1)
        for path, (p, rendering) in inputs.items():
            started = time.perf_counter() - share
            output = written.get(path)
            if output is not None:
                shutil.move(output, p.partial(rendering))
                p.complete(rendering)
            done(p, rendering, started, None if output else (error or f"soffice did not convert to {name}"))


def _libreoffice_docx(plans: list[Plan], done: Callable[..., None]) -> None:
    def inputs(p: Plan, folder: Path) -> list[tuple[Path, str]]:
        path = folder / f"{p.source.sha256[:16]}.html"
        path.write_bytes(_lo_input(p.source))
        return [(path, "lo-docx")]

    _batch(plans, "lo-docx", inputs, "docx:MS Word 2007 XML", done, infilter="HTML (StarWriter)")


def _libreoffice_pdfs(todo: Callable[[str], list[Plan]], done: Callable[..., None]) -> None:
    wanted: dict[str, list[str]] = {}
    for page in PAGES:
        for p in todo(page):
            wanted.setdefault(p.source.sha256, []).append(page)
    plans = {p.source.sha256: p for page in PAGES for p in todo(page)}
    ready = [p for sha, p in plans.items() if p.target("lo-docx").is_file()]
    for sha, p in plans.items():
        if p not in ready:
            for page in wanted[sha]:
                done(p, page, time.perf_counter(), "no lo-docx to print")

    def inputs(p: Plan, folder: Path) -> list[tuple[Path, str]]:
        made = []
        for page in wanted[p.source.sha256]:
            path = folder / f"{p.source.sha256[:16]}-{page}.docx"
            set_page(p.target("lo-docx"), path, *PAGES[page], repeat_headers=page in HEADER_REPEATING)
            made.append((path, page))
        return made

    _batch(ready, "pdf", inputs, "pdf", done)


def set_page(
    docx_in: Path, docx_out: Path, width_mm: int, height_mm: int, landscape: bool, *, repeat_headers: bool = False
) -> None:
    """Save a copy of the DOCX with every section on the given paper size and orientation; with
    ``repeat_headers``, each table's caption rows (those above its first figure) repeat on every page."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    word = docx.Document(str(docx_in))
    for section in word.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width = Mm(width_mm)
        section.page_height = Mm(height_mm)
    if repeat_headers:
        for table in word.tables:
            _repeat_caption_rows(table)
    word.save(str(docx_out))


def _repeat_caption_rows(table: Any) -> None:
    from docx.oxml import OxmlElement

    for row in table.rows:
        if any(_FIGURE.search(cell.text) for cell in row.cells):
            return
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _libreoffice_text(plans: list[Plan], done: Callable[..., None]) -> None:
    _from_docx(plans, "lo-txt", "txt:Text (encoded):UTF8", done)


def _libreoffice_html(plans: list[Plan], done: Callable[..., None]) -> None:
    _from_docx(plans, "lo-html", "html:HTML (StarWriter)", done)


def _from_docx(plans: list[Plan], name: str, target: str, done: Callable[..., None]) -> None:
    """The ``name`` rendering of every plan: its LibreOffice DOCX saved again through ``target``."""
    ready = [p for p in plans if p.target("lo-docx").is_file()]
    for p in plans:
        if p not in ready:
            done(p, name, time.perf_counter(), "no lo-docx to save again")

    def inputs(p: Plan, folder: Path) -> list[tuple[Path, str]]:
        path = folder / f"{p.source.sha256[:16]}.docx"
        shutil.copyfile(p.target("lo-docx"), path)
        return [(path, name)]

    _batch(ready, name, inputs, target, done)
