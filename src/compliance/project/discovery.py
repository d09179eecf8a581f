"""Which files are reports: the paths a user gives, folders walked, and what is left out and why.

Rules (ruff's semantics for excludes):

- A file named on the command line is checked whatever it is — unless it matches an exclude pattern and
  ``force_exclude`` is set (what a pre-commit hook wants, since it passes every changed file).
- In a folder, hidden files and folders are skipped, so are paths matching ``exclude`` (which replaces the
  defaults) or ``extend-exclude`` (which adds to them), the engine's own files (configuration, baselines,
  findings it wrote) and files no reader takes by extension.
- A file in a plain-text format (text, Markdown, HTML) that reads as text is a report when its text names
  the subject (信息公开), calls itself an annual report (年度报告) or mentions two of the template's
  sections by their keywords — a real report does all three many times, so even a poor OCR export keeps
  one; a README or notes in another language have none. A structured file (JSON/YAML) is a report when it
  has the keys of a structured report. Empty, binary or unreadable files are taken, so that the engine
  reports them as input findings; so are binary document formats (PDF, DOCX, images …): only reading them
  can tell.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from compliance.engine import Registry

# Folders of tools and environments; never reports (ruff excludes the same kind by default).
DEFAULT_EXCLUDE = (
    "__pycache__",
    "node_modules",
    "venv",
    "site-packages",
    "_build",
    "buck-out",
)
CONFIG_NAMES = ("compliance.toml", "pyproject.toml")
TEXT_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".mdown", ".html", ".htm", ".shtml", ".xhtml", "")
STRUCTURED_EXTENSIONS = (".json", ".yaml", ".yml")
# How much of a text file is read to decide; a report names its subject and sections early.
SNIFF_BYTES = 256 * 1024
SUBJECT = "信息公开"
DOCUMENT_KIND = "年度报告"
# Signatures of what this engine writes: text/markdown summaries, the HTML report's generator tag.
_OWN_TEXT_OUTPUT = re.compile(
    r"^(?:## compliance: (?:PASS|FAIL|OK|WARN)|\d+ report\(s\): \d+ error\(s\))|"
    r"<meta name=\"generator\" content=\"compliance",
    re.MULTILINE,
)
_REPORT_KEYS = frozenset({"tables", "sections"})
_OUTPUT_KEYS = frozenset({"reports", "runs", "entries", "findings"})
_YAML_REPORT_KEY = re.compile(r"^(?:tables|sections):", re.MULTILINE)


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


class PathList(Sequence[Path]):
    """Paths kept as their encoded bytes end to end, a ``Path`` made on each read: a batch of a
    million files holds a few dozen bytes per file instead of a ``Path`` object (≈ 0.5 KiB) each."""

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        self._data = bytearray()
        self._ends = array("q")
        for path in paths:
            self.append(path)

    def append(self, path: Path) -> None:
        self._data += os.fsencode(path)
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> list[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | list[Path]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        start = self._ends[index - 1] if index > 0 else 0
        return Path(os.fsdecode(bytes(self._data[start : self._ends[index]])))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Discovered:
    files: PathList = field(default_factory=PathList)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """What the user asked to leave out; patterns are gitignore-like globs (``drafts/``, ``*.bak``)."""

    exclude: Sequence[str] = DEFAULT_EXCLUDE
    extend_exclude: Sequence[str] = ()
    force_exclude: bool = False
    # Files this run writes or reads as non-reports (output, summary, baseline): never reports.
    own_files: Sequence[Path] = ()
    # Extensions some reader claims (".pdf", ".docx", …); a folder's other files are skipped.
    extensions: Sequence[str] = ()
    # The template's section keywords, one tuple per section, to recognise report text.
    section_keywords: Sequence[Sequence[str]] = ()

    def patterns(self) -> list[str]:
        return [*self.exclude, *self.extend_exclude]


def selection_for(registry: Registry, **settings: Any) -> Selection:
    """A selection knowing what the registry's readers and templates make a report."""
    extensions = sorted({ext.lower() for reader in registry.readers for ext in getattr(reader, "extensions", ())})
    keywords = {tuple(s.keywords) for layout in registry.layouts.values() for s in layout.sections}
    return Selection(extensions=extensions, section_keywords=sorted(keywords), **settings)


def excluded(path: Path, root: Path | None, patterns: Iterable[str]) -> str | None:
    """The first pattern matching the path (its name, any parent folder's name, or its path under root)."""
    relative = _relative(path, root)
    parts = relative.parts
    for pattern in patterns:
        folder_only = pattern.endswith("/")
        glob = pattern.rstrip("/")
        if not glob:
            continue
        if "/" in glob:
            candidates = [str(PurePosixPath(*parts[:n])) for n in range(1, len(parts) + 1)]
            if any(fnmatch.fnmatchcase(c, glob.lstrip("/")) for c in candidates):
                return pattern
            continue
        names = parts[:-1] if folder_only else parts
        if any(fnmatch.fnmatchcase(name, glob) for name in names):
            return pattern
    return None


def _relative(path: Path, root: Path | None) -> PurePosixPath:
    if root is not None:
        try:
            return PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass
    return PurePosixPath(path.as_posix())


def discover(paths: Iterable[Path], selection: Selection | None = None, root: Path | None = None) -> Discovered:
    """The report files among ``paths`` (files as given, folders walked in a stable order)."""
    selection = selection or Selection()
    own = {p.resolve() for p in selection.own_files}
    found = Discovered()
    for path in paths:
        if not path.is_dir():
            pattern = excluded(path, root, selection.patterns()) if selection.force_exclude else None
            if pattern is not None:
                found.skipped.append(Skipped(path, f"excluded by '{pattern}'"))
            else:
                found.files.append(path)
            continue
        for child in _walk(path):
            if not child.is_file():
                continue
            reason = _skip_reason(child, path if root is None else root, selection, own)
            if reason is None:
                found.files.append(child)
            else:
                found.skipped.append(Skipped(child, reason))
    return found


def _walk(folder: Path) -> Iterator[Path]:
    """Everything under ``folder`` in the order of ``sorted(folder.rglob("*"))`` (by path parts:
    each name, then what is inside it), found one folder at a time rather than listed and sorted
    whole. Hidden names (and all inside them) are left out; like ``rglob``, links to folders are
    listed but not walked into."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(((entry.name, _walks_into(entry)) for entry in entries), key=lambda named: named[0])
    except OSError:
        return
    for name, is_folder in listed:
        if name.startswith("."):
            continue
        child = folder / name
        yield child
        if is_folder:
            yield from _walk(child)


def _walks_into(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir() and not entry.is_symlink()
    except OSError:
        return False


def _skip_reason(path: Path, root: Path, selection: Selection, own: set[Path]) -> str | None:
    pattern = excluded(path, root, selection.patterns())
    if pattern is not None:
        return f"excluded by '{pattern}'"
    name = path.name.lower()
    if name in CONFIG_NAMES:
        return "configuration file"
    if path.resolve() in own:
        return "written or read by this run (output, summary or baseline)"
    if name == "manifest.md" or name.endswith(".faults.md"):
        return "a manifest of reports, not a report"
    suffix = path.suffix.lower()
    if selection.extensions and suffix not in selection.extensions:
        return f"no reader takes '{suffix or 'files without an extension'}'"
    if suffix in STRUCTURED_EXTENSIONS:
        return _structured_reason(path)
    if suffix in TEXT_EXTENSIONS:
        return _text_reason(path, selection.section_keywords)
    return None


def _head(path: Path) -> str:
    """The beginning of a file as text; "" when it is empty, binary or unreadable — the engine then
    reports it as one input finding, since only a file that reads as text can show it is no report."""
    from compliance.readers import decode_text, looks_binary

    try:
        with path.open("rb") as handle:
            data = handle.read(SNIFF_BYTES)
    except OSError:
        return ""
    if not data.strip() or looks_binary(data):
        return ""
    return decode_text(data).text


def _text_reason(path: Path, section_keywords: Sequence[Sequence[str]]) -> str | None:
    text = _head(path)
    if not text:
        return None
    if _OWN_TEXT_OUTPUT.search(text):
        return "findings written by compliance"
    sections = sum(1 for keywords in section_keywords if any(k in text for k in keywords))
    if SUBJECT in text or DOCUMENT_KIND in text or sections >= 2:
        return None
    return f"its text names neither {SUBJECT}, {DOCUMENT_KIND} nor two of the template's sections"


def _structured_reason(path: Path) -> str | None:
    text = _head(path)
    if not text:
        return None
    if path.suffix.lower() != ".json":
        return None if _YAML_REPORT_KEY.search(text) else "no 'tables' or 'sections' key: not a structured report"
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None  # broken, hostile or longer than the sniffed head: reading it will tell
    if not isinstance(data, dict):
        return "not a structured report (its top level is not an object)"
    keys = set(data)
    if keys & _OUTPUT_KEYS and not keys & _REPORT_KEYS:
        return "findings or a baseline written by compliance"
    if keys & _REPORT_KEYS:
        return None
    return "no 'tables' or 'sections' key: not a structured report"
