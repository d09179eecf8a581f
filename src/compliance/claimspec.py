"""Claim patterns (``rules/claims/*.yaml``) as typed data: how prose states what the tables hold.

A claim pattern says which words introduce a figure ("收到…申请{num}") and which table cell or
derived subtotal the figure is about (``T3.new.total``, ``T3.@deny.total``). The extraction lives
in ``mapping/claims.py`` and the comparison in ``rules/narrative.py``; both read these models, so
the wording of claims is data, validated against ``schemas/claims.schema.json``, never code.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from compliance.layout import LayoutError, data_dir, load_validated


class _Strict(BaseModel):
    # Validators are built on first use: a run that reads these from the data cache never validates them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class NumberGrammar(_Strict):
    """What may surround a figure: its units and the words that make it approximate."""

    units: list[str]
    approx_before: list[str] = Field(default_factory=list)
    approx_after: list[str] = Field(default_factory=list)
    approx_tail: list[str] = Field(default_factory=list)
    # Markers meaning "at least" (1000余件: 1000–1999) and "just under" (近100件): the table may
    # lie above, respectively below, the figure; the others (约, 左右) mean either side.
    lower_bound: list[str] = Field(default_factory=list)
    upper_bound: list[str] = Field(default_factory=list)
    # Longest stretch of words allowed where a pattern writes ``{gap}``.
    gap: int = 20


class ScopeWords(_Strict):
    """Words in the clause before a figure that suggest it covers another body than the tables."""

    markers: list[str] = Field(default_factory=list)
    # Ways an agency names itself ("本局", "本机关"): removed before looking for markers.
    self_words: list[str] = Field(default_factory=list)


class Reading(_Strict):
    """Another cell the figure may legitimately mean; ``severity: none`` means it simply agrees."""

    target: str
    severity: Literal["none", "info", "warning"] = "warning"
    message: str = ""
    message_en: str = ""


class Context(_Strict):
    """Where a figure counts: its sentence names one of ``words``, or it stands in one of ``sections``.

    An agency that handles reviews as an organ ("全年受理行政复议申请500件") is not stating its
    information-disclosure cases; only sentences about 信息公开 (or section 四 itself) are.
    """

    words: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)


class ClaimPattern(_Strict):
    id: str
    description: str = ""
    # ``T3.new.total``; a row part may be ``@group`` or ``row+row``; per-template targets allowed.
    target: str | dict[str, str]
    templates: list[str] = Field(default_factory=lambda: ["V2019", "V2021"])
    # A definite contradiction's severity; approximate or scope-doubtful claims never exceed warning.
    severity: Literal["error", "warning", "info"] = "error"
    # Negative statements ("未发生…行政复议") claim the target is 0.
    negative: bool = False
    patterns: list[str]
    readings: list[Reading] = Field(default_factory=list)
    context: Context | None = None
    # Regular expressions over the claim's sentence that put the statement out of scope: an
    # exception ("除…外均已办结"), another subject ("上年结转的申请均已办结"). Such a sentence
    # makes no claim at all, so it is not extracted.
    unless: list[str] = Field(default_factory=list)
    # The rule that judges this claim (a statement without a figure, such as "均已办结", has its
    # own rule); None: the narrative rule of the target's table (T2-TEXT, T3-TEXT, T4-TEXT).
    rule: str | None = None

    def target_for(self, template: str | None) -> str | None:
        if isinstance(self.target, str):
            return self.target
        return self.target.get(template or "")


class ClaimPatterns(_Strict):
    version: Literal[1] = 1
    description: str = ""
    # Only the first file's grammar counts (files are merged); later files may leave it out.
    number: NumberGrammar = Field(default_factory=lambda: NumberGrammar(units=[]))
    scope: ScopeWords = Field(default_factory=ScopeWords)
    claims: list[ClaimPattern]

    def pattern(self, pattern_id: str | None) -> ClaimPattern | None:
        return next((p for p in self.claims if p.id == pattern_id), None)


@functools.cache
def _claim_files() -> tuple[Path, ...]:
    return tuple(sorted((data_dir("rules") / "claims").glob("*.yaml")))


def claim_files() -> list[Path]:
    # Globbed once per process: every report's claim extraction asks for them.
    return list(_claim_files())


def load_claim_patterns(paths: tuple[Path, ...] | None = None) -> ClaimPatterns:
    """Load and merge claim-pattern files; the first file gives the number grammar and scope words."""
    return _load(paths if paths is not None else tuple(claim_files()))


@functools.cache
def _load(paths: tuple[Path, ...]) -> ClaimPatterns:
    files = list(paths)
    if not files:
        raise LayoutError("no claim-pattern files found under rules/claims/")
    loaded: list[ClaimPatterns] = [load_validated(ClaimPatterns, path) for path in files]
    first = loaded[0]
    claims = [claim for patterns in loaded for claim in patterns.claims]
    ids = [c.id for c in claims]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise LayoutError(f"claim pattern id {duplicate} is defined twice")
    return first.model_copy(update={"claims": claims})


def claims_schema() -> dict[str, object]:
    """The JSON Schema of claim-pattern files, checked in as ``schemas/claims.schema.json``."""
    schema: dict[str, object] = ClaimPatterns.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://compliance.invalid/schemas/claims.schema.json"
    schema["title"] = "compliance claim patterns"
    return schema


if __name__ == "__main__":
    import json
    import sys

    # Regenerate: python -m compliance.claimspec schemas
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "schemas") / "claims.schema.json"
    target.write_text(json.dumps(claims_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
