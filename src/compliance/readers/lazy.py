"""Readers registered without importing them: a format's module loads only when a file could be in it.

Every reader sniffs every file, so registering the readers themselves imported all of them (lxml
for HTML, the PDF stack, …) to check one text report: a fifth of a check's start-up. Here each of
those readers is stood in for by a ``LazyReader`` that knows, without its module, the file names
it claims and a byte every file it accepts must hold near the start (HTML's ``<``, PDF's
``%PDF-``, a ZIP's ``PK``, JSON's leading ``{``). A file with neither scores 0 at once; any other file imports the
module, and the reader's own ``sniff`` and ``read`` decide, exactly as before.

The entry points of those readers name the plugins below instead of the modules, under the same
plugin names and in the same order. tests/test_lazy_readers.py checks that each stand-in has its
reader's name and extensions and never turns away a file its reader would take.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from compliance.hookspecs import hookimpl

Prefilter = Callable[[bytes, str], bool]


class LazyReader:
    """Stands in for the reader ``module.compliance_readers()[position]`` until a file needs it."""

    def __init__(
        self, module: str, name: str, extensions: tuple[str, ...], could_be: Prefilter, position: int = 0
    ) -> None:
        self.module = module
        self.name = name
        self.extensions = extensions
        self.could_be = could_be  # (data, lower-case path) → may this reader want the file?
        self.position = position
        self._reader: Any = None

    def reader(self) -> Any:
        """The real reader, its module imported on first use."""
        if self._reader is None:
            readers = importlib.import_module(self.module).compliance_readers()
            self._reader = readers[self.position]
        return self._reader

    def sniff(self, data: bytes, path: str) -> int:
        if not self.could_be(data, path.lower()):
            return 0
        score: int = self.reader().sniff(data, path)
        return score

    def read(self, data: bytes, path: str) -> Any:
        return self.reader().read(data, path)

    def __getattr__(self, attribute: str) -> Any:
        # Anything else a caller asks of a reader (only reached for names not set above).
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(self.reader(), attribute)

    def __repr__(self) -> str:
        return f"LazyReader({self.module!r}, loaded={self._reader is not None})"


def _named_or_holding(extensions: tuple[str, ...], marker: bytes, within: int) -> Prefilter:
    """A file with one of ``extensions``, or whose first ``within`` bytes hold ``marker``."""

    def could_be(data: bytes, path: str) -> bool:
        return path.endswith(extensions) or marker in data[:within]

    return could_be


def _named_or_starting(extensions: tuple[str, ...], magic: bytes) -> Prefilter:
    def could_be(data: bytes, path: str) -> bool:
        return path.endswith(extensions) or data.startswith(magic)

    return could_be


_HTML = (".html", ".htm", ".shtml", ".xhtml")
_MARKDOWN = (".md", ".markdown", ".mdown")
_DOCX = (".docx", ".docm")
_PDF = (".pdf",)
_JSON = (".json",)
_YAML = (".yaml", ".yml")


def _json_or_brace(data: bytes, path: str) -> bool:
    return path.endswith(_JSON) or data.lstrip()[:1] == b"{"


# Every HTML marker the HTML reader looks for starts with "<", in its first 4 KiB (UTF-16 pages
# included: their "<" is a byte of its own there too); a Markdown table row is a line between "|".
READERS = {
    "html": LazyReader("compliance.readers.html", "html", _HTML, _named_or_holding(_HTML, b"<", 4096)),
    "markdown": LazyReader(
        "compliance.readers.markdown", "markdown", _MARKDOWN, _named_or_holding(_MARKDOWN, b"|", 8192)
    ),
    "docx": LazyReader("compliance.readers.docx", "docx", _DOCX, _named_or_starting(_DOCX, b"PK\x03\x04")),
    "pdf": LazyReader("compliance.readers.pdf.reader", "pdf", _PDF, _named_or_holding(_PDF, b"%PDF-", 1024)),
    # Structured reports (contract §3): JSON by name or a leading "{", YAML by name only.
    "json": LazyReader("compliance.readers.structured", "json", _JSON, _json_or_brace),
    "yaml": LazyReader("compliance.readers.structured", "yaml", _YAML, lambda data, path: path.endswith(_YAML), 1),
}


class _Plugin:
    """One entry point's plugin: the hook returning its stand-in readers."""

    def __init__(self, *readers: LazyReader) -> None:
        self._readers = readers

    @hookimpl
    def compliance_readers(self) -> list[object]:
        return list(self._readers)


html = _Plugin(READERS["html"])
markdown = _Plugin(READERS["markdown"])
docx = _Plugin(READERS["docx"])
pdf = _Plugin(READERS["pdf"])
structured = _Plugin(READERS["json"], READERS["yaml"])
