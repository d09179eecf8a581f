"""The semantic rule pack and the claim patterns load, validate and document themselves."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from compliance.claimspec import claim_files, claims_schema
from compliance.engine import get_registry
from conftest import REPO

SEMANTIC_RULES = {
    "T2-TEXT",
    "T3-TEXT",
    "T4-TEXT",
    "S5-CONTENT",
    "S5-BOTH",
    "S5-PREV",
    "STRUCT-NUMBERING",
    "S6-NONEMPTY",
    "S6-FEE",
    "T3-FEE-LINK",
    "VER-MATCH",
    "T2V21-VALID-GE-MADE",
    "T2V19-TOTAL-GE-PUB",
    "T2V19-DELTA-SIGN",
    "T2-FEE-UNIT",
    "S1-TOPICS",
    "GOV-EVAL",
    "STRUCT-PERIOD",
    "TEXT-YEAR",
}


def test_semantic_rules_registered_with_examples() -> None:
    registry = get_registry()
    for rule_id in SEMANTIC_RULES:
        loaded = registry.rule(rule_id)
        assert loaded is not None, rule_id
        assert loaded.spec.examples.fail and loaded.spec.examples.pass_
        assert loaded.spec.source == "semantic.yaml"


def test_claims_schema_checked_in_matches_model() -> None:
    checked_in = json.loads((REPO / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))
    assert checked_in == claims_schema(), "schemas/claims.schema.json is stale: run `python -m compliance.claimspec`"


def test_claim_files_validate_against_schema() -> None:
    validator = jsonschema.Draft202012Validator(claims_schema())
    files = claim_files()
    assert files
    for path in files:
        assert list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == []


def test_claim_schema_rejects_unknown_field() -> None:
    validator = jsonschema.Draft202012Validator(claims_schema())
    bad = {"number": {"units": ["件"]}, "claims": [{"id": "x", "target": "T3.new.total", "patterns": [], "oops": 1}]}
    assert list(validator.iter_errors(bad))


def test_semantic_rules_silent_on_clean_reports(tmp_path: Path, seed_text: str) -> None:
    from conftest import SAMPLES
    from helpers import check_text

    texts = {
        "seed.txt": seed_text,
        "v2019.txt": (SAMPLES / "v2019-clean-2020.txt").read_text(encoding="utf-8"),
        "v2021.txt": (SAMPLES / "v2021-clean-2023.txt").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        noisy = [f"{f.rule}: {f.message}" for f in check_text(tmp_path, text, name=name) if f.rule in SEMANTIC_RULES]
        assert noisy == [], name
