"""Split run-together digits into table cells, only where exactly one split can be right.

Crawler dumps print a table row's cells with no separator: ``640020470`` is 64/0/0/2/0/4/70.
A candidate split must (1) keep every printed space or sign as a cell border, (2) give every
cell the form of a printed number (no leading zeros: ``02`` is never a cell) and (3) produce
exactly the known number of columns. When several candidates remain, the table's own
identities (template ``totals``) choose; a split is accepted only when exactly one survives,
and the identities that did the choosing are reported so the rules do not claim to have
checked them on that row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from compliance.layout import TableSpec
from compliance.mapping.normalize import clean_text
from compliance.mapping.numbers import MAX_DIGITS

# More candidates than this means the digits carry too little information to be worth trying.
CANDIDATE_LIMIT = 20000
_RUN = re.compile(r"^[\s\d.+\-]+$")
_GROUP = re.compile(r"[+\-]{0,2}[\d.]+")
_CELL = re.compile(rf"^[+\-]{{0,2}}(?:0|[1-9]\d{{0,{MAX_DIGITS - 1}}})(?:\.\d{{1,{MAX_DIGITS}}})?$")


def run_groups(text: str) -> list[str] | None:
    """The printed pieces of a digit run: spaces and signs are borders; None if not a run."""
    text = clean_text(text).strip()
    if not text or not _RUN.match(text) or not any(ch.isdigit() for ch in text):
        return None
    groups = _GROUP.findall(text)
    if "".join(groups) != re.sub(r"\s+", "", text):
        return None
    return groups


def digit_count(text: str) -> int:
    return sum(1 for ch in text if ch.isdigit())


def _too_long(body: str, parts: int) -> bool:
    """More characters than ``parts`` cells can hold: a figure has at most ``MAX_DIGITS`` digits
    (and a point). Without this bound a cell of thousands of digits was cut every way at every
    length: minutes for one row (found by fuzzing HTML, December 2026)."""
    return len(body) > parts * (2 * MAX_DIGITS + 1)


def _longest_head(body: str, parts: int) -> int:
    # A leading zero is a cell of its own: reports never print 02.
    return 1 if body.startswith("0") else min(len(body) - (parts - 1), 2 * MAX_DIGITS + 1)


@functools.lru_cache(maxsize=4096)
def _cuts(body: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """Every way to cut a run of digits into ``parts`` well-formed cells (memoised: rows repeat)."""
    if _too_long(body, parts):
        return ()
    if parts == 1:
        return ((body,),) if _CELL.match(body) else ()
    out: list[tuple[str, ...]] = []
    longest = _longest_head(body, parts)
    for size in range(1, longest + 1):
        head = body[:size]
        if head.endswith(".") or not _CELL.match(head) or body[size:].startswith("."):
            continue
        out.extend((head, *more) for more in _cuts(body[size:], parts - 1))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _count(body: str, parts: int) -> int:
    """How many ways ``_cuts`` would return, counted without building them."""
    if _too_long(body, parts):
        return 0
    if parts == 1:
        return 1 if _CELL.match(body) else 0
    longest = _longest_head(body, parts)
    total = 0
    for size in range(1, longest + 1):
        head = body[:size]
        if head.endswith(".") or not _CELL.match(head) or body[size:].startswith("."):
            continue
        total += _count(body[size:], parts - 1)
    return total


def _count_all(groups: tuple[str, ...], width: int) -> int:
    ways = {width: 1}  # cells still to place → number of ways so far
    for group in groups:
        body = group.lstrip("+-")
        following: dict[int, int] = {}
        for remaining, count in ways.items():
            for parts in range(1, min(digit_count(body), remaining) + 1):
                found = _count(body, parts)
                if found:
                    following[remaining - parts] = following.get(remaining - parts, 0) + count * found
        ways = following
    return ways.get(0, 0)


def _split_group(group: str, parts: int) -> Iterator[list[str]]:
    """Every way to cut one printed group into ``parts`` well-formed cells."""
    sign = group[: len(group) - len(group.lstrip("+-"))]
    for cells in _cuts(group[len(sign) :], parts):
        yield [sign + cells[0], *cells[1:]]


def candidate_splits(groups: list[str], width: int, limit: int = CANDIDATE_LIMIT) -> list[list[str]] | None:
    """All well-formed splits of the groups into ``width`` cells; None when there are too many."""
    found = _candidates(tuple(groups), width, limit)
    return None if found is None else [list(c) for c in found]


@functools.lru_cache(maxsize=1024)
def _candidates(groups: tuple[str, ...], width: int, limit: int) -> tuple[tuple[str, ...], ...] | None:
    # Count first: a long run of non-zero digits has astronomically many splits.
    if _count_all(groups, width) > limit:
        return None
    found: list[tuple[str, ...]] = []
    capacity = [sum(digit_count(g) for g in groups[i:]) for i in range(len(groups) + 1)]

    def place(index: int, remaining: int, prefix: tuple[str, ...]) -> bool:
        if index == len(groups):
            if remaining == 0:
                found.append(prefix)
            return len(found) <= limit
        groups_left = len(groups) - index - 1
        # The later groups can hold at most one cell per digit and need at least one each.
        fewest = max(1, remaining - capacity[index + 1])
        most = min(digit_count(groups[index]), remaining - groups_left)
        for parts in range(fewest, most + 1):
            if _count(groups[index].lstrip("+-"), parts) > limit:
                return False
            for cells in _split_group(groups[index], parts):
                if not place(index + 1, remaining - parts, (*prefix, *cells)):
                    return False
        return True

    if not place(0, width, ()):
        return None
    return tuple(found)


@dataclass(frozen=True)
class RowIdentity:
    """One template identity restricted to one printed row: ``cells[target] == Σ cells[parts]``."""

    id: str
    row: str
    target: str
    parts: tuple[str, ...]

    def holds(self, values: dict[str, int]) -> bool:
        return values[self.target] == sum(values[p] for p in self.parts)


def row_identities(spec: TableSpec, table: str, cell_keys: list[str], row_of: dict[str, str]) -> list[RowIdentity]:
    """The template's per-row totals that can be evaluated on these cells (``row/column`` keys)."""
    identities: list[RowIdentity] = []
    rows = list(dict.fromkeys(row_of[k] for k in cell_keys))
    for number, total in enumerate(spec.totals):
        if total.along != "row":
            continue
        identity_id = total.id or f"{table}-total-{number + 1}"
        parts = spec.expand(total.parts)
        for row in rows:
            target = f"{row}/{total.target.column}"
            keys = [f"{row}/{p}" for p in parts]
            if target in cell_keys and all(k in cell_keys for k in keys):
                identities.append(RowIdentity(identity_id, row, target, tuple(keys)))
    return identities


@dataclass
class Split:
    """The outcome of inferring one run: the cells when unique, and what decided it."""

    cells: list[str] | None
    candidates: int
    # (identity id, row) pairs that rejected a candidate: they cannot be verified on that row.
    identities: list[tuple[str, str]] = field(default_factory=list)
    printed: bool = False  # the printed borders alone give the cells: nothing was inferred
    # Several splits satisfy this row's identities: the table's column identities may still
    # choose among them (``resolve_jointly``).
    survivors: list[list[str]] = field(default_factory=list)


def infer_split(text: str, cell_keys: list[str], identities: list[RowIdentity]) -> Split:
    """Split ``text`` into one cell per key; unique by syntax, else by the given identities."""
    return _infer_split(text, tuple(cell_keys), tuple(identities))


@functools.lru_cache(maxsize=4096)
def _infer_split(text: str, cell_keys: tuple[str, ...], identities: tuple[RowIdentity, ...]) -> Split:
    groups = run_groups(text)
    width = len(cell_keys)
    if groups is None:
        return Split(None, 0)
    if len(groups) == width and all(_CELL.match(g) for g in groups):
        return Split(groups, 1, printed=True)
    candidates = candidate_splits(groups, width)
    if candidates is None:
        return Split(None, CANDIDATE_LIMIT)
    if len(candidates) == 1:
        if identities or len(groups) > 1 or not _one_figure(groups[0]):
            return Split(candidates[0], 1)
        # One printed figure (396) the row's columns would cut into digits (3 | 9 | 6), with no
        # identity to tell a split from a figure whose neighbours were printed elsewhere: a guess.
        return Split(None, 1)
    # Identities hold only on exact integers; decimals and signs leave the split ambiguous.
    usable = [c for c in candidates if all(cell.isascii() and cell.isdigit() for cell in c)]
    if len(usable) != len(candidates) or not identities:
        return Split(None, len(candidates))
    survivors = []
    deciding: set[tuple[str, str]] = set()
    for cells in usable:
        values = dict(zip(cell_keys, (int(c) for c in cells), strict=True))
        failed = [identity for identity in identities if not identity.holds(values)]
        deciding.update((identity.id, identity.row) for identity in failed)
        if not failed:
            survivors.append(cells)
    if len(survivors) != 1:
        return Split(None, len(candidates), sorted(deciding), survivors=survivors)
    return Split(survivors[0], len(candidates), sorted(deciding))


def _one_figure(group: str) -> bool:
    """Could the group be one printed figure? Not with a leading zero: reports never print 02."""
    return bool(_CELL.match(group)) and not (group.startswith("0") and len(group) > 1)


@dataclass
class Pending:
    """A row whose split is still open after its own identities: its surviving candidates."""

    row: str
    columns: list[str]
    candidates: list[list[int]]


def resolve_jointly(
    pending: list[Pending],
    known: dict[tuple[str, str], int],
    column_identities: list[tuple[str, list[str], list[str]]],
    limit: int = CANDIDATE_LIMIT,
) -> dict[str, tuple[list[int], list[tuple[str, str]]]] | None:
    """Choose one candidate per pending row so that every column identity holds; None unless unique.

    ``column_identities`` are (identity id, lhs rows, rhs rows) meaning Σ lhs = Σ rhs in every
    column; ``known`` holds every other cell. Returns row → (values, [(identity id, column)
    that decided it]).
    """
    combos = 1
    for item in pending:
        combos *= len(item.candidates)
    if not pending or combos > limit:
        return None
    rows = {item.row for item in pending}
    usable = [t for t in column_identities if rows & {*t[1], *t[2]}]
    if not usable:
        return None
    columns = pending[0].columns
    solutions: list[tuple[list[int], ...]] = []
    for choice in _product([item.candidates for item in pending]):
        values = dict(known)
        for item, cells in zip(pending, choice, strict=True):
            values.update({(item.row, c): v for c, v in zip(item.columns, cells, strict=True)})
        if all(_balanced(values, lhs, rhs, columns) for _, lhs, rhs in usable):
            solutions.append(choice)
            if len(solutions) > 1:
                return None
    if len(solutions) != 1:
        return None
    result: dict[str, tuple[list[int], list[tuple[str, str]]]] = {}
    for item, cells in zip(pending, solutions[0], strict=True):
        # The identity decided the columns in which this row's candidates disagree.
        differing = [c for n, c in enumerate(item.columns) if len({cand[n] for cand in item.candidates}) > 1]
        deciding = [(identity, c) for identity, lhs, rhs in usable if item.row in {*lhs, *rhs} for c in differing]
        result[item.row] = (cells, deciding)
    return result


def _balanced(values: dict[tuple[str, str], int], lhs: list[str], rhs: list[str], columns: list[str]) -> bool:
    for column in columns:
        left = sum(values.get((r, column), 0) for r in lhs)
        if left != sum(values.get((r, column), 0) for r in rhs):
            return False
    return True


def _product(lists: list[list[list[int]]]) -> Iterator[tuple[list[int], ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)
