"""Cross-year pairing: each report with the same agency's report of the year before, if in the batch.

Agencies match when their normalised names do (width, traditional forms, spacing). The index is
built from small keyed summaries (agency key, year, file suffix per report), never whole reports:
a hash lookup per report, plus a sorted index of reversed names for agencies printed with or
without their parent region, so pairing stays near-linear in the size of the batch.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from compliance.mapping.normalize import key


@dataclass(frozen=True)
class Pair:
    """A report paired with the same agency's report of the year before."""

    source: str
    previous: str
    agency: str | None
    year: int | None
    rules: tuple[str, ...]  # the cross-year rules evaluated on this pair


def agency_key(agency: str | None) -> str:
    """Agencies match when their normalised names do (width, traditional forms, spacing)."""
    return key(agency or "")


@dataclass(frozen=True)
class Duplicate:
    """One agency's report of one year given more than once (the same report as .html and .txt, say)."""

    agency: str | None
    year: int
    sources: tuple[str, ...]


# Extensions of one family hold the same kind of document: a copy in the same family is preferred
# when pairing across years (a .htm report with last year's .html, not with last year's .pdf).
FAMILIES = {
    ".htm": ".html",
    ".shtml": ".html",
    ".xhtml": ".html",
    ".text": ".txt",
    "": ".txt",
    ".markdown": ".md",
    ".mdown": ".md",
    ".yml": ".yaml",
    ".json": ".yaml",
    ".doc": ".docx",
    ".docm": ".docx",
    ".wps": ".docx",
    ".rtf": ".docx",
    ".jpeg": ".png",
    ".jpg": ".png",
    ".tif": ".png",
    ".tiff": ".png",
    ".bmp": ".png",
}


def format_family(suffix: str) -> str:
    lowered = suffix.lower()
    return FAMILIES.get(lowered, lowered)


# "区人民政府" alone names no agency: shorter names never match by their ending.
_MIN_AGENCY_NAME = 6


class PairIndex:
    """Reports by (agency key, year), added one at a time in any order; ``pairs`` in input order."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[str, int, str]] = {}  # index → (agency key, year, suffix)

    def add(self, index: int, agency: str | None, year: int | None, suffix: str) -> None:
        """Record a readable report (one with a year; without one it can pair with nothing)."""
        if year is not None:
            self._entries[index] = (agency_key(agency), year, format_family(suffix))

    def __len__(self) -> int:
        return len(self._entries)

    def pairs(self) -> list[tuple[int, int]]:
        """(report, last year's report) for every report that has one in the batch, in input order.

        Several files for one agency and year (a .txt and an .html copy) are all paired; each takes
        last year's report in the same format family when there is one, else the first in input order.
        """
        by_key: dict[tuple[str, int], list[int]] = {}
        for index in sorted(self._entries):
            name, year, _ = self._entries[index]
            if name:
                by_key.setdefault((name, year), []).append(index)
        endings = _EndingIndex(by_key)
        found: list[tuple[int, int]] = []
        for index in sorted(self._entries):
            name, year, suffix = self._entries[index]
            candidates = by_key.get((name, year - 1), [])
            if not candidates:
                other = endings.only_match(name, year - 1)
                candidates = by_key[(other, year - 1)] if other is not None else []
            if not candidates:
                continue
            same_format = [c for c in candidates if self._entries[c][2] == suffix]
            found.append((index, (same_format or candidates)[0]))
        return found

    def duplicates(self) -> list[tuple[int, list[int]]]:
        """Reports sharing an agency and a year: (year, their indexes in input order), in input order."""
        by_key: dict[tuple[str, int], list[int]] = {}
        for index in sorted(self._entries):
            name, year, _ = self._entries[index]
            if name:
                by_key.setdefault((name, year), []).append(index)
        return [(year, indexes) for (_, year), indexes in by_key.items() if len(indexes) > 1]


class _EndingIndex:
    """Last year's report of the same agency printed with or without its parent region.

    Titles drop or add the city ("栖梧区人民政府" / "青岚市栖梧区人民政府"): one name ending with the
    other, when exactly one agency of that year does, is the same agency. Names of each year are
    kept as a hash set (is one of my endings a name?) and as sorted reversed strings (which names end
    with mine? a prefix range found by bisection).
    """

    def __init__(self, by_key: dict[tuple[str, int], list[int]]) -> None:
        self._names: dict[int, set[str]] = {}
        for name, year in by_key:
            if len(name) >= _MIN_AGENCY_NAME:
                self._names.setdefault(year, set()).add(name)
        self._reversed = {year: sorted(n[::-1] for n in names) for year, names in self._names.items()}

    def only_match(self, name: str, year: int) -> str | None:
        names = self._names.get(year)
        if not names or len(name) < _MIN_AGENCY_NAME:
            return None
        matches = {name[start:] for start in range(1, len(name) - _MIN_AGENCY_NAME + 1) if name[start:] in names}
        flipped = name[::-1]
        ordered = self._reversed[year]
        at = bisect.bisect_left(ordered, flipped)
        while at < len(ordered) and ordered[at].startswith(flipped) and len(matches) < 2:
            if ordered[at] != flipped:
                matches.add(ordered[at][::-1])
            at += 1
        return next(iter(matches)) if len(matches) == 1 else None


def duplicate_lines(duplicates: list[Duplicate]) -> list[str]:
    """A warning per agency and year given more than once: each copy is checked and counted."""
    return [
        f"warning: {d.agency or '?'} {d.year} is given {len(d.sources)} times ({', '.join(d.sources)}): "
        "each copy is checked and counted; cross-year pairs prefer a copy in the same format"
        for d in duplicates
    ]


def pairing_lines(pairs: list[Pair]) -> list[str]:
    """The pairing, for people: printed in text output, on stderr for machine formats."""
    if not pairs:
        return []
    lines = [f"上年报告配对 / cross-year pairs ({len(pairs)}):"]
    for pair in pairs:
        who = " ".join(str(x) for x in (pair.agency, pair.year) if x is not None)
        lines.append(f"  {pair.source} ← {pair.previous}" + (f"  ({who})" if who else ""))
    return lines
