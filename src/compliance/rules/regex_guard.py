"""Patterns written by users (rule-pack params, project options) are checked before they run on input.

Python's ``re`` backtracks, so a pattern like ``(a+)+b`` or ``(\\s*\\s*)*x`` takes exponential time
on a line that almost matches. A pattern given in a rule pack or a project's options is therefore
parsed and refused when it can backtrack without bound: a repeat inside an unbounded repeat (nested
quantifiers), a back-reference, or more unbounded repeats than ``MAX_UNBOUNDED`` (each one can
multiply the work by the length of the text). The time a pattern can take is then polynomial with
a small degree in the text it sees, and the text is a section of one report. ``safe_pattern`` is
used as a pydantic validator, so a bad pattern is a configuration error naming the field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse  # type: ignore[no-redef]

MAX_PATTERN = 1000  # characters
MAX_UNBOUNDED = 4  # unbounded repeats (*, +, {n,}) in one pattern
_MAXREPEAT = sre_parse.MAXREPEAT
_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)} - {None}


class UnsafePattern(ValueError):
    """A user pattern that is invalid or could backtrack without bound."""


def safe_pattern(pattern: str) -> str:
    """Return ``pattern`` when it compiles and cannot backtrack catastrophically; else raise."""
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"pattern longer than {MAX_PATTERN} characters")
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise UnsafePattern(f"invalid regular expression {pattern!r}: {exc}") from exc
    unbounded = _walk(list(parsed), inside_unbounded=False, pattern=pattern)
    if unbounded > MAX_UNBOUNDED:
        raise UnsafePattern(
            f"regular expression {pattern!r} has {unbounded} unbounded repeats (at most {MAX_UNBOUNDED})"
        )
    return pattern


# The type of a rule parameter or option that holds a user's regular expression.
SafePattern = Annotated[str, AfterValidator(safe_pattern)]


def _walk(items: list[tuple[Any, Any]], inside_unbounded: bool, pattern: str) -> int:
    """Count unbounded repeats; refuse a repeat nested in an unbounded one, and back-references."""
    count = 0
    for op, arg in items:
        if op in (sre_parse.GROUPREF, getattr(sre_parse, "GROUPREF_EXISTS", None)):
            raise UnsafePattern(f"regular expression {pattern!r} uses a back-reference")
        if op in _REPEATS:
            _low, high, body = arg
            unbounded = high == _MAXREPEAT
            if inside_unbounded:
                raise UnsafePattern(f"regular expression {pattern!r} nests a repeat inside an unbounded repeat")
            count += int(unbounded) + _walk(list(body), inside_unbounded or unbounded, pattern)
        elif op == sre_parse.SUBPATTERN:
            count += _walk(list(arg[-1]), inside_unbounded, pattern)
        elif op == sre_parse.BRANCH:
            count += sum(_walk(list(branch), inside_unbounded, pattern) for branch in arg[1])
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            count += _walk(list(arg[1]), inside_unbounded, pattern)
        elif op == getattr(sre_parse, "ATOMIC_GROUP", None):
            count += _walk(list(arg), inside_unbounded, pattern)
    return count
