"""Cross-year pairing: each report with the same agency's report of the year before, if in the batch.

Agencies match when their normalised names do (width, traditional forms, spacing). The index is
built from small keyed summaries (agency key, year, file suffix per report), never whole reports:
a hash lookup per report, plus a sorted index of reversed names for agencies printed with or
without their parent region, so pairing stays near-linear in the size of the batch.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterator, Sequence
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
    """Reports by (agency key, year), added one at a time in any order; ``pairs`` in input order.

    Kept compact, as a batch may hold a million reports: per report three small integers in arrays
    (the agency key's number, the year, the format family's number); each distinct agency key and
    format family is stored once.
    """

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._key_numbers: dict[str, int] = {}
        self._families: list[str] = []
        self._family_numbers: dict[str, int] = {}
        self._key = array("i")  # by index: the agency key's number, -1 for a report not added
        self._year = array("q")
        self._family = array("i")
        self._count = 0

    def add(self, index: int, agency: str | None, year: int | None, suffix: str) -> None:
        """Record a readable report (one with a year; without one it can pair with nothing)."""
        if year is None:
            return
        if index >= len(self._key):
            missing = index + 1 - len(self._key)
            self._key.extend(array("i", [-1]) * missing)
            self._year.extend(array("q", [0]) * missing)
            self._family.extend(array("i", [0]) * missing)
        if self._key[index] < 0:
            self._count += 1
        self._key[index] = _number(agency_key(agency), self._keys, self._key_numbers)
        self._year[index] = year
        self._family[index] = _number(format_family(suffix), self._families, self._family_numbers)

    def __len__(self) -> int:
        return self._count

    def _order(self) -> array[int]:
        """Indexes of reports with a named agency, sorted by (agency key, year, index)."""
        named = [i for i in range(len(self._key)) if self._key[i] >= 0 and self._keys[self._key[i]]]
        if not named:
            return array("q")
        # One integer per report as the sort key (not a tuple: a million reports are sorted at once);
        # the sort is stable, so reports of one agency and year stay in input order.
        low = min(self._year[i] for i in named)
        span = max(self._year[i] for i in named) - low + 1
        named.sort(key=lambda i: self._key[i] * span + self._year[i] - low)
        return array("q", named)

    def _group(self, order: array[int], number: int, year: int) -> list[int]:
        """The indexes of the agency key numbered ``number`` and of ``year``, in input order."""
        at = bisect.bisect_left(order, (number, year), key=self._key_year)
        end = bisect.bisect_right(order, (number, year), at, key=self._key_year)
        return list(order[at:end])

    def _key_year(self, index: int) -> tuple[int, int]:
        return self._key[index], self._year[index]

    def pairs(self) -> list[tuple[int, int]]:
        """(report, last year's report) for every report that has one in the batch, in input order."""
        return list(self.iter_pairs())

    def iter_pairs(self) -> Iterator[tuple[int, int]]:
        """The pairs one at a time, in input order.

        Several files for one agency and year (a .txt and an .html copy) are all paired; each takes
        last year's report in the same format family when there is one, else the first in input order.
        """
        order = self._order()
        # Names of each year, each name's text shared with the index (not one tuple per report).
        names: dict[int, set[str]] = {}
        for i in order:
            name = self._keys[self._key[i]]
            if len(name) >= _MIN_AGENCY_NAME:
                names.setdefault(self._year[i], set()).add(name)
        endings = _EndingIndex(names)
        for index in range(len(self._key)):
            number = self._key[index]
            if number < 0:
                continue
            name, year = self._keys[number], self._year[index]
            candidates = self._group(order, number, year - 1) if name else []
            if not candidates:
                other = endings.only_match(name, year - 1)
                if other is not None:
                    candidates = self._group(order, self._key_numbers[other], year - 1)
            if not candidates:
                continue
            same_format = [c for c in candidates if self._family[c] == self._family[index]]
            yield index, (same_format or candidates)[0]

    def duplicates(self) -> list[tuple[int, list[int]]]:
        """Reports sharing an agency and a year: (year, their indexes in input order), in input order."""
        order = self._order()
        found: list[tuple[int, list[int]]] = []
        at = 0
        while at < len(order):
            end = at + 1
            while end < len(order) and self._key_year(order[end]) == self._key_year(order[at]):
                end += 1
            if end - at > 1:
                found.append((self._year[order[at]], list(order[at:end])))
            at = end
        found.sort(key=lambda group: group[1][0])  # in input order of each group's first report
        return found


def _number(value: str, values: list[str], numbers: dict[str, int]) -> int:
    number = numbers.get(value)
    if number is None:
        number = numbers[value] = len(values)
        values.append(value)
    return number


class _EndingIndex:
    """Last year's report of the same agency printed with or without its parent region.

    Titles drop or add the city ("栖梧区人民政府" / "青岚市栖梧区人民政府"): one name ending with the
    other, when exactly one agency of that year does, is the same agency. Names of each year are
    kept as a hash set (is one of my endings a name?) and as sorted reversed strings (which names end
    with mine? a prefix range found by bisection).
    """

    def __init__(self, names: dict[int, set[str]]) -> None:
        self._names = names
        flipped: dict[str, str] = {}  # each name reversed once, shared by every year it appears in
        self._reversed = {
            year: sorted(flipped.setdefault(n, n[::-1]) for n in of_year) for year, of_year in names.items()
        }

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


def pairing_lines(pairs: Sequence[Pair]) -> list[str]:
    """The pairing, for people: printed in text output, on stderr for machine formats."""
    return list(iter_pairing_lines(pairs))


def iter_pairing_lines(pairs: Sequence[Pair]) -> Iterator[str]:
    """The pairing lines one at a time (a national batch has hundreds of thousands: never all in memory)."""
    if not pairs:
        return
    yield f"上年报告配对 / cross-year pairs ({len(pairs)}):"
    for pair in pairs:
        who = " ".join(str(x) for x in (pair.agency, pair.year) if x is not None)
        yield f"  {pair.source} ← {pair.previous}" + (f"  ({who})" if who else "")
